import type { BrandConfig, MappedField } from './brand-config';
import type { JsonObject } from './decode-unverified-jwt';

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

const MAX_MAPPED_LENGTH = 256;

/** The brand's mapped customer fields found in the claims, as short strings (authorizer context is scalar). */
export function mappedFields(claims: JsonObject, brand: Pick<BrandConfig, 'fieldMappings'>): Partial<Record<MappedField, string>> {
  const fields: Partial<Record<MappedField, string>> = {};
  for (const [field, path] of Object.entries(brand.fieldMappings) as [MappedField, string][]) {
    const value = claimAt(claims, path);
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      fields[field] = String(value).slice(0, MAX_MAPPED_LENGTH);
    }
  }
  return fields;
}
