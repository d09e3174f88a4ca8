/**
 * The customer routes' refusals through local mode: who may call them, what bodies they take, and the
 * conflicts they report. Each refusal has a stable code and changes nothing.
 */
import { clientCredentialsToken, userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

let local: LocalMode;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode());
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const FULL_SCOPE = 'openid profile email phone loyalty';
const login = (user: string, scope = FULL_SCOPE) => userAccessToken(local.ciam.issuer, user, scope);

async function call(token: string, method: string, path: string, body?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${local.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'demo', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

const changeAtCiam = (user: string, claims: Record<string, unknown>) =>
  fetch(`${local.ciam.issuer}/demo/users/${user}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claims) });

it('refuses client-credentials tokens on every customer route with 403 CLIENT_PRINCIPAL_NOT_ALLOWED', async () => {
  const token = await clientCredentialsToken(local.ciam.issuer, FULL_SCOPE);
  for (const [method, path] of [['GET', '/v1/me'], ['POST', '/v1/customers/link'], ['POST', '/v1/customers/register'], ['PUT', '/v1/customers/identifiers']] as const) {
    const response = await call(token, method, path, method === 'GET' ? undefined : '{"type":"email"}');
    expect(response).toMatchObject({ status: 403, body: { code: 'CLIENT_PRINCIPAL_NOT_ALLOWED' } });
  }
});

it('keeps a cached decision honest: the same token passes /v1/whoami, then gets 403 on a route needing openid', async () => {
  const token = await login('casey', 'loyalty');
  expect((await call(token, 'GET', '/v1/whoami')).status).toBe(200);
  const me = await call(token, 'GET', '/v1/me');
  expect(me.status).toBe(403);
  expect(me.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
});

it('links concurrent first logins of one user to exactly one customer', async () => {
  const token = await login('rush');
  const results = await Promise.all(Array.from({ length: 20 }, () => call(token, 'POST', '/v1/customers/link')));
  expect(results.every((r) => r.status === 200)).toBe(true);
  expect(new Set(results.map((r) => r.body.customerId)).size).toBe(1);
  expect(results.filter((r) => r.body.created === true)).toHaveLength(1);
});

it('refuses registration before linking (409 CUSTOMER_NOT_LINKED) and bad bodies (400) without writing', async () => {
  const token = await login('rita');
  expect(await call(token, 'POST', '/v1/customers/register', '{"city":"York"}')).toMatchObject({ status: 409, body: { code: 'CUSTOMER_NOT_LINKED' } });
  expect((await call(token, 'POST', '/v1/customers/link')).status).toBe(200);
  const bad = [
    ['not JSON', '{"city":', 'BODY_INVALID'],
    ['an array', '[]', 'BODY_INVALID'],
    ['an unknown key', '{"shoeSize":42}', 'BODY_INVALID'],
    ['a wrong type', '{"marketingOptIn":"yes"}', 'BODY_INVALID'],
    ['a bad date', '{"dateOfBirth":"1990-02-31"}', 'BODY_INVALID'],
    ['an oversize value', JSON.stringify({ city: 'x'.repeat(65) }), 'BODY_INVALID'],
    ['an oversize body', JSON.stringify({ city: 'York', pad: 'x'.repeat(9000) }), 'BODY_TOO_LARGE'],
    ['an empty object', '{}', 'BODY_INVALID'],
  ] as const;
  for (const [, body, code] of bad) {
    const response = await call(token, 'POST', '/v1/customers/register', body);
    expect(response).toMatchObject({ status: 400, body: { code } });
  }
  const me = await call(token, 'GET', '/v1/me');
  expect((me.body.customer as { sourceProfiles: Record<string, unknown> }).sourceProfiles.INSTORE).toBeUndefined();
});

it('refuses an identifier change the CIAM has not verified (409 IDENTIFIER_NOT_VERIFIED)', async () => {
  const token = await login('vera');
  expect((await call(token, 'POST', '/v1/customers/link')).status).toBe(200);
  await changeAtCiam('vera', { email: 'vera@unverified.example', email_verified: false });
  expect(await call(token, 'PUT', '/v1/customers/identifiers', '{"type":"email"}')).toMatchObject({ status: 409, body: { code: 'IDENTIFIER_NOT_VERIFIED' } });
  expect(await call(token, 'PUT', '/v1/customers/identifiers', '{"type":"fax"}')).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
});

it('refuses an identifier another customer holds (409 IDENTIFIER_TAKEN), changing neither customer', async () => {
  const [ann, ben] = await Promise.all([login('ann'), login('ben')]);
  expect((await call(ann, 'POST', '/v1/customers/link')).status).toBe(200);
  expect((await call(ben, 'POST', '/v1/customers/link')).status).toBe(200);
  const [annBefore, benBefore] = [await call(ann, 'GET', '/v1/me'), await call(ben, 'GET', '/v1/me')];
  await changeAtCiam('ben', { email: 'ann@demo.example', email_verified: true });
  expect(await call(ben, 'PUT', '/v1/customers/identifiers', '{"type":"email"}')).toMatchObject({ status: 409, body: { code: 'IDENTIFIER_TAKEN' } });
  expect((await call(ann, 'GET', '/v1/me')).body.customer).toEqual(annBefore.body.customer);
  expect((await call(ben, 'GET', '/v1/me')).body.customer).toEqual(benBefore.body.customer);
});

it('never attaches an unverified email to the customer holding it', async () => {
  const holder = await login('hal');
  const linked = await call(holder, 'POST', '/v1/customers/link');
  await changeAtCiam('mallory', { email: 'hal@demo.example', email_verified: false });
  const intruder = await call(await login('mallory'), 'POST', '/v1/customers/link');
  expect(intruder).toMatchObject({ status: 200, body: { created: true, linkedBy: 'new' } });
  expect(intruder.body.customerId).not.toBe(linked.body.customerId);
});
