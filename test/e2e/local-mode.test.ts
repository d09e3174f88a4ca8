/**
 * End to end through local mode: the demo CIAM (oidc-provider), DynamoDB Local and the API Gateway emulator
 * running the real handlers, called over HTTP as a client would. JWKS cooldowns pass on local mode's clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentialsToken, userAccessToken } from '../../lib/local/demo-login';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims, type TestKey } from '../support/tokens';
import { startE2eLocalMode } from './e2e-local-mode';

/** Local mode's default: a JWKS URI is fetched at most once per 30 s. */
const JWKS_COOLDOWN_SECONDS = 30;
let local: LocalMode;
let advance: (seconds: number) => void;
let acmeIdp: TestHttpServer;
let acmeKey: TestKey;
let dir: string;

const whoami = async (token: string, brandId = 'demo') => {
  const response = await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};
const pastCooldown = () => advance(JWKS_COOLDOWN_SECONDS + 1);
const demoClaims = () => standardClaims({ iss: local.ciam.issuer, aud: 'https://loyalty.example/api', scope: 'loyalty' });

beforeAll(async () => {
  // A second brand, from LOCAL_BRANDS_FILE, with its own issuer and keys.
  acmeIdp = await TestHttpServer.start();
  acmeKey = await makeKey('acme-1');
  acmeIdp.on('/acme/jwks', { kind: 'json', body: { keys: [acmeKey.jwk] } });
  dir = mkdtempSync(join(tmpdir(), 'ciam-brands-'));
  const brandsFile = join(dir, 'brands.json');
  writeFileSync(brandsFile, JSON.stringify([{
    brandId: 'acme', displayName: 'Acme', provider: 'generic-oidc', issuer: acmeIdp.url('/acme'), jwksUri: acmeIdp.url('/acme/jwks'),
    userinfoEndpoint: acmeIdp.url('/acme/userinfo'), applicationId: 'acme-app', clientId: 'acme-client', audiences: ['loyalty-api'],
  }]));
  // Every request reaches the authorizer, so JWKS behaviour is observable.
  ({ local, advance } = await startE2eLocalMode({ brandsFile, resultsCacheTtlSeconds: 0 }));
}, 60_000);

afterAll(async () => {
  await local?.stop();
  await acmeIdp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('serves /health', async () => {
  expect((await fetch(`${local.gatewayUrl}/health`)).status).toBe(200);
});

it('discovery, a real login with PKCE, then the token is accepted as a customer', async () => {
  const token = await userAccessToken(local.ciam.issuer, 'alice', 'openid profile email phone loyalty');
  const { status, headers, body } = await whoami(token);
  expect(status).toBe(200);
  expect(body).toMatchObject({ brandId: 'demo', sub: 'alice', principalType: 'customer', tokenType: 'access', iss: local.ciam.issuer });
  expect(headers.get('x-ciam-debug')).toBeNull();
});

it('gives a client-credentials token principal type client', async () => {
  const { status, body } = await whoami(await clientCredentialsToken(local.ciam.issuer, 'loyalty'));
  expect(status).toBe(200);
  expect(body).toMatchObject({ principalType: 'client', sub: 'demo-client' });
});

it('refuses a demo user without the brand-required scope with 403 insufficient_scope, naming the code in x-ciam-debug', async () => {
  const { status, headers } = await whoami(await userAccessToken(local.ciam.issuer, 'bob', 'openid profile'));
  expect(status).toBe(403);
  expect(headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
  expect(headers.get('x-ciam-debug')).toBe('INSUFFICIENT_SCOPE');
});

it('accepts the second brand tokens under its own id, and refuses them under demo with the reason in x-ciam-debug', async () => {
  const token = await signToken(acmeKey, standardClaims({ iss: acmeIdp.url('/acme') }));
  expect((await whoami(token, 'acme')).status).toBe(200);
  const refused = await whoami(token, 'demo');
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(refused.headers.get('x-ciam-debug')).toBe('ISSUER_MISMATCH');
  expect((await whoami(token, 'nobody')).headers.get('x-ciam-debug')).toBe('BRAND_UNKNOWN');
});

it('follows a key rotation at the CIAM with one JWKS refetch, then verifies from memory', async () => {
  expect((await whoami(await clientCredentialsToken(local.ciam.issuer, 'loyalty'))).status).toBe(200);
  pastCooldown();
  await local.ciam.rotateSigningKey();
  const before = local.ciam.jwksRequests();
  const rotated = await clientCredentialsToken(local.ciam.issuer, 'loyalty');
  expect((await whoami(rotated)).status).toBe(200);
  expect(local.ciam.jwksRequests()).toBe(before + 1);
  for (let i = 0; i < 5; i += 1) expect((await whoami(rotated)).status).toBe(200);
  expect(local.ciam.jwksRequests()).toBe(before + 1);
});

it('bounds an unknown-kid flood to one JWKS fetch', async () => {
  pastCooldown();
  const attacker = await makeKey('attacker');
  const before = local.ciam.jwksRequests();
  const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => signToken(attacker, demoClaims(), { kid: `random-${i}` })));
  const refusals = await Promise.all(tokens.map((token) => whoami(token)));
  expect(refusals.every(({ status, headers }) => status === 401 && headers.get('x-ciam-debug') === 'KEY_NOT_FOUND')).toBe(true);
  expect(local.ciam.jwksRequests() - before).toBeLessThanOrEqual(1);
});

it('keeps accepting tokens signed with cached keys while the JWKS endpoint is down', async () => {
  const token = await clientCredentialsToken(local.ciam.issuer, 'loyalty');
  expect((await whoami(token)).status).toBe(200);
  local.ciam.setJwksAvailable(false);
  try {
    pastCooldown();
    const unknownKid = await signToken(await makeKey('unknown'), demoClaims());
    expect((await whoami(unknownKid)).status).toBe(401);
    expect((await whoami(token)).status).toBe(200);
  } finally {
    local.ciam.setJwksAvailable(true);
  }
});

it('fails to start with a clear error when the gateway port is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await expect(startLocalMode({ ...readLocalSettings({ PORT: String(port), CIAM_PORT: '0' }) })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  } finally {
    blocker.close();
  }
}, 60_000);
