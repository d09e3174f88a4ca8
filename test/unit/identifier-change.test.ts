import type { CiamProfile } from '../../lambdas/core/ciam-profile';
import type { CustomerStore } from '../../lambdas/core/customer-store-port';
import { ConflictError } from '../../lambdas/core/errors';
import { changeIdentifier } from '../../lambdas/core/identifier-change';
import { BRAND, ciam, FakeStore, link, NOW } from './customer-fakes';

describe('changeIdentifier', () => {
  const change = (store: CustomerStore, profile: CiamProfile, type: 'email' | 'mobile' = 'email') =>
    changeIdentifier(store, { brandId: BRAND, cuid: profile.cuid, type, profile, requestId: 'req-3', now: NOW });

  it('moves the claim to the new verified value', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());

    expect(await change(store, ciam({ mobile: '+447700900999' }), 'mobile')).toEqual({ customerId, changedFields: ['mobile'] });
    expect(store.claimsOf(customerId)).toEqual([`cuid#${BRAND}#cuid-1`, `email#${BRAND}#jane@example.com`, `mobile#${BRAND}#+447700900999`]);
    expect(store.customers.get(customerId)?.profile.mobile).toBe('+447700900999');
    expect(store.audit.at(-1)).toMatchObject({ action: 'identifier_changed', changedFields: ['mobile'], masked: { mobile: '+44*******999' } });
  });

  it('is a no-op when the value is already the current one', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());
    store.calls = 0;
    expect(await change(store, ciam())).toEqual({ customerId, changedFields: [] });
    expect(store.calls).toBe(0);
  });

  it('refuses a value another customer holds, changing neither, and audits the refusal', async () => {
    const store = new FakeStore();
    const holder = store.seed('in-store', { email: 'taken@example.com' });
    const { customerId } = await link(store, ciam());
    const before = structuredClone(store.customers.get(customerId));

    const refused = change(store, ciam({ email: 'taken@example.com' }));

    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'IDENTIFIER_TAKEN' });
    expect(store.customers.get(customerId)).toEqual(before);
    expect(store.customers.get('in-store')).toEqual(holder);
    expect(store.audit.at(-1)).toMatchObject({ action: 'identifier_change_refused', reason: 'identifier_taken', masked: { email: 't***@example.com' } });
  });

  it.each([
    ['unverified', { email: 'jane@new.example', emailVerified: false }],
    ['absent', { email: undefined }],
  ])('refuses an %s new value with IDENTIFIER_NOT_VERIFIED', async (_case, overrides) => {
    const store = new FakeStore();
    await link(store, ciam());
    await expect(change(store, ciam(overrides))).rejects.toMatchObject({ code: 'IDENTIFIER_NOT_VERIFIED' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'identifier_change_refused', reason: 'identifier_not_verified' });
  });

  it('refuses a CIAM user with no customer', async () => {
    await expect(change(new FakeStore(), ciam())).rejects.toMatchObject({ code: 'CUSTOMER_NOT_LINKED' });
  });

  it('refuses a CIAM profile of another user', async () => {
    const store = new FakeStore();
    await link(store, ciam());
    const other = changeIdentifier(store, { brandId: BRAND, cuid: 'cuid-1', type: 'email', profile: ciam({ cuid: 'cuid-2' }), requestId: 'r', now: NOW });
    await expect(other).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('retries when the customer changed under it', async () => {
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

    await change(store, ciam({ firstName: 'Janet', email: 'jane@new.example' }));

    expect(store.customers.get(customerId)).toMatchObject({ version: 3, profile: { firstName: 'Janet', email: 'jane@new.example' } });
  });
});
