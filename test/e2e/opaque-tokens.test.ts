/**
 * Opaque access tokens through local mode: the demo CIAM's second app gets oidc-provider's own opaque tokens, and
 * the gateway asks the demo CIAM about each one (RFC 7662 introspection, as its own client, with the secret local mode
 * wrote to its secrets file). whoami and link work as with JWTs; a token revoked at the CIAM is refused once the
 * gateway's answer cache and the emulator's decision cache have run out.
 */
import { DEMO_OPAQUE_CLIENT } from '../../lib/local/demo-ciam';
import { clientCredentialsToken, DEMO_OPAQUE_APP, userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { startE2eLocalMode, type E2eLocalMode } from './e2e-local-mode';

let e2e: E2eLocalMode;
let local: LocalMode;
const settings = readLocalSettings({});

beforeAll(async () => {
  e2e = await startE2eLocalMode();
  ({ local } = e2e);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const login = (user: string) => userAccessToken(local.ciam.issuer, user, 'openid profile email phone loyalty', DEMO_OPAQUE_APP);

async function call(token: string, method: string, path: string): Promise<{ status: number; body: Record<string, unknown>; debug: string | null }> {
  const response = await fetch(`${local.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'demo-opaque' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, debug: response.headers.get('x-ciam-debug') };
}

it('gets an opaque access token from the demo CIAM, not a JWT', async () => {
  const token = await login('opal');
  expect(token.split('.')).toHaveLength(1);
  expect(token.length).toBeGreaterThanOrEqual(22);
});

it('answers whoami for an opaque user token as for a JWT: customer, scopes, sub', async () => {
  const { status, body } = await call(await login('opal'), 'GET', '/v1/whoami');
  expect(status).toBe(200);
  expect(body).toMatchObject({ brandId: 'demo-opaque', sub: 'opal', principalType: 'customer', tokenType: 'access', scopes: 'openid profile email phone loyalty' });
});

it('takes a client-credentials opaque token as a client', async () => {
  const token = await clientCredentialsToken(local.ciam.issuer, 'loyalty', DEMO_OPAQUE_APP);
  expect((await call(token, 'GET', '/v1/whoami')).body).toMatchObject({ sub: DEMO_OPAQUE_CLIENT.clientId, principalType: 'client' });
});

it('links the customer, with the profile from the demo CIAM\'s userinfo', async () => {
  const token = await login('orla');
  expect(await call(token, 'POST', '/v1/customers/link')).toMatchObject({ status: 200, body: { created: true, linkedBy: 'new' } });
  expect(await call(token, 'POST', '/v1/customers/link')).toMatchObject({ status: 200, body: { created: false, linkedBy: 'cuid', changedFields: [] } });
});

it('refuses an unknown opaque token, and the other app\'s JWT, as invalid_token', async () => {
  expect(await call('x'.repeat(43), 'GET', '/v1/whoami')).toMatchObject({ status: 401, debug: 'TOKEN_INACTIVE' });
  // The brand's tokenFormat is opaque, so the JWT is asked about too; oidc-provider refuses to introspect JWTs (400).
  const jwt = await userAccessToken(local.ciam.issuer, 'opal', 'openid loyalty');
  expect(await call(jwt, 'GET', '/v1/whoami')).toMatchObject({ status: 401, debug: 'INTROSPECTION_UNAVAILABLE' });
});

it('refuses a token revoked at the CIAM once the answer cache (60 s) and the decision cache have run out', async () => {
  const token = await login('rhea');
  expect((await call(token, 'GET', '/v1/whoami')).status).toBe(200);
  const revoked = await fetch(`${local.ciam.issuer}/token/revocation`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEMO_OPAQUE_CLIENT.clientId}:${DEMO_OPAQUE_CLIENT.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  expect(revoked.status).toBe(200);
  // Within the caches the decision stands: the worst case the README states.
  expect((await call(token, 'GET', '/v1/whoami')).status).toBe(200);
  await e2e.advance(60 + settings.resultsCacheTtlSeconds);
  expect(await call(token, 'GET', '/v1/whoami')).toMatchObject({ status: 401, debug: 'TOKEN_INACTIVE' });
});
