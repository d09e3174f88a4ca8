import { createRequestAuthorizer } from '../core/authorize-request';
import { JwksCache } from '../core/jwks-cache';
import { ROUTES, type RouteDefinition } from '../core/routes';
import { createTokenVerifier } from '../core/verify-token';
import { cachedBrandLookup } from './brand-config-repository';
import { createDocumentClient } from './dynamodb-client';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import type { RuntimeEnvironment } from './runtime-environment';

/** Wires the authorizer's collaborators once per container, so warm invocations reuse every cache. */
export function createAuthorizerRuntime(env: RuntimeEnvironment, routes: readonly RouteDefinition[] = ROUTES) {
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  const jwks = new JwksCache({
    fetchJwks: async (uri) => (await fetcher.getJson(uri)).body,
    cooldownMs: env.jwksCooldownSeconds * 1000,
  });
  return createRequestAuthorizer({
    findBrand: cachedBrandLookup(createDocumentClient(env), env, uriPolicy),
    verifyToken: createTokenVerifier({ resolveKey: (uri, kid, alg) => jwks.getKey(uri, kid, alg) }),
    routes,
  });
}
