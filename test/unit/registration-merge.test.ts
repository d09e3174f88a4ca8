import type { CustomerStore } from '../../lambdas/core/customer-store-port';
import { ConflictError } from '../../lambdas/core/errors';
import { mergeRegistration } from '../../lambdas/core/registration-merge';
import { BRAND, ciam, FakeStore, link, NOW } from './customer-fakes';

describe('mergeRegistration', () => {
  const merge = (store: CustomerStore, fields: Record<string, string | number | boolean>, cuid = 'cuid-1') =>
    mergeRegistration(store, { brandId: BRAND, cuid, fields, requestId: 'req-2', now: NOW });

  it('merges the INSTORE fields shallowly, writing nothing when nothing changed', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());

    expect(await merge(store, { dateOfBirth: '1990-05-01', optIn: true })).toEqual({ customerId, changedFields: ['dateOfBirth', 'optIn'] });
    expect(await merge(store, { optIn: false, city: 'Leeds' })).toEqual({ customerId, changedFields: ['optIn', 'city'] });
    expect(store.customers.get(customerId)?.sourceProfiles).toEqual({
      OAUTH_EXTERNAL: { cuid: 'cuid-1' }, INSTORE: { dateOfBirth: '1990-05-01', optIn: false, city: 'Leeds' },
    });
    expect(store.audit.at(-1)).toMatchObject({ action: 'registration_merged', changedFields: ['optIn', 'city'], masked: { optIn: '***', city: 'L***' } });

    store.calls = 0;
    expect(await merge(store, { city: 'Leeds' })).toEqual({ customerId, changedFields: [] });
    expect(store.calls).toBe(0);
  });

  it('refuses a CIAM user with no customer', async () => {
    const refused = merge(new FakeStore(), { city: 'Leeds' });
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

    expect(await merge(store, { city: 'Leeds' })).toEqual({ customerId, changedFields: ['city'] });
    expect(store.customers.get(customerId)).toMatchObject({ version: 3, profile: { firstName: 'Janet' }, sourceProfiles: { INSTORE: { city: 'Leeds' } } });
  });
});
