import { isBrandIssuer, type BrandConfig } from './brand-config';
import { scopesOf } from './claims';
import type { JsonObject } from './decode-unverified-jwt';
import { TokenError, UpstreamError } from './errors';
import { isClientPrincipal, isNumericDate, MAX_SUBJECT_LENGTH, type VerifiedToken } from './verify-token';

/**
 * What the brand's CIAM says of an opaque access token, turned into the same VerifiedToken a JWT gives, so that the
 * principal, scopes, context and revocation check are the JWT path's. Pure: the caller fetched the answer.
 */

/**
 * RFC 6749 §10.10 asks that a token resist guessing at 2^-128 or better; no base64url string shorter than 22
 * characters carries that much. Shorter non-JWT tokens are refused before any brand lookup or CIAM call.
 */
export const MIN_OPAQUE_TOKEN_LENGTH = 22;

/** RFC 7662 `token_type` values that name an access token; a refresh token sent as a bearer token is refused. */
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'access_token', 'urn:ietf:params:oauth:token-type:access_token']);

/**
 * RFC 7662 §2.2, with the brand's rules: `active: true`, `exp` in the future, and where present `iat` within the
 * maximum token age (and `exp − iat` too), `iss` one of the brand's issuers, `client_id` the brand's `clientId` or one of its `audiences`, `aud` naming one of those, `nbf`
 * passed, `token_type` an access token's. Scopes come from `scope` only. A client-credentials answer may name no
 * `sub`: its subject is then its `client_id`.
 *
 * @param nowSeconds epoch seconds
 */
export function checkIntrospectionAnswer(answer: unknown, brand: BrandConfig, nowSeconds: number): VerifiedToken {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new UpstreamError('INTROSPECTION_INVALID', `brand ${brand.brandId} introspection: answer is not a JSON object`);
  }
  const claims = answer as JsonObject;
  const { active, exp, iat, nbf, iss, client_id: clientId, token_type: tokenType, sid } = claims;
  if (typeof active !== 'boolean') throw new UpstreamError('INTROSPECTION_INVALID', `brand ${brand.brandId} introspection: active is not a boolean`);
  if (!active) throw new TokenError('TOKEN_INACTIVE', 'the CIAM says the token is not active');
  if (!isNumericDate(exp)) throw new TokenError('CLAIM_INVALID', 'exp is missing or not a NumericDate');
  if (exp <= nowSeconds) throw new TokenError('TOKEN_EXPIRED', 'exp has passed');
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf - brand.clockToleranceSeconds > nowSeconds)) throw new TokenError('TOKEN_NOT_YET_VALID', 'nbf is in the future');
  if (iat !== undefined && !isNumericDate(iat)) throw new TokenError('CLAIM_INVALID', 'iat is not a NumericDate');
  // The JWT path's age rules, where `iat` allows them: they also keep out a long-lived refresh token, whose answer
  // oidc-provider gives no token_type.
  const tooOldAfter = typeof iat === 'number' ? iat + brand.maxTokenAgeSeconds + brand.clockToleranceSeconds : Infinity;
  if (nowSeconds > tooOldAfter) throw new TokenError('TOKEN_TOO_OLD', 'iat is older than the maximum token age');
  if (exp > tooOldAfter) throw new TokenError('TOKEN_LIFETIME_TOO_LONG', 'exp - iat is over the maximum token age');
  if (iss !== undefined && (typeof iss !== 'string' || !isBrandIssuer(brand, iss))) throw new TokenError('ISSUER_MISMATCH', 'iss is none of the brand issuers');
  if (tokenType !== undefined && (typeof tokenType !== 'string' || !ACCESS_TOKEN_TYPES.has(tokenType.toLowerCase()))) {
    throw new TokenError('TOKEN_TYPE_NOT_ACCEPTED', 'token_type is not an access token\'s');
  }
  if (!brand.acceptedTokenTypes.includes('access')) throw new TokenError('TOKEN_TYPE_NOT_ACCEPTED', 'access tokens are not accepted for this brand');
  const ownClients = [brand.clientId, ...brand.audiences];
  if (clientId !== undefined && (typeof clientId !== 'string' || !ownClients.includes(clientId))) {
    throw new TokenError('AUDIENCE_MISMATCH', 'client_id is neither the brand\'s client nor one of its audiences');
  }
  const aud = claims.aud;
  if (aud !== undefined && !(Array.isArray(aud) ? aud : [aud]).some((a) => typeof a === 'string' && ownClients.includes(a))) {
    throw new TokenError('AUDIENCE_MISMATCH', 'aud names none of the brand audiences');
  }
  const subject = claims.sub ?? clientId;
  return {
    claims,
    subject: shortString(subject, 'sub'),
    issuer: typeof iss === 'string' ? iss : brand.issuer,
    tokenType: 'access',
    principalType: claims.sub === undefined || isClientPrincipal(claims) ? 'client' : 'customer',
    scopes: scopesOf({ scope: claims.scope }, brand),
    expiresAt: exp,
    // An answer without iat is dated now: a subject revoked later still kills it (see the README's opaque tokens).
    issuedAt: typeof iat === 'number' ? iat : Math.floor(nowSeconds),
    sessionId: sid === undefined ? undefined : shortString(sid, 'sid'),
  };
}

/**
 * Validation through userinfo (a CIAM with no introspection, such as Auth0's opaque tokens): a 200 with a `sub` means
 * the token is valid, and its claims are the principal's. Userinfo says nothing of scopes or lifetime: the token has
 * no scopes here, and is taken as valid for the brand's cache TTL.
 *
 * @param nowSeconds epoch seconds
 */
export function checkUserinfoAnswer(claims: JsonObject, brand: BrandConfig, nowSeconds: number): VerifiedToken {
  const issuedAt = Math.floor(nowSeconds);
  return {
    claims,
    subject: shortString(claims.sub, 'sub'),
    issuer: brand.issuer,
    tokenType: 'access',
    principalType: 'customer',
    scopes: new Set(),
    expiresAt: issuedAt + (brand.introspectionCacheTtlSeconds ?? 0),
    issuedAt,
    sessionId: typeof claims.sid === 'string' && claims.sid !== '' ? shortString(claims.sid, 'sid') : undefined,
  };
}

function shortString(value: unknown, name: 'sub' | 'sid'): string {
  if (value === undefined || value === '') throw new TokenError(name === 'sub' ? 'SUBJECT_MISSING' : 'CLAIM_INVALID', `${name} is missing or empty`);
  if (typeof value !== 'string' || value.length > MAX_SUBJECT_LENGTH) throw new TokenError('CLAIM_INVALID', `${name} is not a short string`);
  return value;
}
