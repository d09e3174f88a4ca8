import type { CiamProfile } from './ciam-profile';
import { retryOnConflict } from './conflict-retry';
import { nextVersion, type ChangeResult, type Identifier } from './customer';
import { auditRecord, maskProfileFields, type RefusalReason } from './customer-audit';
import type { CustomerStore } from './customer-store-port';
import { ConflictError, InternalError } from './errors';
import { requireLinkedCustomer } from './linked-customer';
import { isVerified } from './profile-plan';

export interface IdentifierChangeInput {
  readonly brandId: string;
  readonly cuid: string;
  readonly type: Identifier;
  /** The CIAM's answer re-read for this request. */
  readonly profile: CiamProfile;
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/**
 * Step two of an identifier change, after the user changed it at the CIAM: the profile is re-read for this
 * request, so the new value is taken only once the CIAM has verified it.
 */
export async function changeIdentifier(store: CustomerStore, input: IdentifierChangeInput): Promise<ChangeResult> {
  const { type, profile } = input;
  if (profile.cuid !== input.cuid) throw new InternalError('identifier change: the CIAM profile is for another user');
  const value = profile[type];
  return retryOnConflict(async () => {
    const customer = await requireLinkedCustomer(store, input.brandId, input.cuid);
    const subject = { cuid: input.cuid, customerId: customer.customerId };
    const refuse = async (reason: RefusalReason, code: 'IDENTIFIER_NOT_VERIFIED' | 'IDENTIFIER_TAKEN'): Promise<never> => {
      await store.record(auditRecord(input, subject, 'identifier_change_refused', [type], maskProfileFields(profile, [type]), reason));
      throw new ConflictError(code, `the new ${type} ${code === 'IDENTIFIER_TAKEN' ? 'belongs to another customer' : 'is not verified at the CIAM'}`);
    };
    if (value === undefined || !isVerified(profile, type)) return refuse('identifier_not_verified', 'IDENTIFIER_NOT_VERIFIED');
    if (customer.profile[type] === value && customer.claimed[type] === value) return { customerId: customer.customerId, changedFields: [] };

    const held = customer.claimed[type];
    const outcome = await store.write({
      customer: nextVersion(customer, { profile: { ...customer.profile, [type]: value }, claimed: { ...customer.claimed, [type]: value } }, input.now),
      expectedVersion: customer.version,
      claim: [{ type, value }],
      release: held === undefined ? [] : [{ type, value: held }],
      audit: [auditRecord(input, subject, 'identifier_changed', [type], maskProfileFields(profile, [type]))],
    });
    if (outcome.ok) return { customerId: customer.customerId, changedFields: [type] };
    // The claim alone failing, with this customer unchanged since it was read, means someone else holds it.
    const taken = outcome.conflicts.some((c) => c.on === 'claim' && c.claim.type === type);
    if (taken && outcome.conflicts.every((c) => c.on === 'claim')) return refuse('identifier_taken', 'IDENTIFIER_TAKEN');
    return undefined;
  });
}
