import { TokenError, UpstreamError } from '../../../lambdas/core/errors';
import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { NOW } from '../fixtures';
import { customerEvent, customerRoute, CUID } from './customer-route-fakes';
import { bodyOf } from '../../support/handler-fakes';

const link = () => customerEvent({ method: 'POST', resource: '/v1/customers/link' });

describe('createLinkCustomerHandler', () => {
  it('creates the customer on a first login, dated by the injected clock, and changes nothing on the next', async () => {
    const { deps, store } = customerRoute();
    const handle = createLinkCustomerHandler(deps);
    const first = await handle(link());
    expect(first.statusCode).toBe(200);
    expect(bodyOf(first)).toMatchObject({ created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] });
    const customer = store.customers.get(bodyOf(first).customerId as string);
    expect(customer).toMatchObject({ sourceProfiles: { OAUTH_EXTERNAL: { cuid: CUID } }, createdAt: new Date(NOW * 1000).toISOString() });
    expect(store.audit.map((record) => record.requestId)).toEqual(['req-1']);

    const again = await handle(link());
    expect(bodyOf(again)).toEqual({ customerId: customer?.customerId, created: false, linkedBy: 'cuid', changedFields: [] });
  });

  it('refuses a client-credentials principal with 403 before reading anything', async () => {
    const { deps, store, state } = customerRoute();
    const response = await createLinkCustomerHandler(deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link', principalType: 'client' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([403, 'CLIENT_PRINCIPAL_NOT_ALLOWED']);
    expect([state.userinfoCalls, store.calls]).toEqual([0, 0]);
  });

  it('refuses a decision cached past its validUntil by the injected clock: 401, nothing fetched or written', async () => {
    const { deps, store, state, clock, observability } = customerRoute();
    clock.advance(300_000);
    const response = await createLinkCustomerHandler(deps)(link());
    expect([response.statusCode, bodyOf(response).code]).toEqual([401, 'TOKEN_EXPIRED']);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer error="invalid_token"' });
    expect([state.userinfoCalls, store.calls]).toEqual([0, 0]);
    expect(observability.refusals).toEqual([{ code: 'TOKEN_EXPIRED', fields: { requestId: 'req-1', route: '/v1/customers/link' } }]);
  });

  it('refuses a bearer token whose subject is not the one the authorizer decided for', async () => {
    const { deps } = customerRoute();
    const response = await createLinkCustomerHandler(deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link', tokenSub: 'someone-else' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([401, 'CLAIM_INVALID']);
  });

  it.each([
    ['USERINFO_TOKEN_REJECTED', new TokenError('USERINFO_TOKEN_REJECTED', 'revoked'), 401],
    ['USERINFO_UNAVAILABLE', new UpstreamError('USERINFO_UNAVAILABLE', 'down'), 502],
    ['STORE_UNAVAILABLE', new UpstreamError('STORE_UNAVAILABLE', 'throttled'), 503],
  ])('answers a profile load failing with %s with %i, and writes nothing', async (_code, failure, status) => {
    const { deps, store, state } = customerRoute();
    state.userinfo = failure;
    const response = await createLinkCustomerHandler(deps)(link());
    expect([response.statusCode, bodyOf(response).code]).toEqual([status, failure.code]);
    expect(store.calls).toBe(0);
  });
});
