import { randomUUID } from 'node:crypto';
import type { CiamProfile } from './ciam-profile';
import { retryOnConflict } from './conflict-retry';
import { IDENTIFIERS, nextVersion, PROFILE_FIELDS, type Customer, type Identifier } from './customer';
import { auditRecord, maskProfileFields, type AuditRecord, type RefusalReason } from './customer-audit';
import type { CustomerStore } from './customer-store-port';
import { findLinkedCustomer, loadCustomer } from './linked-customer';
import { isVerified, pickProfile, planProfile } from './profile-plan';

/**
 * Linking on login: finds or creates the brand's customer for a CIAM user and brings its profile up to date.
 * Link order: a known cuid; else a verified email, then a verified mobile, held by a customer no other CIAM user
 * is linked to; else a new customer.
 */

export interface LinkInput {
  readonly brandId: string;
  readonly profile: CiamProfile;
  readonly requestId: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

export interface LinkResult {
  readonly customerId: string;
  readonly created: boolean;
  readonly linkedBy: 'cuid' | Identifier | 'new';
  readonly changedFields: readonly string[];
}

interface Refusal {
  readonly type: Identifier;
  readonly reason: RefusalReason;
}

export async function linkCustomer(store: CustomerStore, input: LinkInput, newId: () => string = randomUUID): Promise<LinkResult> {
  return retryOnConflict(async () => {
    const known = await findLinkedCustomer(store, input.brandId, input.profile.cuid);
    return known ? updateLinked(store, input, known) : linkOrCreate(store, input, newId);
  });
}

/** Known cuid: apply what changed at the CIAM; nothing changed means nothing written. */
async function updateLinked(store: CustomerStore, input: LinkInput, customer: Customer): Promise<LinkResult | undefined> {
  const plan = await planProfile(store, customer, input.profile);
  const result: LinkResult = { customerId: customer.customerId, created: false, linkedBy: 'cuid', changedFields: plan.changedFields };
  if (plan.changedFields.length === 0) return result;
  const subject = { cuid: input.profile.cuid, customerId: customer.customerId };
  const outcome = await store.write({
    customer: nextVersion(customer, { profile: plan.profile, claimed: plan.claimed }, input.now),
    expectedVersion: customer.version,
    claim: plan.claim,
    release: plan.release,
    audit: [
      auditRecord(input, subject, 'profile_updated', plan.changedFields, maskProfileFields(plan.profile, plan.changedFields)),
      ...plan.refused.map((type) => refusal(input, customer.customerId, { type, reason: 'identifier_taken' })),
    ],
  });
  return outcome.ok ? result : undefined;
}

/** First login: attach to the customer holding a verified identifier, or create one. */
async function linkOrCreate(store: CustomerStore, input: LinkInput, newId: () => string): Promise<LinkResult | undefined> {
  const { profile, brandId } = input;
  const refusals: Refusal[] = [];
  const heldByOthers = new Set<Identifier>();
  for (const type of IDENTIFIERS) {
    const value = profile[type];
    if (value === undefined) continue;
    const holderId = await store.holderOf(brandId, type, value);
    if (holderId === undefined) continue;
    heldByOthers.add(type);
    if (!isVerified(profile, type)) {
      refusals.push({ type, reason: 'identifier_unverified' });
      continue;
    }
    const holder = await loadCustomer(store, brandId, holderId);
    if (holder.claimed[type] !== value) return undefined; // it changed identifier between our two reads
    // Re-pointing a customer already linked to another CIAM user would hand their account to this one.
    if (holder.sourceProfiles.OAUTH_EXTERNAL) {
      refusals.push({ type, reason: 'customer_linked_elsewhere' });
      continue;
    }
    return attach(store, input, holder, type, refusals);
  }

  const customerId = newId();
  const at = new Date(input.now).toISOString();
  const fields = PROFILE_FIELDS.filter((name) => profile[name] !== undefined);
  const claimed = Object.fromEntries(IDENTIFIERS.flatMap((type) => {
    const value = profile[type];
    return value !== undefined && isVerified(profile, type) && !heldByOthers.has(type) ? [[type, value]] : [];
  }));
  const outcome = await store.write({
    customer: {
      customerId,
      brandId,
      profile: pickProfile(profile),
      claimed,
      sourceProfiles: { OAUTH_EXTERNAL: { cuid: profile.cuid } },
      version: 1,
      createdAt: at,
      updatedAt: at,
    },
    expectedVersion: undefined,
    claim: [{ type: 'cuid', value: profile.cuid }, ...Object.entries(claimed).map(([type, value]) => ({ type: type as Identifier, value }))],
    release: [],
    audit: [
      auditRecord(input, { cuid: profile.cuid, customerId }, 'customer_created', fields, maskProfileFields(profile, fields)),
      ...refusals.map((r) => refusal(input, customerId, r)),
    ],
  });
  return outcome.ok ? { customerId, created: true, linkedBy: 'new', changedFields: fields } : undefined;
}

async function attach(store: CustomerStore, input: LinkInput, customer: Customer, linkedBy: Identifier, refusals: readonly Refusal[]): Promise<LinkResult | undefined> {
  const { profile } = input;
  const plan = await planProfile(store, customer, profile);
  const outcome = await store.write({
    customer: nextVersion(customer, { profile: plan.profile, claimed: plan.claimed, sourceProfiles: { ...customer.sourceProfiles, OAUTH_EXTERNAL: { cuid: profile.cuid } } }, input.now),
    expectedVersion: customer.version,
    claim: [{ type: 'cuid', value: profile.cuid }, ...plan.claim],
    release: plan.release,
    audit: [
      auditRecord(input, { cuid: profile.cuid, customerId: customer.customerId }, 'customer_linked', plan.changedFields, maskProfileFields(plan.profile, plan.changedFields)),
      ...refusals.map((r) => refusal(input, customer.customerId, r)),
      ...plan.refused.filter((type) => !refusals.some((r) => r.type === type)).map((type) => refusal(input, customer.customerId, { type, reason: 'identifier_taken' })),
    ],
  });
  return outcome.ok ? { customerId: customer.customerId, created: false, linkedBy, changedFields: plan.changedFields } : undefined;
}

function refusal(input: LinkInput, customerId: string, { type, reason }: Refusal): AuditRecord {
  return auditRecord(input, { cuid: input.profile.cuid, customerId }, 'link_refused', [type], maskProfileFields(input.profile, [type]), reason);
}
