import type { APIGatewayProxyEvent } from 'aws-lambda';
import { bearerToken } from '../core/authorize-request';
import type { BrandConfig } from '../core/brand-config';
import type { CiamProfile } from '../core/ciam-profile';
import { decodeUnverifiedJwt } from '../core/decode-unverified-jwt';
import { ForbiddenError, InternalError, TokenError } from '../core/errors';
import { mapCiamProfile } from '../core/map-ciam-profile';
import { AuditTrail } from './audit-trail';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from './bounded-fetch';
import { cachedBrandLookup } from './brand-config-repository';
import { DynamoCustomerStore } from './customer-store';
import { createDocumentClient } from './dynamodb-client';
import { headerValue, readAuthorizerContext } from './http-response';
import type { CustomerEnvironment } from './runtime-environment';
import { createUserinfoClient } from './userinfo-client';

/** Who is calling a customer route, established from the authorizer's context. */
export interface CustomerCaller {
  readonly brand: BrandConfig;
  /** The CIAM user id: the token's `sub`. */
  readonly cuid: string;
  readonly requestId: string;
  /** The CIAM's current view of the user: userinfo (sub-checked) over token claims, mapped and normalised. */
  loadProfile(): Promise<CiamProfile>;
}

/** Wires the customer routes' collaborators once per container. */
export function createCustomerRuntime(env: CustomerEnvironment) {
  const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
  const dynamodb = createDocumentClient(env);
  const findBrand = cachedBrandLookup(dynamodb, env, uriPolicy);
  const userinfo = createUserinfoClient({ fetcher: createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS }) });
  const store = new DynamoCustomerStore(dynamodb, env.customersTableName, new AuditTrail(dynamodb, env.auditTableName, env.auditRetentionDays));

  /** Customer routes act for an end user: a client-credentials token has no customer to act for. */
  async function callerOf(event: APIGatewayProxyEvent): Promise<CustomerCaller> {
    const context = readAuthorizerContext(event);
    if (context.principalType !== 'customer') {
      throw new ForbiddenError('CLIENT_PRINCIPAL_NOT_ALLOWED', 'customer routes need an end-user token');
    }
    const brand = await findBrand(String(context.brandId));
    if (!brand) throw new InternalError(`brand ${String(context.brandId)} vanished after authorization`);
    // API Gateway authorized exactly this Authorization value (it is an identity source), so its claims are
    // the verified ones; the subject is still compared with the authorizer's.
    const token = bearerToken(headerValue(event.headers, 'authorization'));
    const tokenClaims = decodeUnverifiedJwt(token).payload;
    if (tokenClaims.sub !== context.sub) throw new TokenError('CLAIM_INVALID', 'token subject differs from the authorized one');
    const cuid = String(context.sub);
    return {
      brand,
      cuid,
      requestId: event.requestContext.requestId,
      loadProfile: async () => mapCiamProfile({ tokenClaims, userinfo: await userinfo.fetchUserinfo(brand, token, cuid), brand }),
    };
  }

  return { store, callerOf };
}
