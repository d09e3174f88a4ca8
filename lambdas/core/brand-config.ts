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

/**
 * How the brand's access tokens are validated: `jwt` (signature, the default), `opaque` (every token asked of the CIAM
 * through `opaqueValidation`), or `auto` (three base64url parts are a JWT, anything else is opaque).
 */
export const TOKEN_FORMATS = ['jwt', 'opaque', 'auto'] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

/** Introspection (RFC 7662), or, for a CIAM with none (Auth0's opaque tokens), its userinfo endpoint. */
export const OPAQUE_VALIDATIONS = ['introspection', 'userinfo'] as const;
export type OpaqueValidation = (typeof OPAQUE_VALIDATIONS)[number];

/** RFC 6749 §2.3.1: the gateway's client authenticates in the Authorization header or in the form body. */
export const INTROSPECTION_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type IntrospectionAuthMethod = (typeof INTROSPECTION_AUTH_METHODS)[number];

/** The brand CIAM's introspection endpoint, and the gateway's own client there (not the brand's app client). */
export interface IntrospectionSettings {
  readonly endpoint: string;
  readonly clientId: string;
  /** The name of the client secret in AWS Secrets Manager, under `ciam-gateway/<stage>/brands/<brandId>/`. Never the secret. */
  readonly clientSecretRef: string;
  readonly authMethod: IntrospectionAuthMethod;
}

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
  /** Absent: `jwt`. */
  readonly tokenFormat?: TokenFormat;
  /** Set whenever `tokenFormat` lets opaque tokens in: `introspection` when `introspection` is set, else `userinfo`. */
  readonly opaqueValidation?: OpaqueValidation;
  readonly introspection?: IntrospectionSettings;
  /** The longest an opaque token's answer is kept; set whenever `tokenFormat` lets opaque tokens in (default 60). */
  readonly introspectionCacheTtlSeconds?: number;
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
  introspectionCacheTtlSeconds: 60,
  introspectionAuthMethod: 'client_secret_basic',
} as const;
export const MAX_INTROSPECTION_CACHE_TTL_SECONDS = 3600;

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
    'tokenFormat', 'opaqueValidation', 'introspection', 'introspectionCacheTtlSeconds',
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
    ...opaqueTokenSettings(raw, brandId as string, { oneOf, integer, uri, problems }, userinfoEndpoint),
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

interface FieldReaders {
  readonly oneOf: <T extends string>(key: string, allowed: readonly T[], fallback?: T) => T;
  readonly integer: (key: string, min: number, max: number, fallback: number) => number;
  readonly uri: (key: string, value: unknown) => string;
  readonly problems: string[];
}

/**
 * `tokenFormat` and what opaque tokens need: a way to validate them (introspection, or the userinfo endpoint) and
 * the cache TTL, defaulted only for a brand that lets opaque tokens in, so a JWT brand's config is as it was.
 */
function opaqueTokenSettings(
  raw: Record<string, unknown>,
  brandId: string,
  read: FieldReaders,
  userinfoEndpoint: string | undefined,
): Pick<BrandConfig, 'tokenFormat' | 'opaqueValidation' | 'introspection' | 'introspectionCacheTtlSeconds'> {
  const { problems } = read;
  const tokenFormat = raw.tokenFormat === undefined ? undefined : read.oneOf('tokenFormat', TOKEN_FORMATS);
  const introspection = raw.introspection === undefined ? undefined : introspectionSettings(raw.introspection, brandId, read);
  const opaque = tokenFormat === 'opaque' || tokenFormat === 'auto';
  if (!opaque && raw.opaqueValidation === undefined && raw.introspectionCacheTtlSeconds === undefined) {
    return { ...(tokenFormat ? { tokenFormat } : {}), ...(introspection ? { introspection } : {}) };
  }
  const opaqueValidation = read.oneOf('opaqueValidation', OPAQUE_VALIDATIONS, introspection || !userinfoEndpoint ? 'introspection' : 'userinfo');
  if (opaqueValidation === 'introspection' && !introspection) problems.push('opaqueValidation: introspection needs introspection settings (or a userinfoEndpoint and opaqueValidation userinfo)');
  if (opaqueValidation === 'userinfo' && !userinfoEndpoint) problems.push('opaqueValidation: userinfo needs a userinfoEndpoint');
  return {
    ...(tokenFormat ? { tokenFormat } : {}),
    opaqueValidation,
    ...(introspection ? { introspection } : {}),
    introspectionCacheTtlSeconds: read.integer('introspectionCacheTtlSeconds', 0, MAX_INTROSPECTION_CACHE_TTL_SECONDS, DEFAULTS.introspectionCacheTtlSeconds),
  };
}

/** Secrets Manager's name characters; the brand's own prefix is required, whatever the stage. */
const SECRET_NAME_REST = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
const STAGE_SEGMENT = /^[a-z0-9-]{1,64}$/;

/**
 * Where a brand's secrets live: `ciam-gateway/<stage>/brands/<brandId>/`. The functions may read only their own stage's
 * brands' prefix (IAM), and the secret reader refuses any reference outside `<its stage>/brands/<the brand>/`.
 */
export function brandSecretPrefix(stage: string, brandId: string): string {
  return `${brandSecretsPrefix(stage)}${brandId}/`;
}

/** Where every brand's secrets of a stage live: what the authorizer and admin functions may read, and nothing else. */
export function brandSecretsPrefix(stage: string): string {
  return `ciam-gateway/${stage}/brands/`;
}

/** Why a secret reference is not one of the brand's own (any stage), or undefined when it is. */
export function clientSecretRefProblem(ref: unknown, brandId: string): string | undefined {
  const rule = `must be a secret name under ${brandSecretPrefix('<stage>', brandId)}`;
  if (typeof ref !== 'string') return rule;
  const [prefix, stage, brands, owner, ...rest] = ref.split('/');
  const name = rest.join('/');
  const own = prefix === 'ciam-gateway' && STAGE_SEGMENT.test(stage ?? '') && brands === 'brands' && owner === brandId;
  return own && SECRET_NAME_REST.test(name) && !rest.includes('') ? undefined : rule;
}

function introspectionSettings(value: unknown, brandId: string, read: FieldReaders): IntrospectionSettings | undefined {
  const { problems } = read;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('introspection: must be an object { endpoint, clientId, clientSecretRef, authMethod }');
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['endpoint', 'clientId', 'clientSecretRef', 'authMethod'].includes(key)) problems.push(`introspection.${key}: unknown field`);
  }
  const { clientId, clientSecretRef, authMethod = DEFAULTS.introspectionAuthMethod } = raw;
  if (typeof clientId !== 'string' || clientId.trim() === '' || clientId.length > 256) problems.push('introspection.clientId: required, a non-empty string of at most 256 characters');
  const refProblem = clientSecretRefProblem(clientSecretRef, brandId);
  if (refProblem) problems.push(`introspection.clientSecretRef: ${refProblem}`);
  if (!(INTROSPECTION_AUTH_METHODS as readonly unknown[]).includes(authMethod)) problems.push(`introspection.authMethod: must be one of ${INTROSPECTION_AUTH_METHODS.join(', ')}`);
  return {
    endpoint: read.uri('introspection.endpoint', raw.endpoint),
    clientId: clientId as string,
    clientSecretRef: clientSecretRef as string,
    authMethod: authMethod as IntrospectionAuthMethod,
  };
}

/** Whether a token of this brand is validated as a JWT: always for `jwt`, never for `opaque`, by its shape for `auto`. */
export function validatedAsJwt(brand: Pick<BrandConfig, 'tokenFormat'>, token: string): boolean {
  const format = brand.tokenFormat ?? 'jwt';
  return format === 'jwt' || (format === 'auto' && THREE_BASE64URL_PARTS.test(token));
}
const THREE_BASE64URL_PARTS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

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
