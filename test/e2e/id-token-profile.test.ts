/**
 * The profile source through local mode: a brand onboarded with `profileSource: "id_token"` links, registers, changes
 * identifiers and shows `/v1/me` from the ID token the demo CIAM issued at the same sign-in, never calling userinfo;
 * a missing, foreign, expired or other-subject ID token gets 401 invalid_token, and an ID token as the bearer is
 * still refused by the authorizer. The `userinfo` brand `demo` answers 403 insufficient_scope without `openid`.
 */
import { DEMO_AUDIENCE, DEMO_CLIENT } from '../../lib/local/demo-ciam';
import { userAccessToken, userTokens, type UserTokens } from '../../lib/local/demo-login';
import { makeKey, signToken } from '../support/tokens';
import { startE2eLocalMode, type E2eLocalMode } from './e2e-local-mode';

let e2e: E2eLocalMode;
const BRAND = 'acme-id';
const FULL_SCOPE = 'openid profile email phone loyalty';

beforeAll(async () => {
  e2e = await startE2eLocalMode();
  const { local } = e2e;
  const response = await fetch(`${local.gatewayUrl}/v1/admin/brands/${BRAND}`, {
    method: 'PUT',
    headers: { 'x-admin-key': 'local-admin-key', 'content-type': 'application/json' },
    body: JSON.stringify({
      displayName: 'Acme, profiles from ID tokens', provider: 'generic-oidc', issuer: local.ciam.issuer, jwksUri: local.ciam.jwksUri,
      profileSource: 'id_token', applicationId: 'acme-app', clientId: DEMO_CLIENT.clientId, audiences: [DEMO_AUDIENCE],
    }),
  });
  expect(response.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await e2e?.local.stop();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

async function call(tokens: UserTokens, method: string, path: string, options: { body?: unknown; idTokenHeader?: string; brandId?: string } = {}): Promise<Answer> {
  const response = await fetch(`${e2e.local.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens.accessToken}`,
      'x-brand-id': options.brandId ?? BRAND,
      'content-type': 'application/json',
      ...(options.idTokenHeader === undefined ? {} : { 'x-id-token': options.idTokenHeader }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

const signIn = (user: string) => userTokens(e2e.local.ciam.issuer, user, FULL_SCOPE);

it('serves every customer route from the ID token of the sign-in', async () => {
  const ida = await signIn('ida');
  const idToken = ida.idToken as string;
  const linked = await call(ida, 'POST', '/v1/customers/link', { body: { idToken } });
  expect(linked).toMatchObject({ status: 200, body: { created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] } });
  const registered = await call(ida, 'POST', '/v1/customers/register', { body: { city: 'Leeds', idToken } });
  expect(registered).toMatchObject({ status: 200, body: { customerId: linked.body.customerId, changedFields: ['extendedFields.city'] } });

  await fetch(`${e2e.local.ciam.issuer}/demo/users/ida`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ida@new.example' }) });
  const after = await signIn('ida');
  const changed = await call(after, 'PUT', '/v1/customers/identifiers', { body: { type: 'email', idToken: after.idToken } });
  expect(changed).toMatchObject({ status: 200, body: { customerId: linked.body.customerId, changedFields: ['email'] } });

  const me = await call(after, 'GET', '/v1/me', { idTokenHeader: after.idToken });
  expect(me).toMatchObject({
    status: 200,
    body: {
      profile: { cuid: 'ida', firstName: 'Ida', email: 'ida@new.example', emailVerified: true },
      customer: { customerId: linked.body.customerId, sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'ida' }, INSTORE: { extendedFields: { city: 'Leeds' } } } },
    },
  });
}, 60_000);

it('answers a missing, foreign or other-subject ID token with 401 invalid_token, linking no one', async () => {
  const [jo, kim] = await Promise.all([signIn('jo'), signIn('kim')]);
  const attacker = await makeKey('attacker');
  const now = Math.floor(Date.now() / 1000);
  const forged = await signToken(attacker, { iss: e2e.local.ciam.issuer, sub: 'jo', aud: DEMO_CLIENT.clientId, iat: now, exp: now + 300, nonce: 'n' }, { typ: 'JWT' });
  const cases: [string, Promise<Answer>, string][] = [
    ['missing', call(jo, 'POST', '/v1/customers/link'), 'ID_TOKEN_MISSING'],
    ['missing on GET', call(jo, 'GET', '/v1/me'), 'ID_TOKEN_MISSING'],
    ["another user's", call(jo, 'POST', '/v1/customers/link', { body: { idToken: kim.idToken } }), 'ID_TOKEN_SUBJECT_MISMATCH'],
    ['the access token instead', call(jo, 'POST', '/v1/customers/link', { body: { idToken: jo.accessToken } }), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['tampered', call(jo, 'GET', '/v1/me', { idTokenHeader: `${(jo.idToken as string).slice(0, -4)}AAAA` }), 'SIGNATURE_INVALID'],
    ['signed by a key the CIAM never published', call(jo, 'POST', '/v1/customers/link', { body: { idToken: forged } }), 'KEY_NOT_FOUND'],
  ];
  for (const [name, answer, code] of cases) {
    const { status, body, headers } = await answer;
    expect([name, status, body.code]).toEqual([name, 401, code]);
    expect(headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  }
  const me = await call(jo, 'GET', '/v1/me', { idTokenHeader: jo.idToken });
  expect(me).toMatchObject({ status: 200, body: { customer: null } });
}, 60_000);

it('still refuses an ID token sent as the bearer access token, in the authorizer', async () => {
  const lee = await signIn('lee');
  const response = await fetch(`${e2e.local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${lee.idToken}`, 'x-brand-id': BRAND } });
  expect(response.status).toBe(401);
  expect(response.headers.get('x-ciam-debug')).toBe('TOKEN_TYPE_NOT_ACCEPTED');
});

it('answers 403 insufficient_scope on the userinfo brand demo when the access token lacks openid, on every customer route', async () => {
  const noOpenid = { accessToken: await userAccessToken(e2e.local.ciam.issuer, 'max', 'loyalty') };
  for (const [method, path, body] of [['GET', '/v1/me'], ['POST', '/v1/customers/link'], ['POST', '/v1/customers/register', { city: 'York' }], ['PUT', '/v1/customers/identifiers', { type: 'email' }]] as const) {
    const answer = await call(noOpenid, method, path, { brandId: 'demo', ...(body === undefined ? {} : { body }) });
    expect([path, answer.status, answer.body.code]).toEqual([path, 403, 'INSUFFICIENT_SCOPE']);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
  }
  // The same token on the ID-token brand needs no openid: the ID token is what it lacks.
  expect(await call(noOpenid, 'POST', '/v1/customers/link')).toMatchObject({ status: 401, body: { code: 'ID_TOKEN_MISSING' } });
});
