import { createRequestAuthorizer } from '../../lambdas/core/authorize-request';
import type { BrandConfig } from '../../lambdas/core/brand-config';
import { TokenError } from '../../lambdas/core/errors';
import type { RevocationState } from '../../lambdas/core/revocation';
import { createTokenVerifier } from '../../lambdas/core/verify-token';
import { policyAllows } from '../../lib/local/evaluate-policy';
import { makeKey, signToken, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeResolver, ISSUER, NOW } from './fixtures';

const API = 'abcdef1234';
const PREFIX = `arn:aws:execute-api:eu-west-1:123456789012:${API}/prod`;
const arn = (method: string, path: string, prefix = PREFIX) => `${prefix}/${method}${path}`;

/** A consumer's API: `/v1/open` named with no scope, `/v1/items/{id}` needing items:read, anything else unnamed. */
const ROUTE_SCOPES = { [API]: { 'GET /v1/open': [], 'GET /v1/items/{id}': ['items:read'] } };

const BRANDS: Record<string, BrandConfig> = {
  'brand-a': brand(),
  'brand-off': brand({ brandId: 'brand-off', status: 'disabled' }),
  'brand-scoped': brand({ brandId: 'brand-scoped', requiredScopes: ['loyalty:read', 'loyalty:write'] }),
  'brand-mapped': brand({
    brandId: 'brand-mapped', clockToleranceSeconds: 30, fieldMappings: { firstName: 'given_name', mobile: 'contact.phone', lastName: 'family_name', email: 'email' },
  }),
};

let a1: TestKey;
beforeAll(async () => {
  a1 = await makeKey('a1');
});

function setup() {
  const lookups: string[] = [];
  const resolver = fakeResolver({ a1: a1.publicKey });
  const authorize = createRequestAuthorizer({
    findBrand: async (brandId) => {
      lookups.push(brandId);
      return BRANDS[brandId];
    },
    verifyToken: createTokenVerifier({ resolveKey: resolver.resolveKey, now: () => NOW * 1000 }),
    routeScopes: ROUTE_SCOPES,
  });
  return { authorize, lookups, resolver };
}

const token = (claims: Record<string, unknown> = {}) => signToken(a1, claimsAt(claims));
const request = async (claims: Record<string, unknown>, brandId = 'brand-a', methodArn = arn('GET', '/v1/open')) => ({
  authorization: `Bearer ${await token(claims)}`, brandId, methodArn,
});

describe('createRequestAuthorizer: scope and the cached policy', () => {
  it('gives a token without items:read a policy that opens /v1/open and keeps /v1/items/{id} shut, whichever route was asked', async () => {
    const { authorize } = setup();
    const input = await request({ scope: 'openid' });
    const forOpen = await authorize(input);
    // API Gateway caches this policy per token and brand, and applies it to the next route the token is sent to.
    expect(policyAllows(forOpen.policyDocument, arn('GET', '/v1/open'))).toBe(true);
    expect(policyAllows(forOpen.policyDocument, arn('GET', '/v1/items/123'))).toBe(false);

    const forItem = await authorize({ ...input, methodArn: arn('GET', '/v1/items/123') });
    expect(forItem.policyDocument).toEqual(forOpen.policyDocument);
    expect(forItem.missingBrandScopes).toEqual([]);
  });

  it('gives a token with items:read a policy that opens both routes', async () => {
    const { authorize } = setup();
    const decision = await authorize(await request({ scope: 'openid items:read' }, 'brand-a', arn('GET', '/v1/items/123')));
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/open'))).toBe(true);
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/123'))).toBe(true);
    expect(decision.policyDocument.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('allows the routes it never named to any valid token of the brand', async () => {
    const { authorize } = setup();
    const decision = await authorize(await request({ scope: 'openid' }));
    expect(policyAllows(decision.policyDocument, arn('POST', '/v1/orders'))).toBe(true);
    expect(policyAllows(decision.policyDocument, arn('GET', '/'))).toBe(true);
  });

  it('reads the route scopes of the API the method ARN names; another API\'s routes are all open', async () => {
    const { authorize } = setup();
    const other = 'arn:aws:execute-api:eu-west-1:123456789012:otherapi01/live';
    const decision = await authorize(await request({ scope: 'openid' }, 'brand-a', arn('GET', '/v1/items/1', other)));
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/1', other))).toBe(true);
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/1'))).toBe(false);
  });

  it('denies every route, and names the missing scopes, when the token lacks a brand-required scope', async () => {
    const { authorize } = setup();
    const decision = await authorize(await request({ scope: 'loyalty:read items:read' }, 'brand-scoped'));
    expect(decision.missingBrandScopes).toEqual(['loyalty:write']);
    for (const [method, path] of [['GET', '/v1/open'], ['GET', '/v1/items/123'], ['POST', '/v1/never-named']] as const) {
      expect(policyAllows(decision.policyDocument, arn(method, path))).toBe(false);
    }
    expect(decision.policyDocument.Statement.some((s) => s.Effect === 'Allow')).toBe(false);
  });

  it('opens the routes once the token carries every brand-required scope', async () => {
    const { authorize } = setup();
    const decision = await authorize(await request({ scope: 'loyalty:read loyalty:write' }, 'brand-scoped'));
    expect(decision.missingBrandScopes).toEqual([]);
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/open'))).toBe(true);
    expect(policyAllows(decision.policyDocument, arn('GET', '/v1/items/1'))).toBe(false);
  });
});

describe('createRequestAuthorizer: brand', () => {
  it.each([[undefined], [''], ['Brand-A'], ['a'], ['../brand-a'], ['brand-a\n'], ['x'.repeat(65)]])(
    'refuses the X-Brand-Id %p as BRAND_HEADER_INVALID without a lookup',
    async (brandId) => {
      const { authorize, lookups } = setup();
      const result = authorize({ ...(await request({})), brandId });
      await expect(result).rejects.toBeInstanceOf(TokenError);
      await expect(result).rejects.toMatchObject({ code: 'BRAND_HEADER_INVALID' });
      expect(lookups).toEqual([]);
    },
  );

  it('refuses an unknown brand as BRAND_UNKNOWN', async () => {
    const { authorize, lookups, resolver } = setup();
    const result = authorize(await request({}, 'brand-zz'));
    await expect(result).rejects.toBeInstanceOf(TokenError);
    await expect(result).rejects.toMatchObject({ code: 'BRAND_UNKNOWN' });
    expect(lookups).toEqual(['brand-zz']);
    expect(resolver.calls).toHaveLength(0);
  });

  it('refuses a disabled brand as BRAND_DISABLED without verifying the token', async () => {
    const { authorize, resolver } = setup();
    const result = authorize(await request({}, 'brand-off'));
    await expect(result).rejects.toBeInstanceOf(TokenError);
    await expect(result).rejects.toMatchObject({ code: 'BRAND_DISABLED' });
    expect(resolver.calls).toHaveLength(0);
  });

  it.each([
    ['no header', undefined, 'TOKEN_MISSING'],
    ['a garbage token', 'Bearer not-a-jwt', 'TOKEN_MALFORMED'],
    ['a token over the size limit', `Bearer ${'A'.repeat(16_390)}`, 'TOKEN_TOO_LARGE'],
    ['a 1 MB header', `Bearer ${'A'.repeat(1 << 20)}`, 'TOKEN_TOO_LARGE'],
  ])('refuses %s before looking up any brand', async (_name, authorization, code) => {
    const { authorize, lookups } = setup();
    await expect(authorize({ authorization, brandId: 'brand-a', methodArn: arn('GET', '/v1/open') })).rejects.toMatchObject({ code });
    expect(lookups).toEqual([]);
  });

  it('passes on the verifier refusal', async () => {
    const { authorize } = setup();
    await expect(authorize(await request({ iat: NOW - 3600, exp: NOW - 60 }))).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(authorize(await request({ aud: 'other-api' }))).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
  });

  it('refuses a malformed methodArn only after the token is verified, as an InternalError', async () => {
    const { authorize } = setup();
    await expect(authorize(await request({}, 'brand-a', 'not-an-arn'))).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('createRequestAuthorizer: context', () => {
  it('passes identity, mapped fields (dot paths), scopes and validUntil = exp + tolerance', async () => {
    const { authorize } = setup();
    const decision = await authorize(
      await request(
        { sub: 'user-42', scope: 'openid items:read', given_name: 'Zoë', contact: { phone: '+447700900123' }, family_name: { nested: 'object' }, email: ['a@b'] },
        'brand-mapped',
      ),
    );
    expect(decision.principalId).toBe('brand-mapped|user-42');
    expect(decision.context).toEqual({
      brandId: 'brand-mapped',
      sub: 'user-42',
      iss: ISSUER,
      principalType: 'customer',
      tokenType: 'access',
      scopes: 'openid items:read',
      validUntil: NOW + 300 + 30,
      iat: NOW,
      firstName: 'Zoë',
      mobile: '+447700900123',
    });
  });

  it('holds only strings and numbers, whatever the claims contain', async () => {
    const { authorize } = setup();
    const decision = await authorize(
      await request({ given_name: { toString: 'x' }, contact: { phone: [1, 2] }, family_name: true, email: null }, 'brand-mapped'),
    );
    for (const value of Object.values(decision.context)) expect(['string', 'number']).toContain(typeof value);
    expect(Object.keys(decision.context).sort()).toEqual(['brandId', 'iat', 'iss', 'principalType', 'scopes', 'sub', 'tokenType', 'validUntil']);
  });

  it('normalises the mapped fields as the customer profile does: email lower-cased, mobile in E.164, junk left out', async () => {
    const { authorize } = setup();
    const mapped = async (claims: Record<string, unknown>) => {
      const { context } = await authorize(await request(claims, 'brand-mapped'));
      return { firstName: context.firstName, lastName: context.lastName, email: context.email, mobile: context.mobile };
    };
    expect(await mapped({ given_name: '  Zoë ', family_name: 'Ng', email: ' Zoe.Ng@Example.COM ', contact: { phone: '+44 (7911) 123-456' } })).toEqual({
      firstName: 'Zoë', lastName: 'Ng', email: 'zoe.ng@example.com', mobile: '+447911123456',
    });
    expect(await mapped({ given_name: 'Zoë\u0007', email: 'not an email', contact: { phone: '07911 123456' } })).toEqual({
      firstName: undefined, lastName: undefined, email: undefined, mobile: undefined,
    });
  });

  it('passes the same context whichever API of the brand was called: this project’s routes or a consumer’s', async () => {
    const { authorize } = setup();
    const claims = { sub: 'user-42', scope: 'openid', email: 'Zoe@Example.com', contact: { phone: '+1 (425) 555-1212' } };
    const authorization = `Bearer ${await token(claims)}`;
    const consumerArn = arn('DELETE', '/orders/9', 'arn:aws:execute-api:eu-west-1:123456789012:orders0001/live');
    const [own, consumer] = await Promise.all([
      authorize({ authorization, brandId: 'brand-mapped', methodArn: arn('GET', '/v1/open') }),
      authorize({ authorization, brandId: 'brand-mapped', methodArn: consumerArn }),
    ]);
    expect(consumer.context).toEqual(own.context);
    expect(consumer.context).toMatchObject({ email: 'zoe@example.com', mobile: '+14255551212' });
  });

  it('does not let a claim overwrite the identity fields', async () => {
    const { authorize } = setup();
    const decision = await authorize(await request({ brandId: 'brand-zz', principalType: 'client', validUntil: 9e15 }, 'brand-mapped'));
    expect(decision.context).toMatchObject({ brandId: 'brand-mapped', principalType: 'customer', validUntil: NOW + 330 });
  });
});

describe('createRequestAuthorizer: tokens already verified by this instance', () => {
  /** A verifier that counts its calls, over the real one; the brand and the clock are the test's to change. */
  function counted(brands: Record<string, BrandConfig>) {
    let nowMs = NOW * 1000;
    const resolver = fakeResolver({ a1: a1.publicKey });
    const verifier = createTokenVerifier({ resolveKey: resolver.resolveKey, now: () => nowMs });
    const verifications: string[] = [];
    const authorize = createRequestAuthorizer({
      findBrand: async (brandId) => brands[brandId],
      verifyToken: (jwt, config) => {
        verifications.push(config.brandId);
        return verifier(jwt, config);
      },
      routeScopes: ROUTE_SCOPES,
      now: () => nowMs,
    });
    return { authorize, verifications, advance: (seconds: number) => (nowMs += seconds * 1000) };
  }

  it('decides a token seen before without verifying it again, with the same policy and context', async () => {
    const { authorize, verifications } = counted({ 'brand-a': brand() });
    const input = await request({ scope: 'items:read' });
    const first = await authorize(input);
    const again = await authorize({ ...input, methodArn: arn('GET', '/v1/items/1') });
    expect(verifications).toEqual(['brand-a']);
    expect(again).toEqual(first);
  });

  it('verifies it again once the brand config was reloaded (a new config object): key, issuer and audience changes reach it', async () => {
    const brands = { 'brand-a': brand() };
    const { authorize, verifications } = counted(brands);
    const input = await request({});
    await authorize(input);
    brands['brand-a'] = brand({ audiences: ['another-api'] });
    await expect(authorize(input)).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
    expect(verifications).toHaveLength(2);
  });

  it('refuses it once expired, by the clock, with the reason of a full verification', async () => {
    const { authorize, advance } = counted({ 'brand-a': brand() });
    const input = await request({ exp: NOW + 120 });
    await authorize(input);
    advance(120 + 60); // exp plus the brand's 60 s tolerance
    await expect(authorize(input)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses it for a disabled brand, and under another brand verifies it against that brand', async () => {
    const brands: Record<string, BrandConfig> = { 'brand-a': brand(), 'brand-b': brand({ brandId: 'brand-b', issuer: 'https://login.brand-b.example' }) };
    const { authorize, verifications } = counted(brands);
    const input = await request({});
    await authorize(input);
    await expect(authorize({ ...input, brandId: 'brand-b' })).rejects.toMatchObject({ code: 'ISSUER_MISMATCH' });
    brands['brand-a'] = { ...(brands['brand-a'] as BrandConfig), status: 'disabled' };
    await expect(authorize(input)).rejects.toMatchObject({ code: 'BRAND_DISABLED' });
    expect(verifications).toEqual(['brand-a', 'brand-b']);
  });

  it('never keeps a refused token: each use is verified, and refused, again', async () => {
    const { authorize, verifications } = counted({ 'brand-a': brand() });
    const input = await request({ iss: 'https://attacker.example' });
    for (let i = 0; i < 3; i += 1) await expect(authorize(input)).rejects.toMatchObject({ code: 'ISSUER_MISMATCH' });
    expect(verifications).toHaveLength(3);
  });

  it('keeps at most 2,000 tokens, dropping the least recently used', async () => {
    const { authorize, verifications } = counted({ 'brand-a': brand() });
    const inputs = await Promise.all(Array.from({ length: 2001 }, (_, i) => request({ sub: `user-${i}` })));
    for (const input of inputs) await authorize(input);
    await authorize(inputs[2000]!);
    expect(verifications).toHaveLength(2001);
    await authorize(inputs[0]!);
    expect(verifications).toHaveLength(2002);
  });
});

describe('createRequestAuthorizer: a brand with several issuers', () => {
  it("passes the token's own issuer to integrations, whichever of the brand's it is", async () => {
    const global = 'https://issuer.brand-a.example/pool-1';
    const twoIssuers = brand({ brandId: 'brand-two', additionalIssuers: [global] });
    const authorize = createRequestAuthorizer({
      findBrand: async (brandId) => (brandId === 'brand-two' ? twoIssuers : undefined),
      verifyToken: createTokenVerifier({ resolveKey: fakeResolver({ a1: a1.publicKey }).resolveKey, now: () => NOW * 1000 }),
      routeScopes: ROUTE_SCOPES,
    });
    expect((await authorize(await request({}, 'brand-two'))).context.iss).toBe(ISSUER);
    expect((await authorize(await request({ iss: global }, 'brand-two'))).context.iss).toBe(global);
  });
});

describe('createRequestAuthorizer: revocations', () => {
  function withRevocations(state: (brandId: string, sub: string, sid: string | undefined) => RevocationState) {
    const reads: [string, string, string | undefined][] = [];
    const authorize = createRequestAuthorizer({
      findBrand: async (brandId) => BRANDS[brandId],
      verifyToken: createTokenVerifier({ resolveKey: fakeResolver({ a1: a1.publicKey }).resolveKey, now: () => NOW * 1000 }),
      routeScopes: ROUTE_SCOPES,
      now: () => NOW * 1000,
      revocations: async (brandId, sub, sid) => {
        reads.push([brandId, sub, sid]);
        return state(brandId, sub, sid);
      },
    });
    return { authorize, reads };
  }

  it("refuses a token issued at or before its subject's watermark, and allows one issued after", async () => {
    const { authorize, reads } = withRevocations(() => ({ subRevokedBefore: NOW - 10 }));
    await expect(authorize(await request({ iat: NOW - 10 }))).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    await expect(authorize(await request({ iat: NOW - 9 }))).resolves.toMatchObject({ principalId: 'brand-a|user-1' });
    expect(reads).toEqual([['brand-a', 'user-1', undefined], ['brand-a', 'user-1', undefined]]);
  });

  it('refuses every token of a revoked session, whenever issued, and no token of another session', async () => {
    const { authorize, reads } = withRevocations((_brand, _sub, sid) => (sid === 'session-1' ? { sidRevokedAt: NOW - 3600 } : {}));
    await expect(authorize(await request({ sid: 'session-1' }))).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    const other = await authorize(await request({ sid: 'session-2' }));
    expect(other.context).toMatchObject({ sid: 'session-2', iat: NOW });
    expect(reads.map(([, , sid]) => sid)).toEqual(['session-1', 'session-2']);
  });

  it('checks a token already seen again at each decision, so a revocation reaches it', async () => {
    let state: RevocationState = {};
    const { authorize } = withRevocations(() => state);
    const input = await request({});
    await authorize(input);
    state = { subRevokedBefore: NOW };
    await expect(authorize(input)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuses a token whose sid is not a short string, rather than miss its session', async () => {
    const { authorize } = withRevocations(() => ({}));
    await expect(authorize(await request({ sid: 'x'.repeat(256) }))).rejects.toMatchObject({ code: 'CLAIM_INVALID' });
    await expect(authorize(await request({ sid: 42 }))).rejects.toMatchObject({ code: 'CLAIM_INVALID' });
  });
});
