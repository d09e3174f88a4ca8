/**
 * The customer store's contract in memory, and the CIAM profiles the customer-linking suites log in with.
 * No I/O: conditions are checked and a change applied in one step, like a DynamoDB transaction.
 */
import type { CiamProfile } from '../../lambdas/core/ciam-profile';
import type { Claim, ClaimType, Customer } from '../../lambdas/core/customer';
import type { AuditRecord } from '../../lambdas/core/customer-audit';
import type { CustomerChange, CustomerStore, WriteConflict, WriteOutcome } from '../../lambdas/core/customer-store-port';
import { linkCustomer } from '../../lambdas/core/login-linking';

export const BRAND = 'brand-a';
/** 2024-01-02T03:04:05.000Z: every write is dated from here, never from the real clock. */
export const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

export class FakeStore implements CustomerStore {
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

export function ciam(overrides: Partial<CiamProfile> = {}): CiamProfile {
  return {
    cuid: 'cuid-1', firstName: 'Jane', lastName: 'Doe',
    email: 'jane@example.com', emailVerified: true, mobile: '+447700900123', mobileVerified: true,
    ...overrides,
  };
}

let ids = 0;
const newId = (): string => `customer-${++ids}`;

/** A login of `profile` at brand BRAND. */
export const link = (store: CustomerStore, profile: CiamProfile, now = NOW) => linkCustomer(store, { brandId: BRAND, profile, requestId: 'req-1', now }, newId);
