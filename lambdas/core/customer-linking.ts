import { randomUUID } from 'node:crypto';
import type { CiamProfile } from './ciam-profile';
import { ConflictError, InternalError, UpstreamError } from './errors';
import { maskEmail, maskMobile, maskName, maskValue } from './mask';

/**
 * Links a CIAM user to the brand's loyalty customer, and keeps the two in step.
 *
 * Uniqueness is held by claim items (one per cuid, verified email, verified mobile) written in the same
 * transaction as the customer; the store refuses a claim someone else holds. Invariant: a customer holds a
 * claim for exactly the values in its `claimed` (plus its cuid), and a claimed value is also its profile value.
 * Every write is optimistic (expected version, claims that must not exist): on a conflict the whole decision
 * is taken again from fresh reads, a bounded number of times.
 */

export type Identifier = 'email' | 'mobile';
export type ClaimType = 'cuid' | Identifier;
export type RegistrationValue = string | number | boolean;

export interface CustomerProfile {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly mobile?: string;
}
export type ProfileField = keyof CustomerProfile;

export interface SourceProfiles {
  /** The CIAM link. Absent on customers registered some other way (in store, imported). */
  readonly OAUTH_EXTERNAL?: { readonly cuid: string };
  /** Extra registration fields the CIAM does not capture. */
  readonly INSTORE?: Readonly<Record<string, RegistrationValue>>;
}

export interface Customer {
  readonly customerId: string;
  readonly brandId: string;
  readonly profile: CustomerProfile;
  /** The email and mobile this customer holds claims for: verified values no one else held. */
  readonly claimed: { readonly email?: string; readonly mobile?: string };
  readonly sourceProfiles: SourceProfiles;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Claim {
  readonly type: ClaimType;
  readonly value: string;
}

export type AuditAction =
  | 'customer_created'
  | 'customer_linked'
  | 'link_refused'
  | 'profile_updated'
  | 'registration_merged'
  | 'identifier_changed'
  | 'identifier_change_refused';

export type RefusalReason = 'identifier_unverified' | 'customer_linked_elsewhere' | 'identifier_taken' | 'identifier_not_verified';

export interface AuditRecord {
  readonly brandId: string;
  readonly cuid: string;
  readonly customerId: string;
  readonly requestId: string;
  /** ISO 8601. */
  readonly at: string;
  readonly action: AuditAction;
  /** Field names only. */
  readonly changedFields: readonly string[];
  /** Field name → masked value: never the value itself. */
  readonly masked: Readonly<Record<string, string>>;
  /** Why a link or identifier change was refused. */
  readonly reason?: RefusalReason;
}

/** Where an audit record goes when there is no change to write it with (a refused identifier change). */
export interface AuditSink {
  record(record: AuditRecord): Promise<void>;
}

/** One atomic write: the customer, its claim changes and the audit records, all or nothing. */
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

export interface ChangeResult {
  readonly customerId: string;
  readonly changedFields: readonly string[];
}

const IDENTIFIERS: readonly Identifier[] = ['email', 'mobile'];
const PROFILE_FIELDS: readonly ProfileField[] = ['firstName', 'lastName', 'email', 'mobile'];
/** Enough for any realistic race (50 concurrent first logins settle in two); beyond it the client retries. */
const MAX_ATTEMPTS = 5;

/** Finds or creates the customer for a CIAM login and brings its profile up to date. */
export async function linkCustomer(store: CustomerStore, input: LinkInput, newId: () => string = randomUUID): Promise<LinkResult> {
  return retryOnConflict(async () => {
    const known = await customerByCuid(store, input.brandId, input.profile.cuid);
    return known ? updateLinked(store, input, known) : linkOrCreate(store, input, newId);
  });
}

/** Merges the extra registration fields (the `INSTORE` source profile) into the customer linked to `cuid`. */
export async function mergeRegistration(
  store: CustomerStore,
  input: { readonly brandId: string; readonly cuid: string; readonly fields: Readonly<Record<string, RegistrationValue>>; readonly requestId: string; readonly now: number },
): Promise<ChangeResult> {
  return retryOnConflict(async () => {
    const customer = await linkedCustomer(store, input.brandId, input.cuid);
    const current = customer.sourceProfiles.INSTORE ?? {};
    const changed = Object.keys(input.fields).filter((name) => !Object.hasOwn(current, name) || current[name] !== input.fields[name]);
    if (changed.length === 0) return { customerId: customer.customerId, changedFields: [] };
    const masked = Object.fromEntries(changed.map((name) => [name, maskValue(input.fields[name] as RegistrationValue)]));
    const outcome = await store.write({
      customer: nextVersion(customer, { sourceProfiles: { ...customer.sourceProfiles, INSTORE: { ...current, ...input.fields } } }, input.now),
      expectedVersion: customer.version,
      claim: [],
      release: [],
      audit: [audit(input, input.cuid, customer.customerId, 'registration_merged', changed, masked)],
    });
    return outcome.ok ? { customerId: customer.customerId, changedFields: changed } : undefined;
  });
}

/**
 * Step two of an identifier change, after the user changed it at the CIAM: `profile` is the CIAM's answer
 * re-read for this request, so the new value is taken only once the CIAM has verified it.
 */
export async function changeIdentifier(
  store: CustomerStore,
  input: { readonly brandId: string; readonly cuid: string; readonly type: Identifier; readonly profile: CiamProfile; readonly requestId: string; readonly now: number },
): Promise<ChangeResult> {
  const { type, profile } = input;
  if (profile.cuid !== input.cuid) throw new InternalError('identifier change: the CIAM profile is for another user');
  const value = profile[type];
  const verified = type === 'email' ? profile.emailVerified : profile.mobileVerified;
  return retryOnConflict(async () => {
    const customer = await linkedCustomer(store, input.brandId, input.cuid);
    const refuse = async (reason: RefusalReason, code: 'IDENTIFIER_NOT_VERIFIED' | 'IDENTIFIER_TAKEN'): Promise<never> => {
      await store.record(audit(input, input.cuid, customer.customerId, 'identifier_change_refused', [type], value ? maskFields({ [type]: value }, [type]) : {}, reason));
      throw new ConflictError(code, `the new ${type} ${code === 'IDENTIFIER_TAKEN' ? 'belongs to another customer' : 'is not verified at the CIAM'}`);
    };
    if (value === undefined || !verified) return refuse('identifier_not_verified', 'IDENTIFIER_NOT_VERIFIED');
    if (customer.profile[type] === value && customer.claimed[type] === value) return { customerId: customer.customerId, changedFields: [] };

    const held = customer.claimed[type];
    const outcome = await store.write({
      customer: nextVersion(customer, { profile: { ...customer.profile, [type]: value }, claimed: { ...customer.claimed, [type]: value } }, input.now),
      expectedVersion: customer.version,
      claim: [{ type, value }],
      release: held === undefined ? [] : [{ type, value: held }],
      audit: [audit(input, input.cuid, customer.customerId, 'identifier_changed', [type], maskFields({ [type]: value }, [type]))],
    });
    if (outcome.ok) return { customerId: customer.customerId, changedFields: [type] };
    // The claim alone failing, with this customer unchanged since it was read, means someone else holds it.
    const taken = outcome.conflicts.some((c) => c.on === 'claim' && c.claim.type === type);
    if (taken && outcome.conflicts.every((c) => c.on === 'claim')) return refuse('identifier_taken', 'IDENTIFIER_TAKEN');
    return undefined;
  });
}

/** Runs `attempt` until it returns a result; `undefined` means a write lost a race and the reads are stale. */
async function retryOnConflict<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const result = await attempt();
    if (result !== undefined) return result;
  }
  throw new UpstreamError('STORE_UNAVAILABLE', `customer store: still conflicting after ${MAX_ATTEMPTS} attempts`);
}

async function customerByCuid(store: CustomerStore, brandId: string, cuid: string): Promise<Customer | undefined> {
  const customerId = await store.holderOf(brandId, 'cuid', cuid);
  return customerId === undefined ? undefined : loadCustomer(store, brandId, customerId);
}

async function linkedCustomer(store: CustomerStore, brandId: string, cuid: string): Promise<Customer> {
  const customer = await customerByCuid(store, brandId, cuid);
  if (!customer) throw new ConflictError('CUSTOMER_NOT_LINKED', 'no customer is linked to this CIAM user yet');
  return customer;
}

async function loadCustomer(store: CustomerStore, brandId: string, customerId: string): Promise<Customer> {
  const customer = await store.getCustomer(brandId, customerId);
  // Claims are written with their customer and customers are never deleted: this is corrupt data.
  if (!customer) throw new InternalError(`a claim points at customer ${customerId}, which does not exist`);
  return customer;
}

/** Known cuid: apply what changed at the CIAM; nothing changed means nothing written. */
async function updateLinked(store: CustomerStore, input: LinkInput, customer: Customer): Promise<LinkResult | undefined> {
  const plan = await planProfile(store, customer, input.profile);
  const result: LinkResult = { customerId: customer.customerId, created: false, linkedBy: 'cuid', changedFields: plan.changedFields };
  if (plan.changedFields.length === 0) return result;
  const outcome = await store.write({
    customer: nextVersion(customer, { profile: plan.profile, claimed: plan.claimed }, input.now),
    expectedVersion: customer.version,
    claim: plan.claim,
    release: plan.release,
    audit: [
      audit(input, input.profile.cuid, customer.customerId, 'profile_updated', plan.changedFields, maskFields(plan.profile, plan.changedFields)),
      ...plan.refused.map((type) => refusal(input, customer.customerId, type, 'identifier_taken')),
    ],
  });
  return outcome.ok ? result : undefined;
}

/** First login: attach to the customer holding a verified identifier, or create one. */
async function linkOrCreate(store: CustomerStore, input: LinkInput, newId: () => string): Promise<LinkResult | undefined> {
  const { profile, brandId } = input;
  const refusals: { type: Identifier; reason: RefusalReason }[] = [];
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
      audit(input, profile.cuid, customerId, 'customer_created', fields, maskFields(profile, fields)),
      ...refusals.map((r) => refusal(input, customerId, r.type, r.reason)),
    ],
  });
  return outcome.ok ? { customerId, created: true, linkedBy: 'new', changedFields: fields } : undefined;
}

async function attach(
  store: CustomerStore,
  input: LinkInput,
  customer: Customer,
  linkedBy: Identifier,
  refusals: readonly { type: Identifier; reason: RefusalReason }[],
): Promise<LinkResult | undefined> {
  const { profile } = input;
  const plan = await planProfile(store, customer, profile);
  const outcome = await store.write({
    customer: nextVersion(customer, { profile: plan.profile, claimed: plan.claimed, sourceProfiles: { ...customer.sourceProfiles, OAUTH_EXTERNAL: { cuid: profile.cuid } } }, input.now),
    expectedVersion: customer.version,
    claim: [{ type: 'cuid', value: profile.cuid }, ...plan.claim],
    release: plan.release,
    audit: [
      audit(input, profile.cuid, customer.customerId, 'customer_linked', plan.changedFields, maskFields(plan.profile, plan.changedFields)),
      ...refusals.map((r) => refusal(input, customer.customerId, r.type, r.reason)),
      ...plan.refused.filter((type) => !refusals.some((r) => r.type === type)).map((type) => refusal(input, customer.customerId, type, 'identifier_taken')),
    ],
  });
  return outcome.ok ? { customerId: customer.customerId, created: false, linkedBy, changedFields: plan.changedFields } : undefined;
}

interface ProfilePlan {
  readonly profile: CustomerProfile;
  readonly claimed: Customer['claimed'];
  readonly claim: readonly Claim[];
  readonly release: readonly Claim[];
  /** Profile fields changed, plus an identifier whose value stayed but is now claimed (it became verified). */
  readonly changedFields: readonly ProfileField[];
  /** Verified new identifiers another customer holds: stored on the profile, not claimed. */
  readonly refused: readonly Identifier[];
}

/**
 * What the CIAM profile changes on a customer. A field the CIAM leaves out is kept (absent is not "erased").
 * An identifier that changed gives up its old claim (it is no longer this customer's); the new value is
 * claimed only if verified and free. An identifier that stays and becomes verified is claimed if free; one
 * that becomes unverified keeps its claim: the value is still this customer's.
 */
async function planProfile(store: CustomerStore, customer: Customer, ciam: CiamProfile): Promise<ProfilePlan> {
  const profile: CustomerProfile = { ...customer.profile, ...pickProfile(ciam) };
  const claimed: { email?: string; mobile?: string } = { ...customer.claimed };
  const claim: Claim[] = [];
  const release: Claim[] = [];
  const refused: Identifier[] = [];
  const changedFields = PROFILE_FIELDS.filter((name) => profile[name] !== customer.profile[name]);

  for (const type of IDENTIFIERS) {
    const value = ciam[type];
    const held = customer.claimed[type];
    if (value === undefined || held === value) continue;
    const changed = value !== customer.profile[type];
    if (changed && held !== undefined) {
      release.push({ type, value: held });
      delete claimed[type];
    }
    if (!isVerified(ciam, type)) continue;
    const holderId = await store.holderOf(customer.brandId, type, value);
    if (holderId === undefined) {
      claim.push({ type, value });
      claimed[type] = value;
      if (!changed) changedFields.push(type);
    } else if (changed) {
      refused.push(type); // audited once, when the value changes; later logins see no change
    }
  }
  return { profile, claimed, claim, release, changedFields, refused };
}

function nextVersion(customer: Customer, changes: Partial<Pick<Customer, 'profile' | 'claimed' | 'sourceProfiles'>>, now: number): Customer {
  return { ...customer, ...changes, version: customer.version + 1, updatedAt: new Date(now).toISOString() };
}

function pickProfile(ciam: CiamProfile): CustomerProfile {
  return Object.fromEntries(PROFILE_FIELDS.filter((name) => ciam[name] !== undefined).map((name) => [name, ciam[name]]));
}

function isVerified(profile: CiamProfile, type: Identifier): boolean {
  return type === 'email' ? profile.emailVerified : profile.mobileVerified;
}

const MASKS: Record<ProfileField, (value: string) => string> = { firstName: maskName, lastName: maskName, email: maskEmail, mobile: maskMobile };

function maskFields(profile: CustomerProfile, fields: readonly ProfileField[]): Record<string, string> {
  return Object.fromEntries(fields.flatMap((name) => {
    const value = profile[name];
    return value === undefined ? [] : [[name, MASKS[name](value)]];
  }));
}

function audit(
  context: { readonly brandId: string; readonly requestId: string; readonly now: number },
  cuid: string,
  customerId: string,
  action: AuditAction,
  changedFields: readonly string[],
  masked: Record<string, string>,
  reason?: RefusalReason,
): AuditRecord {
  return {
    brandId: context.brandId,
    cuid,
    customerId,
    requestId: context.requestId,
    at: new Date(context.now).toISOString(),
    action,
    changedFields,
    masked,
    ...(reason ? { reason } : {}),
  };
}

function refusal(input: LinkInput, customerId: string, type: Identifier, reason: RefusalReason): AuditRecord {
  return audit(input, input.profile.cuid, customerId, 'link_refused', [type], maskFields(input.profile, [type]), reason);
}
