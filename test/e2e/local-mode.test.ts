/**
 * End to end through local mode: the demo CIAM (oidc-provider), DynamoDB Local and the API Gateway emulator
 * running the real handlers, called over HTTP as a client would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS } from '../../lib/gateway-responses';
import { LOCAL_TABLES } from '../../lib/table-definitions';
import { clientCredentialsToken, userAccessToken } from '../../lib/local/demo-login';
import { startLocalMode, type LocalModeOptions, type LocalMode } from '../../lib/local/local-mode';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims, type TestKey } from '../support/tokens';

const COOLDOWN_SECONDS = 1;
let local: LocalMode;
let acmeIdp: TestHttpServer;
let acmeKey: TestKey;

const baseOptions: Omit<LocalModeOptions, 'port' | 'ciamPort'> = {
  tables: LOCAL_TABLES,
  gatewayResponses: GATEWAY_RESPONSES,
  integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
  resultsCacheTtlSeconds: 0, // every request reaches the authorizer, so JWKS behaviour is observable
  jwksCooldownSeconds: COOLDOWN_SECONDS,
  adminKey: 'e2e-admin-key',
};

const whoami = async (token: string, brandId = 'demo') => {
  const response = await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const waitCooldown = () => new Promise((resolve) => setTimeout(resolve, COOLDOWN_SECONDS * 1000 + 100));

beforeAll(async () => {
  // A second brand, from LOCAL_BRANDS_FILE, with its own issuer and keys.
  acmeIdp = await TestHttpServer.start();
  acmeKey = await makeKey('acme-1');
  acmeIdp.on('/acme/jwks', { kind: 'json', body: { keys: [acmeKey.jwk] } });
  const brandsFile = join(mkdtempSync(join(tmpdir(), 'ciam-brands-')), 'brands.json');
  writeFileSync(brandsFile, JSON.stringify([{
    brandId: 'acme', displayName: 'Acme', provider: 'generic-oidc', issuer: acmeIdp.url('/acme'), jwksUri: acmeIdp.url('/acme/jwks'),
    userinfoEndpoint: acmeIdp.url('/acme/userinfo'), applicationId: 'acme-app', clientId: 'acme-client', audiences: ['loyalty-api'],
  }]));
  local = await startLocalMode({ ...baseOptions, port: 0, ciamPort: 0, brandsFile });
}, 60_000);

afterAll(async () => {
  await local?.stop();
  await acmeIdp?.stop();
});

it('serves /health', async () => {
  expect((await fetch(`${local.gatewayUrl}/health`)).status).toBe(200);
});

it('discovery, a real login with PKCE, then the token is accepted as a customer', async () => {
  const token = await userAccessToken(local.ciam.issuer, 'alice', 'openid profile email phone loyalty');
  const { status, body } = await whoami(token);
  expect(status).toBe(200);
  expect(body).toMatchObject({ brandId: 'demo', sub: 'alice', principalType: 'customer', tokenType: 'access', iss: local.ciam.issuer });
});

it('gives a client-credentials token principal type client', async () => {
  const { status, body } = await whoami(await clientCredentialsToken(local.ciam.issuer, 'loyalty'));
  expect(status).toBe(200);
  expect(body).toMatchObject({ principalType: 'client', sub: 'demo-client' });
});

it('refuses a demo user without the brand-required scope with 403 insufficient_scope', async () => {
  const response = await fetch(`${local.gatewayUrl}/v1/whoami`, {
    headers: { authorization: `Bearer ${await userAccessToken(local.ciam.issuer, 'bob', 'openid profile')}`, 'x-brand-id': 'demo' },
  });
  expect(response.status).toBe(403);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
});

it('accepts the second brand tokens under its own id and refuses them under demo', async () => {
  const token = await signToken(acmeKey, standardClaims({ iss: acmeIdp.url('/acme') }));
  expect((await whoami(token, 'acme')).status).toBe(200);
  const refused = await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'demo' } });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
});

it('follows a key rotation at the CIAM with one JWKS refetch, then verifies from memory', async () => {
  expect((await whoami(await clientCredentialsToken(local.ciam.issuer, 'loyalty'))).status).toBe(200);
  await waitCooldown();
  await local.ciam.rotateSigningKey();
  const before = local.ciam.jwksRequests();
  const rotated = await clientCredentialsToken(local.ciam.issuer, 'loyalty');
  expect((await whoami(rotated)).status).toBe(200);
  expect(local.ciam.jwksRequests()).toBe(before + 1);
  for (let i = 0; i < 5; i += 1) expect((await whoami(rotated)).status).toBe(200);
  expect(local.ciam.jwksRequests()).toBe(before + 1);
});

it('bounds an unknown-kid flood to one JWKS fetch', async () => {
  await waitCooldown();
  const attacker = await makeKey('attacker');
  const before = local.ciam.jwksRequests();
  const tokens = await Promise.all(
    Array.from({ length: 100 }, (_, i) => signToken(attacker, standardClaims({ iss: local.ciam.issuer, aud: 'https://loyalty.example/api', scope: 'loyalty' }), { kid: `random-${i}` })),
  );
  const statuses = await Promise.all(tokens.map(async (token) => (await whoami(token)).status));
  expect(statuses.every((status) => status === 401)).toBe(true);
  expect(local.ciam.jwksRequests() - before).toBeLessThanOrEqual(1);
});

it('keeps accepting tokens signed with cached keys while the JWKS endpoint is down', async () => {
  const token = await clientCredentialsToken(local.ciam.issuer, 'loyalty');
  expect((await whoami(token)).status).toBe(200);
  local.ciam.setJwksAvailable(false);
  try {
    await waitCooldown();
    const attacker = await makeKey('unknown');
    const unknownKid = await signToken(attacker, standardClaims({ iss: local.ciam.issuer, aud: 'https://loyalty.example/api', scope: 'loyalty' }));
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
    await expect(startLocalMode({ ...baseOptions, port, ciamPort: 0 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  } finally {
    blocker.close();
  }
}, 60_000);
