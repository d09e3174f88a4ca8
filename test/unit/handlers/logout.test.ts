import { createLogoutHandler } from '../../../lambdas/handlers/logout';
import { createMeHandler } from '../../../lambdas/handlers/me';
import { bodyOf, unverifiedToken } from '../../support/handler-fakes';
import { NOW } from '../fixtures';
import { customerEvent, customerRoute, CUID, TOKEN_IAT } from './customer-route-fakes';

const logout = (input: { sid?: string; body?: unknown; principalType?: string } = {}) => customerEvent({ method: 'POST', resource: '/v1/logout', ...input });

describe('createLogoutHandler', () => {
  it("revokes the caller's session when the token has a sid, audited with the request", async () => {
    const { deps, revocations } = customerRoute();
    const response = await createLogoutHandler(deps)(logout({ sid: 'session-1' }));
    expect([response.statusCode, bodyOf(response)]).toEqual([200, { revoked: 'session' }]);
    expect(await revocations.stateOf('brand-a', CUID, 'session-1')).toEqual({ sidRevokedAt: NOW });
    expect(revocations.audited).toEqual([
      { revocation: { target: { kind: 'sid', brandId: 'brand-a', sid: 'session-1' }, revokedAt: NOW, source: 'logout' }, request: { requestId: 'req-1', actor: CUID } },
    ]);
  });

  it('revokes every token of the subject issued until now when the token has no sid', async () => {
    const { deps, revocations } = customerRoute();
    expect(bodyOf(await createLogoutHandler(deps)(logout()))).toEqual({ revoked: 'subject' });
    expect(await revocations.stateOf('brand-a', CUID)).toEqual({ subRevokedBefore: NOW });
  });

  it('revokes the subject when asked for all sessions, even with a sid', async () => {
    const { deps, revocations } = customerRoute();
    expect(bodyOf(await createLogoutHandler(deps)(logout({ sid: 'session-1', body: { allSessions: true } })))).toEqual({ revoked: 'subject' });
    expect(await revocations.stateOf('brand-a', CUID, 'session-1')).toEqual({ subRevokedBefore: NOW });
  });

  it("hands the app the brand's end-session endpoint", async () => {
    const { deps } = customerRoute({ brand: { endSessionEndpoint: 'https://login.brand-a.example/logout' } });
    expect(bodyOf(await createLogoutHandler(deps)(logout()))).toEqual({ revoked: 'subject', endSessionUrl: 'https://login.brand-a.example/logout' });
  });

  it('refuses a client principal: its subject is the app, and revoking it would log out every user', async () => {
    const { deps, revocations } = customerRoute();
    const response = await createLogoutHandler(deps)(logout({ principalType: 'client' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([403, 'CLIENT_PRINCIPAL_NOT_ALLOWED']);
    expect(revocations.records.size).toBe(0);
  });

  it('refuses a body other than {} or {"allSessions": boolean}, revoking nothing', async () => {
    const { deps, revocations } = customerRoute();
    const response = await createLogoutHandler(deps)(logout({ body: { allSessions: 'yes', everything: true } }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
    expect(revocations.records.size).toBe(0);
  });

  it('leaves the token refused on the customer routes afterwards, though the cached decision still allows it', async () => {
    const { deps } = customerRoute();
    await createLogoutHandler(deps)(logout());
    const response = await createMeHandler(deps)(customerEvent({ method: 'GET', resource: '/v1/me' }));
    expect([response.statusCode, bodyOf(response).code, response.headers?.['www-authenticate']]).toEqual([401, 'TOKEN_REVOKED', 'Bearer error="invalid_token"']);
  });
});

describe('customer routes and revocations', () => {
  it('let through a token issued after its subject was revoked', async () => {
    const { deps, revocations } = customerRoute();
    await revocations.revoke({ target: { kind: 'sub', brandId: 'brand-a', sub: CUID }, revokedAt: TOKEN_IAT - 1, source: 'admin' }, { requestId: 'r', actor: 'ops' });
    expect((await createMeHandler(deps)(customerEvent({ method: 'GET', resource: '/v1/me' }))).statusCode).toBe(200);
  });

  it('refuse a token of a revoked session, and keep other sessions of the subject working', async () => {
    const { deps, revocations } = customerRoute();
    await revocations.revoke({ target: { kind: 'sid', brandId: 'brand-a', sid: 'session-1' }, revokedAt: NOW, source: 'backchannel' }, { requestId: 'r', actor: 'ciam' });
    const me = (sid: string) => createMeHandler(deps)(customerEvent({ method: 'GET', resource: '/v1/me', sid }));
    expect((await me('session-1')).statusCode).toBe(401);
    expect((await me('session-2')).statusCode).toBe(200);
  });

  it('refuse a token without iat: the watermark cannot be checked', async () => {
    const { deps } = customerRoute();
    const event = customerEvent({ method: 'GET', resource: '/v1/me' });
    event.headers.Authorization = `Bearer ${unverifiedToken({ sub: CUID, iss: 'https://login.brand-a.example/' })}`;
    const response = await createMeHandler(deps)(event);
    expect([response.statusCode, bodyOf(response).code]).toEqual([401, 'CLAIM_INVALID']);
  });
});
