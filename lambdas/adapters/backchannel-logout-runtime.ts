import type { BrandConfig } from '../core/brand-config';
import type { Lookup } from '../core/cached-lookup';
import type { UnverifiedJwt } from '../core/decode-unverified-jwt';
import { createLogoutTokenVerifier, type LogoutToken } from '../core/logout-token';
import type { RevocationStore } from '../core/revocation';
import { AuditTrail } from './audit-trail';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { cachedBrandLookup } from './brand-config-repository';
import { createDocumentClient, documentItemGetter } from './dynamodb-client';
import type { FunctionEnvironment } from './function-environment';
import type { Observability } from './observability';
import { DynamoRevocationStore, requiredRevocationsTable } from './revocation-store';
import type { RuntimeHooks } from './runtime-hooks';
import { createBrandKeyResolver } from './token-verification';

/** What the back-channel logout receiver runs on. */
export interface BackchannelLogoutDependencies {
  readonly findBrand: Lookup<BrandConfig>;
  /** Verifies a logout token with the brand's keys and algorithms (lambdas/core/logout-token.ts). */
  readonly verifyLogoutToken: (jwt: UnverifiedJwt, brand: BrandConfig) => Promise<LogoutToken>;
  readonly revocations: RevocationStore;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
}

/** Wires the receiver's collaborators once per container: the brand cache and a JWKS cache, as the authorizer has. */
export function backchannelLogoutDependencies(env: FunctionEnvironment<'customer'>, hooks: RuntimeHooks = {}): BackchannelLogoutDependencies {
  const now = hooks.now ?? Date.now;
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const dynamodb = createDocumentClient(env);
  const resolveKey = createBrandKeyResolver({ fetcher: createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS }), cooldownMs: env.jwksCooldownSeconds * 1000, now });
  return {
    findBrand: cachedBrandLookup(documentItemGetter(dynamodb), env, uriPolicy, now),
    verifyLogoutToken: createLogoutTokenVerifier({ resolveKey, now }),
    revocations: new DynamoRevocationStore(dynamodb, requiredRevocationsTable(env), new AuditTrail(dynamodb, env.auditTableName, env.auditRetentionDays)),
    now,
  };
}
