import { awsDomainOf } from './aws-partition';
import {
  INTROSPECTION_AUTH_METHODS,
  TOKEN_FORMATS,
  type Algorithm,
  type IntrospectionAuthMethod,
  type IntrospectionSettings,
  type MappedField,
  type OpaqueValidation,
  type ProfileSource,
  type Provider,
  type TokenFormat,
  type TokenType,
} from './brand-config';
import { STANDARD_CLAIMS } from './claims';
import { ConfigValidationError } from './errors';
import { isLoopbackAddress } from './uri-policy';

/**
 * Vendor presets: from the few values a CIAM vendor's console shows (region and pool, tenant domain, realm…),
 * derive a brand config draft from what is known about that vendor. What cannot be known from vendor facts is
 * left out of the draft, for OIDC discovery to fill (`fieldsToDiscover`).
 */

/** A brand config before the operator's own fields (brandId, displayName…) are merged in and discovery fills the gaps. */
export interface BrandConfigDraft {
  readonly provider: Provider;
  readonly issuer?: string;
  readonly additionalIssuers?: readonly string[];
  readonly discoveryUrl?: string;
  readonly jwksUri?: string;
  readonly userinfoEndpoint?: string;
  readonly profileSource?: ProfileSource;
  readonly endSessionEndpoint?: string;
  readonly applicationId?: string;
  readonly clientId: string;
  readonly audiences: readonly string[];
  readonly acceptedTokenTypes: readonly TokenType[];
  readonly algorithms: readonly Algorithm[];
  readonly fieldMappings: Readonly<Partial<Record<MappedField, string>>>;
  readonly tokenFormat?: TokenFormat;
  readonly opaqueValidation?: OpaqueValidation;
  readonly introspection?: IntrospectionSettings;
}

export const DISCOVERABLE_FIELDS = ['issuer', 'jwksUri', 'userinfoEndpoint'] as const;
export type DiscoverableField = (typeof DISCOVERABLE_FIELDS)[number];

/**
 * The fields the draft leaves to discovery; every field it has came from vendor facts and the inputs. A userinfo
 * endpoint is looked for unless the draft says the profile comes from the ID token.
 */
export function fieldsToDiscover(draft: BrandConfigDraft): DiscoverableField[] {
  return DISCOVERABLE_FIELDS.filter((field) => draft[field] === undefined && !(field === 'userinfoEndpoint' && draft.profileSource === 'id_token'));
}

/** One input a preset asks for, as a CLI `presets` listing shows it. */
export interface PresetInput {
  readonly name: string;
  readonly help: string;
  readonly required: boolean;
}

export type PresetInputs = Readonly<Record<string, string | undefined>>;

export interface ProviderPreset {
  readonly provider: Provider;
  readonly inputs: readonly PresetInput[];
  /** What the vendor does that matters here, in a line or two. */
  readonly notes: string;
  /** Throws one ConfigValidationError naming every missing, unknown or malformed input. */
  derive(inputs: PresetInputs): BrandConfigDraft;
}

interface InputSpec {
  readonly help: string;
  /** What is wrong with the value. Only inputs spliced into a URL are checked here; whole URLs are parseBrandConfig's job. */
  readonly check?: (value: string) => string | undefined;
}

type InputValues<R extends string, O extends string> = Readonly<Record<R, string>> & Readonly<Partial<Record<O, string>>>;

interface PresetSpec<R extends string, O extends string> {
  readonly provider: Provider;
  readonly required: Readonly<Record<R, InputSpec>>;
  readonly optional: Readonly<Record<O, InputSpec>>;
  readonly notes: string;
  /** Problems that involve more than one input; sees only the inputs that are present and well-formed. */
  readonly crossCheck?: (values: Readonly<Partial<Record<R | O, string>>>) => string[];
  readonly build: (values: InputValues<R, O>) => BrandConfigDraft;
}

function definePreset<R extends string, O extends string = never>(spec: PresetSpec<R, O>): ProviderPreset {
  // Object.entries widens keys to string; they are exactly R and O.
  const specs = [
    ...Object.entries<InputSpec>(spec.required).map(([name, input]) => ({ name: name as R | O, input, required: true })),
    ...Object.entries<InputSpec>(spec.optional).map(([name, input]) => ({ name: name as R | O, input, required: false })),
  ];
  const names: readonly string[] = specs.map(({ name }) => name);
  return {
    provider: spec.provider,
    inputs: specs.map(({ name, input, required }) => ({ name, help: input.help, required })),
    notes: spec.notes,
    derive(inputs) {
      const problems: string[] = [];
      for (const name of Object.keys(inputs)) {
        if (!names.includes(name)) problems.push(`${name}: unknown input for ${spec.provider} (expected ${names.join(', ')})`);
      }
      const values: Partial<Record<R | O, string>> = {};
      for (const { name, input, required } of specs) {
        const value = inputs[name];
        if (typeof value !== 'string' || value.trim() === '') {
          if (required) problems.push(`${name}: required (${input.help})`);
          continue;
        }
        const problem = input.check?.(value);
        if (problem) problems.push(`${name}: ${problem}`);
        else values[name] = value;
      }
      problems.push(...(spec.crossCheck?.(values) ?? []));
      if (problems.length > 0) throw new ConfigValidationError('BRAND_CONFIG_INVALID', problems);
      // Every required input was present and passed its check, or a problem was thrown above.
      return spec.build(values as InputValues<R, O>);
    },
  };
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const AWS_REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
/** cognito-local's region: its pool ids are `local_<id>`. */
const COGNITO_LOCAL_REGION = 'local';
const COGNITO_POOL_ID = /^(?:[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}|local)_[A-Za-z0-9]{1,55}$/;
const COGNITO_CLIENT_ID = /^\S{1,128}$/;
const MAX_APP_CLIENTS = 32;

/** Both issuer forms of a Cognito user pool: the regional one its discovery names, and the global one. */
function cognitoIssuers(region: string, userPoolId: string): { readonly issuer: string; readonly globalIssuer: string } {
  const domain = awsDomainOf(region);
  return { issuer: `https://cognito-idp.${region}.${domain}/${userPoolId}`, globalIssuer: `https://issuer-cognito-idp.${region}.${domain}/${userPoolId}` };
}

const KEYCLOAK_REALM = /^[A-Za-z0-9._-]{1,255}$/;

/** `appClientId` names one app client, or several separated by commas. */
const appClientIds = (value: string): string[] => value.split(',').map((id) => id.trim());

/** Lower case only: the host ends up inside `iss`, which is compared exactly. */
const hostName = (value: string): string | undefined =>
  HOST_NAME.test(value) ? undefined : 'must be a lower-case host name, without scheme, port or path';

/** A server's URL that paths are appended to. */
function httpUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.search || url.hash || url.username || url.password) return 'must have no query, fragment or credentials';
  return undefined;
}

function baseUrl(value: string): string | undefined {
  return httpUrl(value) ?? (new URL(value).pathname.includes('/realms/') ? 'must stop before /realms/ (give the realm separately)' : undefined);
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** cognito-local's base URL: http(s) on a loopback address, nothing after the port. */
function loopbackBaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL such as http://127.0.0.1:9229';
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !(isLoopbackAddress(host) || host === 'localhost')) {
    return 'must be an http(s) URL on a loopback address such as http://127.0.0.1:9229 (cognito-local)';
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return 'must have no path, query, fragment or credentials';
  return undefined;
}

const ACCESS_TOKENS_RS256 = { acceptedTokenTypes: ['access'], algorithms: ['RS256'] } as const;

// Every vendor below names its profile claims as OIDC does, so each preset maps fields to STANDARD_CLAIMS.
const cognito = definePreset({
  provider: 'cognito',
  required: {
    region: {
      help: 'AWS region of the user pool, e.g. eu-west-1 (local for a cognito-local pool)',
      check: (v) => (AWS_REGION.test(v) || v === COGNITO_LOCAL_REGION ? undefined : 'must be an AWS region such as eu-west-1, or local'),
    },
    userPoolId: { help: 'user pool id, e.g. eu-west-1_AbC123xyz', check: (v) => (COGNITO_POOL_ID.test(v) ? undefined : 'must look like <region>_<id>, e.g. eu-west-1_AbC123xyz') },
    appClientId: {
      help: 'app client id the API accepts tokens from; several separated by commas (the first is the brand\'s clientId)',
      check: (v) => {
        const ids = appClientIds(v);
        if (ids.length > MAX_APP_CLIENTS || !ids.every((id) => COGNITO_CLIENT_ID.test(id))) return `must be 1 to ${MAX_APP_CLIENTS} app client ids, separated by commas`;
        return new Set(ids).size === ids.length ? undefined : 'names an app client twice';
      },
    },
  },
  optional: {
    domain: { help: 'hosted UI domain for userinfo, e.g. myapp.auth.eu-west-1.amazoncognito.com or a custom domain; without it the profile comes from the ID token', check: hostName },
    endpoint: { help: 'local mode only: the URL of cognito-local, e.g. http://127.0.0.1:9229, with region local', check: loopbackBaseUrl },
  },
  notes:
    'Tokens carry token_use: access tokens carry client_id (no aud), ID tokens aud; both must name one of the app client ids. ' +
    'The issuer is https://cognito-idp.<region>.<partition domain>/<pool> or its global form https://issuer-cognito-idp.…; both are accepted. ' +
    'Scopes are in scope, groups in cognito:groups. Access tokens from the AWS SDK or Amplify lack openid, so without a hosted UI domain ' +
    'the profile comes from the ID token (profileSource id_token). email_verified and phone_number_verified sometimes arrive as strings ("true").',
  crossCheck: ({ region, userPoolId, endpoint, domain }) => [
    ...(region && userPoolId && !userPoolId.startsWith(`${region}_`) ? [`userPoolId: ${userPoolId} is not a pool in ${region}`] : []),
    ...(region === COGNITO_LOCAL_REGION && endpoint === undefined ? ['endpoint: a cognito-local pool (region local) needs the URL of cognito-local'] : []),
    ...(region && region !== COGNITO_LOCAL_REGION && endpoint !== undefined ? ['endpoint: only for a cognito-local pool (region local)'] : []),
    ...(region === COGNITO_LOCAL_REGION && domain !== undefined ? ['domain: cognito-local has no hosted UI'] : []),
  ],
  build: ({ region, userPoolId, appClientId, domain, endpoint }) => {
    const audiences = appClientIds(appClientId);
    const common = {
      provider: 'cognito',
      applicationId: userPoolId,
      clientId: audiences[0] as string,
      audiences,
      ...ACCESS_TOKENS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    } as const;
    if (endpoint !== undefined) {
      // cognito-local names its issuer <its URL>/<pool>, one form only, and serves no userinfo.
      const issuer = `${withoutTrailingSlash(endpoint)}/${userPoolId}`;
      return { ...common, issuer, jwksUri: `${issuer}/.well-known/jwks.json`, profileSource: 'id_token' };
    }
    const { issuer, globalIssuer } = cognitoIssuers(region, userPoolId);
    return {
      ...common,
      issuer,
      additionalIssuers: [globalIssuer],
      jwksUri: `${issuer}/.well-known/jwks.json`,
      ...(domain === undefined ? { profileSource: 'id_token' } : { userinfoEndpoint: `https://${domain}/oauth2/userInfo` }),
    };
  },
});

const auth0 = definePreset({
  provider: 'auth0',
  required: {
    domain: { help: 'tenant or custom domain, e.g. acme.eu.auth0.com', check: hostName },
    apiAudience: { help: 'identifier of the Auth0 API, the aud of its access tokens' },
    clientId: { help: 'client id of the application' },
  },
  optional: {
    opaque: {
      help: 'true: also accept the opaque access tokens Auth0 issues when the app asks for no audience, validated through /userinfo',
      check: (v) => (v === 'true' || v === 'false' ? undefined : 'must be true or false'),
    },
  },
  notes:
    'The issuer ends with "/". With opaque=true, tokens that are not JWTs are valid when /userinfo answers for them (no scopes then). Scopes are in scope; with RBAC and "Add Permissions in the Access Token", permissions are in permissions. ' +
    'Access tokens carry no profile claims unless an Action adds namespaced ones; client-credentials tokens have gty and sub <client>@clients.',
  build: ({ domain, apiAudience, clientId, opaque }) => ({
    provider: 'auth0',
    issuer: `https://${domain}/`,
    jwksUri: `https://${domain}/.well-known/jwks.json`,
    userinfoEndpoint: `https://${domain}/userinfo`,
    clientId,
    audiences: [apiAudience],
    ...ACCESS_TOKENS_RS256,
    fieldMappings: STANDARD_CLAIMS,
    // Auth0 has no introspection: its userinfo endpoint is the only judge of an opaque token.
    ...(opaque === 'true' ? { tokenFormat: 'auto', opaqueValidation: 'userinfo' } : {}),
  }),
});

const keycloak = definePreset({
  provider: 'keycloak',
  required: {
    baseUrl: { help: 'server URL, e.g. https://sso.example.com; include /auth for Keycloak before 17', check: baseUrl },
    realm: { help: 'realm name', check: (v) => (KEYCLOAK_REALM.test(v) ? undefined : 'must be letters, digits, ".", "_" or "-" (it becomes a URL path segment)') },
    clientId: { help: 'client id; also the default audience' },
  },
  optional: {},
  notes:
    'Keycloak puts account in aud by default; add an Audience mapper so access tokens carry the client id. ' +
    'azp names the client, the typ claim says Bearer or ID, roles are in realm_access.roles and resource_access.<client>.roles.',
  build: ({ baseUrl: base, realm, clientId }) => {
    const issuer = `${withoutTrailingSlash(base)}/realms/${realm}`;
    return {
      provider: 'keycloak',
      issuer,
      jwksUri: `${issuer}/protocol/openid-connect/certs`,
      userinfoEndpoint: `${issuer}/protocol/openid-connect/userinfo`,
      clientId,
      audiences: [clientId],
      ...ACCESS_TOKENS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    };
  },
});

/** The gateway's own client at the CIAM for introspection: both or neither (without it, opaque tokens go to userinfo). */
const INTROSPECTION_INPUTS = {
  introspectionClientId: { help: 'the gateway\'s own client at the CIAM, for introspection (not the app\'s client)' },
  clientSecretRef: { help: 'its secret\'s name in Secrets Manager, under ciam-gateway/<stage>/brands/<brandId>/' },
  introspectionAuthMethod: {
    help: `${INTROSPECTION_AUTH_METHODS.join(' or ')} (default client_secret_basic)`,
    check: (v: string) => ((INTROSPECTION_AUTH_METHODS as readonly string[]).includes(v) ? undefined : `must be one of ${INTROSPECTION_AUTH_METHODS.join(', ')}`),
  },
} as const;
type IntrospectionInputs = Readonly<Partial<Record<keyof typeof INTROSPECTION_INPUTS, string>>>;

function introspectionProblems({ introspectionClientId, clientSecretRef, introspectionAuthMethod }: IntrospectionInputs): string[] {
  if ((introspectionClientId === undefined) === (clientSecretRef === undefined)) {
    return introspectionAuthMethod !== undefined && introspectionClientId === undefined ? ['introspectionAuthMethod: only with introspectionClientId and clientSecretRef'] : [];
  }
  return ['introspectionClientId and clientSecretRef: give both, or neither (opaque tokens are then validated through userinfo)'];
}

/** Opaque tokens validated by introspection at `endpoint` when the gateway's client is given, else through userinfo. */
function opaqueValidationAt(endpoint: string, inputs: IntrospectionInputs): Pick<BrandConfigDraft, 'opaqueValidation' | 'introspection'> {
  const { introspectionClientId, clientSecretRef, introspectionAuthMethod } = inputs;
  if (introspectionClientId === undefined || clientSecretRef === undefined) return { opaqueValidation: 'userinfo' };
  return {
    opaqueValidation: 'introspection',
    introspection: { endpoint, clientId: introspectionClientId, clientSecretRef, authMethod: (introspectionAuthMethod ?? 'client_secret_basic') as IntrospectionAuthMethod },
  };
}

const discoveryUrlUnder = (base: string): string => `${withoutTrailingSlash(base)}/.well-known/openid-configuration`;

const ISSUER_INPUT = { help: 'issuer exactly as in the tokens\' iss; discovery is fetched from <issuer>/.well-known/openid-configuration' };
const JANRAIN_REGION = /^[a-z]{2,10}$/;
const JANRAIN_CUSTOMER_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Akamai Identity Cloud (Janrain) Hosted Login: from its region and customer id, the issuer, userinfo and
 * introspection URLs of its documentation (opaque access tokens); the JWKS from discovery. Or, as before, any issuer,
 * with JWT access tokens and the endpoints from discovery.
 */
const janrain = definePreset({
  provider: 'janrain',
  required: {
    clientId: { help: 'client id of the application (login client)' },
  },
  optional: {
    region: { help: 'Hosted Login region, e.g. us or eu (the v1.api.<region>.janrain.com host); with customerId, in place of issuer', check: (v) => (JANRAIN_REGION.test(v) ? undefined : 'must be a region such as us or eu') },
    customerId: { help: 'Hosted Login customer id (a UUID); with region', check: (v) => (JANRAIN_CUSTOMER_ID.test(v) ? undefined : 'must be letters, digits and "-" (it becomes a URL path segment)') },
    issuer: ISSUER_INPUT,
    audience: { help: 'aud of the access tokens; defaults to clientId' },
    ...INTROSPECTION_INPUTS,
  },
  notes:
    'Hosted Login access tokens are opaque: validated at https://v1.api.<region>.janrain.com/<customerId>/login/token/introspect, ' +
    'or through /<customerId>/profiles/oidc/userinfo without the gateway\'s client. jwksUri (ID tokens) comes from discovery. ' +
    'Given an issuer instead, tokens are taken as JWTs and every endpoint comes from discovery.',
  crossCheck: (values) => [
    ...(values.issuer === undefined ? [] : values.region !== undefined || values.customerId !== undefined ? ['issuer: give issuer, or region and customerId, not both'] : []),
    ...(values.issuer === undefined && (values.region === undefined || values.customerId === undefined) ? ['region and customerId, or issuer: one is required'] : []),
    ...introspectionProblems(values),
  ],
  build: ({ clientId, region, customerId, issuer, audience, ...introspection }) => {
    const common = { provider: 'janrain', clientId, audiences: [audience ?? clientId], ...ACCESS_TOKENS_RS256, fieldMappings: STANDARD_CLAIMS } as const;
    if (issuer !== undefined) return { ...common, issuer };
    const api = `https://v1.api.${region}.janrain.com/${customerId}`;
    return {
      ...common,
      issuer: `${api}/login`,
      userinfoEndpoint: `${api}/profiles/oidc/userinfo`,
      tokenFormat: 'opaque',
      ...opaqueValidationAt(`${api}/login/token/introspect`, introspection),
    };
  },
});

/**
 * NextReason: its access-token format is the tenant's choice. Its issuer and endpoints are not documented publicly here:
 * from its base URL, discovery supplies the issuer, JWKS and userinfo, and introspection is at <baseUrl>/introspect.
 */
const nextreason = definePreset({
  provider: 'nextreason',
  required: {
    clientId: { help: 'client id of the application' },
  },
  optional: {
    baseUrl: { help: 'the tenant\'s URL, e.g. https://id.nextreason.example/tenants/acme; in place of issuer', check: httpUrl },
    tokenFormat: {
      help: `${TOKEN_FORMATS.join(', ')}: the tenant's access-token format (default jwt; auto takes both)`,
      check: (v) => ((TOKEN_FORMATS as readonly string[]).includes(v) ? undefined : `must be one of ${TOKEN_FORMATS.join(', ')}`),
    },
    issuer: ISSUER_INPUT,
    audience: { help: 'aud of the access tokens; defaults to clientId' },
    ...INTROSPECTION_INPUTS,
  },
  notes:
    'Access tokens are JWTs or opaque, as the tenant is configured (tokenFormat). From baseUrl, the issuer, jwksUri and userinfoEndpoint ' +
    'come from discovery at <baseUrl>/.well-known/openid-configuration, and opaque tokens are introspected at <baseUrl>/introspect.',
  crossCheck: (values) => [
    ...(values.issuer !== undefined && values.baseUrl !== undefined ? ['issuer: give issuer, or baseUrl, not both'] : []),
    ...(values.issuer === undefined && values.baseUrl === undefined ? ['baseUrl or issuer: one is required'] : []),
    ...introspectionProblems(values),
  ],
  build: ({ clientId, baseUrl: base, tokenFormat, issuer, audience, ...introspection }) => {
    const common = { provider: 'nextreason', clientId, audiences: [audience ?? clientId], ...ACCESS_TOKENS_RS256, fieldMappings: STANDARD_CLAIMS } as const;
    const where = base === undefined ? { issuer: issuer as string } : { discoveryUrl: discoveryUrlUnder(base) };
    const format = (tokenFormat ?? 'jwt') as TokenFormat;
    if (format === 'jwt') return { ...common, ...where, ...(tokenFormat === undefined ? {} : { tokenFormat: format }) };
    const introspectionAt = `${withoutTrailingSlash(base ?? (issuer as string))}/introspect`;
    return { ...common, ...where, tokenFormat: format, ...opaqueValidationAt(introspectionAt, introspection) };
  },
});

const genericOidc = definePreset({
  provider: 'generic-oidc',
  required: {
    clientId: { help: 'client id of the application' },
    audience: { help: 'aud of the access tokens (the API identifier)' },
  },
  optional: {
    issuer: { help: 'issuer exactly as in the tokens\' iss (this or discoveryUrl)' },
    discoveryUrl: { help: 'OpenID configuration URL, when it is not <issuer>/.well-known/openid-configuration (this or issuer)' },
  },
  notes: 'Any OpenID provider: jwksUri and userinfoEndpoint (and the issuer, given only discoveryUrl) come from OIDC discovery.',
  crossCheck: ({ issuer, discoveryUrl }) => (issuer || discoveryUrl ? [] : ['issuer or discoveryUrl: one is required']),
  build: ({ clientId, audience, issuer, discoveryUrl }) => ({
    provider: 'generic-oidc',
    ...(issuer === undefined ? {} : { issuer }),
    ...(discoveryUrl === undefined ? {} : { discoveryUrl }),
    clientId,
    audiences: [audience],
    ...ACCESS_TOKENS_RS256,
    fieldMappings: STANDARD_CLAIMS,
  }),
});

export const PRESETS: Readonly<Record<Provider, ProviderPreset>> = {
  'generic-oidc': genericOidc,
  auth0,
  cognito,
  keycloak,
  janrain,
  nextreason,
};
