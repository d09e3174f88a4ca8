import type { APIGatewayProxyEvent } from 'aws-lambda';
import { bearerToken } from '../core/authorize-request';
import { validatedAsJwt, type BrandConfig } from '../core/brand-config';
import type { Lookup } from '../core/cached-lookup';
import type { CiamProfile } from '../core/ciam-profile';
import type { CustomerStore } from '../core/customer-store-port';
import { decodeUnverifiedJwt } from '../core/decode-unverified-jwt';
import { ForbiddenError, InternalError, TokenError } from '../core/errors';
import { mapCiamProfile } from '../core/map-ciam-profile';
import { checkProfileScope, verifyIdToken } from '../core/profile-source';
import type { TokenVerifier } from '../core/verify-token';
import { AuditTrail } from './audit-trail';
import type { RevocationStore } from '../core/revocation';
import { readAuthorizerContext, refuseRevoked, revocationClaimsOf, type RevocationClaims } from './authorizer-context';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { cachedBrandLookup } from './brand-config-repository';
import { DynamoCustomerStore } from './customer-store';
import { DynamoRevocationStore, requiredRevocationsTable } from './revocation-store';
import { createDocumentClient, documentItemGetter } from './dynamodb-client';
import type { FunctionEnvironment } from './function-environment';
import { headerValue } from './http-headers';
import type { Observability } from './observability';
import type { RuntimeHooks } from './runtime-hooks';
import { createBrandTokenVerifier } from './token-verification';
import { createUserinfoClient, type UserinfoClient } from './userinfo-client';

/** Who is calling a customer route, established from the authorizer's context. */
export interface CustomerCaller {
  readonly brand: BrandConfig;
  /** The CIAM user id: the token's `sub`. */
  readonly cuid: string;
  readonly requestId: string;
  /** The token's `iat` and `sid`. */
  readonly token: RevocationClaims;
  /**
   * The CIAM's current view of the user, mapped and normalised, from the brand's profile source: userinfo
   * (sub-checked) over the access token's claims, or the claims of `idToken`, verified as `verifyIdToken` does.
   *
   * @param idToken the ID token the request carries (body `idToken`, or `X-Id-Token` on GET); read only for `id_token` brands.
   */
  loadProfile(idToken: string | undefined): Promise<CiamProfile>;
  /** For an `id_token` brand, a route that needs no profile still proves the sign-in: 401 unless `idToken` is valid and the caller's. */
  verifyIdToken(idToken: string | undefined): Promise<void>;
}

/** What every customer route handler runs on. */
export interface CustomerRouteDependencies {
  readonly store: CustomerStore;
  readonly revocations: RevocationStore;
  readonly callerOf: (event: APIGatewayProxyEvent) => Promise<CustomerCaller>;
  /** Epoch milliseconds, for the changes' and audit records' times. */
  readonly now: () => number;
  /** @default Powertools logs and EMF metrics */
  readonly observability?: Observability;
}

/**
 * Customer routes act for an end user: a client-credentials token has no customer to act for. The decision must not
 * have outlived its token (`now`), the bearer token must be the one the authorizer verified, it must carry the
 * scope the brand's profile source needs (`openid` for userinfo: 403 insufficient_scope otherwise), and its subject
 * or session must not have been revoked since (API Gateway may serve a cached Allow for minutes).
 */
export function createCallerResolver(deps: {
  readonly findBrand: Lookup<BrandConfig>;
  readonly userinfo: UserinfoClient;
  /** Verifies ID tokens against the brand's keys: the same verifier the authorizer runs. */
  readonly verifyToken: TokenVerifier;
  readonly revocations: Pick<RevocationStore, 'stateOf'>;
  readonly now: () => number;
}): (event: APIGatewayProxyEvent) => Promise<CustomerCaller> {
  return async (event) => {
    const context = readAuthorizerContext(event, deps.now());
    if (context.principalType !== 'customer') {
      throw new ForbiddenError('CLIENT_PRINCIPAL_NOT_ALLOWED', 'customer routes need an end-user token');
    }
    const brand = await deps.findBrand(String(context.brandId));
    if (!brand) throw new InternalError(`brand ${String(context.brandId)} vanished after authorization`);
    // API Gateway authorized exactly this Authorization value (it is an identity source), so its claims are
    // the verified ones; the subject is still compared with the authorizer's.
    const token = bearerToken(headerValue(event.headers, 'authorization'));
    // An opaque token has no claims of its own to read: the authorizer's context holds what its CIAM said.
    const tokenClaims = validatedAsJwt(brand, token) ? decodeUnverifiedJwt(token).payload : opaqueTokenClaims(context);
    if (tokenClaims.sub !== context.sub) throw new TokenError('CLAIM_INVALID', 'token subject differs from the authorized one');
    checkProfileScope(brand, new Set(String(context.scopes ?? '').split(' ')));
    const cuid = String(context.sub);
    const revocationClaims = revocationClaimsOf(tokenClaims);
    await refuseRevoked(deps.revocations, brand.brandId, cuid, revocationClaims);
    const idTokenClaims = (idToken: string | undefined) => verifyIdToken(deps.verifyToken, brand, idToken, cuid);
    const { userinfoEndpoint } = brand;
    return {
      brand,
      cuid,
      requestId: event.requestContext.requestId,
      token: revocationClaims,
      loadProfile: async (idToken) => {
        if (brand.profileSource === 'id_token') return mapCiamProfile({ tokenClaims: await idTokenClaims(idToken), userinfo: undefined, brand });
        if (userinfoEndpoint === undefined) throw new InternalError(`brand ${brand.brandId} reads profiles from userinfo but has no userinfoEndpoint`);
        return mapCiamProfile({ tokenClaims, userinfo: await deps.userinfo.fetchUserinfo({ brandId: brand.brandId, userinfoEndpoint }, token, cuid), brand });
      },
      verifyIdToken: async (idToken) => {
        if (brand.profileSource === 'id_token') await idTokenClaims(idToken);
      },
    };
  };
}

/** The claims of an opaque token the authorizer validated, as its context carries them: `sub`, `iat` and `sid`. */
function opaqueTokenClaims(context: Record<string, unknown>): Record<string, unknown> {
  const { sub, iat, sid } = context;
  return { sub, iat: Number(iat), ...(typeof sid === 'string' && sid !== '' ? { sid } : {}) };
}

/** Wires the customer routes' collaborators once per container. */
export function customerRouteDependencies(env: FunctionEnvironment<'customer'>, hooks: RuntimeHooks = {}): CustomerRouteDependencies {
  const now = hooks.now ?? Date.now;
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const dynamodb = createDocumentClient(env);
  const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
  const userinfo = createUserinfoClient({ fetcher });
  const verifyToken = createBrandTokenVerifier({ fetcher, cooldownMs: env.jwksCooldownSeconds * 1000, now });
  const auditTrail = new AuditTrail(dynamodb, env.auditTableName, env.auditRetentionDays);
  const revocations = new DynamoRevocationStore(dynamodb, requiredRevocationsTable(env), auditTrail);
  return {
    store: new DynamoCustomerStore(dynamodb, env.customersTableName, auditTrail),
    revocations,
    callerOf: createCallerResolver({ findBrand: cachedBrandLookup(documentItemGetter(dynamodb), env, uriPolicy, now), userinfo, verifyToken, revocations, now }),
    now,
  };
}
