import { createRequestAuthorizer, type AuthorizationDecision, type AuthorizeInput } from '../core/authorize-request';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { cachedBrandLookup } from './brand-config-repository';
import { DYNAMODB_LOCAL_ACCESS } from './dynamodb-local-access';
import type { FunctionEnvironment } from './function-environment';
import { createIntrospectionClient } from './introspection-client';
import { LeanDynamoDb } from './lean-dynamodb';
import { createOpaqueTokenValidation } from './opaque-token-validation';
import { cachedRevocationLookup } from './revocation-reader';
import type { Observability } from './observability';
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
  return {
    authorize: createRequestAuthorizer({
      findBrand: cachedBrandLookup(dynamodb, env, uriPolicy, now),
      verifyToken: createBrandTokenVerifier({ fetcher, cooldownMs: env.jwksCooldownSeconds * 1000, now }),
      routeScopes: env.routeScopes,
      now,
      validateOpaqueToken: createOpaqueTokenValidation({
        introspection: createIntrospectionClient({ poster: fetcher, secrets: brandSecretsFor(env, now) }),
        userinfo: createUserinfoClient({ fetcher }),
        now,
      }),
      ...(env.revocationsTableName === undefined
        ? {}
        : { revocations: cachedRevocationLookup(dynamodb, env.revocationsTableName, env.revocationCacheTtlSeconds * 1000, now) }),
    }),
    ...(hooks.onRefusal ? { onRefusal: hooks.onRefusal } : {}),
  };
}

/** DynamoDB with the role credentials Lambda gives the function, or DynamoDB Local's in local mode. */
function leanDynamoDb(env: FunctionEnvironment<'authorizer'>): LeanDynamoDb {
  if (env.dynamodbEndpoint !== undefined) return new LeanDynamoDb({ ...DYNAMODB_LOCAL_ACCESS, endpoint: env.dynamodbEndpoint });
  return new LeanDynamoDb(roleAccess(env));
}
