import type { CiamProfile } from '../../lambdas/core/ciam-profile';
import {
  changeIdentifier, linkCustomer, mergeRegistration,
  type AuditRecord, type Claim, type ClaimType, type Customer, type CustomerChange, type CustomerStore, type WriteConflict, type WriteOutcome,
} from '../../lambdas/core/customer-linking';
import { ConflictError } from '../../lambdas/core/errors';
import { maskEmail, maskMobile, maskName, maskValue } from '../../lambdas/core/mask';

const BRAND = 'brand-a';
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

/** The store's contract in memory: conditions checked and the change applied in one step, like a transaction. */
class FakeStore implements CustomerStore {
  readonly customers = new Map<string, Customer>();
  readonly claims = new Map<string, string>();
  readonly audit: AuditRecord[] = [];
  /** Every write and record call, accepted or not. */
  calls = 0;

  async holderOf(brandId: string, type: ClaimType, value: string): Promise<string | undefined> {
    return this.claims.get(claimKey(brandId, { type, value }));
  }

  async getCustomer(brandId: string, customerId: string): Promise<Customer | undefined> {
    const customer = this.customers.get(customerId);
    return customer?.brandId === brandId ? structuredClone(customer) : undefined;
  }

  async record(record: AuditRecord): Promise<void> {
    this.calls++;
    this.audit.push(record);
  }

  async write(change: CustomerChange): Promise<WriteOutcome> {
    this.calls++;
    const { customer } = change;
    const current = this.customers.get(customer.customerId);
    const conflicts: WriteConflict[] = [];
    if (change.expectedVersion === undefined ? current : current?.version !== change.expectedVersion) conflicts.push({ on: 'customer' });
    for (const claim of change.claim) if (this.claims.has(claimKey(customer.brandId, claim))) conflicts.push({ on: 'claim', claim });
    for (const claim of change.release) if (this.claims.get(claimKey(customer.brandId, claim)) !== customer.customerId) conflicts.push({ on: 'release', claim });
    if (conflicts.length > 0) return { ok: false, conflicts };
    this.customers.set(customer.customerId, structuredClone(customer));
    for (const claim of change.claim) this.claims.set(claimKey(customer.brandId, claim), customer.customerId);
    for (const claim of change.release) this.claims.delete(claimKey(customer.brandId, claim));
    this.audit.push(...change.audit);
    return { ok: true };
  }

  claimsOf(customerId: string): string[] {
    return [...this.claims].filter(([, id]) => id === customerId).map(([key]) => key).sort();
  }

  /** A customer registered some other way (in store): no CIAM link. */
  seed(customerId: string, profile: { email?: string; mobile?: string; firstName?: string }): Customer {
    const customer: Customer = {
      customerId, brandId: BRAND, profile, claimed: { ...(profile.email ? { email: profile.email } : {}), ...(profile.mobile ? { mobile: profile.mobile } : {}) },
      sourceProfiles: {}, version: 1, createdAt: 'then', updatedAt: 'then',
    };
    this.customers.set(customerId, customer);
    for (const type of ['email', 'mobile'] as const) {
      const value = profile[type];
      if (value) this.claims.set(claimKey(BRAND, { type, value }), customerId);
    }
    return customer;
  }
}

function claimKey(brandId: string, claim: Claim): string {
  return `${claim.type}#${brandId}#${claim.value}`;
}

function ciam(overrides: Partial<CiamProfile> = {}): CiamProfile {
  return {
    cuid: 'cuid-1', firstName: 'Jane', lastName: 'Doe',
    email: 'jane@example.com', emailVerified: true, mobile: '+447700900123', mobileVerified: true,
    ...overrides,
  };
}

let ids = 0;
const newId = (): string => `customer-${++ids}`;
const link = (store: CustomerStore, profile: CiamProfile, now = NOW) => linkCustomer(store, { brandId: BRAND, profile, requestId: 'req-1', now }, newId);

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
    await expect(link(store, ciam())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
  });
});

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
    await expect(merge(new FakeStore(), { city: 'Leeds' })).rejects.toMatchObject({ code: 'CUSTOMER_NOT_LINKED', status: 409 });
  });
});

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
    await expect(refused).rejects.toMatchObject({ code: 'IDENTIFIER_TAKEN', status: 409 });
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

describe('masking', () => {
  it.each([
    [maskEmail, 'john@example.com', 'j***@example.com'],
    [maskEmail, 'not-an-email', '***'],
    [maskEmail, '@example.com', '***'],
    [maskMobile, '+447700900123', '+44*******123'],
    [maskMobile, '+12345', '***'],
    [maskName, 'John', 'J***'],
    [maskName, 'Émilie', 'É***'],
    [maskName, '😀face', '😀***'],
    [maskName, '', ''],
    [maskValue, 'Leeds', 'L***'],
    [maskValue, 42, '***'],
  ] as const)('%p(%p) → %p', (mask, value, expected) => {
    expect((mask as (v: string | number) => string)(value)).toBe(expected);
  });

  it('never puts a raw value in an audit record', async () => {
    const store = new FakeStore();
    await link(store, ciam());
    await link(store, ciam({ firstName: 'Janet', email: 'janet@example.com' }));
    const audit = JSON.stringify(store.audit);
    for (const raw of ['Jane', 'Doe', 'jane@example.com', 'janet@example.com', '+447700900123']) expect(audit).not.toContain(raw);
  });
});
