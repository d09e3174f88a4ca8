import type { BrandConfig } from '../core/brand-config';
import { AuditTrail } from './audit-trail';
import { createAuthorizerCacheFlusher, type AuthorizerCacheFlusher } from './authorizer-cache-flusher';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { BrandAdminStore } from './brand-admin-store';
import { checkBrand, type CheckStep } from './brand-onboarding-check';
import { createDocumentClient } from './dynamodb-client';
import type { FunctionEnvironment } from './function-environment';
import type { Observability } from './observability';
import { completeBrandConfig } from './oidc-discovery';
import type { RuntimeHooks } from './runtime-hooks';

/** What the admin handler needs of the brand store. */
export type AdminBrandStore = Pick<BrandAdminStore, 'get' | 'list' | 'put' | 'disable' | 'preview'>;

/** What the admin API handler runs on. */
export interface AdminDependencies {
  readonly store: AdminBrandStore;
  /** Validates a PUT body as a brand config, filling what discovery can. */
  readonly completeConfig: (body: Record<string, unknown>) => Promise<BrandConfig>;
  /** The onboarding check, with an optional sample token. */
  readonly checkBrand: (brand: BrandConfig, sampleToken: string | undefined) => Promise<{ ok: boolean; steps: CheckStep[] }>;
  /** Empties the authorizer result cache of every API stage using the gateway's authorizer (the emulator's locally). */
  readonly flushAuthorizerCache: AuthorizerCacheFlusher;
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
}

/** Wires the admin API's collaborators once per container, with its timestamps and checks on the hooks' clock. */
export function adminDependencies(env: FunctionEnvironment<'admin'>, hooks: RuntimeHooks = {}): AdminDependencies {
  const now = hooks.now ?? Date.now;
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const client = createDocumentClient(env);
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  return {
    store: new BrandAdminStore({
      client,
      brandTableName: env.brandTableName,
      auditTrail: new AuditTrail(client, env.auditTableName, env.auditRetentionDays),
      uriPolicy,
      now,
    }),
    completeConfig: (body) => completeBrandConfig(body, fetcher, uriPolicy),
    checkBrand: (brand, sampleToken) => checkBrand(brand, fetcher, sampleToken, now),
    flushAuthorizerCache: createAuthorizerCacheFlusher(env),
  };
}
