import type { Customer } from '../../lambdas/core/customer';
import { isVerified, pickProfile, planProfile } from '../../lambdas/core/profile-plan';
import { ciam, FakeStore } from './customer-fakes';

/** A linked customer holding claims on both identifiers. */
function linked(store: FakeStore, overrides: Partial<Customer> = {}): Customer {
  const customer = store.seed('c-1', { email: 'jane@example.com', mobile: '+447700900123', firstName: 'Jane' });
  return { ...customer, profile: { ...customer.profile, lastName: 'Doe' }, sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'cuid-1' } }, ...overrides };
}

describe('planProfile', () => {
  it('plans nothing when the CIAM says what the customer already holds', async () => {
    const store = new FakeStore();
    const plan = await planProfile(store, linked(store), ciam());
    expect(plan).toMatchObject({ changedFields: [], claim: [], release: [], refused: [] });
  });

  it('keeps a field the CIAM leaves out: absent is not "erased"', async () => {
    const store = new FakeStore();
    const plan = await planProfile(store, linked(store), ciam({ lastName: undefined, firstName: 'Janet' }));
    expect(plan.profile).toMatchObject({ firstName: 'Janet', lastName: 'Doe' });
    expect(plan.changedFields).toEqual(['firstName']);
  });

  it('moves a changed verified identifier: the old claim released, the new one claimed', async () => {
    const store = new FakeStore();
    const plan = await planProfile(store, linked(store), ciam({ email: 'jane@new.example' }));
    expect(plan.release).toEqual([{ type: 'email', value: 'jane@example.com' }]);
    expect(plan.claim).toEqual([{ type: 'email', value: 'jane@new.example' }]);
    expect(plan.claimed).toEqual({ email: 'jane@new.example', mobile: '+447700900123' });
    expect(plan.changedFields).toEqual(['email']);
  });

  it('gives up the claim of a changed identifier that is not verified, and claims nothing', async () => {
    const store = new FakeStore();
    const plan = await planProfile(store, linked(store), ciam({ email: 'jane@new.example', emailVerified: false }));
    expect(plan.release).toEqual([{ type: 'email', value: 'jane@example.com' }]);
    expect(plan.claim).toEqual([]);
    expect(plan.claimed).toEqual({ mobile: '+447700900123' });
  });

  it('keeps the claim of an unchanged identifier that became unverified: the value is still this customer\'s', async () => {
    const store = new FakeStore();
    const plan = await planProfile(store, linked(store), ciam({ mobileVerified: false }));
    expect(plan).toMatchObject({ release: [], claim: [], changedFields: [], claimed: { email: 'jane@example.com', mobile: '+447700900123' } });
  });

  it('claims an unchanged value once it became verified, and counts it as a change', async () => {
    const store = new FakeStore();
    const customer = linked(store, { claimed: {} });
    store.claims.clear();
    const plan = await planProfile(store, customer, ciam());
    expect(plan.claim).toEqual([{ type: 'email', value: 'jane@example.com' }, { type: 'mobile', value: '+447700900123' }]);
    expect(plan.changedFields).toEqual(['email', 'mobile']);
  });

  it('refuses a new verified value another customer holds: stored on the profile, not claimed', async () => {
    const store = new FakeStore();
    const customer = linked(store);
    store.claims.set('email#brand-a#taken@example.com', 'someone-else');
    const plan = await planProfile(store, customer, ciam({ email: 'taken@example.com' }));
    expect(plan.refused).toEqual(['email']);
    expect(plan.claim).toEqual([]);
    expect(plan.profile.email).toBe('taken@example.com');
    expect(plan.claimed.email).toBeUndefined();
  });
});

describe('pickProfile and isVerified', () => {
  it('takes only the profile fields the CIAM has', () => {
    expect(pickProfile(ciam({ lastName: undefined, mobile: undefined }))).toEqual({ firstName: 'Jane', email: 'jane@example.com' });
  });

  it('reads the verified flag of the identifier asked about', () => {
    const profile = ciam({ emailVerified: true, mobileVerified: false });
    expect([isVerified(profile, 'email'), isVerified(profile, 'mobile')]).toEqual([true, false]);
  });
});
