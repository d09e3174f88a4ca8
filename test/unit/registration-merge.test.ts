import type { RegistrationProfile } from '../../lambdas/core/customer';
import type { CustomerStore } from '../../lambdas/core/customer-store-port';
import { ConflictError, RequestError } from '../../lambdas/core/errors';
import { DEFAULT_REGISTRATION_FIELDS, type RegistrationFieldsDeclaration } from '../../lambdas/core/registration-fields';
import { mergeRegistration } from '../../lambdas/core/registration-merge';
import { BRAND, ciam, FakeStore, link, NOW } from './customer-fakes';

describe('mergeRegistration', () => {
  const merge = (store: CustomerStore, fields: RegistrationProfile, declaration: RegistrationFieldsDeclaration = DEFAULT_REGISTRATION_FIELDS, cuid = 'cuid-1') =>
    mergeRegistration(store, { brandId: BRAND, cuid, declaration, fields, requestId: 'req-2', now: NOW });

  it('merges each group shallowly into INSTORE, naming changed fields with their group, writing nothing when nothing changed', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());

    expect(await merge(store, { extendedFields: { dateOfBirth: '1990-05-01', marketingOptIn: true } })).toEqual({
      customerId, changedFields: ['extendedFields.dateOfBirth', 'extendedFields.marketingOptIn'],
    });
    expect(await merge(store, { extendedFields: { marketingOptIn: false, city: 'Leeds' }, customFields: { city: 'York' } })).toEqual({
      customerId, changedFields: ['extendedFields.marketingOptIn', 'extendedFields.city', 'customFields.city'],
    });
    expect(store.customers.get(customerId)?.sourceProfiles).toEqual({
      OAUTH_EXTERNAL: { cuid: 'cuid-1' },
      INSTORE: { extendedFields: { dateOfBirth: '1990-05-01', marketingOptIn: false, city: 'Leeds' }, customFields: { city: 'York' } },
    });
    expect(store.audit.at(-1)).toMatchObject({
      action: 'registration_merged',
      changedFields: ['extendedFields.marketingOptIn', 'extendedFields.city', 'customFields.city'],
      masked: { 'extendedFields.marketingOptIn': '***', 'extendedFields.city': 'L***', 'customFields.city': 'Y***' },
    });

    store.calls = 0;
    expect(await merge(store, { extendedFields: { city: 'Leeds' }, customFields: { city: 'York' } })).toEqual({ customerId, changedFields: [] });
    expect(store.calls).toBe(0);
  });

  it('refuses, writing nothing, while a required field would still be missing; one given earlier counts', async () => {
    const declaration: RegistrationFieldsDeclaration = {
      extendedFields: { dateOfBirth: { type: 'date', required: true } },
      customFields: { tier: { type: 'string', required: true }, shoe_size: { type: 'number' } },
    };
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());
    store.calls = 0;

    const refused = merge(store, { customFields: { tier: 'gold' } }, declaration);
    await expect(refused).rejects.toBeInstanceOf(RequestError);
    await expect(refused).rejects.toMatchObject({ code: 'BODY_INVALID', problems: ['extendedFields.dateOfBirth: required'] });
    expect(store.calls).toBe(0);

    expect(await merge(store, { extendedFields: { dateOfBirth: '1990-05-01' }, customFields: { tier: 'gold' } }, declaration)).toMatchObject({ customerId });
    expect(await merge(store, { customFields: { shoe_size: 9 } }, declaration)).toEqual({ customerId, changedFields: ['customFields.shoe_size'] });
  });

  it('refuses a CIAM user with no customer', async () => {
    const refused = merge(new FakeStore(), { extendedFields: { city: 'Leeds' } });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'CUSTOMER_NOT_LINKED' });
  });

  it('retries when the customer changed under it, merging over the newer version', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());
    const write = store.write.bind(store);
    let raced = false;
    store.write = async (c) => {
      if (!raced) {
        raced = true;
        await link(store, ciam({ firstName: 'Janet' })); // a login lands between our read and our write
      }
      return write(c);
    };

    expect(await merge(store, { extendedFields: { city: 'Leeds' } })).toEqual({ customerId, changedFields: ['extendedFields.city'] });
    expect(store.customers.get(customerId)).toMatchObject({ version: 3, profile: { firstName: 'Janet' }, sourceProfiles: { INSTORE: { extendedFields: { city: 'Leeds' } } } });
  });
});
