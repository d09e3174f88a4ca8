/**
 * A brand's loyalty customer, as customer linking reads and writes it.
 *
 * Uniqueness is held by claim items (one per cuid, verified email, verified mobile) written in the same
 * transaction as the customer. Invariant: a customer holds a claim for exactly the values in its `claimed`
 * (plus its cuid), and a claimed value is also its profile value.
 */

export type Identifier = 'email' | 'mobile';
export type ClaimType = 'cuid' | Identifier;
export type RegistrationValue = string | number | boolean;

/**
 * Registration fields come in two groups, as in Capillary: extended fields (the ones a loyalty platform knows, such
 * as a date of birth) and custom fields (whatever else a brand collects). Each brand declares the fields of each.
 */
export const REGISTRATION_FIELD_GROUPS = ['extendedFields', 'customFields'] as const;
export type RegistrationFieldGroup = (typeof REGISTRATION_FIELD_GROUPS)[number];

/** Registration field values by group, then by field name. */
export type RegistrationProfile = { readonly [G in RegistrationFieldGroup]?: Readonly<Record<string, RegistrationValue>> };

export const IDENTIFIERS: readonly Identifier[] = ['email', 'mobile'];

export interface CustomerProfile {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly mobile?: string;
}
export type ProfileField = keyof CustomerProfile;

export const PROFILE_FIELDS: readonly ProfileField[] = ['firstName', 'lastName', 'email', 'mobile'];

export interface SourceProfiles {
  /** The CIAM link. Absent on customers registered some other way (in store, imported). */
  readonly OAUTH_EXTERNAL?: { readonly cuid: string };
  /** Extra registration fields the CIAM does not capture, validated against the brand's declaration. */
  readonly INSTORE?: RegistrationProfile;
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

/** What a registration merge or an identifier change reports. */
export interface ChangeResult {
  readonly customerId: string;
  readonly changedFields: readonly string[];
}

/** The customer as the next write stores it: the changes applied, the version bumped, the time stamped. */
export function nextVersion(customer: Customer, changes: Partial<Pick<Customer, 'profile' | 'claimed' | 'sourceProfiles'>>, now: number): Customer {
  return { ...customer, ...changes, version: customer.version + 1, updatedAt: new Date(now).toISOString() };
}
