import type { CiamProfile } from './ciam-profile';
import { IDENTIFIERS, PROFILE_FIELDS, type Claim, type Customer, type CustomerProfile, type Identifier, type ProfileField } from './customer';
import type { CustomerStore } from './customer-store-port';

/** What a CIAM profile changes on a customer it is linked to (or being linked to). */
export interface ProfilePlan {
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
 * A field the CIAM leaves out is kept (absent is not "erased"). An identifier that changed gives up its old
 * claim (it is no longer this customer's); the new value is claimed only if verified and free. An identifier
 * that stays and becomes verified is claimed if free; one that becomes unverified keeps its claim: the value is
 * still this customer's.
 */
export async function planProfile(store: CustomerStore, customer: Customer, ciam: CiamProfile): Promise<ProfilePlan> {
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

/** The customer profile fields the CIAM profile has. */
export function pickProfile(ciam: CiamProfile): CustomerProfile {
  return Object.fromEntries(PROFILE_FIELDS.filter((name) => ciam[name] !== undefined).map((name) => [name, ciam[name]]));
}

export function isVerified(profile: CiamProfile, type: Identifier): boolean {
  return type === 'email' ? profile.emailVerified : profile.mobileVerified;
}
