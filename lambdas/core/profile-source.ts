import type { BrandConfig } from './brand-config';
import { decodeUnverifiedJwt, type JsonObject } from './decode-unverified-jwt';
import { ScopeError, TokenError } from './errors';
import type { TokenVerifier } from './verify-token';

/**
 * What each profile source (`profileSource`) asks of a customer route's request. Route scopes are fixed per API, so
 * they cannot depend on the brand: the customer routes check these themselves.
 */

/** A userinfo endpoint answers only for an access token with `openid` (OIDC Core 5.3); the ID-token source needs no scope. */
export function checkProfileScope(brand: Pick<BrandConfig, 'profileSource'>, scopes: ReadonlySet<string>): void {
  if (brand.profileSource === 'userinfo' && !scopes.has('openid')) {
    throw new ScopeError('the brand reads profiles from userinfo, which needs the openid scope');
  }
}

/**
 * The claims of the caller's ID token, verified as any token of the brand is (signature, issuer, the brand's client as
 * audience, lifetime and maximum age, `token_use=id` where the vendor sets it), and about the access token's subject.
 * A missing, foreign, expired or other-subject ID token is a TokenError, whose message says it was the ID token.
 */
export async function verifyIdToken(verify: TokenVerifier, brand: BrandConfig, idToken: string | undefined, subject: string): Promise<JsonObject> {
  if (idToken === undefined || idToken === '') throw new TokenError('ID_TOKEN_MISSING', 'the brand reads profiles from the ID token, and none was sent');
  let verified;
  try {
    verified = await verify(decodeUnverifiedJwt(idToken), { ...brand, acceptedTokenTypes: ['id'] });
  } catch (err) {
    if (err instanceof TokenError) throw new TokenError(err.code, `ID token: ${err.message}`, { cause: err });
    throw err;
  }
  if (verified.subject !== subject) throw new TokenError('ID_TOKEN_SUBJECT_MISMATCH', 'the ID token is about another subject than the access token');
  return verified.claims;
}
