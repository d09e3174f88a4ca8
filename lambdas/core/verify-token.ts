import type { KeyObject } from 'node:crypto';
import { isBrandIssuer, type Algorithm, type BrandConfig, type TokenType } from './brand-config';
import { scopesOf } from './claims';
import type { JsonObject, UnverifiedJwt } from './decode-unverified-jwt';
import { TokenError } from './errors';
import { MAX_KID_LENGTH } from './jwks-cache';
import { verifyJwsSignature } from './jws-algorithms';

/**
 * Verifies a bearer token against one brand's settings.
 *
 * Order matters: every check that needs no key (shape, algorithm allow-list, header parameters, claim types,
 * issuer, lifetime, token type, audience) runs before the key lookup, so a garbage or foreign token never costs a JWKS fetch or a
 * signature operation. The JWKS URI comes only from the brand config; `jku`, `x5u`, `jwk` and `x5c` headers
 * are never read.
 */
export type PrincipalType = 'customer' | 'client';

export interface VerifiedToken {
  readonly claims: JsonObject;
  readonly subject: string;
  /** The token's `iss`: one of the brand's issuers. */
  readonly issuer: string;
  readonly tokenType: TokenType;
  readonly principalType: PrincipalType;
  readonly scopes: ReadonlySet<string>;
  readonly expiresAt: number;
  /** `iat`, epoch seconds: a subject's revocation watermark is compared with it. */
  readonly issuedAt: number;
  /** The CIAM session (`sid`), when the token names one: a session revocation kills every token that carries it. */
  readonly sessionId: string | undefined;
}

/** Finds the brand's key for a token; may fetch (rate-limited) when the key is not cached. */
export type KeyResolver = (jwksUri: string, kid: string | undefined, alg: Algorithm) => Promise<KeyObject>;

export interface TokenVerifierOptions {
  readonly resolveKey: KeyResolver;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Takes the token already decoded, so that a caller can refuse garbage before it even looks up the brand. */
export type TokenVerifier = (jwt: UnverifiedJwt, brand: BrandConfig) => Promise<VerifiedToken>;

/** `typ` values that mark a JWT meant for us (RFC 9068 access tokens, or plain JWTs); others (logout, DPoP…) are refused. */
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
export const MAX_SUBJECT_LENGTH = 255;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  return async (jwt, brand) => {
    const alg = checkHeader(jwt.header, brand);
    const claims = checkClaimTypes(jwt.payload);
    if (!isBrandIssuer(brand, claims.iss)) throw new TokenError('ISSUER_MISMATCH', 'iss is none of the brand issuers');
    checkLifetime(claims, brand, now() / 1000);
    const tokenType = tokenTypeOf(jwt, brand);
    if (!brand.acceptedTokenTypes.includes(tokenType)) {
      throw new TokenError('TOKEN_TYPE_NOT_ACCEPTED', `${tokenType} tokens are not accepted for this brand`);
    }
    checkAudience(jwt.payload, brand, tokenType);

    const key = await options.resolveKey(brand.jwksUri, jwt.header.kid as string | undefined, alg);
    if (!signatureValid(jwt, alg, key)) throw new TokenError('SIGNATURE_INVALID', 'signature does not verify');
    return {
      claims: jwt.payload,
      subject: claims.sub,
      issuer: claims.iss,
      tokenType,
      principalType: tokenType === 'access' && isClientPrincipal(jwt.payload) ? 'client' : 'customer',
      scopes: scopesOf(jwt.payload, brand),
      expiresAt: claims.exp,
      issuedAt: claims.iat,
      sessionId: claims.sid,
    };
  };
}

function checkHeader(header: JsonObject, brand: BrandConfig): Algorithm {
  const { alg, kid, typ, crit, cty, b64 } = header;
  if (typeof alg !== 'string' || !(brand.algorithms as readonly string[]).includes(alg)) {
    throw new TokenError('ALG_NOT_ALLOWED', `alg ${JSON.stringify(alg)?.slice(0, 20)} is not allowed for this brand`);
  }
  // We implement no JWS extensions, so any "crit" (RFC 7515 §4.1.11), unencoded payloads and nested JWTs are refused.
  if (crit !== undefined || b64 !== undefined) throw new TokenError('CRIT_UNSUPPORTED', 'critical header extensions are not supported');
  if (cty !== undefined) throw new TokenError('TOKEN_MALFORMED', 'nested or typed content is not accepted');
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    throw new TokenError('TOKEN_MALFORMED', 'typ is not a JWT access or ID token type');
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw new TokenError('KID_INVALID', 'kid is not a short string');
  }
  return alg as Algorithm;
}

interface CoreClaims {
  readonly iss: string;
  readonly sub: string;
  readonly exp: number;
  readonly iat: number;
  readonly nbf: number | undefined;
  readonly sid: string | undefined;
}

function checkClaimTypes(payload: JsonObject): CoreClaims {
  const { iss, sub, exp, iat, nbf, sid } = payload;
  if (typeof iss !== 'string') throw new TokenError('ISSUER_MISMATCH', 'iss is missing or not a string');
  if (sub === undefined || sub === '') throw new TokenError('SUBJECT_MISSING', 'sub is missing or empty');
  if (typeof sub !== 'string' || sub.length > MAX_SUBJECT_LENGTH) throw new TokenError('CLAIM_INVALID', 'sub is not a short string');
  if (!isNumericDate(exp)) throw new TokenError('CLAIM_INVALID', 'exp is missing or not a NumericDate');
  // Without iat the maximum token age cannot be enforced, so it is required too.
  if (!isNumericDate(iat)) throw new TokenError('CLAIM_INVALID', 'iat is missing or not a NumericDate');
  if (nbf !== undefined && !isNumericDate(nbf)) throw new TokenError('CLAIM_INVALID', 'nbf is not a NumericDate');
  // A session id is a revocation key, so it is bounded like the subject.
  if (sid !== undefined && (typeof sid !== 'string' || sid === '' || sid.length > MAX_SUBJECT_LENGTH)) throw new TokenError('CLAIM_INVALID', 'sid is not a short string');
  return { iss, sub, exp, iat, nbf, sid };
}

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * When a token of this brand may be used, in epoch seconds: each bound with the brand's clock tolerance. `iat` is
 * required (checked before), so the maximum age and the lifetime cap can always be applied.
 */
interface Lifetime {
  /** Used at or after this: `exp` has passed. */
  readonly expiredFrom: number;
  /** Used before this: `nbf` or `iat` is in the future. */
  readonly validFrom: number;
  /** Used after this: `iat` is older than the maximum token age. */
  readonly tooOldAfter: number;
}

function lifetimeOf(claims: Pick<CoreClaims, 'exp' | 'iat' | 'nbf'>, brand: BrandConfig): Lifetime {
  const tolerance = brand.clockToleranceSeconds;
  return {
    expiredFrom: claims.exp + tolerance,
    validFrom: Math.max(claims.iat, claims.nbf ?? 0) - tolerance,
    tooOldAfter: claims.iat + brand.maxTokenAgeSeconds + tolerance,
  };
}

function checkLifetime(claims: CoreClaims, brand: BrandConfig, nowSeconds: number): void {
  const lifetime = lifetimeOf(claims, brand);
  if (lifetime.expiredFrom <= nowSeconds) throw new TokenError('TOKEN_EXPIRED', 'exp has passed');
  if (lifetime.validFrom > nowSeconds) throw new TokenError('TOKEN_NOT_YET_VALID', 'nbf or iat is in the future');
  if (nowSeconds > lifetime.tooOldAfter) throw new TokenError('TOKEN_TOO_OLD', 'iat is older than the maximum token age');
  // A token minted to outlive the maximum age (exp in year 9999) is refused outright, not only once it has aged.
  if (claims.exp > lifetime.tooOldAfter) throw new TokenError('TOKEN_LIFETIME_TOO_LONG', 'exp - iat is over the maximum token age');
}

/**
 * Whether a token verified earlier may still be used now, without its signature checked again: the same lifetime
 * rules as a first verification. A token that may not is verified in full again, which names the reason.
 */
export function stillWithinLifetime(token: VerifiedToken, brand: BrandConfig, nowSeconds: number): boolean {
  const { exp, iat, nbf } = token.claims as unknown as CoreClaims;
  const lifetime = lifetimeOf({ exp, iat, nbf }, brand);
  return nowSeconds < lifetime.expiredFrom && nowSeconds >= lifetime.validFrom && nowSeconds <= lifetime.tooOldAfter;
}

function signatureValid(jwt: UnverifiedJwt, alg: Algorithm, key: KeyObject): boolean {
  try {
    return verifyJwsSignature(alg, key, jwt.signingInput, jwt.signature);
  } catch (err) {
    // node:crypto throws on a key that cannot verify this algorithm (wrong curve, unusable modulus, …): the token
    // is refused like any other bad signature, never a 500.
    throw new TokenError('SIGNATURE_INVALID', `key unusable for this token: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Access or ID token. Explicit markers win: the RFC 9068 `typ: at+jwt` header, Cognito's `token_use`,
 * Keycloak's `typ` claim. Otherwise an ID token is recognised by OIDC's ID-token-only claims (`nonce`,
 * `at_hash`, `c_hash`) or by being addressed to the client rather than to an API audience.
 *
 * A `cognito` brand's tokens are typed by `token_use` alone, as aws-jwt-verify does: Cognito sets it on every
 * token, so one without it (or contradicting an `at+jwt` header) is not Cognito's.
 */
export function tokenTypeOf(jwt: Pick<UnverifiedJwt, 'header' | 'payload'>, brand: BrandConfig): TokenType {
  const { header, payload } = jwt;
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  const accessTyp = typ === 'at+jwt' || typ === 'application/at+jwt';
  if (brand.provider === 'cognito') {
    if (payload.token_use === 'access' || (payload.token_use === 'id' && !accessTyp)) return payload.token_use;
    throw new TokenError('TOKEN_TYPE_NOT_ACCEPTED', 'token_use is not access or id');
  }
  if (accessTyp) return 'access';
  if (payload.token_use === 'access' || payload.token_use === 'id') return payload.token_use;
  if (payload.typ === 'Bearer') return 'access';
  if (payload.typ === 'ID') return 'id';
  if (payload.nonce !== undefined || payload.at_hash !== undefined || payload.c_hash !== undefined) return 'id';
  const aud = audiencesOf(payload) ?? [];
  const toClient = aud.some((a) => a === brand.clientId || a === brand.applicationId);
  const toApi = aud.some((a) => brand.audiences.includes(a));
  return toClient && !toApi ? 'id' : 'access';
}

function audiencesOf(payload: JsonObject): readonly string[] | undefined {
  const { aud } = payload;
  if (typeof aud === 'string' && aud !== '') return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.length <= 32 && aud.every((a) => typeof a === 'string' && a !== '')) return aud;
  return undefined;
}

/**
 * Access tokens must name one of the brand's API audiences. ID tokens must be addressed to the brand's client.
 * Cognito, as aws-jwt-verify checks it: an access token's `client_id` (it has no `aud`) and an ID token's `aud` must
 * each be one of the app client ids, which the brand lists as its `audiences`.
 */
function checkAudience(payload: JsonObject, brand: BrandConfig, tokenType: TokenType): void {
  const cognitoAccess = brand.provider === 'cognito' && tokenType === 'access';
  const clientId = payload.client_id;
  const aud = cognitoAccess ? (typeof clientId === 'string' && clientId !== '' ? [clientId] : undefined) : audiencesOf(payload);
  if (aud === undefined) throw new TokenError('AUDIENCE_MISMATCH', cognitoAccess ? 'client_id is missing or malformed' : 'aud is missing or malformed');
  const expected = tokenType === 'access' || brand.provider === 'cognito' ? brand.audiences : [brand.clientId, brand.applicationId];
  if (!aud.some((a) => expected.includes(a))) throw new TokenError('AUDIENCE_MISMATCH', 'aud names none of the brand audiences');
}

/**
 * A token issued to a client for itself (client credentials) rather than on behalf of a user: its subject
 * is the client (Cognito, oidc-provider; Auth0 appends `@clients`), Auth0 says `gty: client-credentials`,
 * or Keycloak names a service-account user.
 */
export function isClientPrincipal(payload: JsonObject): boolean {
  const client = typeof payload.client_id === 'string' ? payload.client_id : payload.azp;
  if (payload.gty === 'client-credentials') return true;
  if (typeof client === 'string' && (payload.sub === client || payload.sub === `${client}@clients`)) return true;
  return typeof payload.preferred_username === 'string' && payload.preferred_username.startsWith('service-account-');
}
