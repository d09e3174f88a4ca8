/**
 * The demo CIAM's logout against a real oidc-provider on a free port, with a receiver on 127.0.0.1 standing in for the
 * gateway's back-channel logout route: a user signs in, the access token carries the session's `sid`, and the demo
 * account API's logout makes oidc-provider post a logout token (OpenID Connect Back-Channel Logout 1.0) per session.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DEMO_CLIENT, startDemoCiam, type DemoCiam } from '../../lib/local/demo-ciam';
import { clientCredentialsToken, userAccessToken } from '../../lib/local/demo-login';
import { endDemoSessions } from '../../lib/local/demo-logout';

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const RECEIVER_PATH = '/v1/brands/demo/backchannel-logout';

interface Received {
  readonly contentType?: string;
  readonly form: URLSearchParams;
}

/** The gateway's receiver stand-in: keeps every post and answers `status`. */
let receiver: Server;
let receiverStatus = 200;
const received: Received[] = [];
let ciam: DemoCiam;
let receiverUri: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === RECEIVER_PATH) received.push({ contentType: req.headers['content-type'], form: new URLSearchParams(body) });
      res.writeHead(req.url === RECEIVER_PATH ? receiverStatus : 404, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${RECEIVER_PATH}`;
  ciam = await startDemoCiam(0, { backchannelLogoutUri: receiverUri });
});

afterAll(async () => {
  await ciam?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  receiverStatus = 200;
});

const login = (user: string) => userAccessToken(ciam.issuer, user, 'openid loyalty');

it('puts the session id in access tokens: another for each session, none in a client-credentials token', async () => {
  const first = decodeJwt(await login('ada'));
  const second = decodeJwt(await login('ada'));
  expect(first.sid).toEqual(expect.stringMatching(/^[\w-]{10,}$/));
  expect(second.sid).toEqual(expect.stringMatching(/^[\w-]{10,}$/));
  expect(second.sid).not.toBe(first.sid);
  expect(decodeJwt(await clientCredentialsToken(ciam.issuer, 'loyalty'))).not.toHaveProperty('sid');
});

it("sends a back-channel logout token for each of the user's sessions, verifiable with the demo CIAM's keys", async () => {
  const sids = [decodeJwt(await login('grace')).sid, decodeJwt(await login('grace')).sid];
  const otherUsersSid = decodeJwt(await login('linus')).sid;

  const ended = await endDemoSessions(ciam.issuer, 'grace');

  expect(ended).toEqual({
    user: 'grace',
    sessionsEnded: 2,
    backchannelLogouts: sids.map((sid) => ({ clientId: DEMO_CLIENT.clientId, sid, uri: receiverUri, status: 200 })),
  });
  expect(received).toHaveLength(2);
  const jwks = createRemoteJWKSet(new URL(`${ciam.issuer}/jwks`));
  const tokens = [];
  for (const { contentType, form } of received) {
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect([...form.keys()]).toEqual(['logout_token']);
    const logoutToken = form.get('logout_token') ?? '';
    const { payload, protectedHeader } = await jwtVerify(logoutToken, jwks, {
      issuer: ciam.issuer, audience: DEMO_CLIENT.clientId, typ: 'logout+jwt', requiredClaims: ['iat', 'exp', 'jti', 'sid', 'sub', 'events'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'logout+jwt' });
    expect(payload.aud).toBe(DEMO_CLIENT.clientId);
    expect(payload.sub).toBe('grace');
    expect(payload.events).toEqual({ [BACKCHANNEL_LOGOUT_EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    tokens.push(payload);
  }
  expect(tokens.map((payload) => payload.sid).sort()).toEqual([...sids].sort());
  expect(tokens[0]?.jti).not.toBe(tokens[1]?.jti);
  expect(tokens.map((payload) => payload.sid)).not.toContain(otherUsersSid);
});

it('ends the sessions: the user has none left, other users keep theirs', async () => {
  await login('hedy');
  await login('alan');
  await endDemoSessions(ciam.issuer, 'hedy');
  received.length = 0;

  await expect(endDemoSessions(ciam.issuer, 'hedy')).rejects.toThrow('hedy has no session at the demo CIAM (sign in first: npm run token -- --user hedy)');
  expect(received).toEqual([]);
  await expect(endDemoSessions(ciam.issuer, 'alan')).resolves.toMatchObject({ sessionsEnded: 1 });
});

it("reports a receiver's refusal with its HTTP status, and still ends the session", async () => {
  const { sid } = decodeJwt(await login('barbara'));
  receiverStatus = 400;

  const ended = await endDemoSessions(ciam.issuer, 'barbara');

  expect(ended).toEqual({
    user: 'barbara',
    sessionsEnded: 1,
    backchannelLogouts: [{ clientId: DEMO_CLIENT.clientId, sid, uri: receiverUri, status: 400, error: `expected 200 OK from ${receiverUri}, got: 400 Bad Request` }],
  });
  expect(decodeProtectedHeader(received[0]?.form.get('logout_token') ?? '').typ).toBe('logout+jwt');
  await expect(endDemoSessions(ciam.issuer, 'barbara')).rejects.toThrow('barbara has no session');
});

it('refuses a name the account API does not take before calling the demo CIAM', async () => {
  await expect(endDemoSessions(ciam.issuer, 'Not A Login')).rejects.toThrow('--user must be a demo login name');
  expect(received).toEqual([]);
});

it('has no session id in access tokens, and sends no logout, when the client registers no back-channel URI', async () => {
  const plain = await startDemoCiam(0);
  try {
    expect(decodeJwt(await userAccessToken(plain.issuer, 'ada', 'openid loyalty'))).not.toHaveProperty('sid');
    await expect(endDemoSessions(plain.issuer, 'ada')).resolves.toEqual({ user: 'ada', sessionsEnded: 1, backchannelLogouts: [] });
    expect(received).toEqual([]);
  } finally {
    await plain.close();
  }
});
