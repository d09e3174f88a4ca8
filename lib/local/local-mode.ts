import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb-client';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { ROUTES, routeScopesOf } from '../../lambdas/core/routes';
import { LOCAL_TABLES } from './local-tables';
import { startDemoCiam, type DemoCiam } from './demo-ciam';
import { startDynamoDbLocal } from './dynamodb-local';
import { LocalApiKeys } from './local-api-keys';
import { demoBackchannelLogoutUri, demoBrand, demoOpaqueBrand, readBrandsFile, seedBrands } from './local-brands';
import { writeLocalSecretsFile } from './local-secrets';
import { localFunctions, localFunctionVariables } from './local-functions';
import { startLocalGateway } from './local-gateway';
import { consumerRoutes, readRoutesFile } from './local-routes';
import type { LocalSettings } from './local-settings';
import { LocalTimers } from './local-timers';
import { LOCAL_API_ID } from './proxy-event';

/**
 * The whole system on one machine: DynamoDB Local with the stack's tables, the demo CIAM, and the API Gateway
 * emulator in front of the real handlers, each built through its factory from one environment. With a routes file,
 * the emulator also serves a consumer's routes, and the authorizer gets their scopes beside this project's.
 */
export interface LocalModeOptions extends LocalSettings {
  /** Epoch ms clock of the emulator and every function, so tests move time instead of waiting. @default Date.now */
  readonly now?: () => number;
  /**
   * The timers of the admin API's follow-up authorizer-cache flushes, on `now`: a test passes its own to run them
   * (`runDue`) when it moves the clock. @default timers on `now`
   */
  readonly timers?: LocalTimers;
  /** Gets the emulator's request lines and the functions' refusals. @default silent */
  readonly log?: (line: string) => void;
  /**
   * The endpoint the functions reach DynamoDB Local at, given its own: the load test puts a proxy there that it can
   * cut, to take DynamoDB away without losing its data. @default DynamoDB Local's own
   */
  readonly functionsDynamoDbEndpoint?: (endpoint: string) => Promise<string>;
}

export interface LocalMode {
  readonly gatewayUrl: string;
  readonly ciam: DemoCiam;
  readonly dynamodbEndpoint: string;
  /** Stops everything it started, Java included; safe to call more than once. */
  stop(): Promise<void>;
}

export const LOCAL_TABLE_NAMES = { brandConfig: 'local-brands', customers: 'local-customers', audit: 'local-audit', revocations: 'local-revocations' } as const;
/** As the dev stage keeps them. */
const AUDIT_RETENTION_DAYS = 30;

export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const close of stops.reverse()) await close().catch(() => undefined);
    })());
  try {
    const extraBrands = options.brandsFile ? await readBrandsFile(options.brandsFile) : [];
    const consumerScopes = options.routesFile ? await readRoutesFile(options.routesFile, ROUTES) : undefined;
    const secrets = await writeLocalSecretsFile(options.secretsFile);
    stops.push(() => secrets.remove());
    const dynamodb = await startDynamoDbLocal();
    stops.push(() => dynamodb.stop());
    const client = createDocumentClient({ dynamodbEndpoint: dynamodb.endpoint });
    stops.push(async () => client.destroy());
    for (const [table, name] of Object.entries(LOCAL_TABLE_NAMES) as [keyof typeof LOCAL_TABLE_NAMES, string][]) {
      await client.send(new CreateTableCommand(LOCAL_TABLES[table](name)));
    }

    const functionsEndpoint = options.functionsDynamoDbEndpoint ? await options.functionsDynamoDbEndpoint(dynamodb.endpoint) : dynamodb.endpoint;
    const timers = options.timers ?? new LocalTimers(now);
    const apiKeys = new LocalApiKeys(options.tierLimits ?? DEFAULT_QUOTA_TIERS);
    const gateway = await startLocalGateway({
      routes: [...ROUTES, ...(consumerScopes ? consumerRoutes(consumerScopes) : [])],
      functions: (gatewayUrl) =>
        localFunctions(
          localFunctionVariables({
            stage: 'local',
            serviceName: 'ciam-gateway-local',
            brandTableName: LOCAL_TABLE_NAMES.brandConfig,
            customersTableName: LOCAL_TABLE_NAMES.customers,
            auditTableName: LOCAL_TABLE_NAMES.audit,
            revocationsTableName: LOCAL_TABLE_NAMES.revocations,
            auditRetentionDays: AUDIT_RETENTION_DAYS,
            allowLoopbackHttp: true,
            dynamodbEndpoint: functionsEndpoint,
            localGatewayUrl: gatewayUrl,
            usagePlans: apiKeys.usagePlans(),
            localSecretsFile: secrets.path,
            // As a deployed authorizer gets them: the route scopes of each API it serves, by API id.
            routeScopes: { [LOCAL_API_ID]: { ...routeScopesOf(ROUTES), ...consumerScopes } },
            ...options.functionSettings,
          }),
          { now, log, runLater: (dueAtMs, task) => timers.at(dueAtMs, task) },
        ),
      resultsCacheTtlSeconds: options.resultsCacheTtlSeconds,
      stage: 'local',
      port: options.port,
      adminKey: options.adminKey,
      apiKeys,
      now,
      log,
    });
    stops.push(() => gateway.close());
    // Stopped first: a follow-up flush must not run against a gateway that is closing.
    stops.push(async () => timers.stop());

    // Started after the gateway, whose URL its demo client registers for back-channel logouts.
    const ciam = await startDemoCiam(options.ciamPort, { backchannelLogoutUri: demoBackchannelLogoutUri(gateway.url) });
    stops.push(() => ciam.close());
    await seedBrands(client, LOCAL_TABLE_NAMES.brandConfig, [demoBrand(ciam), demoOpaqueBrand(ciam), ...extraBrands], now);
    await syncSeededKeys(gateway.url, options.adminKey);
    return { gatewayUrl: gateway.url, ciam, dynamodbEndpoint: dynamodb.endpoint, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Seeded brands get their API keys as any brand does, through the admin API's key sync. */
async function syncSeededKeys(gatewayUrl: string, adminKey: string): Promise<void> {
  const response = await fetch(`${gatewayUrl}/v1/admin/api-keys/sync`, { method: 'POST', headers: { 'x-admin-key': adminKey } });
  const report = (await response.json()) as { ok?: boolean };
  if (!response.ok || report.ok !== true) throw new Error(`the API keys of the seeded brands could not be made: ${response.status} ${JSON.stringify(report)}`);
}
