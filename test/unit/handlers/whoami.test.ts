import { createWhoamiHandler } from '../../../lambdas/handlers/whoami';
import { fakeClock, NOW } from '../fixtures';
import { bodyOf, proxyEvent, recordingObservability } from '../../support/handler-fakes';

const CONTEXT = { principalId: 'brand-a|user-1', integrationLatency: 12, brandId: 'brand-a', sub: 'user-1', scopes: 'openid', principalType: 'customer' };

describe('createWhoamiHandler', () => {
  it('echoes the authorizer context, with validUntil as a number and API Gateway’s own fields left out', async () => {
    const response = await createWhoamiHandler({ now: fakeClock().now })(proxyEvent({ authorizer: { ...CONTEXT, validUntil: String(NOW + 60) } }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ brandId: 'brand-a', sub: 'user-1', scopes: 'openid', principalType: 'customer', validUntil: NOW + 60 });
  });

  it('refuses a decision API Gateway cached past its validUntil, by the injected clock: 401 invalid_token', async () => {
    const clock = fakeClock();
    const observability = recordingObservability();
    const whoami = createWhoamiHandler({ now: clock.now, observability });
    const event = proxyEvent({ authorizer: { ...CONTEXT, validUntil: NOW + 60 } });
    expect((await whoami(event)).statusCode).toBe(200);
    clock.advance(60_000);
    const response = await whoami(event);
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toEqual({ code: 'TOKEN_EXPIRED', message: 'the access token is not valid' });
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer error="invalid_token"' });
    expect(observability.refusals).toEqual([{ code: 'TOKEN_EXPIRED', fields: { requestId: 'req-1', route: '/v1/whoami' } }]);
  });

  it('refuses a request that reached it without a decision', async () => {
    const response = await createWhoamiHandler({ now: fakeClock().now, observability: recordingObservability() })(proxyEvent());
    expect([response.statusCode, bodyOf(response).code]).toEqual([401, 'TOKEN_EXPIRED']);
  });
});
