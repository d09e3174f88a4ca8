import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { BrandConfig } from '../core/brand-config';
import { AuditTrail } from './audit-trail';
import { createRegisteredStagesFlush, flushNowAndAfterBrandCaches, type AuthorizerCacheFlusher, type FlushClients, type RegisteredStagesFlush } from './authorizer-cache-flusher';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { BrandAdminStore } from './brand-admin-store';
import { checkBrand, type CheckResult } from './brand-onboarding-check';
import { brandSecretsFor } from './secret-readers';
import { createDocumentClient } from './dynamodb-client';
import { followUpFlushSender } from './follow-up-flush-queue';
import type { FunctionEnvironment } from './function-environment';
import type { Observability } from './observability';
import { completeBrandConfig } from './oidc-discovery';
import { DynamoRevocationStore, requiredRevocationsTable } from './revocation-store';
import type { RuntimeHooks } from './runtime-hooks';
import { createUsageKeySync, type UsageKeySync } from './usage-key-sync';

/** What the admin handler needs of the brand store. */
export type AdminBrandStore = Pick<BrandAdminStore, 'get' | 'list' | 'put' | 'setStatus' | 'preview'>;

/** Each brand's API key, kept in its tier's usage plan (quotas); absent when the stage has no usage plans. */
export interface AdminQuotas {
  /** The stage's tiers: a brand's `tier` must be one of them. */
  readonly tiers: readonly string[];
  readonly syncKey: UsageKeySync;
}

/** What the admin API handler runs on. */
export interface AdminDependencies {
  readonly store: AdminBrandStore;
  /** Validates a PUT body as a brand config, filling what discovery can. */
  readonly completeConfig: (body: Record<string, unknown>) => Promise<BrandConfig>;
  /** The onboarding check, with an optional sample token. */
  readonly checkBrand: (brand: BrandConfig, sampleToken: string | undefined) => Promise<CheckResult>;
  /**
   * Empties the authorizer result cache of every API stage using the gateway's authorizer (the emulator's locally),
   * now and again once the authorizers' brand caches have run out.
   */
  readonly flushAuthorizerCache: AuthorizerCacheFlusher;
  /** A brand's audit trail, a page at a time. */
  readonly audit: Pick<AuditTrail, 'brandTrail'>;
  /** Revokes a subject or session of a brand, and shows what is recorded for one. */
  readonly revocations: Pick<DynamoRevocationStore, 'revoke' | 'find'>;
  readonly quotas?: AdminQuotas;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
}

/** The SDK clients of the admin API's authorizer-cache flushes; tests point them at a loopback server. */
export interface AdminClients extends FlushClients {
  readonly sqs?: SQSClient;
}

/** Wires the admin API's collaborators once per container, with its timestamps and checks on the hooks' clock. */
export function adminDependencies(env: FunctionEnvironment<'admin'>, hooks: RuntimeHooks = {}, clients: AdminClients = {}): AdminDependencies {
  const now = hooks.now ?? Date.now;
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const client = createDocumentClient(env);
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  const flushNow = createRegisteredStagesFlush(env, clients);
  const auditTrail = new AuditTrail(client, env.auditTableName, env.auditRetentionDays);
  const store = new BrandAdminStore({ client, brandTableName: env.brandTableName, auditTrail, uriPolicy, now });
  const tiers = Object.keys(env.usagePlans);
  const secrets = brandSecretsFor(env, now);
  return {
    now,
    audit: auditTrail,
    revocations: new DynamoRevocationStore(client, requiredRevocationsTable(env), auditTrail),
    store,
    ...(tiers.length === 0
      ? {}
      : {
          quotas: {
            tiers,
            syncKey: createUsageKeySync({
              apiGateway: usageKeyClient(env, clients),
              keyNamePrefix: `ciam-gateway-${env.stage}-`,
              usagePlans: env.usagePlans,
              recordKey: (brandId, key) => store.setUsageKey(brandId, key),
            }),
          },
        }),
    completeConfig: (body) => completeBrandConfig(body, fetcher, uriPolicy),
    checkBrand: (brand, sampleToken) => checkBrand(brand, fetcher, sampleToken, now, secrets),
    flushAuthorizerCache: flushNowAndAfterBrandCaches(flushNow, {
      scheduleFollowUp: env.authorizerCacheFlushQueueUrl
        ? followUpFlushSender(clients.sqs ?? new SQSClient({ maxAttempts: 2 }), env.authorizerCacheFlushQueueUrl, now)
        : followUpTimer(flushNow, hooks.runLater ?? realTimer(now)),
      brandCacheTtlSeconds: env.brandCacheTtlSeconds,
      now,
    }),
  };
}

/** API Gateway's control plane, or in local mode the emulator's stand-in for the same calls. */
function usageKeyClient(env: FunctionEnvironment<'admin'>, clients: AdminClients): APIGatewayClient {
  if (env.localGatewayUrl !== undefined) {
    return new APIGatewayClient({ endpoint: `${env.localGatewayUrl}/_emulator/apigateway`, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  }
  return clients.apiGateway ?? new APIGatewayClient({ maxAttempts: 2 });
}

/** Local mode (no queue): the follow-up flush runs from a timer; what it cannot flush is logged, as any flush's. */
function followUpTimer(flushNow: RegisteredStagesFlush, runLater: NonNullable<RuntimeHooks['runLater']>): (dueAtMs: number) => Promise<void> {
  return async (dueAtMs) => {
    runLater(dueAtMs, async () => {
      await flushNow();
    });
  };
}

/** A timer on the real clock that does not keep the process alive. */
function realTimer(now: () => number): NonNullable<RuntimeHooks['runLater']> {
  return (dueAtMs, task) => {
    setTimeout(() => void task(), Math.max(0, dueAtMs - now())).unref();
  };
}
