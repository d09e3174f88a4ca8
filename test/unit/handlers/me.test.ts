import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { createMeHandler } from '../../../lambdas/handlers/me';
import { customerEvent, customerRoute, CUID } from './customer-route-fakes';
import { bodyOf } from '../../support/handler-fakes';

const me = () => customerEvent({ method: 'GET', resource: '/v1/me' });

describe('createMeHandler', () => {
  it('answers the mapped CIAM profile and customer: null before any link', async () => {
    const { deps } = customerRoute();
    const response = await createMeHandler(deps)(me());
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      profile: expect.objectContaining({ cuid: CUID, firstName: 'Jane', email: 'jane@example.com', emailVerified: true }),
      customer: null,
    });
  });

  it('answers the linked customer, its profile and source profiles', async () => {
    const { deps } = customerRoute();
    const { customerId } = bodyOf(await createLinkCustomerHandler(deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link' })));
    const { customer } = bodyOf(await createMeHandler(deps)(me()));
    expect(customer).toEqual({
      customerId,
      profile: { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', mobile: '+447400123456' },
      sourceProfiles: { OAUTH_EXTERNAL: { cuid: CUID } },
    });
  });

  it('refuses a client principal: there is no customer to show', async () => {
    const { deps } = customerRoute();
    const response = await createMeHandler(deps)(customerEvent({ method: 'GET', resource: '/v1/me', principalType: 'client' }));
    expect([response.statusCode, bodyOf(response).code]).toEqual([403, 'CLIENT_PRINCIPAL_NOT_ALLOWED']);
  });
});
