import { createChangeIdentifierHandler } from '../../../lambdas/handlers/change-identifier';
import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { customerEvent, customerRoute, userinfoClaims } from './customer-route-fakes';
import { bodyOf } from '../../support/handler-fakes';

const change = (body: unknown) => customerEvent({ method: 'PUT', resource: '/v1/customers/identifiers', body });

async function linked() {
  const route = customerRoute();
  const { customerId } = bodyOf(await createLinkCustomerHandler(route.deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link' })));
  return { ...route, customerId: customerId as string, handle: createChangeIdentifierHandler(route.deps) };
}

describe('createChangeIdentifierHandler', () => {
  it('takes the new email from userinfo once it is verified there', async () => {
    const { handle, state, store, customerId } = await linked();
    state.userinfo = userinfoClaims({ email: 'jane@new.example' });
    const response = await handle(change({ type: 'email' }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ customerId, changedFields: ['email'] });
    expect(store.customers.get(customerId)?.profile.email).toBe('jane@new.example');
  });

  it('answers 409 IDENTIFIER_NOT_VERIFIED while the CIAM has not verified it', async () => {
    const { handle, state, store, customerId } = await linked();
    state.userinfo = userinfoClaims({ email: 'jane@new.example', email_verified: false });
    const response = await handle(change({ type: 'email' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([409, 'IDENTIFIER_NOT_VERIFIED']);
    expect(store.customers.get(customerId)?.profile.email).toBe('jane@example.com');
  });

  it('refuses an identifier type it does not know, before asking the CIAM', async () => {
    const { handle, state } = await linked();
    const calls = state.userinfoCalls;
    const response = await handle(change({ type: 'username' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
    expect(state.userinfoCalls).toBe(calls);
  });
});
