import { retryOnConflict } from './conflict-retry';
import { nextVersion, type ChangeResult, type RegistrationValue } from './customer';
import { auditRecord } from './customer-audit';
import type { CustomerStore } from './customer-store-port';
import { requireLinkedCustomer } from './linked-customer';
import { maskValue } from './mask';

export interface RegistrationInput {
  readonly brandId: string;
  readonly cuid: string;
  /** The extra registration fields: merged shallowly over those already stored. */
  readonly fields: Readonly<Record<string, RegistrationValue>>;
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** Merges the extra registration fields (the `INSTORE` source profile) into the customer linked to `cuid`. */
export async function mergeRegistration(store: CustomerStore, input: RegistrationInput): Promise<ChangeResult> {
  return retryOnConflict(async () => {
    const customer = await requireLinkedCustomer(store, input.brandId, input.cuid);
    const current = customer.sourceProfiles.INSTORE ?? {};
    const changed = Object.keys(input.fields).filter((name) => !Object.hasOwn(current, name) || current[name] !== input.fields[name]);
    if (changed.length === 0) return { customerId: customer.customerId, changedFields: [] };
    const masked = Object.fromEntries(changed.map((name) => [name, maskValue(input.fields[name] as RegistrationValue)]));
    const outcome = await store.write({
      customer: nextVersion(customer, { sourceProfiles: { ...customer.sourceProfiles, INSTORE: { ...current, ...input.fields } } }, input.now),
      expectedVersion: customer.version,
      claim: [],
      release: [],
      audit: [auditRecord(input, { cuid: input.cuid, customerId: customer.customerId }, 'registration_merged', changed, masked)],
    });
    return outcome.ok ? { customerId: customer.customerId, changedFields: changed } : undefined;
  });
}
