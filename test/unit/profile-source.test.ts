import { ScopeError, TokenError } from '../../lambdas/core/errors';
import { checkProfileScope, verifyIdToken } from '../../lambdas/core/profile-source';
import { createTokenVerifier } from '../../lambdas/core/verify-token';
import { makeKey, signToken, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeResolver, NOW } from './fixtures';

let a1: TestKey, x: TestKey;
beforeAll(async () => {
  [a1, x] = await Promise.all([makeKey('a1'), makeKey('x')]);
});

describe('checkProfileScope', () => {
  it('asks for openid only when the brand reads profiles from userinfo', () => {
    const userinfo = brand();
    const idToken = brand({ profileSource: 'id_token' });
    expect(() => checkProfileScope(userinfo, new Set(['loyalty']))).toThrow(ScopeError);
    expect(() => checkProfileScope(userinfo, new Set(['loyalty']))).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_SCOPE' }));
    expect(() => checkProfileScope(userinfo, new Set(['openid', 'loyalty']))).not.toThrow();
    expect(() => checkProfileScope(idToken, new Set(['aws.cognito.signin.user.admin']))).not.toThrow();
  });
});

describe('verifyIdToken', () => {
  /** An OIDC ID token of brand-a for user-1: addressed to the client, with a nonce, no scope. */
  const idClaims = (overrides: Record<string, unknown> = {}) => claimsAt({ aud: 'client-a', nonce: 'n-1', scope: undefined, email: 'jane@example.com', ...overrides });
  const idToken = (overrides: Record<string, unknown> = {}, key = a1) => signToken(key, idClaims(overrides), { typ: 'JWT' });
  const check = async (token: string | undefined, brandOverrides: Record<string, unknown> = {}, subject = 'user-1') =>
    verifyIdToken(createTokenVerifier({ resolveKey: fakeResolver({ a1: a1.publicKey }).resolveKey, now: () => NOW * 1000 }), brand(brandOverrides), token, subject);

  it('returns the claims of a valid ID token of the caller, though the brand takes only access tokens as bearer', async () => {
    await expect(check(await idToken())).resolves.toMatchObject({ sub: 'user-1', email: 'jane@example.com' });
    expect(brand().acceptedTokenTypes).toEqual(['access']);
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['none sent', async () => undefined, 'ID_TOKEN_MISSING'],
    ['another subject', () => idToken({ sub: 'user-2' }), 'ID_TOKEN_SUBJECT_MISMATCH'],
    ['expired', () => idToken({ iat: NOW - 4000, exp: NOW - 3600 }), 'TOKEN_EXPIRED'],
    ['older than the maximum token age', () => idToken({ iat: NOW - 86_400 - 61, exp: NOW + 60 }), 'TOKEN_TOO_OLD'],
    ['from another issuer', () => idToken({ iss: 'https://attacker.example/' }), 'ISSUER_MISMATCH'],
    ['addressed to another client', () => idToken({ aud: 'client-b' }), 'AUDIENCE_MISMATCH'],
    ['signed by a key the brand never published', () => idToken({}, x), 'KEY_NOT_FOUND'],
    ['an access token instead', () => signToken(a1, claimsAt()), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ["Keycloak's access token (typ Bearer) instead", () => idToken({ typ: 'Bearer' }), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['not a JWT', async () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['empty', async () => '', 'ID_TOKEN_MISSING'],
  ])('refuses an ID token %s with 401 %s, saying it was the ID token', async (_case, make, code) => {
    const err = await check(await make()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code });
    if (code !== 'ID_TOKEN_MISSING' && code !== 'ID_TOKEN_SUBJECT_MISMATCH') expect((err as Error).message).toMatch(/^ID token: /);
  });

  it('takes a Cognito ID token by token_use and an app client id as aud, and refuses its access token', async () => {
    const cognito = { provider: 'cognito', audiences: ['web-client', 'mobile-client'] };
    const cognitoId = (claims: Record<string, unknown>) => signToken(a1, claimsAt({ aud: 'mobile-client', scope: undefined, ...claims }), { typ: 'JWT' });
    await expect(check(await cognitoId({ token_use: 'id' }), cognito)).resolves.toMatchObject({ token_use: 'id' });
    await expect(check(await cognitoId({ token_use: 'access', client_id: 'mobile-client' }), cognito)).rejects.toMatchObject({ code: 'TOKEN_TYPE_NOT_ACCEPTED' });
    await expect(check(await cognitoId({}), cognito)).rejects.toMatchObject({ code: 'TOKEN_TYPE_NOT_ACCEPTED' });
    await expect(check(await cognitoId({ token_use: 'id', aud: 'other-client' }), cognito)).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
  });
});
