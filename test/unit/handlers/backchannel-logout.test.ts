import { UpstreamError } from '../../../lambdas/core/errors';
import { BACKCHANNEL_LOGOUT_EVENT, createLogoutTokenVerifier } from '../../../lambdas/core/logout-token';
import { createBackchannelLogoutHandler } from '../../../lambdas/handlers/backchannel-logout';
import { proxyEvent, recordingObservability } from '../../support/handler-fakes';
import { craftToken, makeKey, rawSigner, type TestKey } from '../../support/tokens';
import { brand, fakeClock, fakeResolver, ISSUER, NOW } from '../fixtures';
import { FakeRevocationStore } from '../revocation-fakes';

let key: TestKey;
beforeAll(async () => {
  key = await makeKey('k1');
});

function logoutToken(overrides: Record<string, unknown> = {}): string {
  const claims = { iss: ISSUER, aud: 'client-a', iat: NOW - 5, exp: NOW + 120, jti: 'jti-1', sub: 'user-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...overrides };
  return craftToken({ alg: 'RS256', typ: 'logout+jwt', kid: 'k1' }, claims, rawSigner(key, 'RS256'));
}

function setup(brandOverrides: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const revocations = new FakeRevocationStore();
  const observability = recordingObservability();
  const theBrand = brand(brandOverrides);
  const handle = createBackchannelLogoutHandler({
    findBrand: async (id) => (id === theBrand.brandId ? theBrand : undefined),
    verifyLogoutToken: (jwt, b) => createLogoutTokenVerifier({ resolveKey: fakeResolver({ k1: key.publicKey }).resolveKey, now: clock.now })(jwt, b),
    revocations,
    now: clock.now,
    observability,
  });
  return { handle, revocations, observability };
}

function post(body: string, options: { brandId?: string; contentType?: string } = {}) {
  return proxyEvent({
    method: 'POST',
    resource: '/v1/brands/{brandId}/backchannel-logout',
    pathParameters: { brandId: options.brandId ?? 'brand-a' },
    headers: { 'Content-Type': options.contentType ?? 'application/x-www-form-urlencoded' },
    body,
  });
}

const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();
const INVALID = { statusCode: 400, body: JSON.stringify({ error: 'invalid_request' }) };

describe('createBackchannelLogoutHandler', () => {
  it("revokes the subject up to the logout token's iat, and answers 200 with an empty body, not to be cached", async () => {
    const { handle, revocations } = setup();
    const response = await handle(post(form(logoutToken())));
    expect(response).toMatchObject({ statusCode: 200, body: '', headers: { 'cache-control': 'no-store' } });
    expect(await revocations.stateOf('brand-a', 'user-1')).toEqual({ subRevokedBefore: NOW - 5 });
    expect(revocations.audited[0]?.request).toEqual({ requestId: 'req-1', actor: ISSUER });
  });

  it('revokes only the session when the token names one, leaving the subject’s other tokens alive', async () => {
    const { handle, revocations } = setup();
    expect((await handle(post(form(logoutToken({ sid: 'session-1' }))))).statusCode).toBe(200);
    expect(await revocations.stateOf('brand-a', 'user-1', 'session-1')).toEqual({ sidRevokedAt: NOW - 5 });
    expect(await revocations.stateOf('brand-a', 'user-1', 'session-2')).toEqual({});
  });

  it('refuses a replayed logout token with 400', async () => {
    const { handle, observability } = setup();
    const token = logoutToken();
    expect((await handle(post(form(token)))).statusCode).toBe(200);
    expect(await handle(post(form(token)))).toMatchObject(INVALID);
    expect(observability.refusals.map((r) => r.code)).toEqual(['LOGOUT_TOKEN_REPLAYED']);
  });

  it.each([
    ['an invalid logout token', () => post(form(logoutToken({ nonce: 'n' })))],
    ['an access token', () => post(form(craftToken({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' }, { iss: ISSUER, aud: 'loyalty-api', sub: 'u', iat: NOW, exp: NOW + 60, jti: 'x' }, rawSigner(key, 'RS256'))))],
    ['a JSON body', () => post(JSON.stringify({ logout_token: 'x' }), { contentType: 'application/json' })],
    ['no logout_token', () => post('other=1')],
    ['two logout_tokens', () => post(`logout_token=${logoutToken()}&logout_token=${logoutToken()}`)],
    ['garbage', () => post('logout_token=not.a.jwt')],
    ['an unknown brand', () => post(form(logoutToken()), { brandId: 'brand-z' })],
    ['a malformed brand id', () => post(form(logoutToken()), { brandId: '../../x' })],
  ])('answers 400 invalid_request to %s, revoking nothing', async (_name, event) => {
    const { handle, revocations } = setup();
    expect(await handle(event())).toMatchObject(INVALID);
    expect(revocations.records.size).toBe(0);
  });

  it('refuses a disabled brand', async () => {
    const { handle } = setup({ status: 'disabled' });
    expect(await handle(post(form(logoutToken())))).toMatchObject(INVALID);
  });

  it('answers 503 when the store is down, so that the CIAM delivers again', async () => {
    const { handle, revocations } = setup();
    revocations.revoke = () => Promise.reject(new UpstreamError('STORE_UNAVAILABLE', 'down'));
    expect((await handle(post(form(logoutToken())))).statusCode).toBe(503);
  });

  it('reads a base64-encoded form as API Gateway may deliver it', async () => {
    const { handle } = setup();
    const event = { ...post(form(logoutToken())), isBase64Encoded: true };
    event.body = Buffer.from(form(logoutToken())).toString('base64');
    expect((await handle(event)).statusCode).toBe(200);
  });
});
