/**
 * Logout and revocation through local mode: a token revoked by the user's logout, or by an operator, is refused on the
 * customer routes even while the emulator still holds the authorizer's cached Allow; other users' tokens keep working,
 * and the back-channel receiver refuses what is not a logout token.
 */
import { userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

let local: LocalMode;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode());
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const login = (user: string) => userAccessToken(local.ciam.issuer, user, 'openid profile email phone loyalty');

async function call(token: string, method: string, path: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${local.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'demo', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it("logs the caller out: the same token is refused on the customer routes, another user's still works", async () => {
  const [lou, otto] = await Promise.all([login('lou'), login('otto')]);
  expect((await call(lou, 'GET', '/v1/me')).status).toBe(200);
  // The demo CIAM's access tokens carry the session's sid: the logout revokes that session.
  expect(await call(lou, 'POST', '/v1/logout')).toEqual({ status: 200, body: { revoked: 'session' } });
  expect(await call(lou, 'GET', '/v1/me')).toMatchObject({ status: 401, body: { code: 'TOKEN_REVOKED' } });
  expect((await call(otto, 'GET', '/v1/me')).status).toBe(200);
});

it('revokes a subject through the admin API, audited, and shows the record', async () => {
  const ada = await login('ada');
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${local.gatewayUrl}/v1/admin/brands/demo/revocations${path}`, {
      method,
      headers: { 'x-admin-key': 'local-admin-key', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  expect((await admin('POST', '', { sub: 'ada' })).status).toBe(200);
  // Never used before, so no decision is cached: the authorizer itself refuses it.
  expect((await call(ada, 'POST', '/v1/customers/link')).status).toBe(401);
  expect(await (await admin('GET', '?sub=ada')).json()).toMatchObject({ brandId: 'demo', sub: 'ada', revocation: { source: 'admin' } });
});

it('refuses an access token posted as a logout token: 400 invalid_request, not to be cached', async () => {
  const token = await login('bea');
  const response = await fetch(`${local.gatewayUrl}/v1/brands/demo/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }).toString(),
  });
  expect([response.status, response.headers.get('cache-control'), await response.json()]).toEqual([400, 'no-store', { error: 'invalid_request' }]);
  expect((await call(token, 'GET', '/v1/me')).status).toBe(200);
});
