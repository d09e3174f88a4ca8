import { nextVersion, type Customer } from '../../lambdas/core/customer';
import { BRAND, NOW } from './customer-fakes';

describe('nextVersion', () => {
  const customer: Customer = {
    customerId: 'c-1', brandId: BRAND, profile: { firstName: 'Jane' }, claimed: {}, sourceProfiles: {},
    version: 4, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z',
  };

  it('applies the changes, bumps the version and stamps the time, keeping the creation time', () => {
    expect(nextVersion(customer, { profile: { firstName: 'Janet' } }, NOW)).toEqual({
      ...customer, profile: { firstName: 'Janet' }, version: 5, updatedAt: '2024-01-02T03:04:05.000Z',
    });
  });

  it('leaves the customer it was given unchanged', () => {
    nextVersion(customer, { claimed: { email: 'x@example.com' } }, NOW);
    expect(customer.version).toBe(4);
    expect(customer.claimed).toEqual({});
  });
});
