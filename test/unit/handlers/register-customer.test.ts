import { createLinkCustomerHandler } from '../../../lambdas/handlers/link-customer';
import { createRegisterCustomerHandler } from '../../../lambdas/handlers/register-customer';
import { NOW } from '../fixtures';
import { customerEvent, customerRoute } from './customer-route-fakes';
import { bodyOf } from '../../support/handler-fakes';

const register = (body: unknown) => customerEvent({ method: 'POST', resource: '/v1/customers/register', body });

/** A brand that declares its own fields, Capillary's way. */
const DECLARING = {
  registrationFields: {
    extendedFields: { city: { type: 'string', maxLength: 32 } },
    customFields: { shoe_size: { type: 'number' }, member_code: { type: 'string', pattern: '[A-Z]{2}\\d{4}' } },
  },
};

async function linked(brand: Record<string, unknown> = {}) {
  const route = customerRoute({ brand });
  const { customerId } = bodyOf(await createLinkCustomerHandler(route.deps)(customerEvent({ method: 'POST', resource: '/v1/customers/link' })));
  return { ...route, customerId: customerId as string };
}

describe('createRegisterCustomerHandler', () => {
  it('merges the declared fields into the linked customer as INSTORE, dated by the injected clock', async () => {
    const { deps, store, clock, customerId } = await linked(DECLARING);
    clock.advance(1000);
    const response = await createRegisterCustomerHandler(deps)(register({ extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9, member_code: 'AB1234' } }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ customerId, changedFields: ['extendedFields.city', 'customFields.shoe_size', 'customFields.member_code'] });
    expect(store.customers.get(customerId)).toMatchObject({
      sourceProfiles: { INSTORE: { extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9, member_code: 'AB1234' } } },
      updatedAt: new Date(NOW * 1000 + 1000).toISOString(),
    });
  });

  it('refuses undeclared and invalid fields with 400 BODY_INVALID and every problem, writing nothing', async () => {
    const { deps, store } = await linked(DECLARING);
    store.calls = 0;
    const response = await createRegisterCustomerHandler(deps)(register({ customFields: { shoe_size: '9', member_code: 'ab1234', colour: 'red' }, extendedFields: { marketingOptIn: true } }));
    expect([response.statusCode, bodyOf(response)]).toEqual([400, {
      code: 'BODY_INVALID',
      message: 'the request is not valid',
      problems: [
        'extendedFields.marketingOptIn: not declared for this brand',
        'customFields.shoe_size: must be a number',
        'customFields.member_code: must match [A-Z]{2}\\d{4}',
        'customFields.colour: not declared for this brand',
      ],
    }]);
    expect(store.calls).toBe(0);
  });

  it('takes today’s flat body under the default declaration, as extended fields', async () => {
    const { deps, store, customerId } = await linked();
    const response = await createRegisterCustomerHandler(deps)(register({ city: 'Leeds', marketingOptIn: true }));
    expect(bodyOf(response)).toEqual({ customerId, changedFields: ['extendedFields.city', 'extendedFields.marketingOptIn'] });
    expect(store.customers.get(customerId)?.sourceProfiles.INSTORE).toEqual({ extendedFields: { city: 'Leeds', marketingOptIn: true } });
    const custom = await createRegisterCustomerHandler(deps)(register({ customFields: { shoe_size: 9 } }));
    expect([custom.statusCode, bodyOf(custom).problems]).toEqual([400, ['customFields.shoe_size: not declared for this brand']]);
  });

  it('refuses a body outside the schema with 400 and every problem, writing nothing', async () => {
    const { deps, store } = await linked();
    store.calls = 0;
    const response = await createRegisterCustomerHandler(deps)(register({ city: '', shoeSize: 9 }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ code: 'BODY_INVALID', problems: ['extendedFields.city: must not be empty', 'extendedFields.shoeSize: not declared for this brand'] });
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
