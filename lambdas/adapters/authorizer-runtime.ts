import { createRequestAuthorizer, type AuthorizationDecision, type AuthorizeInput } from '../core/authorize-request';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { cachedBrandLookup } from './brand-config-repository';
import { DYNAMODB_LOCAL_ACCESS } from './dynamodb-local-access';
import type { FunctionEnvironment } from './function-environment';
import { createIntrospectionClient } from './introspection-client';
import { LeanDynamoDb } from './lean-dynamodb';
import { createOpaqueTokenValidation } from './opaque-token-validation';
import { cachedRevocationLookup } from './revocation-reader';
import { countMetric, type Observability } from './observability';
import type { RuntimeHooks } from './runtime-hooks';
import { brandSecretsFor, roleAccess } from './secret-readers';
import { createBrandTokenVerifier } from './token-verification';
import { createUserinfoClient } from './userinfo-client';

/** What the authorizer handler runs on. */
export interface AuthorizerDependencies {
  /** The decision engine: brand, token, and the policy for the API stage of the `methodArn`. */
  readonly authorize: (input: AuthorizeInput) => Promise<AuthorizationDecision>;
  readonly onRefusal?: RuntimeHooks['onRefusal'];
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
  /**
   * Whether this instance has found the brand in the brand table: only those get their own brand dimension in the
   * metrics, so junk brand ids cannot create metrics. Absent: none do.
   */
  readonly brandFound?: (brandId: string) => boolean;
}

/**
 * Wires the authorizer's collaborators once per container, so warm invocations reuse every cache: the brand cache,
 * the JWKS cache and the opaque tokens' answers and secrets, all on the hooks' clock, and each API's route scopes grouped into its policy's Deny patterns.
 */
export function authorizerDependencies(env: FunctionEnvironment<'authorizer'>, hooks: RuntimeHooks = {}): AuthorizerDependencies {
  const now = hooks.now ?? Date.now;
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  const dynamodb = leanDynamoDb(env);
  const lookup = cachedBrandLookup(dynamodb, env, uriPolicy, now);
  // Only brands the table holds get in, so the set is as bounded as the brand table.
  const found = new Set<string>();
  return {
    authorize: createRequestAuthorizer({
      findBrand: async (brandId) => {
        const brand = await lookup(brandId);
        if (brand) found.add(brandId);
        return brand;
      },
      verifyToken: createBrandTokenVerifier({
        fetcher,
        cooldownMs: env.jwksCooldownSeconds * 1000,
        now,
        // Counted for the whole gateway (the cache knows URIs, not brands), published with the next decision's flush.
        onJwksFetch: (reason) => {
          if (reason === 'unknown-kid') countMetric('JwksUnknownKidRefetches');
        },
      }),
      routeScopes: env.routeScopes,
      now,
      validateOpaqueToken: createOpaqueTokenValidation({
        introspection: createIntrospectionClient({ poster: fetcher, secrets: brandSecretsFor(env, now) }),
        userinfo: createUserinfoClient({ fetcher }),
        now,
        ...(hooks.observability ? { observability: hooks.observability } : {}),
      }),
      ...(env.revocationsTableName === undefined
        ? {}
        : { revocations: cachedRevocationLookup(dynamodb, env.revocationsTableName, env.revocationCacheTtlSeconds * 1000, now) }),
    }),
    ...(hooks.onRefusal ? { onRefusal: hooks.onRefusal } : {}),
    brandFound: (brandId) => found.has(brandId),
  };
}

/** DynamoDB with the role credentials Lambda gives the function, or DynamoDB Local's in local mode. */
function leanDynamoDb(env: FunctionEnvironment<'authorizer'>): LeanDynamoDb {
  if (env.dynamodbEndpoint !== undefined) return new LeanDynamoDb({ ...DYNAMODB_LOCAL_ACCESS, endpoint: env.dynamodbEndpoint });
  return new LeanDynamoDb(roleAccess(env));
}
