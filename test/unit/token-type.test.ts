/** What kind of token it is, on whose behalf, with which scopes: tokenTypeOf and the verifier's reading of the claims. */
import { decodeUnverifiedJwt } from '../../lambdas/core/decode-unverified-jwt';
import { createTokenVerifier, tokenTypeOf } from '../../lambdas/core/verify-token';
import { makeKey, signToken, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeResolver, NOW } from './fixtures';

let a1: TestKey;
beforeAll(async () => {
  a1 = await makeKey('a1');
});

async function verified(claims: Record<string, unknown>, brandOverrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const verify = createTokenVerifier({ resolveKey: fakeResolver({ a1: a1.publicKey }).resolveKey, now: () => NOW * 1000 });
  return verify(decodeUnverifiedJwt(await signToken(a1, claimsAt(claims), header)), brand(brandOverrides));
}

describe('tokenTypeOf', () => {
  const b = brand(); // clientId client-a, applicationId app-a, audiences [loyalty-api]
  const typeOf = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) => tokenTypeOf({ header, payload }, b);

  it.each([['at+jwt'], ['application/at+jwt'], ['AT+JWT']])('takes the RFC 9068 typ %s as access, over any other marker', (typ) => {
    expect(typeOf({ token_use: 'id', nonce: 'n', aud: 'client-a' }, { typ })).toBe('access');
  });

  it('follows Cognito token_use', () => {
    expect(typeOf({ token_use: 'access', nonce: 'n' })).toBe('access');
    expect(typeOf({ token_use: 'id', aud: 'loyalty-api' })).toBe('id');
  });

  it('ignores an unknown token_use and goes on to the next rule', () => {
    expect(typeOf({ token_use: 'refresh', nonce: 'n' })).toBe('id');
  });

  it('follows the Keycloak typ claim', () => {
    expect(typeOf({ typ: 'Bearer', aud: 'client-a' })).toBe('access');
    expect(typeOf({ typ: 'ID', aud: 'loyalty-api' })).toBe('id');
  });

  it.each(['nonce', 'at_hash', 'c_hash'])('takes a token with the ID-only claim %s as id', (claim) => {
    expect(typeOf({ [claim]: 'x', aud: 'loyalty-api' }, { typ: 'JWT' })).toBe('id');
  });

  it.each<[unknown, string]>([
    ['client-a', 'id'],
    ['app-a', 'id'],
    [['client-a', 'app-a'], 'id'],
    [['client-a', 'loyalty-api'], 'access'],
    ['loyalty-api', 'access'],
    ['someone-else', 'access'],
    [undefined, 'access'],
  ])('takes aud %p without other markers as %s', (aud, type) => {
    expect(typeOf({ aud }, { typ: 'JWT' })).toBe(type);
  });
});

describe('principal type', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Auth0 gty client-credentials', { sub: 'whatever', gty: 'client-credentials' }],
    ['sub equal to client_id (Cognito, oidc-provider)', { sub: 'svc-1', client_id: 'svc-1' }],
    ['sub equal to azp', { sub: 'svc-1', azp: 'svc-1' }],
    ['sub equal to azp@clients (Auth0)', { sub: 'svc-1@clients', azp: 'svc-1' }],
    ['sub equal to client_id@clients', { sub: 'svc-1@clients', client_id: 'svc-1' }],
    ['a Keycloak service-account user', { sub: 'f81d4fae', azp: 'svc-1', preferred_username: 'service-account-svc-1' }],
  ])('is client for %s', async (_name, claims) => {
    expect(await verified(claims)).toMatchObject({ tokenType: 'access', principalType: 'client' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a customer token', { sub: 'user-1', azp: 'client-a', client_id: 'client-a' }],
    ['a customer token without client claims', { sub: 'user-1' }],
    ['client_id taking precedence over azp', { sub: 'user-1', client_id: 'client-a', azp: 'user-1' }],
    ['a look-alike subject', { sub: 'svc-1@clientsX', azp: 'svc-1' }],
    ['a gty other than client-credentials', { sub: 'user-1', gty: 'password' }],
    ['a username merely containing service-account', { sub: 'user-1', preferred_username: 'my-service-account-x' }],
  ])('is customer for %s', async (_name, claims) => {
    expect(await verified(claims)).toMatchObject({ principalType: 'customer' });
  });

  it('is always customer for an ID token, even one whose sub is the client', async () => {
    const id = await verified({ sub: 'client-a', azp: 'client-a', aud: 'client-a', nonce: 'n' }, { acceptedTokenTypes: ['id'] }, { typ: 'JWT' });
    expect(id).toMatchObject({ tokenType: 'id', principalType: 'customer' });
  });
});

describe('audience by token type', () => {
  it('accepts an ID token addressed to the client or the application when the brand takes ID tokens', async () => {
    const brandIds = { acceptedTokenTypes: ['id'] };
    await expect(verified({ aud: 'client-a', nonce: 'n' }, brandIds, { typ: 'JWT' })).resolves.toMatchObject({ tokenType: 'id' });
    await expect(verified({ aud: 'app-a', nonce: 'n' }, brandIds, { typ: 'JWT' })).resolves.toMatchObject({ tokenType: 'id' });
    await expect(verified({ aud: 'loyalty-api', nonce: 'n' }, brandIds, { typ: 'JWT' })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
  });

  it('accepts an access token naming any one of the brand audiences', async () => {
    const audiences = { audiences: ['loyalty-api', 'offers-api'] };
    await expect(verified({ aud: ['https://other', 'offers-api'] }, audiences)).resolves.toMatchObject({ tokenType: 'access' });
  });

  describe('Cognito access tokens (no aud; client_id is the audience)', () => {
    const cognito = { provider: 'cognito', audiences: ['cognito-app-client'] };
    const accessToken = (claims: Record<string, unknown>) => ({ aud: undefined, token_use: 'access', scope: 'items:read', ...claims });

    it('uses client_id as the audience', async () => {
      await expect(verified(accessToken({ client_id: 'cognito-app-client' }), cognito, { typ: undefined })).resolves.toMatchObject({
        tokenType: 'access', principalType: 'customer',
      });
    });

    it('refuses a client_id that is not a brand audience, or none', async () => {
      await expect(verified(accessToken({ client_id: 'other-client' }), cognito, { typ: undefined })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
      await expect(verified(accessToken({}), cognito, { typ: undefined })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
    });

    it('does not read client_id as the audience for other providers', async () => {
      const generic = { audiences: ['cognito-app-client'] };
      await expect(verified(accessToken({ client_id: 'cognito-app-client' }), generic, { typ: undefined })).rejects.toMatchObject({
        code: 'AUDIENCE_MISMATCH',
      });
    });

    it('reads client_id only, as aws-jwt-verify does: an aud on an access token is no substitute', async () => {
      await expect(verified(accessToken({ aud: 'cognito-app-client' }), cognito, { typ: undefined })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
      await expect(verified(accessToken({ client_id: ['cognito-app-client'] }), cognito, { typ: undefined })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
      await expect(verified(accessToken({ client_id: 'cognito-app-client', aud: 'elsewhere' }), cognito, { typ: undefined })).resolves.toMatchObject({
        tokenType: 'access',
      });
    });
  });

  describe('Cognito token_use, as strict as aws-jwt-verify (cognito brands only)', () => {
    const cognito = { provider: 'cognito', audiences: ['web-client', 'mobile-client'], acceptedTokenTypes: ['access', 'id'] };
    const access = { aud: undefined, token_use: 'access', client_id: 'mobile-client' };
    const id = { aud: 'web-client', token_use: 'id' };

    it('accepts an access token whose client_id, and an ID token whose aud, is one of the app client ids', async () => {
      await expect(verified(access, cognito, { typ: undefined })).resolves.toMatchObject({ tokenType: 'access' });
      await expect(verified(id, cognito, { typ: undefined })).resolves.toMatchObject({ tokenType: 'id' });
      await expect(verified({ ...id, aud: 'mobile-client' }, cognito, { typ: undefined })).resolves.toMatchObject({ tokenType: 'id' });
    });

    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ['no token_use', { ...access, token_use: undefined }, {}],
      ['token_use refresh', { ...access, token_use: 'refresh' }, {}],
      ['token_use ID (case differs)', { ...id, token_use: 'ID' }, {}],
      ['token_use as a list', { ...access, token_use: ['access'] }, {}],
      ['token_use id under an at+jwt header', id, { typ: 'at+jwt' }],
      ['no token_use, even with an at+jwt header', { ...access, token_use: undefined }, { typ: 'at+jwt' }],
    ])('refuses %s: TOKEN_TYPE_NOT_ACCEPTED', async (_case, claims, header) => {
      await expect(verified(claims, cognito, { typ: undefined, ...header })).rejects.toMatchObject({ code: 'TOKEN_TYPE_NOT_ACCEPTED' });
    });

    it.each<[string, Record<string, unknown>]>([
      ['an ID token to another app client', { ...id, aud: 'other-client' }],
      ['an ID token to the user pool (applicationId)', { ...id, aud: 'app-a' }],
      ['an ID token without aud', { ...id, aud: undefined }],
      ['an access token of another app client', { ...access, client_id: 'other-client' }],
    ])('refuses %s: AUDIENCE_MISMATCH', async (_case, claims) => {
      await expect(verified(claims, cognito, { typ: undefined })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
    });

    it('still refuses an ID token as the bearer unless the brand accepts ID tokens', async () => {
      await expect(verified(id, { ...cognito, acceptedTokenTypes: ['access'] }, { typ: undefined })).rejects.toMatchObject({ code: 'TOKEN_TYPE_NOT_ACCEPTED' });
    });

    it('leaves other providers as they were: a token without token_use is typed by the other markers', async () => {
      const generic = { audiences: ['loyalty-api'] };
      await expect(verified({ aud: 'loyalty-api' }, generic, { typ: undefined })).resolves.toMatchObject({ tokenType: 'access' });
      await expect(verified({ aud: 'loyalty-api', token_use: 'refresh' }, generic, { typ: undefined })).resolves.toMatchObject({ tokenType: 'access' });
    });
  });
});

describe('scopes', () => {
  it('reads scope, scp, and Auth0 permissions only for an auth0 brand', async () => {
    expect([...(await verified({ scope: 'a b' })).scopes]).toEqual(['a', 'b']);
    expect([...(await verified({ scope: undefined, scp: ['c', 'd'] })).scopes]).toEqual(['c', 'd']);
    expect([...(await verified({ scope: 'a', permissions: ['items:read'] }, { provider: 'auth0' })).scopes]).toEqual(['a', 'items:read']);
    expect([...(await verified({ scope: 'a', permissions: ['items:read'] })).scopes]).toEqual(['a']);
  });
});
