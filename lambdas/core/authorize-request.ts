import { BRAND_ID_PATTERN, validatedAsJwt, type BrandConfig, type KeyedBrandConfig } from './brand-config';
import { mappedFields } from './claims';
import { decodeUnverifiedJwt, MAX_TOKEN_LENGTH, type UnverifiedJwt } from './decode-unverified-jwt';
import { TokenError } from './errors';
import { routePolicy, type PolicyDocument } from './route-policy';
import type { ApiRouteScopes } from './route-scopes';
import { isRevoked, type RevocationState } from './revocation';
import { MIN_OPAQUE_TOKEN_LENGTH } from './opaque-token-answer';
import type { OpaqueTokenValidator } from './opaque-token-cache';
import { stillWithinLifetime, type TokenVerifier, type VerifiedToken } from './verify-token';

/**
 * The authorizer's engine: names the brand, verifies the bearer token against that brand, and turns the token's
 * scopes into a policy for the whole API stage it was called for, with a Deny for each route of that API whose scopes
 * it lacks. An unacceptable token throws TokenError (401); a good token that lacks scope gets a Deny (403).
 */
export interface AuthorizeInput {
  readonly authorization: string | undefined;
  readonly brandId: string | undefined;
  readonly methodArn: string;
}

/** Passed to integrations as `requestContext.authorizer`: scalars only, as API Gateway requires. */
export interface AuthorizerContext {
  readonly [key: string]: string | number;
  readonly brandId: string;
  readonly sub: string;
  readonly iss: string;
  readonly principalType: string;
  readonly tokenType: string;
  /** Space-separated. */
  readonly scopes: string;
  /** Token expiry plus the brand's clock tolerance (epoch seconds), so integrations can refuse a decision API Gateway cached past it. */
  readonly validUntil: number;
  /**
   * The token's `iat`, and its `sid` under that key when it has one: what the customer routes check against the
   * revocation store.
   */
  readonly iat: number;
}

export interface AuthorizationDecision {
  readonly principalId: string;
  readonly policyDocument: PolicyDocument;
  readonly context: AuthorizerContext;
  /** Brand-wide scopes the token lacks; non-empty means every route of the API is denied. */
  readonly missingBrandScopes: readonly string[];
  /** The brand's API key value, for API Gateway's usage plans (quotas); absent until the brand has a key. */
  readonly usageIdentifierKey?: string;
}

export type BrandLookup = (brandId: string) => Promise<KeyedBrandConfig | undefined>;

export interface RequestAuthorizerOptions {
  readonly findBrand: BrandLookup;
  readonly verifyToken: TokenVerifier;
  /** Each API's route scopes, by API id; an API not named gets `{}`: a valid token of the brand opens every route. */
  readonly routeScopes: ApiRouteScopes;
  /** Epoch milliseconds, for the lifetime of tokens already verified. @default Date.now */
  readonly now?: () => number;
  /**
   * What the revocation store holds for a token's subject and session, read through a cache of a few seconds.
   * Absent: no token is checked for revocation.
   */
  readonly revocations?: RevocationLookup;
  /**
   * Validates the opaque tokens of brands whose `tokenFormat` lets them in, through its own cache keyed by the token's
   * hash. Absent: every token must be a JWT.
   */
  readonly validateOpaqueToken?: OpaqueTokenValidator;
}

export type RevocationLookup = (brandId: string, sub: string, sid: string | undefined) => Promise<RevocationState>;

/**
 * Tokens this instance verified, kept so that the next decision for one skips decoding and the signature: a bounded
 * LRU keyed on the whole Authorization header (so only that exact token matches), holding the brand config it was verified
 * against. It is reused only with that same config object, which the brand cache replaces at each reload, so a
 * change of keys, issuer or audiences, and any key rotation, reaches tokens already seen within one brand-cache TTL.
 * Its lifetime is checked again at each use. Only tokens that passed every check get in, so forged tokens cannot
 * fill it.
 */
const SEEN_TOKENS = 2000;

interface SeenToken {
  readonly brand: BrandConfig;
  readonly verified: VerifiedToken;
  readonly context: AuthorizerContext;
}

export function createRequestAuthorizer(options: RequestAuthorizerOptions): (input: AuthorizeInput) => Promise<AuthorizationDecision> {
  const policyFor = routePolicy(options.routeScopes);
  const now = options.now ?? Date.now;
  const seenTokens = new Map<string, SeenToken>();
  return async (input) => {
    // Keyed on the whole Authorization header, so a token seen before skips even the header's parsing.
    const header = input.authorization ?? '';
    const seen = seenTokens.get(header);
    if (seen) seenTokens.delete(header); // re-inserted once this decision allows: Map order is the LRU order
    // Garbage is refused here, before the brand is even looked up; a token that is no JWT waits for the brand only if
    // it could be an opaque token.
    const token = seen ? undefined : bearerToken(input.authorization);
    const jwt = token === undefined ? undefined : decodeOrDefer(token, options.validateOpaqueToken !== undefined);
    const brandId = input.brandId;
    if (brandId === undefined || !BRAND_ID_PATTERN.test(brandId)) throw new TokenError('BRAND_HEADER_INVALID', 'X-Brand-Id is missing or malformed');
    const brand = await options.findBrand(brandId);
    if (!brand) throw new TokenError('BRAND_UNKNOWN', `brand ${brandId} is not configured`);
    if (brand.status !== 'active') throw new TokenError('BRAND_DISABLED', `brand ${brandId} is disabled`);

    let known: SeenToken;
    let opaque = false;
    if (seen?.brand === brand && stillWithinLifetime(seen.verified, brand, now() / 1000)) {
      known = seen;
    } else {
      const bearer = token ?? bearerToken(input.authorization);
      opaque = options.validateOpaqueToken !== undefined && !validatedAsJwt(brand, bearer);
      const verified = opaque
        ? await (options.validateOpaqueToken as OpaqueTokenValidator)(bearer, brand)
        : await options.verifyToken(jwt instanceof TokenError ? rethrow(jwt) : (jwt ?? decodeUnverifiedJwt(bearer)), brand);
      known = { brand, verified, context: contextFor(brand, verified) };
    }
    const { verified, context } = known;
    // Checked at every decision, the remembered token's too: a revocation reaches it within the lookup's cache TTL.
    if (options.revocations) {
      const state = await options.revocations(brand.brandId, verified.subject, verified.sessionId);
      if (isRevoked({ iat: verified.issuedAt, sid: verified.sessionId }, state)) throw new TokenError('TOKEN_REVOKED', 'the subject or session was revoked');
    }
    // An opaque token is never a key here: its own cache holds its hash, and a CIAM's answer expires sooner.
    if (!opaque) seenTokens.set(header, known);
    if (seenTokens.size > SEEN_TOKENS) seenTokens.delete(seenTokens.keys().next().value as string);

    const missingBrandScopes = brand.requiredScopes.filter((scope) => !verified.scopes.has(scope));
    return {
      principalId: `${brand.brandId}|${verified.subject}`,
      policyDocument: policyFor(input.methodArn, verified.scopes, missingBrandScopes.length > 0),
      context,
      missingBrandScopes,
      ...(brand.usageIdentifierKey === undefined ? {} : { usageIdentifierKey: brand.usageIdentifierKey }),
    };
  };
}

/**
 * The token decoded as a JWT, or, for a token that fails as one but could be an opaque token (long enough), the
 * refusal kept for a brand that takes only JWTs.
 */
function decodeOrDefer(token: string, opaqueAllowed: boolean): UnverifiedJwt | TokenError {
  try {
    return decodeUnverifiedJwt(token);
  } catch (err) {
    if (!opaqueAllowed || !(err instanceof TokenError) || err.code !== 'TOKEN_MALFORMED' || token.length < MIN_OPAQUE_TOKEN_LENGTH) throw err;
    return err;
  }
}

function rethrow(error: TokenError): never {
  throw error;
}

/** RFC 6750 §2.1: exactly one `Bearer <token>`; the scheme name is case-insensitive. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new TokenError('TOKEN_MISSING', 'no Authorization header');
  if (header.length > MAX_TOKEN_LENGTH + 16) throw new TokenError('TOKEN_TOO_LARGE', `Authorization header is ${header.length} characters`);
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw new TokenError('TOKEN_MALFORMED', 'Authorization is not a single Bearer token');
  return match[1];
}

function contextFor(brand: BrandConfig, verified: VerifiedToken): AuthorizerContext {
  return {
    ...mappedFields(verified.claims, brand),
    brandId: brand.brandId,
    sub: verified.subject,
    iss: verified.issuer,
    principalType: verified.principalType,
    tokenType: verified.tokenType,
    scopes: [...verified.scopes].join(' '),
    validUntil: verified.expiresAt + brand.clockToleranceSeconds,
    iat: verified.issuedAt,
    ...(verified.sessionId === undefined ? {} : { sid: verified.sessionId }),
  };
}
