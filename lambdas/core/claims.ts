import type { BrandConfig, MappedField } from './brand-config';
import type { JsonObject } from './decode-unverified-jwt';
import { mobileInE164Form, normaliseEmail, normaliseName } from './profile-values';

/** Reading claims out of a verified payload: dot paths, scopes, and the brand's field mappings. */

/** The OIDC standard claim of each customer field (OIDC Core 5.1): read for a field the brand does not map. */
export const STANDARD_CLAIMS: Readonly<Record<MappedField, string>> = {
  firstName: 'given_name',
  lastName: 'family_name',
  email: 'email',
  mobile: 'phone_number',
};

/** `address.locality` → payload.address.locality. Only own properties, so `__proto__` paths find nothing. */
export function claimAt(payload: JsonObject, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as JsonObject)[part];
  }
  return value;
}

const MAX_SCOPES = 256;

/**
 * Scopes as the providers put them: `scope` (space-separated, RFC 9068), `scp` (a list or a string, Okta and
 * Azure) and, for Auth0's RBAC, `permissions`.
 */
export function scopesOf(payload: JsonObject, brand: Pick<BrandConfig, 'provider'>): ReadonlySet<string> {
  const scopes = new Set<string>();
  const add = (value: unknown): void => {
    const list = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of list) if (typeof scope === 'string' && scope !== '' && scopes.size < MAX_SCOPES) scopes.add(scope);
  };
  add(payload.scope);
  add(payload.scp);
  if (brand.provider === 'auth0') add(payload.permissions);
  return scopes;
}

/** Each field's rule, shared with the customer profile (profile-values.ts). */
const NORMALISE: Readonly<Record<MappedField, (value: unknown) => string | undefined>> = {
  firstName: normaliseName,
  lastName: normaliseName,
  email: normaliseEmail,
  mobile: mobileInE164Form,
};

/**
 * The brand's mapped customer fields found in the claims, normalised as the customer profile is (email lower-cased,
 * mobile in E.164; a value that fails is left out), as short strings: the authorizer's context is scalar.
 */
export function mappedFields(claims: JsonObject, brand: Pick<BrandConfig, 'fieldMappings'>): Partial<Record<MappedField, string>> {
  const fields: Partial<Record<MappedField, string>> = {};
  for (const [field, path] of Object.entries(brand.fieldMappings) as [MappedField, string][]) {
    const value = NORMALISE[field](claimAt(claims, path));
    if (value !== undefined && value !== '') fields[field] = value;
  }
  return fields;
}
