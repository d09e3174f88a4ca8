/**
 * Every token row of ../shared/HOSTILE-INPUTS.md through the real authorizer handler: brand configs in
 * DynamoDB Local, keys served over HTTP on 127.0.0.1, tokens signed with jose (or crafted byte by byte
 * where jose refuses to make them).
 */
import { generateKeyPairSync } from 'node:crypto';
import { ROUTES, routeScopesOf } from '../../lambdas/core/routes';
import { startAuthorizerHarness, type AuthorizerHarness } from '../support/authorizer-harness';
import { TestHttpServer } from '../support/jwks-server';
import {
  craftToken, hmacSigner, makeKey, nowSeconds, rawSigner, signToken, standardClaims, withPayload, type TestKey,
} from '../support/tokens';

let server: TestHttpServer;
let harness: AuthorizerHarness;
let a1: TestKey, b1: TestKey, x: TestKey, es: TestKey, ed: TestKey, m1: TestKey, m2: TestKey;

const brand = (id: string, extra: Record<string, unknown> = {}) => ({
  brandId: id,
  displayName: `Brand ${id}`,
  provider: 'generic-oidc',
  issuer: server.url(`/${id}`),
  jwksUri: server.url(`/${id}/jwks`),
  userinfoEndpoint: server.url(`/${id}/userinfo`),
  applicationId: `app-${id}`,
  clientId: `client-${id}`,
  audiences: ['loyalty-api'],
  ...extra,
});
const claimsFor = (id: string, extra: Record<string, unknown> = {}) => standardClaims({ iss: server.url(`/${id}`), ...extra });
const good = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => signToken(a1, claimsFor('brand-a', extra), header);
const call = (token: string, brandId = 'brand-a') => harness.invoke({ token, brandId });
const jwksFetches = (id = 'brand-a') => server.hitCount(`/${id}/jwks`);

beforeAll(async () => {
  server = await TestHttpServer.start();
  [a1, b1, x, m1, m2, es, ed] = await Promise.all([
    makeKey('a1'), makeKey('b1'), makeKey('x'), makeKey('m1'), makeKey('m2'), makeKey('es1', 'ES256'), makeKey('ed1', 'EdDSA'),
  ]);
  server
    .on('/brand-a/jwks', { kind: 'json', body: { keys: [a1.jwk] } })
    .on('/brand-b/jwks', { kind: 'json', body: { keys: [b1.jwk] } })
    .on('/brand-multi/jwks', { kind: 'json', body: { keys: [{ ...m1.jwk, kid: undefined }, { ...m2.jwk, kid: undefined }] } })
    .on('/brand-single/jwks', { kind: 'json', body: { keys: [{ ...a1.jwk, kid: undefined }] } })
    .on('/brand-es/jwks', { kind: 'json', body: { keys: [es.jwk] } })
    .on('/brand-ed/jwks', { kind: 'json', body: { keys: [ed.jwk] } })
    .on('/brand-mixed/jwks', { kind: 'json', body: { keys: [a1.jwk, es.jwk] } });
  // This project's routes, and one of a consumer's that needs a scope.
  harness = await startAuthorizerHarness({ routeScopes: { ...routeScopesOf(ROUTES), 'GET /v1/orders/{id}': ['orders:read'] } });
  await Promise.all([
    harness.putBrand(brand('brand-a')),
    harness.putBrand(brand('brand-b')),
    harness.putBrand(brand('brand-multi')),
    harness.putBrand(brand('brand-single')),
    harness.putBrand(brand('brand-es', { algorithms: ['ES256'] })),
    harness.putBrand(brand('brand-ed', { algorithms: ['EdDSA'] })),
    harness.putBrand(brand('brand-mixed', { algorithms: ['RS256', 'ES256'] })),
    harness.putBrand(brand('brand-ids', { acceptedTokenTypes: ['access', 'id'] })),
    harness.putBrand(brand('brand-scoped', { requiredScopes: ['loyalty:read'] })),
    harness.putBrand(brand('brand-off', { status: 'disabled' })),
  ]);
  // Warm brand A's key set once, so "no fetch"/"no refetch" below measure the token, not the cold start.
  expect((await call(await good())).status).toBe(200);
});

afterAll(async () => {
  await harness?.stop();
  await server?.stop();
});

/** The case must be refused with 401 and cause no JWKS request at all. */
async function expect401WithoutFetch(token: string, brandId = 'brand-a'): Promise<void> {
  const before = server.totalHits();
  expect((await call(token, brandId)).status).toBe(401);
  expect(server.totalHits()).toBe(before);
}

describe('controls that must pass', () => {
  it('accepts a valid token and passes brand, subject, issuer and scopes as context', async () => {
    const outcome = await call(await good({ given_name: 'Zoë' }));
    expect(outcome.status).toBe(200);
    if (outcome.status === 401) return;
    expect(outcome.result.principalId).toBe('brand-a|user-1');
    expect(outcome.result.context).toMatchObject({
      brandId: 'brand-a', sub: 'user-1', iss: server.url('/brand-a'), principalType: 'customer', tokenType: 'access', scopes: 'openid profile',
    });
    for (const value of Object.values(outcome.result.context ?? {})) expect(['string', 'number', 'boolean']).toContain(typeof value);
  });

  it('accepts aud as a one-element array, non-ASCII claims, and a lowercase bearer scheme', async () => {
    expect((await call(await good({ aud: ['loyalty-api'] }))).status).toBe(200);
    expect((await call(await good({ name: '李小龍 🐉', sub: 'ユーザー' }))).status).toBe(200);
    expect((await harness.invoke({ authorization: `bearer ${await good()}`, brandId: 'brand-a' })).status).toBe(200);
  });

  it('accepts a token without kid when the JWKS has a single key', async () => {
    expect((await call(await signToken(a1, claimsFor('brand-single'), { kid: undefined }), 'brand-single')).status).toBe(200);
  });

  it('accepts exp just inside the clock tolerance (60 s), refuses it at the boundary', async () => {
    expect((await call(await good({ exp: nowSeconds() - 60 + 2 }))).status).toBe(200);
    expect(await call(await good({ exp: nowSeconds() - 60 }))).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
  });

  it('verifies ES256 and EdDSA brands, and each algorithm only against its own key type', async () => {
    expect((await call(await signToken(es, claimsFor('brand-es')), 'brand-es')).status).toBe(200);
    expect((await call(await signToken(ed, claimsFor('brand-ed')), 'brand-ed')).status).toBe(200);
    expect((await call(await signToken(es, claimsFor('brand-mixed')), 'brand-mixed')).status).toBe(200);
    // RS256 header with the EC key's kid: the key cannot verify RS256, so no key fits.
    const forged = craftToken({ alg: 'RS256', kid: 'es1' }, claimsFor('brand-mixed'), rawSigner(a1, 'RS256'));
    expect(await call(forged, 'brand-mixed')).toEqual({ status: 401, code: 'KEY_NOT_FOUND' });
  });
});

describe('algorithm attacks (401, no fetch)', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s with empty or garbage signatures', async (alg) => {
    await expect401WithoutFetch(craftToken({ alg, typ: 'JWT' }, claimsFor('brand-a')));
    await expect401WithoutFetch(craftToken({ alg, kid: 'a1' }, claimsFor('brand-a'), () => 'c2ln'));
  });

  it.each(['HS256', 'HS384', 'HS512'])('refuses %s signed with brand A public key as the HMAC secret', async (alg) => {
    const pem = a1.publicKey.export({ format: 'pem', type: 'spki' });
    const der = a1.publicKey.export({ format: 'der', type: 'spki' });
    for (const secret of [pem, der, JSON.stringify(a1.jwk)]) {
      await expect401WithoutFetch(craftToken({ alg, kid: 'a1' }, claimsFor('brand-a'), hmacSigner(alg, secret)));
    }
  });

  it('refuses algorithms outside the brand allow-list even when A key signs them', async () => {
    await expect401WithoutFetch(craftToken({ alg: 'PS256', kid: 'a1' }, claimsFor('brand-a'), rawSigner(a1, 'PS256')));
    await expect401WithoutFetch(craftToken({ alg: 'RS512', kid: 'a1' }, claimsFor('brand-a'), rawSigner(a1, 'RS512')));
    await expect401WithoutFetch(await signToken(es, claimsFor('brand-a'), { kid: 'a1' }));
  });
});

describe('signature attacks', () => {
  it('refuses altered, truncated and bit-flipped signatures without refetching', async () => {
    const token = await good();
    const [h, p, s = ''] = token.split('.');
    const sig = Buffer.from(s, 'base64url');
    const flipped = Buffer.from(sig);
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    const cases = [`${h}.${p}.${s.slice(0, -10)}`, `${h}.${p}.${flipped.toString('base64url')}`, `${h}.${p}.${Buffer.alloc(sig.length).toString('base64url')}`, `${h}.${p}.`];
    for (const forged of cases) await expect401WithoutFetch(forged);
  });

  it('refuses psychic ECDSA signatures (r = s = 0, CVE-2022-21449)', async () => {
    const zero = () => Buffer.alloc(64);
    await expect401WithoutFetch(craftToken({ alg: 'ES256', kid: 'es1' }, claimsFor('brand-es'), zero), 'brand-es');
    await expect401WithoutFetch(craftToken({ alg: 'ES256', kid: 'es1' }, claimsFor('brand-es'), () => Buffer.alloc(0)), 'brand-es');
  });

  it('refuses a token with kid a1 signed by an attacker key, without refetching', async () => {
    await expect401WithoutFetch(await signToken(x, claimsFor('brand-a'), { kid: 'a1' }));
  });

  it('refuses a tampered payload that grants more scope', async () => {
    const token = await good();
    await expect401WithoutFetch(withPayload(token, claimsFor('brand-a', { scope: 'openid profile admin' })));
  });

  it('never uses an embedded jwk, nor fetches jku/x5u URLs, nor trusts x5c', async () => {
    const trap = server.url('/trap');
    server.on('/trap', { kind: 'json', body: { keys: [x.jwk] } });
    for (const header of [{ jwk: x.jwk }, { jku: trap }, { x5u: trap }, { jku: 'http://169.254.169.254/latest/meta-data/' }, { x5c: ['MIIB'] }]) {
      const token = await signToken(x, claimsFor('brand-a'), { kid: 'x', ...header });
      expect((await call(token)).status).toBe(401);
    }
    expect(server.hitCount('/trap')).toBe(0);
  });
});

describe('header and kid attacks', () => {
  it.each([
    '../../dev/null', "' OR 1=1 --", '$(curl 169.254.169.254)', 'a1\r\nX-Injected: 1', 'k'.repeat(10_000),
  ])('refuses injected kid %#, never using it as anything but a lookup key', async (kid) => {
    const outcome = await call(await signToken(x, claimsFor('brand-a'), { kid }));
    expect(outcome.status).toBe(401);
  });

  it('refuses a missing kid when several keys could fit', async () => {
    expect((await call(await signToken(m1, claimsFor('brand-multi'), { kid: undefined }), 'brand-multi')).status).toBe(401);
  });

  it('refuses crit headers, well-formed or not', async () => {
    for (const crit of [['x-ext'], [], 'x-ext', [1], ['exp']]) {
      await expect401WithoutFetch(craftToken({ alg: 'RS256', kid: 'a1', crit, 'x-ext': 1 }, claimsFor('brand-a'), rawSigner(a1, 'RS256')));
    }
    await expect401WithoutFetch(craftToken({ alg: 'RS256', kid: 'a1', b64: false, crit: ['b64'] }, claimsFor('brand-a'), rawSigner(a1, 'RS256')));
  });

  it('refuses nested JWTs and JWEs without decrypting', async () => {
    const inner = await good();
    await expect401WithoutFetch(craftToken({ alg: 'RS256', kid: 'a1', cty: 'JWT' }, inner, rawSigner(a1, 'RS256')));
    await expect401WithoutFetch('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn');
  });

  it('refuses foreign token types in typ', async () => {
    for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt', 42]) {
      await expect401WithoutFetch(craftToken({ alg: 'RS256', kid: 'a1', typ }, claimsFor('brand-a'), rawSigner(a1, 'RS256')));
    }
  });
});

describe('shape and JSON', () => {
  it.each(['', 'abc', 'a.b', '.....', 'a.b.c.d', 'a.b.c.d.e', '{"protected":"e30","payload":"e30","signature":""}', '..', 'e30.e30.'])(
    'refuses %j',
    async (token) => {
      await expect401WithoutFetch(token);
    },
  );

  it('refuses headers and payloads that are not JSON objects', async () => {
    const signer = rawSigner(a1, 'RS256');
    for (const bad of ['[]', '"x"', 'null', '1', '{']) {
      await expect401WithoutFetch(craftToken(bad, claimsFor('brand-a'), signer));
      await expect401WithoutFetch(craftToken({ alg: 'RS256', kid: 'a1' }, bad, signer));
    }
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url');
    await expect401WithoutFetch(`${invalidUtf8}.${Buffer.from('{}').toString('base64url')}.c2ln`);
  });

  it('refuses a 1 MB bearer token quickly, and malformed Authorization headers', async () => {
    const started = process.hrtime.bigint();
    expect((await harness.invoke({ authorization: `Bearer ${'a'.repeat(1_000_000)}`, brandId: 'brand-a' })).status).toBe(401);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    const token = await good();
    for (const authorization of [undefined, 'Bearer', 'Bearer ', `Basic ${token}`, `Bearer ${token} ${token}`, `Bearer ${token}, Bearer ${token}`, token]) {
      expect((await harness.invoke({ authorization, brandId: 'brand-a' })).status).toBe(401);
    }
  });
});

describe('claims', () => {
  it.each([
    ['exp as a string', { exp: '9999999999' }],
    ['nbf as a boolean', { nbf: true }],
    ['iss as an array', { iss: ['x'] }],
    ['sub as a number', { sub: 123 }],
    ['aud as an object', { aud: {} }],
    ['sub missing', { sub: undefined }],
    ['sub empty', { sub: '' }],
    ['exp missing', { exp: undefined }],
    ['iat missing', { iat: undefined }],
    ['expired beyond tolerance', { exp: nowSeconds() - 3600 }],
    ['nbf in the future', { nbf: nowSeconds() + 600 }],
    ['iat in the future', { iat: nowSeconds() + 600 }],
    ['iat older than the maximum token age', { iat: nowSeconds() - 86_400 - 3600 }],
    ['wrong issuer', { iss: 'https://attacker.example' }],
    ['missing issuer', { iss: undefined }],
    ['wrong audience', { aud: 'someone-else' }],
    ['missing audience', { aud: undefined }],
    ['empty audience list', { aud: [] }],
    ['empty audience', { aud: '' }],
  ])('refuses %s without fetching', async (_name, overrides) => {
    await expect401WithoutFetch(await good(overrides));
  });

  it('refuses 1000 random issuers with no fetch and no further DynamoDB reads', async () => {
    const readsBefore = harness.dynamodb.count('GetItem');
    const hitsBefore = server.totalHits();
    for (let i = 0; i < 1000; i += 1) {
      const outcome = await call(await good({ iss: `https://attacker-${i}.example` }));
      expect(outcome.status).toBe(401);
    }
    expect(server.totalHits()).toBe(hitsBefore);
    expect(harness.dynamodb.count('GetItem')).toBe(readsBefore);
  });
});

describe('cross-brand and token types', () => {
  it('refuses a genuine brand B token under X-Brand-Id A, and A claims signed with B key', async () => {
    expect((await call(await signToken(b1, claimsFor('brand-b')), 'brand-b')).status).toBe(200);
    expect((await call(await signToken(b1, claimsFor('brand-b')), 'brand-a')).status).toBe(401);
    expect((await call(await signToken(b1, claimsFor('brand-a')), 'brand-a')).status).toBe(401);
  });

  it('refuses an ID token where access tokens are required, unless the brand accepts ID tokens', async () => {
    const idClaims = (id: string) => claimsFor(id, { aud: `client-${id}`, nonce: 'n-0S6', scope: undefined });
    const idA = await signToken(a1, idClaims('brand-a'), { typ: 'JWT' });
    expect((await call(idA)).status).toBe(401);
    server.on('/brand-ids/jwks', { kind: 'json', body: { keys: [a1.jwk] } });
    const idOk = await call(await signToken(a1, idClaims('brand-ids'), { typ: 'JWT' }), 'brand-ids');
    expect(idOk.status).toBe(200);
    if (idOk.status !== 401) expect(idOk.result.context?.tokenType).toBe('id');
  });

  it('refuses tokens of unknown, malformed and disabled brands', async () => {
    const token = await good();
    for (const brandId of [undefined, '', 'NOPE', 'a', 'x'.repeat(65), '../brand-a', 'brand-unknown', 'brand-off']) {
      expect((await harness.invoke({ token, brandId })).status).toBe(401);
    }
  });

  it('marks client-credentials tokens as principal type client', async () => {
    const outcome = await call(await good({ sub: 'client-brand-a', client_id: 'client-brand-a' }));
    expect(outcome.status).toBe(200);
    if (outcome.status !== 401) expect(outcome.result.context?.principalType).toBe('client');
  });
});

describe('scopes', () => {
  it('denies every route (403) when brand-required scopes are missing, allows when present', async () => {
    server.on('/brand-scoped/jwks', { kind: 'json', body: { keys: [a1.jwk] } });
    expect((await call(await signToken(a1, claimsFor('brand-scoped')), 'brand-scoped')).status).toBe(403);
    const ok = await call(await signToken(a1, claimsFor('brand-scoped', { scope: 'openid loyalty:read' })), 'brand-scoped');
    expect(ok.status).toBe(200);
  });

  it("denies a route whose scopes the token lacks, and only that route, in the same cached policy", async () => {
    const token = await good({ scope: 'profile' });
    const order = await harness.invoke({ token, brandId: 'brand-a', path: '/v1/orders/42' });
    expect(order.status).toBe(403);
    if (order.status === 401) return;
    // The policy API Gateway caches for this token: the route it lacks orders:read for stays shut, the rest is open.
    expect(order.allows('GET', '/v1/whoami')).toBe(true);
    expect(order.allows('GET', '/v1/orders/7')).toBe(false);
    expect(order.allows('GET', '/v1/never-named')).toBe(true);
    // The customer routes need no scope here: whether they need openid depends on the brand, so their handlers decide.
    expect(order.allows('POST', '/v1/customers/link')).toBe(true);
    expect((await harness.invoke({ token: await good({ scope: 'orders:read' }), brandId: 'brand-a', path: '/v1/orders/42' })).status).toBe(200);
  });
});

describe('JWKS endpoint behaviour', () => {
  it('fetches the key set once and then verifies from memory', async () => {
    server.resetHits();
    for (let i = 0; i < 20; i += 1) expect((await call(await good({ jti: `t${i}` }))).status).toBe(200);
    expect(jwksFetches()).toBe(0);
  });

  it('bounds an unknown-kid flood to at most one fetch per cooldown, coalescing concurrent misses', async () => {
    server.resetHits();
    const tokens = await Promise.all(Array.from({ length: 300 }, (_, i) => signToken(x, claimsFor('brand-a'), { kid: `zzz-${i}` })));
    const outcomes = await Promise.all(tokens.map((token) => call(token)));
    expect(outcomes.every((o) => o.status === 401)).toBe(true);
    expect(jwksFetches()).toBeLessThanOrEqual(1);
    expect((await call(await good())).status).toBe(200);
  });

  it('keeps a key published by a JWKS with one broken entry', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const odd = { ...publicKey.export({ format: 'jwk' }), kid: 'odd' };
    server.on('/brand-odd/jwks', { kind: 'json', body: { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'hs' }, odd, { kty: 'RSA', n: '!', e: 'AQAB', kid: 'bad' }, a1.jwk] } });
    await harness.putBrand(brand('brand-odd'));
    expect((await call(await signToken(a1, claimsFor('brand-odd')), 'brand-odd')).status).toBe(200);
    const hsForged = craftToken({ alg: 'HS256', kid: 'hs' }, claimsFor('brand-odd'), hmacSigner('HS256', 'secret'));
    expect((await call(hsForged, 'brand-odd')).status).toBe(401);
  });

  it.each([
    ['truncated JSON', { kind: 'raw', body: '{"keys":[{"kty":"RSA"' }],
    ['HTML', { kind: 'raw', body: '<html>login</html>', contentType: 'text/html' }],
    ['empty body', { kind: 'raw', body: '' }],
    ['{}', { kind: 'json', body: {} }],
    ['keys as an object', { kind: 'json', body: { keys: {} } }],
    ['an array', { kind: 'json', body: [] }],
    ['an empty set', { kind: 'json', body: { keys: [] } }],
    ['a 10 MB body', { kind: 'huge', bytes: 10 * 1024 * 1024 }],
    ['a redirect to the metadata service', { kind: 'redirect', location: 'http://169.254.169.254/latest/meta-data/' }],
    ['a 500', { kind: 'raw', status: 500, body: 'oops' }],
    ['a 404', { kind: 'raw', status: 404, body: 'gone' }],
  ] as const)('refuses tokens (401) when the JWKS endpoint serves %s, and does not cache it', async (_name, behaviour) => {
    const id = `brand-j${Math.random().toString(36).slice(2, 10)}`;
    server.on(`/${id}/jwks`, behaviour);
    await harness.putBrand(brand(id));
    const token = await signToken(a1, claimsFor(id));
    expect((await call(token, id)).status).toBe(401);
    expect((await call(token, id)).status).toBe(401);
    expect(jwksFetches(id)).toBe(1); // backed off: the second call did not fetch again
  });

  it('times out a JWKS endpoint that never answers, with a 401 inside the deadline', async () => {
    server.on('/brand-slow/jwks', { kind: 'hang' });
    await harness.putBrand(brand('brand-slow'));
    const started = Date.now();
    expect((await call(await signToken(a1, claimsFor('brand-slow')), 'brand-slow')).status).toBe(401);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('dependencies failing', () => {
  it('answers 401, never a 500, while DynamoDB throttles or drops connections', async () => {
    const token = await signToken(a1, claimsFor('brand-a'));
    for (const failure of ['throttle', 'reset'] as const) {
      harness.dynamodb.failure = failure;
      expect(await call(token, 'brand-fresh-' + failure)).toEqual({ status: 401, code: 'STORE_UNAVAILABLE' });
    }
    harness.dynamodb.failure = 'none';
  });
});
