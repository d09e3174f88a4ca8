/**
 * `npm run bench`: the authorizer's decision time against aws-jwt-verify and jose on the same RS256 token,
 * measured side by side in one process, in interleaved rounds, with the median round reported. The handler
 * runs for real: brand config in DynamoDB Local (behind a counting proxy), JWKS over HTTP on 127.0.0.1.
 * The last line printed is one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { build } from 'esbuild';
import { JwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ESBUILD_OPTIONS, handlerEntry } from '../../lib/bundling';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, toCreateTableInput } from '../../lib/table-definitions';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { DynamoCustomerStore } from '../../lambdas/adapters/customer-store';
import { linkCustomer } from '../../lambdas/core/login-linking';
import { CountingProxy } from '../support/counting-proxy';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims } from '../support/tokens';

const ROUNDS = 7;
const PER_ROUND = 2000;
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/bench/GET/v1/whoami';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Mean microseconds per call over `count` sequential calls. */
async function timeEach(count: number, fn: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await fn();
  return Number(process.hrtime.bigint() - started) / 1e3 / count;
}

const event = (token: string): APIGatewayRequestAuthorizerEvent =>
  ({ type: 'REQUEST', methodArn: METHOD_ARN, headers: { Authorization: `Bearer ${token}`, 'X-Brand-Id': 'bench' } }) as unknown as APIGatewayRequestAuthorizerEvent;

async function main(): Promise<void> {
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  const dynamodbLocal = await startDynamoDbLocal();
  const proxy = await CountingProxy.start(dynamodbLocal.endpoint);
  const server = await TestHttpServer.start();
  try {
    const key = await makeKey('bench-1');
    server.on('/bench/jwks', { kind: 'json', body: { keys: [key.jwk] } });
    const issuer = server.url('/bench');
    const tableName = `bench-${randomUUID()}`;
    const client = new DynamoDBClient({ endpoint: dynamodbLocal.endpoint });
    await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, tableName)));
    await DynamoDBDocumentClient.from(client).send(new PutCommand({
      TableName: tableName,
      Item: {
        brandId: 'bench', displayName: 'Bench', provider: 'generic-oidc', issuer, jwksUri: server.url('/bench/jwks'),
        userinfoEndpoint: server.url('/bench/userinfo'), applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'],
      },
    }));
    Object.assign(process.env, { STAGE: 'local', ALLOW_LOOPBACK_HTTP: 'true', BRAND_TABLE_NAME: tableName, DYNAMODB_ENDPOINT: proxy.endpoint });
    // Long-lived enough for the whole run; the maximum token age is a day.
    const token = await signToken(key, standardClaims({ iss: issuer, exp: Math.floor(Date.now() / 1000) + 3600 }));

    const coldStarted = process.hrtime.bigint();
    const { handler } = await import('../../lambdas/handlers/authorizer');
    await handler(event(token));
    const coldDecisionMs = Number(process.hrtime.bigint() - coldStarted) / 1e6;

    const awsVerifier = JwtVerifier.create({ issuer, audience: 'loyalty-api', jwksUri: server.url('/bench/jwks') });
    awsVerifier.cacheJwks({ keys: [key.jwk as never] });
    const joseKeys = createLocalJWKSet({ keys: [key.jwk] });
    const garbage = event('abc');
    const deny = async () => handler(garbage).then(() => { throw new Error('garbage token was allowed'); }, () => undefined);

    // Warm every path first, so no round pays for JIT or first-use costs.
    await timeEach(PER_ROUND, () => handler(event(token)));
    await timeEach(PER_ROUND, () => awsVerifier.verifySync(token));
    await timeEach(PER_ROUND, () => jwtVerify(token, joseKeys, { issuer, audience: 'loyalty-api' }));
    await timeEach(PER_ROUND, deny);

    const reads = proxy.count('GetItem');
    const fetches = server.hitCount('/bench/jwks');
    const warmEvent = event(token);
    const rounds = { warm: [] as number[], aws: [] as number[], jose: [] as number[], garbage: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.warm.push(await timeEach(PER_ROUND, () => handler(warmEvent)));
      rounds.aws.push(await timeEach(PER_ROUND, () => awsVerifier.verifySync(token)));
      rounds.jose.push(await timeEach(PER_ROUND, () => jwtVerify(token, joseKeys, { issuer, audience: 'loyalty-api' })));
      rounds.garbage.push(await timeEach(PER_ROUND, deny));
    }
    const warmDecisions = ROUNDS * PER_ROUND;
    const ddbReadsPerWarmDecision = (proxy.count('GetItem') - reads) / warmDecisions;
    const jwksFetchesPerWarmDecision = (server.hitCount('/bench/jwks') - fetches) / warmDecisions;

    const { linkFirstWcu, linkRepeatWcu } = await measureLinkWrites(client);

    const bundle = await build({ ...ESBUILD_OPTIONS, entryPoints: [handlerEntry('authorizer')], write: false, sourcemap: false, logLevel: 'silent' });
    const authorizerBundleBytes = bundle.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0);

    const warmDecisionUs = median(rounds.warm);
    const awsJwtVerifyUs = median(rounds.aws);
    const denyGarbageUs = median(rounds.garbage);
    const round2 = (n: number) => Math.round(n * 100) / 100;
    console.log(`rounds (µs): warm ${rounds.warm.map(round2).join(' ')} | aws-jwt-verify ${rounds.aws.map(round2).join(' ')}`);
    console.log('targets: ratioVsAwsJwtVerify <= 1.3, 0 reads and 0 fetches per warm decision, denyGarbageUs <= 0.2 x warmDecisionUs, linkRepeatWcu 0');
    console.log(JSON.stringify({
      warmDecisionUs: round2(warmDecisionUs),
      awsJwtVerifyUs: round2(awsJwtVerifyUs),
      joseVerifyUs: round2(median(rounds.jose)),
      ratioVsAwsJwtVerify: round2(warmDecisionUs / awsJwtVerifyUs),
      denyGarbageUs: round2(denyGarbageUs),
      coldDecisionMs: round2(coldDecisionMs),
      ddbReadsPerWarmDecision,
      jwksFetchesPerWarmDecision,
      authorizerBundleBytes,
      linkFirstWcu,
      linkRepeatWcu,
    }));
    client.destroy();
  } finally {
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
