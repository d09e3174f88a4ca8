/**
 * `npm run bench`: the shipped authorizer asset (dist/assets/authorizer/index.js, as `npm run build` writes it and
 * the stack deploys it), measured as shared/BENCH.md defines each key. Brand config lives in DynamoDB Local (behind
 * a counting proxy for the warm decisions), the JWKS on a loopback HTTP server.
 * - Cold: fresh `node` processes with the deployed NODE_OPTIONS and the environment the stack writes, the shipped
 *   asset side by side with two hand-written baselines (test/bench/baselines) bundled the same way.
 * - Warm: the asset loaded in this process, in interleaved rounds against aws-jwt-verify and jose on the same token.
 * The last line printed is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { toBrandItem } from '../../lambdas/adapters/brand-item';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { DynamoCustomerStore } from '../../lambdas/adapters/customer-store';
import { functionEnvironmentVariables } from '../../lambdas/adapters/function-environment';
import { parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { linkCustomer } from '../../lambdas/core/login-linking';
import { ROUTES, routeScopesOf } from '../../lambdas/core/routes';
import { BUNDLE_ENVIRONMENT } from '../../lib/bundling';
import { CIAM_AUTHORIZER_DEFAULTS, CIAM_AUTHORIZER_SERVICE_NAME } from '../../lib/ciam-authorizer-defaults';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { CountingProxy } from '../support/counting-proxy';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims } from '../support/tokens';
import { bundleBaselines } from './baseline-assets';
import { compareColdStarts } from './cold-start';
import { DEFAULT_OPTION, measureDecisionCacheMix, MIX_USERS } from './decision-cache-mix';
import { KNOWN_BRANDS, measureJunkFlood } from './junk-flood';
import { measureIntrospectionCalls } from './opaque-introspection';
import { assetBytes, shippedAsset } from './shipped-assets';
import { median, round2 } from './stats';

const ROUNDS = 7;
const PER_ROUND = 2000;
/** Pairs per cold-start ratio: BENCH.md asks for at least 10. */
const COLD_ROUNDS = 15;
const API_ID = 'abcdef1234';
const METHOD_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/bench/GET/v1/whoami`;
/** Lambda's CPU share at 512 MB: a full vCPU is 1,769 MB. */
const CPU_SHARE_512 = 1769 / 512;

/** The revocation table beside a brand table, as the bench creates it. */
const revocationsTableOf = (brandTableName: string): string => `${brandTableName}-revocations`;

type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** Mean microseconds per call over `count` sequential calls. */
async function timeEach(count: number, fn: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await fn();
  return Number(process.hrtime.bigint() - started) / 1e3 / count;
}

const event = (token: string, brandId = 'bench'): APIGatewayRequestAuthorizerEvent =>
  ({ type: 'REQUEST', methodArn: METHOD_ARN, headers: { Authorization: `Bearer ${token}`, 'X-Brand-Id': brandId } }) as unknown as APIGatewayRequestAuthorizerEvent;

/** What the stack gives the authorizer, plus the local-only variables that point it at DynamoDB Local and loopback http. */
function authorizerEnvironment(brandTableName: string, dynamodbEndpoint: string): Record<string, string> {
  return functionEnvironmentVariables('authorizer', {
    stage: 'local',
    brandTableName,
    revocationsTableName: revocationsTableOf(brandTableName),
    // The longest allowed: `revocationReadsPerWarmDecision` counts decisions within the TTL, and the run lasts seconds.
    revocationCacheTtlSeconds: 60,
    brandCacheTtlSeconds: CIAM_AUTHORIZER_DEFAULTS.brandConfigCacheTtl.toSeconds(),
    serviceName: CIAM_AUTHORIZER_SERVICE_NAME,
    // As this project's stack hands it its own route table.
    routeScopes: { [API_ID]: routeScopesOf(ROUTES) },
    allowLoopbackHttp: true,
    dynamodbEndpoint,
  });
}

async function main(): Promise<void> {
  const asset = shippedAsset('authorizer');
  const dynamodbLocal = await startDynamoDbLocal();
  const proxy = await CountingProxy.start(dynamodbLocal.endpoint);
  const server = await TestHttpServer.start();
  const scratch = mkdtempSync(join(tmpdir(), 'ciam-bench-'));
  try {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const key = await makeKey('bench-1');
    server.on('/bench/jwks', { kind: 'json', body: { keys: [key.jwk] } });
    const issuer = server.url('/bench');
    const tableName = `bench-${randomUUID()}`;
    const client = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint });
    await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, tableName)));
    await client.send(new CreateTableCommand(toCreateTableInput(REVOCATIONS_TABLE, revocationsTableOf(tableName))));
    const storeBrand = (config: BrandConfig) => DynamoDBDocumentClient.from(client).send(new PutCommand({
      TableName: tableName,
      Item: toBrandItem({ config, version: 1, updatedAt: new Date().toISOString(), updatedBy: 'bench' }),
    }));
    const putBrand = async (brandId: string) => {
      await storeBrand(parseBrandConfig({
        brandId, displayName: 'Bench', provider: 'generic-oidc', issuer, jwksUri: server.url('/bench/jwks'),
        userinfoEndpoint: server.url('/bench/userinfo'), applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'],
      }, { allowLoopbackHttp: true }));
    };
    const knownBrands = Array.from({ length: KNOWN_BRANDS }, (_, i) => `known-${i}`);
    for (const brandId of ['bench', ...knownBrands]) await putBrand(brandId);
    // Long-lived enough for the whole run; the maximum token age is a day.
    const token = await signToken(key, standardClaims({ iss: issuer, exp: Math.floor(Date.now() / 1000) + 3600 }));

    // Cold: every process reads DynamoDB Local directly and fetches the JWKS once.
    const baselines = await bundleBaselines(scratch);
    const coldEnvironment = authorizerEnvironment(tableName, dynamodbLocal.endpoint);
    const cold = await compareColdStarts(
      { shipped: { asset, environment: coldEnvironment }, sdk: { asset: baselines.sdk, environment: coldEnvironment }, lean: { asset: baselines.lean, environment: coldEnvironment } },
      { rounds: COLD_ROUNDS, nodeOptions: BUNDLE_ENVIRONMENT.NODE_OPTIONS, event: event(token) },
    );

    // Warm: the same asset in this process, reading through the counting proxy; logs and metrics silenced.
    Object.assign(process.env, authorizerEnvironment(tableName, proxy.endpoint), { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
    const { handler } = createRequire(__filename)(asset) as { handler: Authorizer };
    await handler(event(token));

    const awsVerifier = JwtVerifier.create({ issuer, audience: 'loyalty-api', jwksUri: server.url('/bench/jwks') });
    awsVerifier.cacheJwks({ keys: [key.jwk as never] });
    const joseKeys = createLocalJWKSet({ keys: [key.jwk] });
    const garbage = event('abc');
    const deny = async () => handler(garbage).then(() => { throw new Error('garbage token was allowed'); }, () => undefined);
    // The floor under any decision: a handler that awaits an engine and returns (or throws) a value made in advance.
    // A warm decision and a refusal cannot cost less than these; the README compares them.
    const result = await handler(event(token));
    const unauthorized = new Error('Unauthorized');
    const engine = async (allow: boolean) => {
      if (!allow) throw unauthorized;
      return result;
    };
    const floorHandler = async (allow: boolean) => engine(allow);
    const allowFloor = () => floorHandler(true);
    const refuseFloor = async () => floorHandler(false).then(() => undefined, () => undefined);

    // Warm every path first, so no round pays for JIT or first-use costs.
    await timeEach(PER_ROUND, () => handler(event(token)));
    await timeEach(PER_ROUND, () => awsVerifier.verifySync(token));
    await timeEach(PER_ROUND, () => jwtVerify(token, joseKeys, { issuer, audience: 'loyalty-api' }));
    await timeEach(PER_ROUND, deny);
    await timeEach(PER_ROUND, allowFloor);
    await timeEach(PER_ROUND, refuseFloor);

    const reads = proxy.count('GetItem');
    const revocationReads = proxy.count('BatchGetItem');
    const fetches = server.hitCount('/bench/jwks');
    const warmEvent = event(token);
    const rounds = { warm: [] as number[], aws: [] as number[], jose: [] as number[], garbage: [] as number[], allowFloor: [] as number[], refuseFloor: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.warm.push(await timeEach(PER_ROUND, () => handler(warmEvent)));
      rounds.aws.push(await timeEach(PER_ROUND, () => awsVerifier.verifySync(token)));
      rounds.jose.push(await timeEach(PER_ROUND, () => jwtVerify(token, joseKeys, { issuer, audience: 'loyalty-api' })));
      rounds.garbage.push(await timeEach(PER_ROUND, deny));
      rounds.allowFloor.push(await timeEach(PER_ROUND, allowFloor));
      rounds.refuseFloor.push(await timeEach(PER_ROUND, refuseFloor));
    }
    const warmDecisions = ROUNDS * PER_ROUND;
    const ddbReadsPerWarmDecision = (proxy.count('GetItem') - reads) / warmDecisions;
    const revocationReadsPerWarmDecision = (proxy.count('BatchGetItem') - revocationReads) / warmDecisions;
    const jwksFetchesPerWarmDecision = (server.hitCount('/bench/jwks') - fetches) / warmDecisions;

    const { junkFloodSlowdown, ddbReadsPerJunkId } = await measureJunkFlood({
      asset,
      environment: { ...authorizerEnvironment(tableName, proxy.endpoint), POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      proxy,
      brandIds: knownBrands,
      freshToken: () => signToken(key, standardClaims({ iss: issuer, sub: `user-${randomUUID()}`, exp: Math.floor(Date.now() / 1000) + 3600 })),
      event,
    });
    const mixTokens = await Promise.all(Array.from({ length: MIX_USERS }, (_, i) =>
      signToken(key, standardClaims({ iss: issuer, sub: `mix-user-${i}`, exp: Math.floor(Date.now() / 1000) + 3600 }))));
    const budgetOptions = await measureDecisionCacheMix({ authorizer: handler, tokens: mixTokens, event: (mixToken) => event(mixToken) });
    const opaque = await measureIntrospectionCalls({
      asset,
      environment: { ...authorizerEnvironment(tableName, dynamodbLocal.endpoint), POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      scratch,
      issuer,
      jwksUri: server.url('/bench/jwks'),
      storeBrand,
      event,
    });
    const { linkFirstWcu, linkRepeatWcu } = await measureLinkWrites(client);
    const bytes = assetBytes();

    const warmDecisionUs = median(rounds.warm);
    const awsJwtVerifyUs = median(rounds.aws);
    const coldInitMs = cold.initMs.shipped;
    console.log(`rounds (µs): warm ${rounds.warm.map(round2).join(' ')} | aws-jwt-verify ${rounds.aws.map(round2).join(' ')}`);
    console.log(`cold init (ms CPU): shipped ${round2(coldInitMs)} | aws-jwt-verify + SDK ${round2(cold.initMs.sdk)} | aws-jwt-verify + aws4fetch ${round2(cold.initMs.lean)}`);
    console.log('targets: ratioVsAwsJwtVerify <= 1.1, 0 reads and 0 fetches per warm decision, denyGarbageUs <= 0.2 x warmDecisionUs, linkRepeatWcu 0,');
    console.log('         coldRatioVsBaseline <= 0.4, coldRatioVsLean <= 1.5, coldPeakRssMb <= 55, assetBytes.authorizer <= 150000,');
    console.log('         junkFloodSlowdown <= 1.5, ddbReadsPerJunkId <= 1, revocationReadsPerWarmDecision 0,');
    console.log('         introspectionCallsPerWarmDecision 0, introspectionCallsFor100Concurrent 1');
    console.log(JSON.stringify({
      warmDecisionUs: round2(warmDecisionUs),
      awsJwtVerifyUs: round2(awsJwtVerifyUs),
      joseVerifyUs: round2(median(rounds.jose)),
      ratioVsAwsJwtVerify: round2(warmDecisionUs / awsJwtVerifyUs),
      denyGarbageUs: round2(median(rounds.garbage)),
      allowFloorUs: round2(median(rounds.allowFloor)),
      refuseFloorUs: round2(median(rounds.refuseFloor)),
      coldDecisionMs: round2(cold.loadAndDecideMs.shipped),
      coldInitMs: round2(coldInitMs),
      coldRatioVsBaseline: round2(cold.ratioOf('shipped', 'sdk')),
      coldRatioVsLean: round2(cold.ratioOf('shipped', 'lean')),
      coldPeakRssMb: round2(cold.peakRssMb.shipped),
      estimatedColdStartMs512: round2(coldInitMs * CPU_SHARE_512),
      ddbReadsPerWarmDecision,
      jwksFetchesPerWarmDecision,
      revocationReadsPerWarmDecision,
      authorizerInvocationsPer1000: budgetOptions[DEFAULT_OPTION]?.invocationsPer1000,
      budgetOptions,
      authorizerBundleBytes: bytes.authorizer,
      assetBytes: bytes,
      junkFloodSlowdown: round2(junkFloodSlowdown),
      ddbReadsPerJunkId: round2(ddbReadsPerJunkId),
      linkFirstWcu,
      linkRepeatWcu,
      ...opaque,
    }));
    client.destroy();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await server.stop();
    await proxy.stop();
    await dynamodbLocal.stop();
  }
}

/** Write units a first login and a repeat login (nothing changed) consume, as DynamoDB reports them. */
async function measureLinkWrites(client: DynamoDBClient): Promise<{ linkFirstWcu: number; linkRepeatWcu: number }> {
  const suffix = randomUUID();
  await client.send(new CreateTableCommand(toCreateTableInput(CUSTOMERS_TABLE, `customers-${suffix}`)));
  await client.send(new CreateTableCommand(toCreateTableInput(AUDIT_TABLE, `audit-${suffix}`)));
  const documents = DynamoDBDocumentClient.from(client);
  const store = new DynamoCustomerStore(documents, `customers-${suffix}`, new AuditTrail(documents, `audit-${suffix}`, 30));
  const profile = { cuid: 'bench-user', firstName: 'Bench', lastName: 'User', email: 'bench@example.com', emailVerified: true, mobile: '+447400123456', mobileVerified: true };
  const login = async () => {
    const before = store.consumedCapacity.writeUnits;
    await linkCustomer(store, { brandId: 'bench', profile, requestId: randomUUID(), now: Date.now() });
    return store.consumedCapacity.writeUnits - before;
  };
  return { linkFirstWcu: await login(), linkRepeatWcu: await login() };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
