import { retryOnConflict } from './conflict-retry';
import { nextVersion, REGISTRATION_FIELD_GROUPS, type ChangeResult, type RegistrationProfile, type RegistrationValue } from './customer';
import { auditRecord } from './customer-audit';
import type { CustomerStore } from './customer-store-port';
import { RequestError } from './errors';
import { requireLinkedCustomer } from './linked-customer';
import { maskValue } from './mask';
import type { RegistrationFieldsDeclaration } from './registration-fields';
import { missingRequiredFields } from './registration-values';

export interface RegistrationInput {
  readonly brandId: string;
  readonly cuid: string;
  /** The brand's declaration: which fields the customer must hold once merged. */
  readonly declaration: RegistrationFieldsDeclaration;
  /** Checked against the declaration (checkRegistrationValues); merged shallowly, group by group, over those stored. */
  readonly fields: RegistrationProfile;
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/**
 * Merges the extra registration fields (the `INSTORE` source profile) into the customer linked to `cuid`. Changed
 * fields are named with their group (`customFields.shoe_size`). A declared required field the customer would still
 * lack is refused (BODY_INVALID), with nothing written.
 */
export async function mergeRegistration(store: CustomerStore, input: RegistrationInput): Promise<ChangeResult> {
  return retryOnConflict(async () => {
    const customer = await requireLinkedCustomer(store, input.brandId, input.cuid);
    const current = customer.sourceProfiles.INSTORE ?? {};
    const merged = Object.fromEntries(REGISTRATION_FIELD_GROUPS.flatMap((group) =>
      current[group] || input.fields[group] ? [[group, { ...current[group], ...input.fields[group] }]] : [])) as RegistrationProfile;
    const missing = missingRequiredFields(input.declaration, merged);
    if (missing.length > 0) throw new RequestError('BODY_INVALID', 'required registration fields are missing', missing);

    const changed = REGISTRATION_FIELD_GROUPS.flatMap((group) =>
      Object.entries(input.fields[group] ?? {})
        .filter(([name, value]) => !Object.hasOwn(current[group] ?? {}, name) || current[group]?.[name] !== value)
        .map(([name, value]) => ({ field: `${group}.${name}`, value })));
    if (changed.length === 0) return { customerId: customer.customerId, changedFields: [] };
    const changedFields = changed.map(({ field }) => field);
    const masked = Object.fromEntries(changed.map(({ field, value }) => [field, maskValue(value as RegistrationValue)]));
    const outcome = await store.write({
      customer: nextVersion(customer, { sourceProfiles: { ...customer.sourceProfiles, INSTORE: merged } }, input.now),
      expectedVersion: customer.version,
      claim: [],
      release: [],
      audit: [auditRecord(input, { cuid: input.cuid, customerId: customer.customerId }, 'registration_merged', changedFields, masked)],
    });
    return outcome.ok ? { customerId: customer.customerId, changedFields } : undefined;
  });
}
