import { BRAND, ciam, FakeStore, link, NOW } from './customer-fakes';

describe('linkCustomer', () => {
  it('creates a customer on first login, claiming the cuid and the verified identifiers, audited and masked', async () => {
    const store = new FakeStore();
    const result = await link(store, ciam());

    expect(result).toEqual({ customerId: expect.any(String), created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] });
    const customer = store.customers.get(result.customerId);
    expect(customer).toMatchObject({
      profile: { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', mobile: '+447700900123' },
      sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'cuid-1' } },
      version: 1,
      createdAt: '2024-01-02T03:04:05.000Z',
    });
    expect(store.claimsOf(result.customerId)).toEqual([`cuid#${BRAND}#cuid-1`, `email#${BRAND}#jane@example.com`, `mobile#${BRAND}#+447700900123`]);
    expect(store.audit).toEqual([{
      brandId: BRAND, cuid: 'cuid-1', customerId: result.customerId, requestId: 'req-1', at: '2024-01-02T03:04:05.000Z',
      action: 'customer_created', changedFields: ['firstName', 'lastName', 'email', 'mobile'],
      masked: { firstName: 'J***', lastName: 'D***', email: 'j***@example.com', mobile: '+44*******123' },
    }]);
  });

  it('writes nothing at all on a repeat login with nothing changed', async () => {
    const store = new FakeStore();
    const first = await link(store, ciam());
    store.calls = 0;

    const repeat = await link(store, ciam(), NOW + 60_000);

    expect(repeat).toEqual({ customerId: first.customerId, created: false, linkedBy: 'cuid', changedFields: [] });
    expect(store.calls).toBe(0);
    expect(store.customers.get(first.customerId)?.version).toBe(1);
  });

  it('updates only the fields that changed, and keeps those the CIAM left out', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());

    const result = await link(store, ciam({ firstName: 'Janet', lastName: undefined }), NOW + 1000);

    expect(result).toEqual({ customerId, created: false, linkedBy: 'cuid', changedFields: ['firstName'] });
    expect(store.customers.get(customerId)).toMatchObject({ profile: { firstName: 'Janet', lastName: 'Doe' }, version: 2, updatedAt: '2024-01-02T03:04:06.000Z' });
    expect(store.audit.at(-1)).toMatchObject({ action: 'profile_updated', changedFields: ['firstName'], masked: { firstName: 'J***' } });
  });

  it('never claims an unverified identifier, and claims it once the CIAM has verified it', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam({ emailVerified: false, mobileVerified: false }));
    expect(store.customers.get(customerId)?.profile).toMatchObject({ email: 'jane@example.com', mobile: '+447700900123' });
    expect(store.claimsOf(customerId)).toEqual([`cuid#${BRAND}#cuid-1`]);

    const verified = await link(store, ciam({ mobileVerified: false }));

    expect(verified.changedFields).toEqual(['email']);
    expect(store.claimsOf(customerId)).toEqual([`cuid#${BRAND}#cuid-1`, `email#${BRAND}#jane@example.com`]);
  });

  it('attaches to the existing customer holding the verified email', async () => {
    const store = new FakeStore();
    store.seed('in-store', { email: 'jane@example.com', firstName: 'J' });

    const result = await link(store, ciam({ mobile: undefined }));

    expect(result).toEqual({ customerId: 'in-store', created: false, linkedBy: 'email', changedFields: ['firstName', 'lastName'] });
    expect(store.customers.get('in-store')).toMatchObject({ sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'cuid-1' } }, version: 2 });
    expect(store.claimsOf('in-store')).toEqual([`cuid#${BRAND}#cuid-1`, `email#${BRAND}#jane@example.com`]);
    expect(store.audit).toEqual([expect.objectContaining({ action: 'customer_linked', customerId: 'in-store', changedFields: ['firstName', 'lastName'] })]);
    expect(store.customers.size).toBe(1);
  });

  it('attaches by verified mobile when no one holds the email', async () => {
    const store = new FakeStore();
    store.seed('in-store', { mobile: '+447700900123' });

    const result = await link(store, ciam());

    expect(result).toMatchObject({ customerId: 'in-store', linkedBy: 'mobile' });
    expect(store.claimsOf('in-store')).toEqual([`cuid#${BRAND}#cuid-1`, `email#${BRAND}#jane@example.com`, `mobile#${BRAND}#+447700900123`]);
  });

  it('never links by an unverified email: a new customer is created and the refusal audited', async () => {
    const store = new FakeStore();
    const holder = store.seed('in-store', { email: 'jane@example.com' });

    const result = await link(store, ciam({ emailVerified: false, mobile: undefined }));

    expect(result).toMatchObject({ created: true, linkedBy: 'new' });
    expect(store.customers.get('in-store')).toEqual(holder);
    expect(store.customers.get(result.customerId)?.profile.email).toBe('jane@example.com');
    expect(store.claimsOf(result.customerId)).toEqual([`cuid#${BRAND}#cuid-1`]);
    expect(store.audit.map((r) => [r.action, r.customerId, r.reason])).toEqual([
      ['customer_created', result.customerId, undefined],
      ['link_refused', result.customerId, 'identifier_unverified'],
    ]);
  });

  it('never re-points a customer already linked to another CIAM user', async () => {
    const store = new FakeStore();
    const other = await link(store, ciam({ cuid: 'cuid-0', mobile: undefined }));

    const result = await link(store, ciam({ mobile: undefined }));

    expect(result).toMatchObject({ created: true, linkedBy: 'new' });
    expect(result.customerId).not.toBe(other.customerId);
    expect(store.claimsOf(other.customerId)).toEqual([`cuid#${BRAND}#cuid-0`, `email#${BRAND}#jane@example.com`]);
    expect(store.audit.at(-1)).toMatchObject({ action: 'link_refused', reason: 'customer_linked_elsewhere', changedFields: ['email'] });
  });

  it('resolves concurrent first logins of one user to one customer', async () => {
    const store = new FakeStore();

    const results = await Promise.all([link(store, ciam()), link(store, ciam()), link(store, ciam())]);

    expect(store.customers.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => !r.created)).toEqual([
      expect.objectContaining({ linkedBy: 'cuid', changedFields: [] }),
      expect.objectContaining({ linkedBy: 'cuid', changedFields: [] }),
    ]);
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
  });

  it('moves the claim when a login brings a new verified email, and gives it up for an unverified one', async () => {
    const store = new FakeStore();
    const { customerId } = await link(store, ciam());

    await link(store, ciam({ email: 'jane@new.example' }));
    expect(store.claimsOf(customerId)).toContain(`email#${BRAND}#jane@new.example`);
    expect(store.claimsOf(customerId)).not.toContain(`email#${BRAND}#jane@example.com`);

    await link(store, ciam({ email: 'jane@third.example', emailVerified: false }));
    expect(store.claimsOf(customerId).filter((k) => k.startsWith('email'))).toEqual([]);
    expect(store.customers.get(customerId)?.profile.email).toBe('jane@third.example');
  });

  it('stores but does not claim a new verified email another customer holds, audited once', async () => {
    const store = new FakeStore();
    store.seed('in-store', { email: 'taken@example.com' });
    const { customerId } = await link(store, ciam());

    const result = await link(store, ciam({ email: 'taken@example.com' }));
    expect(result.changedFields).toEqual(['email']);
    expect(store.claimsOf('in-store')).toEqual([`email#${BRAND}#taken@example.com`]);
    expect(store.claimsOf(customerId).filter((k) => k.startsWith('email'))).toEqual([]);
    expect(store.audit.slice(-2).map((r) => [r.action, r.reason])).toEqual([['profile_updated', undefined], ['link_refused', 'identifier_taken']]);

    store.calls = 0;
    await link(store, ciam({ email: 'taken@example.com' }));
    expect(store.calls).toBe(0);
  });

  it('gives up with STORE_UNAVAILABLE when every write keeps conflicting', async () => {
    const store = new FakeStore();
    store.write = async () => ({ ok: false, conflicts: [{ on: 'transaction' }] });
    await expect(link(store, ciam())).rejects.toEqual(expect.objectContaining({ name: 'UpstreamError', code: 'STORE_UNAVAILABLE' }));
  });
});
