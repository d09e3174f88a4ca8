import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRequestAuthorizer } from '../core/authorize-request';
import { cachedLookup } from '../core/cached-lookup';
import { JwksCache } from '../core/jwks-cache';
import { ROUTES, type RouteDefinition } from '../core/routes';
import { createTokenVerifier } from '../core/verify-token';
import { BrandConfigRepository } from './brand-config-repository';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import type { RuntimeEnvironment } from './runtime-environment';

/** Wires the authorizer's collaborators once per container, so warm invocations reuse every cache. */
export function createAuthorizerRuntime(env: RuntimeEnvironment, routes: readonly RouteDefinition[] = ROUTES) {
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const dynamodb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint } : {}), maxAttempts: 2 }),
  );
  const brands = new BrandConfigRepository(dynamodb, env.brandTableName, uriPolicy);
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  const jwks = new JwksCache({
    fetchJwks: async (uri) => (await fetcher.getJson(uri)).body,
    cooldownMs: env.jwksCooldownSeconds * 1000,
  });
  return createRequestAuthorizer({
    findBrand: cachedLookup((brandId) => brands.get(brandId), { ttlMs: env.brandCacheTtlSeconds * 1000, maxEntries: 1000 }),
    verifyToken: createTokenVerifier({ resolveKey: (uri, kid, alg) => jwks.getKey(uri, kid, alg) }),
    routes,
  });
}
