import { TokenError, UpstreamError } from '../../lambdas/core/errors';
import { checkIntrospectionAnswer, checkUserinfoAnswer } from '../../lambdas/core/opaque-token-answer';
import { brand, ISSUER, NOW } from './fixtures';

const INTROSPECTION = { endpoint: 'https://login.brand-a.example/introspect', clientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' };
const BRAND = brand({ tokenFormat: 'opaque', introspection: INTROSPECTION, requiredScopes: [] });
const answer = (overrides: Record<string, unknown> = {}) => ({
  active: true, sub: 'user-1', client_id: 'client-a', scope: 'openid loyalty', iss: ISSUER, exp: NOW + 300, iat: NOW - 10, token_type: 'Bearer', ...overrides,
});

describe('checkIntrospectionAnswer', () => {
  it('turns an active answer into a verified token as a JWT would be: subject, scopes from scope, exp, iat, sid', () => {
    const verified = checkIntrospectionAnswer(answer({ sid: 'session-1', scp: ['admin'] }), BRAND, NOW);
    expect(verified).toMatchObject({
      subject: 'user-1', issuer: ISSUER, tokenType: 'access', principalType: 'customer', expiresAt: NOW + 300, issuedAt: NOW - 10, sessionId: 'session-1',
    });
    // Only `scope` counts: an answer's other fields grant nothing.
    expect([...verified.scopes]).toEqual(['openid', 'loyalty']);
  });

  it('takes a client-credentials answer (no sub, or sub = client_id) as a client principal', () => {
    expect(checkIntrospectionAnswer(answer({ sub: undefined }), BRAND, NOW)).toMatchObject({ subject: 'client-a', principalType: 'client' });
    expect(checkIntrospectionAnswer(answer({ sub: 'client-a' }), BRAND, NOW)).toMatchObject({ principalType: 'client' });
  });

  it('accepts what RFC 7662 leaves optional: no iss, client_id, aud, token_type or iat (dated now)', () => {
    const minimal = { active: true, sub: 'user-1', exp: NOW + 60 };
    expect(checkIntrospectionAnswer(minimal, BRAND, NOW)).toMatchObject({ issuer: ISSUER, issuedAt: NOW, sessionId: undefined, scopes: new Set() });
    expect(checkIntrospectionAnswer(answer({ aud: ['other', 'loyalty-api'], client_id: 'loyalty-api' }), BRAND, NOW).subject).toBe('user-1');
  });

  it.each([
    ['active false', { active: false }, 'TOKEN_INACTIVE'],
    ['no exp', { exp: undefined }, 'CLAIM_INVALID'],
    ['exp as a string', { exp: String(NOW + 300) }, 'CLAIM_INVALID'],
    ['exp now', { exp: NOW }, 'TOKEN_EXPIRED'],
    ['exp passed', { exp: NOW - 1 }, 'TOKEN_EXPIRED'],
    ['nbf in the future, beyond the tolerance', { nbf: NOW + 61 }, 'TOKEN_NOT_YET_VALID'],
    ['iat not a NumericDate', { iat: 'yesterday' }, 'CLAIM_INVALID'],
    ['iat older than the maximum token age', { iat: NOW - 86_400 - 61, exp: NOW + 60 }, 'TOKEN_TOO_OLD'],
    ['a lifetime over the maximum token age (a refresh token)', { iat: NOW - 10, exp: NOW + 14 * 86_400 }, 'TOKEN_LIFETIME_TOO_LONG'],
    ['a foreign issuer', { iss: 'https://attacker.example/' }, 'ISSUER_MISMATCH'],
    ['an issuer that is not a string', { iss: [ISSUER] }, 'ISSUER_MISMATCH'],
    ['a foreign client_id', { client_id: 'someone-else' }, 'AUDIENCE_MISMATCH'],
    ['an aud naming none of the brand audiences', { aud: ['other-api'] }, 'AUDIENCE_MISMATCH'],
    ['a refresh token', { token_type: 'refresh_token' }, 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['an empty sub', { sub: '' }, 'SUBJECT_MISSING'],
    ['no sub and no client_id', { sub: undefined, client_id: undefined }, 'SUBJECT_MISSING'],
    ['a numeric sub', { sub: 42 }, 'CLAIM_INVALID'],
    ['a long sub', { sub: 'x'.repeat(256) }, 'CLAIM_INVALID'],
    ['an empty sid', { sid: '' }, 'CLAIM_INVALID'],
  ])('refuses %s', (_name, overrides, code) => {
    const check = () => checkIntrospectionAnswer(answer(overrides), BRAND, NOW);
    expect(check).toThrow(TokenError);
    expect(check).toThrow(expect.objectContaining({ code }));
  });

  it('refuses an answer for a brand that accepts no access tokens', () => {
    expect(() => checkIntrospectionAnswer(answer(), brand({ tokenFormat: 'opaque', introspection: INTROSPECTION, acceptedTokenTypes: ['id'] }), NOW))
      .toThrow(expect.objectContaining({ code: 'TOKEN_TYPE_NOT_ACCEPTED' }));
  });

  it.each([null, [], 'active', 42, {}, { active: 'true' }])('fails closed on an answer that is not RFC 7662 (%p)', (body) => {
    const check = () => checkIntrospectionAnswer(body, BRAND, NOW);
    expect(check).toThrow(UpstreamError);
    expect(check).toThrow(expect.objectContaining({ code: 'INTROSPECTION_INVALID' }));
  });
});

describe('checkUserinfoAnswer', () => {
  const USERINFO_BRAND = brand({ tokenFormat: 'opaque', opaqueValidation: 'userinfo', introspectionCacheTtlSeconds: 30 });

  it('takes the answer\'s sub as a customer with its claims, no scopes, valid for the cache TTL', () => {
    const verified = checkUserinfoAnswer({ sub: 'user-1', email: 'a@b.example' }, USERINFO_BRAND, NOW);
    expect(verified).toMatchObject({ subject: 'user-1', principalType: 'customer', claims: { email: 'a@b.example' }, expiresAt: NOW + 30, issuedAt: NOW });
    expect(verified.scopes.size).toBe(0);
  });

  it.each([[{}, 'SUBJECT_MISSING'], [{ sub: 7 }, 'CLAIM_INVALID']])('refuses %p', (claims, code) => {
    expect(() => checkUserinfoAnswer(claims, USERINFO_BRAND, NOW)).toThrow(expect.objectContaining({ code }));
  });
});
