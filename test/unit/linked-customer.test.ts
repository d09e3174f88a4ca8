import { ConflictError, InternalError } from '../../lambdas/core/errors';
import { findLinkedCustomer, loadCustomer, requireLinkedCustomer } from '../../lambdas/core/linked-customer';
import { BRAND, ciam, FakeStore, link } from './customer-fakes';

describe('findLinkedCustomer', () => {
  it('finds the customer through its cuid claim', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());
    expect(await findLinkedCustomer(store, BRAND, 'cuid-1')).toMatchObject({ customerId, sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'cuid-1' } } });
  });

  it('finds nothing for a CIAM user with no customer, or at another brand', async () => {
    const store = new FakeStore();
    await link(store, ciam());
    expect(await findLinkedCustomer(store, BRAND, 'cuid-2')).toBeUndefined();
    expect(await findLinkedCustomer(store, 'brand-b', 'cuid-1')).toBeUndefined();
  });

  it('never finds a customer registered without a CIAM link by its email', async () => {
    const store = new FakeStore();
    store.seed('in-store', { email: 'jane@example.com' });
    expect(await findLinkedCustomer(store, BRAND, 'jane@example.com')).toBeUndefined();
  });
});

describe('requireLinkedCustomer', () => {
  it('refuses a CIAM user with no customer with CUSTOMER_NOT_LINKED', async () => {
    const refused = requireLinkedCustomer(new FakeStore(), BRAND, 'cuid-1');
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'CUSTOMER_NOT_LINKED' });
  });
});

describe('loadCustomer', () => {
  it('treats a claim pointing at no customer as corrupt data, not as "not linked"', async () => {
    const store = new FakeStore();
    store.claims.set(`cuid#${BRAND}#cuid-1`, 'vanished');
    await expect(loadCustomer(store, BRAND, 'vanished')).rejects.toBeInstanceOf(InternalError);
    await expect(findLinkedCustomer(store, BRAND, 'cuid-1')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
