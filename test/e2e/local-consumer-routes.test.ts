/**
 * A consumer's API in local mode (LOCAL_ROUTES_FILE): its route scopes reach the authorizer as a deployed function
 * gets them (ROUTE_SCOPES, by API id), beside this project's own, and its routes answer with the echo integration.
 * The emulator's authorizer cache is on, as API Gateway's is: one decision per token serves every route.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalMode } from '../../lib/local/local-mode';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims, type TestKey } from '../support/tokens';
import { startE2eLocalMode } from './e2e-local-mode';

let local: LocalMode;
let idp: TestHttpServer;
let key: TestKey;
let dir: string;

/** A token of the consumer's brand `shop`, with these scopes. */
const tokenWith = (scope: string) => signToken(key, standardClaims({ iss: idp.url('/shop'), sub: `user-${scope || 'none'}`, scope }));

const call = async (method: string, path: string, token: string) => {
  const response = await fetch(`${local.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'shop' } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  idp = await TestHttpServer.start();
  key = await makeKey('shop-1');
  idp.on('/shop/jwks', { kind: 'json', body: { keys: [key.jwk] } });
  dir = mkdtempSync(join(tmpdir(), 'ciam-consumer-'));
  const brandsFile = join(dir, 'brands.json');
  writeFileSync(brandsFile, JSON.stringify([{
    brandId: 'shop', displayName: 'Shop', provider: 'generic-oidc', issuer: idp.url('/shop'), jwksUri: idp.url('/shop/jwks'),
    userinfoEndpoint: idp.url('/shop/userinfo'), applicationId: 'shop-app', clientId: 'shop-client', audiences: ['loyalty-api'],
  }]));
  const routesFile = join(dir, 'routes.json');
  writeFileSync(routesFile, JSON.stringify({ 'GET /orders': ['orders:read'], 'DELETE /orders/{orderId}': ['orders:admin'], 'GET /catalog': [] }));
  ({ local } = await startE2eLocalMode({ brandsFile, routesFile }));
}, 60_000);

afterAll(async () => {
  await local?.stop();
  await idp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('allows a consumer route to a token with its scope, and echoes the route and the authorizer context', async () => {
  const { status, body } = await call('GET', '/orders', await tokenWith('orders:read'));
  expect(status).toBe(200);
  expect(body).toMatchObject({ method: 'GET', path: '/orders', resource: '/orders', pathParameters: null });
  expect(body.authorizer).toMatchObject({ brandId: 'shop', sub: 'user-orders:read', principalType: 'customer', scopes: 'orders:read', principalId: 'shop|user-orders:read' });
});

it('denies a consumer route to a token without its scope (403 insufficient_scope), from the same cached decision', async () => {
  const reader = await tokenWith('orders:read');
  expect((await call('GET', '/orders', reader)).status).toBe(200);
  const denied = await call('DELETE', '/orders/42', reader);
  expect(denied.status).toBe(403);
  expect(denied.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');

  const admin = await call('DELETE', '/orders/42', await tokenWith('orders:admin'));
  expect(admin.status).toBe(200);
  expect(admin.body).toMatchObject({ method: 'DELETE', resource: '/orders/{orderId}', pathParameters: { orderId: '42' } });
  // A named route without scopes needs only a valid token of the brand.
  expect((await call('GET', '/catalog', await tokenWith(''))).status).toBe(200);
});

it('allows a route the file never names to any valid token of the brand, and still refuses a bad one', async () => {
  const { status, body } = await call('POST', '/loyalty/points/7', await tokenWith(''));
  expect(status).toBe(200);
  expect(body).toMatchObject({ method: 'POST', path: '/loyalty/points/7', resource: '/{proxy+}', pathParameters: { proxy: 'loyalty/points/7' } });
  const forged = await signToken(await makeKey('shop-1'), standardClaims({ iss: idp.url('/shop') }));
  const refused = await call('POST', '/loyalty/points/7', forged);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('x-ciam-debug')).toBe('SIGNATURE_INVALID');
});

it("keeps enforcing local mode's own route scopes beside the consumer's", async () => {
  const token = await tokenWith('orders:read');
  expect((await call('GET', '/v1/whoami', token)).status).toBe(200);
  // GET /v1/me needs `openid`.
  const me = await call('GET', '/v1/me', token);
  expect(me.status).toBe(403);
  expect(me.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
  // The admin routes keep their IAM stand-in, never the CIAM authorizer or the catch-all.
  const admin = await call('GET', '/v1/admin/brands', token);
  expect(admin.status).toBe(403);
  expect(admin.body).toEqual({ message: 'Missing Authentication Token' });
});
