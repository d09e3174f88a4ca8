import { ConfigValidationError } from './errors';
import { DEFAULT_TIER, TIER_NAME_PATTERN } from './quota-tiers';
import { parseRegistrationFields, type RegistrationFieldsDeclaration } from './registration-fields';
import { checkBrandUri, type UriPolicy } from './uri-policy';

/** The public contract of a brand's CIAM settings, as stored in the brand-config table. */
export const PROVIDERS = ['generic-oidc', 'auth0', 'cognito', 'keycloak', 'janrain', 'nextreason'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const TOKEN_TYPES = ['access', 'id'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * Where the customer routes read the caller's profile: the brand's userinfo endpoint (called with the access token,
 * which then needs `openid`), or an ID token of the same sign-in that the app sends beside it (apps using the AWS
 * SDK or Amplify get access tokens without `openid`).
 */
export const PROFILE_SOURCES = ['userinfo', 'id_token'] as const;
export type ProfileSource = (typeof PROFILE_SOURCES)[number];

export const MAPPED_FIELDS = ['firstName', 'lastName', 'mobile', 'email'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

export interface BrandConfig {
  readonly brandId: string;
  readonly displayName: string;
  readonly status: 'active' | 'disabled';
  readonly provider: Provider;
  /** Compared to `iss` exactly: no trailing-slash or case folding. The one OIDC discovery must name. */
  readonly issuer: string;
  /** Other `iss` values of the same provider, each compared exactly too (Cognito's global issuer form). */
  readonly additionalIssuers: readonly string[];
  readonly jwksUri: string;
  /** Optional: without it the profile comes from the ID token. */
  readonly userinfoEndpoint?: string;
  /** `userinfo` by default when `userinfoEndpoint` is set, else `id_token`. */
  readonly profileSource: ProfileSource;
  readonly discoveryUrl?: string;
  /** OIDC RP-Initiated Logout's `end_session_endpoint`: `POST /v1/logout` hands it to the app for its front-channel sign-out. */
  readonly endSessionEndpoint?: string;
  readonly applicationId: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
  readonly acceptedTokenTypes: readonly TokenType[];
  readonly algorithms: readonly Algorithm[];
  readonly requiredScopes: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  /** Customer field → claim name; dot paths reach nested claims (`address.locality`). */
  readonly fieldMappings: Readonly<Partial<Record<MappedField, string>>>;
  /** The fields `POST /v1/customers/register` takes; absent: DEFAULT_REGISTRATION_FIELDS (registration-fields.ts). */
  readonly registrationFields?: RegistrationFieldsDeclaration;
  /** The quota tier: the usage plan the brand's API key is in (lambdas/core/quota-tiers.ts). */
  readonly tier: string;
}

/**
 * A brand as the authorizer reads it: the config and, from the same item, the value of the brand's API key, which it
 * returns to API Gateway as `usageIdentifierKey` (absent until the admin API has made the key).
 */
export type KeyedBrandConfig = BrandConfig & { readonly usageIdentifierKey?: string };

export const BRAND_ID_PATTERN = /^[a-z0-9-]{2,64}$/;
const MAX_ADDITIONAL_ISSUERS = 8;
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
export const MAX_TOKEN_AGE_LIMIT_SECONDS = 7 * 86_400;
const CLAIM_PATH = /^[A-Za-z0-9_:$-]{1,64}(\.[A-Za-z0-9_:$-]{1,64}){0,4}$/;
/** RFC 6749 scope-token characters: brands' `requiredScopes` and APIs' route scopes alike. */
export const SCOPE_TOKEN_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

const DEFAULTS = {
  status: 'active',
  acceptedTokenTypes: ['access'],
  algorithms: ['RS256'],
  requiredScopes: [],
  clockToleranceSeconds: 60,
  maxTokenAgeSeconds: 86_400,
  fieldMappings: {},
} as const;

/**
 * Validates untrusted input (an admin request, a DynamoDB item, a local file) into a BrandConfig with
 * defaults applied. Throws one ConfigValidationError naming every problem.
 */
export function parseBrandConfig(input: unknown, uriPolicy: UriPolicy): BrandConfig {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigValidationError('BRAND_CONFIG_INVALID', ['brand config must be a JSON object']);
  }
  const raw = input as Record<string, unknown>;
  const known = new Set<string>([
    'brandId', 'displayName', 'status', 'provider', 'issuer', 'additionalIssuers', 'jwksUri', 'userinfoEndpoint',
    'profileSource', 'discoveryUrl', 'endSessionEndpoint', 'applicationId', 'clientId', 'audiences', 'acceptedTokenTypes', 'algorithms', 'requiredScopes',
    'clockToleranceSeconds', 'maxTokenAgeSeconds', 'fieldMappings', 'registrationFields', 'tier',
  ]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${key}: unknown field`);

  const text = (key: string, max = 256): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      problems.push(`${key}: required, a non-empty string of at most ${max} characters`);
      return '';
    }
    return value;
  };
  const uri = (key: string, value: unknown): string => {
    if (typeof value !== 'string') {
      problems.push(`${key}: required, a URI`);
      return '';
    }
    const problem = checkBrandUri(value, uriPolicy);
    if (problem) problems.push(`${key}: ${problem}`);
    return value;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback?: T): T => {
    const value = raw[key] ?? fallback;
    if (!allowed.includes(value as T)) {
      problems.push(`${key}: must be one of ${allowed.join(', ')}`);
      return allowed[0] as T;
    }
    return value as T;
  };
  const list = <T extends string>(key: string, check: (v: string) => boolean, rule: string, fallback?: readonly T[], minItems = 0): T[] => {
    const value = raw[key] ?? fallback;
    if (!Array.isArray(value) || value.length < minItems || value.length > 32 || !value.every((v) => typeof v === 'string' && check(v))) {
      problems.push(`${key}: must be a list of ${minItems > 0 ? `${minItems} to ` : 'at most '}32 ${rule}`);
      return [];
    }
    if (new Set(value).size !== value.length) problems.push(`${key}: has duplicates`);
    return value as T[];
  };
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}: must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const brandId = raw.brandId;
  if (typeof brandId !== 'string' || !BRAND_ID_PATTERN.test(brandId)) {
    problems.push('brandId: must match [a-z0-9-]{2,64}');
  }
  const fieldMappings: Partial<Record<MappedField, string>> = {};
  const mappings = raw.fieldMappings ?? DEFAULTS.fieldMappings;
  if (typeof mappings !== 'object' || mappings === null || Array.isArray(mappings)) {
    problems.push('fieldMappings: must be an object');
  } else {
    for (const [field, claim] of Object.entries(mappings)) {
      if (!(MAPPED_FIELDS as readonly string[]).includes(field)) {
        problems.push(`fieldMappings.${field}: unknown field (allowed: ${MAPPED_FIELDS.join(', ')})`);
      } else if (typeof claim !== 'string' || !CLAIM_PATH.test(claim)) {
        problems.push(`fieldMappings.${field}: must be a claim name or dot path`);
      } else {
        fieldMappings[field as MappedField] = claim;
      }
    }
  }

  const issuer = uri('issuer', raw.issuer);
  const additionalIssuers = issuerList(raw.additionalIssuers, issuer, uri, problems);
  const userinfoEndpoint = raw.userinfoEndpoint === undefined ? undefined : uri('userinfoEndpoint', raw.userinfoEndpoint);
  const profileSource = oneOf('profileSource', PROFILE_SOURCES, userinfoEndpoint === undefined ? 'id_token' : 'userinfo');
  if (raw.profileSource === 'userinfo' && userinfoEndpoint === undefined) problems.push('profileSource: userinfo needs a userinfoEndpoint');

  const config: BrandConfig = {
    brandId: brandId as string,
    displayName: text('displayName', 128),
    status: oneOf('status', ['active', 'disabled'], DEFAULTS.status),
    provider: oneOf('provider', PROVIDERS),
    issuer,
    additionalIssuers,
    jwksUri: uri('jwksUri', raw.jwksUri),
    ...(userinfoEndpoint === undefined ? {} : { userinfoEndpoint }),
    profileSource,
    ...(raw.discoveryUrl === undefined ? {} : { discoveryUrl: uri('discoveryUrl', raw.discoveryUrl) }),
    ...(raw.endSessionEndpoint === undefined ? {} : { endSessionEndpoint: uri('endSessionEndpoint', raw.endSessionEndpoint) }),
    applicationId: text('applicationId'),
    clientId: text('clientId'),
    audiences: list('audiences', (v) => v.length > 0 && v.length <= 256, 'non-empty strings', undefined, 1),
    acceptedTokenTypes: list('acceptedTokenTypes', (v) => (TOKEN_TYPES as readonly string[]).includes(v), 'of access, id', DEFAULTS.acceptedTokenTypes, 1),
    algorithms: list('algorithms', (v) => (ALGORITHMS as readonly string[]).includes(v), `of ${ALGORITHMS.join(', ')}`, DEFAULTS.algorithms, 1),
    requiredScopes: list('requiredScopes', (v) => SCOPE_TOKEN_PATTERN.test(v), 'scope tokens', DEFAULTS.requiredScopes),
    clockToleranceSeconds: integer('clockToleranceSeconds', 0, MAX_CLOCK_TOLERANCE_SECONDS, DEFAULTS.clockToleranceSeconds),
    maxTokenAgeSeconds: integer('maxTokenAgeSeconds', 60, MAX_TOKEN_AGE_LIMIT_SECONDS, DEFAULTS.maxTokenAgeSeconds),
    fieldMappings,
    ...(raw.registrationFields === undefined ? {} : { registrationFields: parseRegistrationFields(raw.registrationFields, problems) }),
    tier: tierOf(raw.tier, problems),
  };
  if (problems.length > 0) throw new ConfigValidationError('BRAND_CONFIG_INVALID', problems);
  return config;
}

/** `tier`: absent is DEFAULT_TIER; whether the stage has that tier is the admin API's check, which knows its plans. */
function tierOf(value: unknown, problems: string[]): string {
  if (value === undefined) return DEFAULT_TIER;
  if (typeof value === 'string' && TIER_NAME_PATTERN.test(value)) return value;
  problems.push(`tier: must match ${TIER_NAME_PATTERN.source}`);
  return DEFAULT_TIER;
}

/** `additionalIssuers`: absent is none; each entry a URI as `issuer` is, none repeated, none the `issuer` itself. */
function issuerList(value: unknown, issuer: string, uri: (key: string, value: unknown) => string, problems: string[]): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_ADDITIONAL_ISSUERS) {
    problems.push(`additionalIssuers: must be a list of at most ${MAX_ADDITIONAL_ISSUERS} issuer URIs`);
    return [];
  }
  const issuers = value.map((entry, i) => uri(`additionalIssuers[${i}]`, entry));
  if (new Set([issuer, ...issuers]).size !== issuers.length + 1) problems.push('additionalIssuers: repeats an issuer');
  return issuers;
}

/** Whether `iss` is one of the brand's issuers, each compared exactly. */
export function isBrandIssuer(brand: Pick<BrandConfig, 'issuer' | 'additionalIssuers'>, iss: string): boolean {
  return iss === brand.issuer || brand.additionalIssuers.includes(iss);
}
