import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { createRegisterCustomerHandler } from '../../../lambdas/handlers/register-customer';
import { NOW } from '../fixtures';
import { customerEvent, customerRoute } from './customer-route-fakes';
import { bodyOf } from '../../support/handler-fakes';

const register = (body: unknown) => customerEvent({ method: 'POST', resource: '/v1/customers/register', body });

describe('createRegisterCustomerHandler', () => {
  it('merges the fields into the linked customer as INSTORE, dated by the injected clock', async () => {
    const { deps, store, clock } = customerRoute();
    const { customerId } = bodyOf(await createLinkCustomerHandler(deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link' })));
    clock.advance(1000);
    const response = await createRegisterCustomerHandler(deps)(register({ city: 'Leeds', marketingOptIn: true }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ customerId, changedFields: ['city', 'marketingOptIn'] });
    expect(store.customers.get(customerId as string)).toMatchObject({
      sourceProfiles: { INSTORE: { city: 'Leeds', marketingOptIn: true } },
      updatedAt: new Date(NOW * 1000 + 1000).toISOString(),
    });
  });

  it('refuses a body outside the schema with 400 and every problem, writing nothing', async () => {
    const { deps, store } = customerRoute();
    const response = await createRegisterCustomerHandler(deps)(register({ city: '', shoeSize: 9 }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ code: 'BODY_INVALID', problems: expect.arrayContaining([expect.stringMatching(/^city: /)]) });
    expect(store.calls).toBe(0);
  });

  it('answers 409 CUSTOMER_NOT_LINKED for a CIAM user not linked yet', async () => {
    const { deps } = customerRoute();
    const response = await createRegisterCustomerHandler(deps)(register({ city: 'Leeds' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([409, 'CUSTOMER_NOT_LINKED']);
  });

  it('refuses a body that is not JSON', async () => {
    const { deps } = customerRoute();
    const response = await createRegisterCustomerHandler(deps)(register('{city'));
    expect([response.statusCode, bodyOf(response).code]).toEqual([400, 'BODY_INVALID']);
  });
});
