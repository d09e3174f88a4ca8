import { createRequestAuthorizer } from '../../lambdas/core/authorize-request';
import type { BrandConfig } from '../../lambdas/core/brand-config';
import { checkIntrospectionAnswer } from '../../lambdas/core/opaque-token-answer';
import { cachedOpaqueTokenValidator } from '../../lambdas/core/opaque-token-cache';
import type { RevocationState } from '../../lambdas/core/revocation';
import { createTokenVerifier } from '../../lambdas/core/verify-token';
import { policyAllows } from '../../lib/local/evaluate-policy';
import { makeKey, signToken, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeClock, fakeResolver, ISSUER, NOW } from './fixtures';

const API = 'abcdef1234';
const arn = (method: string, path: string) => `arn:aws:execute-api:eu-west-1:123456789012:${API}/prod/${method}${path}`;
const ROUTE_SCOPES = { [API]: { 'GET /v1/items/{id}': ['items:read'] } };
const INTROSPECTION = { endpoint: 'https://login.brand-a.example/introspect', clientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' };
const USER_TOKEN = 'user-opaque-token-0123456789';
const CLIENT_TOKEN = 'client-opaque-token-0123456789';

const BRANDS: Record<string, BrandConfig> = {
  'brand-a': brand({
    tokenFormat: 'auto', introspection: INTROSPECTION, requiredScopes: ['loyalty'],
    fieldMappings: { email: 'email' },
  }),
  'brand-jwt': brand({ brandId: 'brand-jwt' }),
};

/** What the fake CIAM says of each token. */
const ANSWERS: Record<string, Record<string, unknown>> = {
  [USER_TOKEN]: { active: true, sub: 'user-1', client_id: 'client-a', scope: 'openid loyalty', iss: ISSUER, exp: NOW + 300, iat: NOW - 10, sid: 'sess-1', email: 'Dana@Example.com' },
  [CLIENT_TOKEN]: { active: true, client_id: 'client-a', scope: 'loyalty items:read', exp: NOW + 300, iat: NOW },
};

let a1: TestKey;
beforeAll(async () => {
  a1 = await makeKey('a1');
});

function setup(revoked: RevocationState = {}) {
  const clock = fakeClock();
  const lookups: string[] = [];
  const introspections: string[] = [];
  const revocationChecks: [string, string, string | undefined][] = [];
  const authorize = createRequestAuthorizer({
    findBrand: async (brandId) => {
      lookups.push(brandId);
      return BRANDS[brandId];
    },
    verifyToken: createTokenVerifier({ resolveKey: fakeResolver({ a1: a1.publicKey }).resolveKey, now: clock.now }),
    routeScopes: ROUTE_SCOPES,
    now: clock.now,
    revocations: async (brandId, sub, sid) => {
      revocationChecks.push([brandId, sub, sid]);
      return revoked;
    },
    validateOpaqueToken: cachedOpaqueTokenValidator({
      validate: async (token, config) => {
        introspections.push(token);
        return checkIntrospectionAnswer(ANSWERS[token] ?? { active: false }, config, clock.now() / 1000);
      },
      now: clock.now,
    }),
  });
  return { authorize, lookups, introspections, revocationChecks, clock };
}

const input = (token: string, brandId = 'brand-a', methodArn = arn('GET', '/v1/open')) => ({ authorization: `Bearer ${token}`, brandId, methodArn });

describe('createRequestAuthorizer: opaque tokens', () => {
  it('gives an opaque user token the same principal and context a JWT gets', async () => {
    const { authorize } = setup();
    const decision = await authorize(input(USER_TOKEN));
    expect(decision.principalId).toBe('brand-a|user-1');
    expect(decision.context).toEqual({
      brandId: 'brand-a', sub: 'user-1', iss: ISSUER, principalType: 'customer', tokenType: 'access', scopes: 'openid loyalty',
      validUntil: NOW + 300 + 60, iat: NOW - 10, sid: 'sess-1', email: 'dana@example.com',
    });
    expect(decision.missingBrandScopes).toEqual([]);
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/1'))).toBe(false);
  });

  it('takes a client-credentials answer as a client, with its scopes opening routes', async () => {
    const { authorize } = setup();
    const decision = await authorize(input(CLIENT_TOKEN, 'brand-a', arn('GET', '/v1/items/1')));
    expect(decision.context).toMatchObject({ sub: 'client-a', principalType: 'client' });
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/1'))).toBe(true);
  });

  it('checks the answer\'s sub and sid against the revocation store, at every decision', async () => {
    const { authorize, revocationChecks } = setup({ sidRevokedAt: NOW });
    await expect(authorize(input(USER_TOKEN))).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    expect(revocationChecks).toEqual([['brand-a', 'user-1', 'sess-1']]);
    const watermark = setup({ subRevokedBefore: NOW - 10 });
    await expect(watermark.authorize(input(USER_TOKEN))).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuses an inactive token, and asks the CIAM once per TTL, not per decision', async () => {
    const { authorize, introspections, clock } = setup();
    await expect(authorize(input('revoked-opaque-token-0123456789'))).rejects.toMatchObject({ code: 'TOKEN_INACTIVE' });
    await authorize(input(USER_TOKEN));
    await authorize(input(USER_TOKEN));
    expect(introspections).toEqual(['revoked-opaque-token-0123456789', USER_TOKEN]);
    clock.advance(60_000);
    await authorize(input(USER_TOKEN));
    expect(introspections).toHaveLength(3);
  });

  it('sends a JWT of an auto brand to the signature check, never to the CIAM', async () => {
    const { authorize, introspections } = setup();
    const jwt = await signToken(a1, claimsAt({ scope: 'loyalty' }));
    await expect(authorize(input(jwt))).resolves.toMatchObject({ context: { sub: 'user-1' } });
    await expect(authorize(input(`${jwt.slice(0, jwt.lastIndexOf('.'))}.AAAA`))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(introspections).toEqual([]);
  });

  it('refuses a non-JWT token of a JWT brand as malformed, without asking any CIAM', async () => {
    const { authorize, introspections } = setup();
    await expect(authorize(input(USER_TOKEN, 'brand-jwt'))).rejects.toMatchObject({ code: 'TOKEN_MALFORMED' });
    expect(introspections).toEqual([]);
  });

  it.each([['a short token', 'abc'], ['a short dotted token', 'a.b']])('refuses %s before looking up any brand', async (_name, token) => {
    const { authorize, lookups } = setup();
    await expect(authorize(input(token))).rejects.toMatchObject({ code: 'TOKEN_MALFORMED' });
    expect(lookups).toEqual([]);
  });
});
