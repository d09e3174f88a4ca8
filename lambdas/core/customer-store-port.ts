import type { AuditRecord } from './customer-audit';
import type { Claim, ClaimType, Customer } from './customer';

/**
 * What customer linking needs from storage. Every write is optimistic (an expected version, claims that must
 * not exist) and atomic: the customer, its claim changes and its audit records, all or nothing.
 */

/** Where an audit record goes when there is no change to write it with (a refused identifier change). */
export interface AuditSink {
  record(record: AuditRecord): Promise<void>;
}

export interface CustomerChange {
  /** The customer as it is to be stored. */
  readonly customer: Customer;
  /** The version this change was decided from; `undefined` creates the customer. */
  readonly expectedVersion: number | undefined;
  /** Claims to take: refused if anyone holds them. */
  readonly claim: readonly Claim[];
  /** Claims to give up: refused unless this customer still holds them. */
  readonly release: readonly Claim[];
  readonly audit: readonly AuditRecord[];
}

/** Which condition of a refused change failed. */
export type WriteConflict =
  | { readonly on: 'customer' }
  | { readonly on: 'claim' | 'release'; readonly claim: Claim }
  /** Another transaction was changing the same items at that moment. */
  | { readonly on: 'transaction' };

export type WriteOutcome = { readonly ok: true } | { readonly ok: false; readonly conflicts: readonly WriteConflict[] };

export interface CustomerStore extends AuditSink {
  /** The customer id holding a claim, read consistently. */
  holderOf(brandId: string, type: ClaimType, value: string): Promise<string | undefined>;
  getCustomer(brandId: string, customerId: string): Promise<Customer | undefined>;
  /** A conflict is an outcome, not an error; any other failure throws a CiamGatewayError. */
  write(change: CustomerChange): Promise<WriteOutcome>;
}
