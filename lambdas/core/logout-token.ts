import { isBrandIssuer, type Algorithm, type BrandConfig } from './brand-config';
import type { UnverifiedJwt } from './decode-unverified-jwt';
import { TokenError } from './errors';
import { MAX_KID_LENGTH } from './jwks-cache';
import { verifyJwsSignature } from './jws-algorithms';
import type { KeyResolver } from './verify-token';

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.6: the rules a logout token must meet. It is checked with the brand's keys
 * and algorithms, as an access token is (same key resolver, same signature primitive), but against rules of its own:
 * an access or ID token sent here fails them (no `events`, a `nonce`, an `at+jwt` type, the wrong audience).
 */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** What a valid logout token asks for: at least one of `sub` and `sid`. */
export interface LogoutToken {
  readonly sub?: string;
  readonly sid?: string;
  readonly jti: string;
  /** Epoch seconds: when the CIAM issued it, the moment of the logout. */
  readonly iat: number;
  /** Epoch seconds: until then its `jti` must be remembered, so that a replay is refused. */
  readonly exp: number;
}

/** `typ` values a logout token may carry (§2.4 recommends `logout+jwt`); absent is allowed too. */
const LOGOUT_TYP = new Set(['logout+jwt', 'application/logout+jwt', 'jwt']);
const MAX_CLAIM_LENGTH = 255;

/** The checks that need no key, in the order of the specification: they run before any key lookup. */
export function checkLogoutTokenClaims(jwt: Pick<UnverifiedJwt, 'header' | 'payload'>, brand: BrandConfig, nowSeconds: number): LogoutToken & { readonly alg: Algorithm } {
  const alg = checkHeader(jwt.header, brand);
  const { iss, aud, iat, exp, events, sub, sid, nonce, jti } = jwt.payload;
  if (typeof iss !== 'string' || !isBrandIssuer(brand, iss)) throw new TokenError('ISSUER_MISMATCH', 'iss is none of the brand issuers');
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!logoutClientsOf(brand).some((client) => audiences.includes(client))) throw new TokenError('AUDIENCE_MISMATCH', 'aud does not name the brand client');
  if (!isNumericDate(iat)) throw new TokenError('CLAIM_INVALID', 'iat is missing or not a NumericDate');
  if (!isNumericDate(exp)) throw new TokenError('CLAIM_INVALID', 'exp is missing or not a NumericDate');
  const tolerance = brand.clockToleranceSeconds;
  if (exp + tolerance <= nowSeconds) throw new TokenError('TOKEN_EXPIRED', 'exp has passed');
  if (iat - tolerance > nowSeconds) throw new TokenError('TOKEN_NOT_YET_VALID', 'iat is in the future');
  // Its jti is remembered until exp: a token minted to live for years would be remembered for years.
  if (exp > iat + brand.maxTokenAgeSeconds + tolerance) throw new TokenError('TOKEN_LIFETIME_TOO_LONG', 'exp - iat is over the maximum token age');
  const event = typeof events === 'object' && events !== null && !Array.isArray(events) ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new TokenError('LOGOUT_TOKEN_INVALID', 'events has no back-channel logout event object');
  }
  if (sub !== undefined && !isShortText(sub)) throw new TokenError('CLAIM_INVALID', 'sub is not a short string');
  if (sid !== undefined && !isShortText(sid)) throw new TokenError('CLAIM_INVALID', 'sid is not a short string');
  if (sub === undefined && sid === undefined) throw new TokenError('LOGOUT_TOKEN_INVALID', 'neither sub nor sid');
  if (nonce !== undefined) throw new TokenError('LOGOUT_TOKEN_INVALID', 'a logout token carries no nonce');
  if (!isShortText(jti)) throw new TokenError('CLAIM_INVALID', 'jti is missing or not a short string');
  return { alg, jti, iat, exp, ...(sub === undefined ? {} : { sub: sub as string }), ...(sid === undefined ? {} : { sid: sid as string }) };
}

/**
 * The clients a logout token may be addressed to: the brand's `clientId`, and for Cognito every app client of the pool
 * (its preset keeps them in `audiences`, since Cognito access tokens name their client in `client_id`).
 */
function logoutClientsOf(brand: BrandConfig): readonly string[] {
  return brand.provider === 'cognito' ? [brand.clientId, ...brand.audiences] : [brand.clientId];
}

/** Verifies a logout token: its claims first, then its signature with the brand's key. */
export function createLogoutTokenVerifier(options: { readonly resolveKey: KeyResolver; readonly now?: () => number }) {
  const now = options.now ?? Date.now;
  return async (jwt: UnverifiedJwt, brand: BrandConfig): Promise<LogoutToken> => {
    const { alg, ...token } = checkLogoutTokenClaims(jwt, brand, Math.floor(now() / 1000));
    const key = await options.resolveKey(brand.jwksUri, jwt.header.kid as string | undefined, alg);
    let valid: boolean;
    try {
      valid = verifyJwsSignature(alg, key, jwt.signingInput, jwt.signature);
    } catch (err) {
      throw new TokenError('SIGNATURE_INVALID', `key unusable for this token: ${(err as Error).message}`, { cause: err });
    }
    if (!valid) throw new TokenError('SIGNATURE_INVALID', 'signature does not verify');
    return token;
  };
}

function checkHeader(header: UnverifiedJwt['header'], brand: BrandConfig): Algorithm {
  const { alg, kid, typ, crit, cty, b64 } = header;
  if (typeof alg !== 'string' || !(brand.algorithms as readonly string[]).includes(alg)) throw new TokenError('ALG_NOT_ALLOWED', 'alg is not allowed for this brand');
  if (crit !== undefined || b64 !== undefined) throw new TokenError('CRIT_UNSUPPORTED', 'critical header extensions are not supported');
  if (cty !== undefined) throw new TokenError('TOKEN_MALFORMED', 'nested or typed content is not accepted');
  if (typ !== undefined && (typeof typ !== 'string' || !LOGOUT_TYP.has(typ.toLowerCase()))) throw new TokenError('LOGOUT_TOKEN_INVALID', 'typ is not logout+jwt or JWT');
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) throw new TokenError('KID_INVALID', 'kid is not a short string');
  return alg as Algorithm;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH;
}
