/**
 * JWKS rows of HOSTILE-INPUTS.md that depend on time: rotation and an endpoint that goes down. The authorizer runs
 * on a clock the test moves, so waiting out the JWKS cooldown (30 s by default) takes no time.
 */
import { startAuthorizerHarness, type AuthorizerHarness } from '../support/authorizer-harness';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims, type TestKey } from '../support/tokens';

let server: TestHttpServer;
let harness: AuthorizerHarness;
let a1: TestKey, a2: TestKey, x: TestKey;
const COOLDOWN_MS = 30_000;
/** Starts at the real time, so tokens signed now are fresh, and moves only when told. */
let clockMs = Date.now();
const waitCooldown = () => {
  clockMs += COOLDOWN_MS;
};
const claims = () => standardClaims({ iss: server.url('/rot') });
const call = async (key: TestKey, kid = key.kid) => (await harness.invoke({ token: await signToken(key, claims(), { kid }), brandId: 'rot' })).status;
const fetches = () => server.hitCount('/rot/jwks');

beforeAll(async () => {
  server = await TestHttpServer.start();
  [a1, a2, x] = await Promise.all([makeKey('a1'), makeKey('a2'), makeKey('x')]);
  server.on('/rot/jwks', { kind: 'json', body: { keys: [a1.jwk] } });
  harness = await startAuthorizerHarness({ env: { JWKS_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000) }, now: () => clockMs });
  await harness.putBrand({
    brandId: 'rot', displayName: 'Rotation', provider: 'generic-oidc', issuer: server.url('/rot'), jwksUri: server.url('/rot/jwks'),
    userinfoEndpoint: server.url('/rot/userinfo'), applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'],
  });
});

afterAll(async () => {
  await harness?.stop();
  await server?.stop();
});

it('picks up a rotated key with one refetch, then verifies it from memory', async () => {
  expect(await call(a1)).toBe(200);
  expect(fetches()).toBe(1);
  waitCooldown();
  server.on('/rot/jwks', { kind: 'json', body: { keys: [a1.jwk, a2.jwk] } });
  expect(await call(a2)).toBe(200);
  expect(fetches()).toBe(2);
  for (let i = 0; i < 10; i += 1) expect(await call(a2)).toBe(200);
  expect(await call(a1)).toBe(200);
  expect(fetches()).toBe(2);
});

it('keeps verifying cached keys while the endpoint is down, and refuses unknown kids', async () => {
  for (const behaviour of [{ kind: 'raw', status: 503, body: 'down' }, { kind: 'raw', status: 404, body: '' }, { kind: 'hang' }] as const) {
    server.on('/rot/jwks', behaviour);
    waitCooldown();
    const before = fetches();
    expect(await call(x, 'unknown-kid')).toBe(401); // one refetch, which fails
    expect(fetches()).toBe(before + 1);
    expect(await call(a1)).toBe(200);
    expect(await call(a2)).toBe(200);
    clockMs += COOLDOWN_MS - 1;
    expect(await call(x, 'another-unknown')).toBe(401); // a millisecond before the cooldown ends: no new fetch
    expect(fetches()).toBe(before + 1);
  }
});
