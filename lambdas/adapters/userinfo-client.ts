/**
 * Calls a brand's OIDC userinfo endpoint with the caller's access token. The endpoint is brand-controlled and
 * treated as hostile: the bounded fetcher caps its time and size and refuses redirects; this client adds a single
 * retry, maps failures to stable codes, and accepts only an answer about the token's own subject.
 */
import type { BrandConfig } from '../core/brand-config';
import type { JsonObject } from '../core/decode-unverified-jwt';
import { FetchStatusError, TokenError, UpstreamError, type CiamGatewayError } from '../core/errors';
import type { JsonFetcher } from './bounded-fetch';
import { translateError } from './library-errors';

export interface UserinfoClient {
  /**
   * The userinfo claims, guaranteed to be a JSON object whose `sub` is `expectedSub`; with `null` (an opaque token
   * validated through userinfo, whose subject is what the answer says), a `sub` that is a non-empty string.
   *
   * Rejects with TokenError USERINFO_TOKEN_REJECTED (the endpoint answered 401/403: revoked token) or
   * USERINFO_SUB_MISMATCH, or UpstreamError USERINFO_INVALID (not a JSON object) or USERINFO_UNAVAILABLE
   * (anything else, the fetcher's error kept as `cause`).
   */
  fetchUserinfo(brand: Pick<BrandConfig, 'brandId'> & { readonly userinfoEndpoint: string }, accessToken: string, expectedSub: string | null): Promise<JsonObject>;
}

const DEFAULT_RETRY_DELAY_MS = 100;
/** RFC 6750 `b64token`: anything else (CR/LF above all) must never reach a request header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * @param retryDelayMs pause before the one retry. Fixed and short: the fetcher does not surface `Retry-After`,
 *   and a throttled endpoint's advice could exceed the Lambda's own budget anyway.
 */
export function createUserinfoClient(props: { readonly fetcher: JsonFetcher; readonly retryDelayMs?: number }): UserinfoClient {
  const retryDelayMs = props.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;

  return {
    async fetchUserinfo(brand, accessToken, expectedSub) {
      if (!BEARER_TOKEN.test(accessToken)) throw new TokenError('TOKEN_MALFORMED', 'access token is not a bearer token');
      const get = () => props.fetcher.getJson(brand.userinfoEndpoint, { headers: { authorization: `Bearer ${accessToken}` } });

      let body: unknown;
      try {
        ({ body } = await withOneRetry(get, retryDelayMs));
      } catch (err) {
        throw classify(translateError(err, 'http'), brand.brandId);
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new UpstreamError('USERINFO_INVALID', `brand ${brand.brandId} userinfo: answer is not a JSON object`);
      }
      const claims = body as JsonObject;
      // Exact comparison: a different, missing, numeric or case-folded `sub` is another user's profile (OIDC Core 5.3.2).
      const subOk = expectedSub === null ? typeof claims.sub === 'string' && claims.sub !== '' : expectedSub !== '' && claims.sub === expectedSub;
      if (!subOk) {
        throw new TokenError('USERINFO_SUB_MISMATCH', `brand ${brand.brandId} userinfo: sub does not match the token`);
      }
      return claims;
    },
  };
}

async function withOneRetry<T>(attempt: () => Promise<T>, delayMs: number): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!isTransient(err)) throw err;
  }
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return attempt();
}

/**
 * Worth one more try: a failing (5xx) or throttling (429) endpoint, or a dropped connection. Not a timeout: the
 * fetcher's hard deadline is already spent, and a second one would double the caller's wait. So the worst case
 * is two failed exchanges plus the delay.
 */
function isTransient(err: unknown): boolean {
  if (err instanceof FetchStatusError) return err.httpStatus >= 500 || err.httpStatus === 429;
  return err instanceof UpstreamError && err.code === 'FETCH_FAILED';
}

function classify(err: CiamGatewayError, brandId: string): CiamGatewayError {
  // The fetcher's messages name the method and origin+path only, never headers, so the token cannot leak here.
  const what = `brand ${brandId} userinfo`;
  if (err instanceof FetchStatusError && (err.httpStatus === 401 || err.httpStatus === 403)) {
    return new TokenError('USERINFO_TOKEN_REJECTED', `${what}: token refused with ${err.httpStatus}`, { cause: err });
  }
  if (err.code === 'FETCH_NOT_JSON') {
    return new UpstreamError('USERINFO_INVALID', `${what}: answer is not JSON`, { cause: err });
  }
  return new UpstreamError('USERINFO_UNAVAILABLE', `${what}: ${err.code}`, { cause: err });
}
