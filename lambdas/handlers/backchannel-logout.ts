import type { APIGatewayProxyEvent } from 'aws-lambda';
import { backchannelLogoutDependencies, type BackchannelLogoutDependencies } from '../adapters/backchannel-logout-runtime';
import { headerValue } from '../adapters/http-headers';
import { translateError } from '../adapters/library-errors';
import { observability as defaultObservability } from '../adapters/observability';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { BRAND_ID_PATTERN } from '../core/brand-config';
import { decodeUnverifiedJwt } from '../core/decode-unverified-jwt';
import { TokenError, UpstreamError } from '../core/errors';
import type { RevocationTarget } from '../core/revocation';
import { MAX_BODY_BYTES } from '../core/request-bodies';

/**
 * `POST /v1/brands/{brandId}/backchannel-logout`: the OpenID Connect Back-Channel Logout 1.0 receiver. Public: the
 * logout token the brand's CIAM posts (form-encoded `logout_token`) is what authenticates the call. A token with a
 * `sid` revokes that session (only tokens carrying that `sid`), one with only a `sub` every token of the subject issued
 * until the logout token was. Answers 200 with an empty body, or 400 `{"error":"invalid_request"}` for any refusal
 * (the reason goes to the logs); a store that is down answers its 5xx, so the CIAM tries again.
 */
export function createBackchannelLogoutHandler(deps: BackchannelLogoutDependencies): ProxyHandler {
  const observability = deps.observability ?? defaultObservability;
  return withErrorResponses(async (event) => {
    try {
      const brandId = event.pathParameters?.brandId ?? '';
      const token = logoutTokenOf(event);
      const brand = BRAND_ID_PATTERN.test(brandId) ? await deps.findBrand(brandId) : undefined;
      if (!brand || brand.status !== 'active') throw new TokenError('BRAND_UNKNOWN', 'no active brand of that id');
      const logout = await deps.verifyLogoutToken(decodeUnverifiedJwt(token), brand);
      // The subject's watermark is the logout token's own iat (never later than now): tokens of a login made after the
      // logout live on, and a second delivery of the same token moves nothing, so the revocation goes first and the
      // replay check after it can never lose a revocation that failed half-way.
      const revokedAt = Math.min(logout.iat, Math.floor(deps.now() / 1000));
      const target: RevocationTarget = logout.sid !== undefined ? { kind: 'sid', brandId, sid: logout.sid } : { kind: 'sub', brandId, sub: logout.sub as string };
      await deps.revocations.revoke({ target, revokedAt, source: 'backchannel' }, { requestId: event.requestContext.requestId, actor: brand.issuer });
      if (!(await deps.revocations.firstUseOfLogoutToken(brandId, logout.jti, logout.exp))) throw new TokenError('LOGOUT_TOKEN_REPLAYED', 'jti already used');
      return { statusCode: 200, headers: NO_STORE, body: '' };
    } catch (err) {
      const error = translateError(err);
      if (error instanceof UpstreamError) throw error;
      observability.recordRefusal(error, { requestId: event.requestContext.requestId, route: event.resource });
      return json(400, { error: 'invalid_request' }, NO_STORE);
    }
  }, observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createBackchannelLogoutHandler(backchannelLogoutDependencies(env)));

const NO_STORE = { 'cache-control': 'no-store' };

/** The form's one `logout_token`, from an `application/x-www-form-urlencoded` body within the size cap. */
function logoutTokenOf(event: APIGatewayProxyEvent): string {
  const contentType = headerValue(event.headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') throw new TokenError('LOGOUT_TOKEN_INVALID', 'the body is not form-encoded');
  const body = event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new TokenError('LOGOUT_TOKEN_INVALID', 'the body is too large');
  const tokens = new URLSearchParams(body).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '') throw new TokenError('TOKEN_MISSING', 'exactly one logout_token is required');
  return tokens[0] as string;
}
