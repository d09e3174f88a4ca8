/**
 * Logout and revocation through local mode, on its clock: a token revoked by the user's logout, by the demo CIAM's
 * back-channel logout or by an operator is refused on every route within the revocation budget (15 s at the default
 * settings: the authorizer's 10 s revocation cache + API Gateway's 5 s decision cache, both emulated), and at once
 * on the customer routes, which check the revocation table themselves. Other users' tokens, and the user's other
 * sessions when only one session was revoked, keep working.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { clientCredentialsToken, userAccessToken } from '../../lib/local/demo-login';
import { endDemoSessions } from '../../lib/local/demo-logout';
import type { LocalMode } from '../../lib/local/local-mode';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken } from '../support/tokens';
import { startE2eLocalMode } from './e2e-local-mode';

/** REVOCATION_BUDGET at local mode's defaults. */
const BUDGET_SECONDS = 15;

let local: LocalMode;
let advance: (seconds: number) => Promise<void>;

beforeAll(async () => {
  ({ local, advance } = await startE2eLocalMode());
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

/** A fresh sign-in at the demo CIAM: a new session, so a new `sid`. */
const login = (user: string) => userAccessToken(local.ciam.issuer, user, 'openid profile email phone loyalty');

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** Local mode's name for a refusal's reason. */
  readonly debug: string | null;
}

async function call(token: string, method: string, path: string, body?: unknown, brand = 'demo'): Promise<Answer> {
  const response = await fetch(`${local.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-brand-id': brand, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, debug: response.headers.get('x-ciam-debug') };
}

/** `GET /v1/whoami`: a route with no revocation check of its own, so only the authorizer and its caches decide. */
const whoami = async (token: string) => (await call(token, 'GET', '/v1/whoami')).status;

function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${local.gatewayUrl}/v1/admin/brands${path}`, {
    method,
    headers: { 'x-admin-key': 'local-admin-key', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

it('a token used between the revocation and the end of the budget gets through only on the cached decisions, then is refused', async () => {
  const [lou, louElsewhere, otto] = [await login('lou'), await login('lou'), await login('otto')];
  expect(decodeJwt(lou).sid).not.toEqual(decodeJwt(louElsewhere).sid);
  // Each decision is cached at the gateway, and each instance's "not revoked" in the authorizer, from here.
  expect(await Promise.all([lou, louElsewhere, otto].map(whoami))).toEqual([200, 200, 200]);

  expect(await call(lou, 'POST', '/v1/logout')).toMatchObject({ status: 200, body: { revoked: 'session' } });

  // The customer routes read the revocation table themselves: refused at once.
  expect(await call(lou, 'GET', '/v1/me')).toMatchObject({ status: 401, body: { code: 'TOKEN_REVOKED' } });
  // The gateway still holds the Allow it cached.
  await advance(3);
  expect(await whoami(lou)).toBe(200);
  // That Allow ran out, but the authorizer still holds what it read before the logout, and its Allow is cached again:
  // why the budget is the sum of both caches, and why a flush now would not have helped.
  await advance(5);
  expect(await whoami(lou)).toBe(200);
  await advance(BUDGET_SECONDS - 8);
  expect(await call(lou, 'GET', '/v1/whoami')).toMatchObject({ status: 401, debug: 'TOKEN_REVOKED' });
  // Only that session: the user's other sign-in, and other users, keep working.
  expect(await Promise.all([louElsewhere, otto].map(whoami))).toEqual([200, 200]);
  expect((await call(louElsewhere, 'GET', '/v1/me')).status).toBe(200);
});

it('logs out every session of the subject when asked, and refuses a client token', async () => {
  const [max, maxElsewhere] = [await login('max'), await login('max')];
  expect(await Promise.all([max, maxElsewhere].map(whoami))).toEqual([200, 200]);
  expect(await call(max, 'POST', '/v1/logout', { allSessions: true })).toMatchObject({ status: 200, body: { revoked: 'subject' } });
  await advance(BUDGET_SECONDS);
  expect(await Promise.all([max, maxElsewhere].map(whoami))).toEqual([401, 401]);
  const client = await clientCredentialsToken(local.ciam.issuer, 'loyalty');
  expect(await call(client, 'POST', '/v1/logout')).toMatchObject({ status: 403, body: { code: 'CLIENT_PRINCIPAL_NOT_ALLOWED' } });
});

it("ends the user's sessions at the demo CIAM: its back-channel logout reaches the gateway, and both tokens are refused within the budget", async () => {
  const [ivy, ivyElsewhere, otto] = [await login('ivy'), await login('ivy'), await login('otto')];
  expect(await Promise.all([ivy, ivyElsewhere, otto].map(whoami))).toEqual([200, 200, 200]);

  const ended = await endDemoSessions(local.ciam.issuer, 'ivy');
  expect(ended.backchannelLogouts.map((delivery) => delivery.status)).toEqual([200, 200]);

  expect((await call(ivy, 'GET', '/v1/me')).status).toBe(401);
  await advance(BUDGET_SECONDS);
  expect(await Promise.all([ivy, ivyElsewhere, otto].map(whoami))).toEqual([401, 401, 200]);
});

it('revokes a session or a subject through the admin API, audited, and shows the record', async () => {
  const [ada, adaElsewhere] = [await login('ada'), await login('ada')];
  expect(await Promise.all([ada, adaElsewhere].map(whoami))).toEqual([200, 200]);

  expect((await admin('POST', '/demo/revocations', { sid: decodeJwt(ada).sid })).status).toBe(200);
  await advance(BUDGET_SECONDS);
  expect(await Promise.all([ada, adaElsewhere].map(whoami))).toEqual([401, 200]);

  expect((await admin('POST', '/demo/revocations', { sub: 'ada' })).status).toBe(200);
  await advance(BUDGET_SECONDS);
  expect(await whoami(adaElsewhere)).toBe(401);
  expect(await (await admin('GET', '/demo/revocations?sub=ada')).json()).toMatchObject({ brandId: 'demo', sub: 'ada', revocation: { source: 'admin' } });
});

describe("a brand's back-channel logout receiver", () => {
  let ciam: TestHttpServer;

  afterAll(async () => {
    await ciam?.stop();
  });

  it('takes a logout token once: a replay gets 400, and so does an access token posted as one', async () => {
    // A brand whose CIAM is this test, so that it can sign logout tokens.
    ciam = await TestHttpServer.start();
    const key = await makeKey('bcl-1');
    ciam.on('/jwks', { kind: 'json', body: { keys: [key.jwk] } });
    ciam.on('/.well-known/openid-configuration', { kind: 'json', body: { issuer: ciam.origin, jwks_uri: ciam.url('/jwks') } });
    const brandId = `bcl-${randomUUID().slice(0, 8)}`;
    const stored = await admin('PUT', `/${brandId}`, {
      displayName: 'Back-channel', provider: 'generic-oidc', issuer: ciam.origin, jwksUri: ciam.url('/jwks'),
      applicationId: 'app', clientId: 'bcl-client', audiences: ['loyalty-api'],
    });
    expect(stored.status).toBe(201);

    const nowSeconds = Math.floor(Date.now() / 1000);
    const accessToken = await signToken(key, { iss: ciam.origin, sub: 'uma', aud: 'loyalty-api', iat: nowSeconds, exp: nowSeconds + 600 }, { typ: 'at+jwt' });
    const logoutToken = await signToken(key, {
      iss: ciam.origin, sub: 'uma', aud: 'bcl-client', iat: nowSeconds, exp: nowSeconds + 600, jti: randomUUID(),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    }, { typ: 'logout+jwt' });
    const receive = async (token: string) => {
      const response = await fetch(`${local.gatewayUrl}/v1/brands/${brandId}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
      return [response.status, response.headers.get('cache-control'), await response.text()];
    };

    expect(await receive(accessToken)).toEqual([400, 'no-store', '{"error":"invalid_request"}']);
    expect((await call(accessToken, 'GET', '/v1/whoami', undefined, brandId)).status).toBe(200);
    expect(await receive(logoutToken)).toEqual([200, 'no-store', '']);
    expect(await receive(logoutToken)).toEqual([400, 'no-store', '{"error":"invalid_request"}']);
    await advance(BUDGET_SECONDS);
    expect(await call(accessToken, 'GET', '/v1/whoami', undefined, brandId)).toMatchObject({ status: 401, debug: 'TOKEN_REVOKED' });
  });
});
