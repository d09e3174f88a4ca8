import { readFile } from 'node:fs/promises';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { ROUTES } from '../../lambdas/core/routes';
import { startDemoCiam, DEMO_AUDIENCE, DEMO_CLIENT, type DemoCiam } from './demo-ciam';
import { startDynamoDbLocal } from './dynamodb-local';
import { startLocalGateway, type GatewayResponses } from './local-gateway';

/**
 * The whole system on one machine: DynamoDB Local, the demo CIAM and the API Gateway emulator running the real
 * handler modules. What the stack defines (tables, gateway responses, timeouts) is passed in by the caller,
 * since runtime code does not import the infrastructure.
 */
export interface LocalModeOptions {
  readonly port: number;
  readonly ciamPort: number;
  /** A JSON array of brand configs, seeded beside `demo`. */
  readonly brandsFile?: string;
  /** The stack's table definitions, as CreateTable requests for a given name. */
  readonly tables: Readonly<Record<'brandConfig' | 'customers' | 'audit', (tableName: string) => CreateTableCommandInput>>;
  readonly gatewayResponses: GatewayResponses;
  readonly integrationTimeoutMs: number;
  readonly resultsCacheTtlSeconds: number;
  /** `x-admin-key` the admin routes require (IAM's stand-in). */
  readonly adminKey: string;
  /** How long handlers cache a brand config. @default 60 */
  readonly brandCacheTtlSeconds?: number;
  /** How often the authorizer may refetch a JWKS. @default 30 */
  readonly jwksCooldownSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface LocalMode {
  readonly gatewayUrl: string;
  readonly ciam: DemoCiam;
  readonly dynamodbEndpoint: string;
  stop(): Promise<void>;
}

export const DEMO_BRAND_ID = 'demo';
const LOCAL_POLICY = { allowLoopbackHttp: true };

export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => undefined);
  };
  try {
    const extraBrands = options.brandsFile ? await readBrandsFile(options.brandsFile) : [];
    const dynamodb = await startDynamoDbLocal();
    stops.push(() => dynamodb.stop());
    const ciam = await startDemoCiam(options.ciamPort);
    stops.push(() => ciam.close());

    const tableNames = { brandConfig: 'local-brands', customers: 'local-customers', audit: 'local-audit' } as const;
    const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    stops.push(async () => client.destroy());
    for (const [table, name] of Object.entries(tableNames) as [keyof typeof tableNames, string][]) {
      await client.send(new CreateTableCommand(options.tables[table](name)));
    }
    const documents = DynamoDBDocumentClient.from(client);
    const demo = parseBrandConfig({
      brandId: DEMO_BRAND_ID,
      displayName: 'Demo brand',
      provider: 'generic-oidc',
      issuer: ciam.issuer,
      jwksUri: ciam.jwksUri,
      userinfoEndpoint: ciam.userinfoEndpoint,
      applicationId: 'demo-app',
      clientId: DEMO_CLIENT.clientId,
      audiences: [DEMO_AUDIENCE],
      requiredScopes: ['loyalty'],
    }, LOCAL_POLICY);
    const seeded = { version: 1, updatedAt: new Date().toISOString(), updatedBy: 'local-mode' };
    for (const brand of [demo, ...extraBrands]) await documents.send(new PutCommand({ TableName: tableNames.brandConfig, Item: { ...brand, ...seeded } }));

    // The handlers read their environment when first imported, exactly as in Lambda.
    Object.assign(process.env, {
      STAGE: 'local',
      ALLOW_LOOPBACK_HTTP: 'true',
      BRAND_TABLE_NAME: tableNames.brandConfig,
      CUSTOMERS_TABLE_NAME: tableNames.customers,
      AUDIT_TABLE_NAME: tableNames.audit,
      AUDIT_RETENTION_DAYS: '30',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_SERVICE_NAME: 'ciam-gateway-local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      JWKS_COOLDOWN_SECONDS: String(options.jwksCooldownSeconds ?? 30),
      BRAND_CACHE_TTL_SECONDS: String(options.brandCacheTtlSeconds ?? 60),
    });
    const { handler: authorizer } = await import('../../lambdas/handlers/authorizer');
    const gateway = await startLocalGateway({
      routes: ROUTES,
      loadHandler: async (name) => (await import(`../../lambdas/handlers/${name}`)).handler,
      authorizer,
      resultsCacheTtlSeconds: options.resultsCacheTtlSeconds,
      gatewayResponses: options.gatewayResponses,
      integrationTimeoutMs: options.integrationTimeoutMs,
      stage: 'local',
      port: options.port,
      adminKey: options.adminKey,
      ...(options.log ? { log: options.log } : {}),
    });
    stops.push(() => gateway.close());
    // The admin handler (imported on its first request) flushes the emulator's authorizer cache through it.
    process.env.LOCAL_GATEWAY_URL = gateway.url;
    return { gatewayUrl: gateway.url, ciam, dynamodbEndpoint: dynamodb.endpoint, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function readBrandsFile(path: string) {
  const brands: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!Array.isArray(brands)) throw new ConfigValidationError('BRAND_CONFIG_INVALID', [`${path}: must be a JSON array of brand configs`]);
  return brands.map((brand) => parseBrandConfig(brand, LOCAL_POLICY));
}
