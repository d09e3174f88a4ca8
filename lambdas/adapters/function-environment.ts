import { ConfigValidationError } from '../core/errors';
import { parseUsagePlans } from '../core/quota-tiers';
import { parseApiRouteScopes, type ApiRouteScopes } from '../core/route-scopes';

/**
 * The environment of every function, declared once: each setting's variable name, type, default, bounds and the
 * kinds of function that get it. The lambdas read it here (once, at cold start); the stack, the CiamAuthorizer
 * construct and local mode write it with `functionEnvironmentVariables`. This is the only module under lambdas/
 * that touches `process.env`. It imports nothing but pure core modules, so the authorizer bundle stays small.
 */
export type FunctionKind = 'authorizer' | 'basic' | 'customer' | 'admin' | 'cache-flush';

interface Common {
  /** The environment variable. */
  readonly name: string;
  /** The kinds of function that get this setting. */
  readonly kinds: readonly FunctionKind[];
  /** Allowed only when STAGE=local: a deployed function must never get it. */
  readonly localOnly?: true;
  /** Required unless STAGE=local, where local mode stands in for it. */
  readonly requiredOutsideLocal?: true;
  /**
   * Read by a library (Powertools) from the environment itself, not through this module: its default must be
   * written, since the library's own default differs.
   */
  readonly writeDefault?: true;
  /**
   * Set by the Lambda runtime itself (region, role credentials): never written by the stack, and not there to be
   * checked when the stack's variables are.
   */
  readonly runtime?: true;
}
interface TextSetting extends Common {
  readonly type: 'text';
  readonly required?: true;
  readonly default?: string;
}
interface IntegerSetting extends Common {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
  readonly required?: true;
  readonly default?: number;
}
/** `'true'` or absent. */
interface FlagSetting extends Common {
  readonly type: 'flag';
}
/** JSON text, checked by `parse` (which throws ConfigValidationError); absent means `empty`. Written as JSON.stringify. */
interface JsonSetting<T> extends Common {
  readonly type: 'json';
  readonly parse: (value: unknown) => T;
  readonly empty: T;
}
type Setting = TextSetting | IntegerSetting | FlagSetting | JsonSetting<unknown>;

const EVERY_KIND = ['authorizer', 'basic', 'customer', 'admin', 'cache-flush'] as const;
const BRAND_READERS = ['authorizer', 'customer', 'admin'] as const;
const AUDITED = ['customer', 'admin'] as const;
/** The functions that read brands' client secrets (the onboarding check introspects too). */
const SECRET_READERS = ['authorizer', 'admin'] as const;

const SETTINGS = {
  stage: { name: 'STAGE', type: 'text', required: true, kinds: EVERY_KIND },
  brandTableName: { name: 'BRAND_TABLE_NAME', type: 'text', required: true, kinds: BRAND_READERS },
  /**
   * How long a brand's config (or its absence) is kept in memory. The admin API keeps none, but waits this long (the
   * gateway's own TTL) before its follow-up authorizer-cache flush, for stages whose registration names no TTL.
   */
  brandCacheTtlSeconds: { name: 'BRAND_CACHE_TTL_SECONDS', type: 'integer', min: 0, max: 3600, default: 60, kinds: BRAND_READERS },
  /** How long the authorizer keeps what the revocation table holds for a token's subject and session. */
  revocationCacheTtlSeconds: { name: 'REVOCATION_CACHE_TTL_SECONDS', type: 'integer', min: 0, max: 60, default: 10, kinds: ['authorizer'] },
  /** A JWKS URI is fetched at most once per cooldown, whatever the tokens ask for (the customer routes verify ID tokens). */
  jwksCooldownSeconds: { name: 'JWKS_COOLDOWN_SECONDS', type: 'integer', min: 1, max: 600, default: 30, kinds: ['authorizer', 'customer'] },
  /**
   * `{ "<apiId>": { "METHOD /path": [scopes] } }`: the route scopes of each API the authorizer serves; the function
   * picks the map of the API in the `methodArn`. An API not named (or no variable): a valid token opens every route.
   */
  routeScopes: { name: 'ROUTE_SCOPES', type: 'json', parse: parseApiRouteScopes, empty: {} as ApiRouteScopes, kinds: ['authorizer'] },
  /**
   * Revoked subjects and sessions (lambdas/core/revocation.ts): the authorizer reads them, the customer routes refuse
   * a revoked token a cached decision let through, the logout routes and the admin API write them. Every deployed
   * function of these kinds gets it; only a local harness (STAGE=local) may leave it out, and then the authorizer
   * checks no revocation and the functions that write revocations refuse to start.
   */
  revocationsTableName: { name: 'REVOCATIONS_TABLE_NAME', type: 'text', requiredOutsideLocal: true, kinds: BRAND_READERS },
  customersTableName: { name: 'CUSTOMERS_TABLE_NAME', type: 'text', required: true, kinds: ['customer'] },
  auditTableName: { name: 'AUDIT_TABLE_NAME', type: 'text', required: true, kinds: AUDITED },
  auditRetentionDays: { name: 'AUDIT_RETENTION_DAYS', type: 'integer', min: 1, max: 3650, required: true, kinds: AUDITED },
  /**
   * The SQS queue of follow-up authorizer-cache flushes: the admin API sends one after a brand change, delayed by the
   * brand-cache TTL; the cache-flush function runs it (and sends it back while it is not due). Local mode uses a timer.
   */
  authorizerCacheFlushQueueUrl: { name: 'AUTHORIZER_CACHE_FLUSH_QUEUE_URL', type: 'text', requiredOutsideLocal: true, kinds: ['admin', 'cache-flush'] },
  /**
   * `{ "<tier>": "<usage plan name>" }`: the usage plan of each quota tier, which the admin API keeps each brand's API
   * key in (it finds their ids by name). Absent: no quotas, and the admin API makes no keys.
   */
  usagePlans: { name: 'USAGE_PLANS', type: 'json', parse: parseUsagePlans, empty: {} as Readonly<Record<string, string>>, kinds: ['admin'] },
  /** Local mode: the emulator that plays API Gateway, whose authorizer cache the admin API flushes. */
  localGatewayUrl: { name: 'LOCAL_GATEWAY_URL', type: 'text', localOnly: true, kinds: ['admin'] },
  /** Local mode: brand URIs may be http://127.0.0.1. */
  allowLoopbackHttp: { name: 'ALLOW_LOOPBACK_HTTP', type: 'flag', localOnly: true, kinds: BRAND_READERS },
  /** Local mode: DynamoDB Local's URL. */
  dynamodbEndpoint: { name: 'DYNAMODB_ENDPOINT', type: 'text', localOnly: true, kinds: BRAND_READERS },
  /**
   * The authorizer signs its own DynamoDB requests (lean-dynamodb.ts), and it and the admin API their Secrets Manager
   * reads, with the role credentials Lambda gives them; in local mode DynamoDB Local takes any and secrets come from a file.
   */
  awsRegion: { name: 'AWS_REGION', type: 'text', runtime: true, requiredOutsideLocal: true, kinds: SECRET_READERS },
  awsAccessKeyId: { name: 'AWS_ACCESS_KEY_ID', type: 'text', runtime: true, requiredOutsideLocal: true, kinds: SECRET_READERS },
  awsSecretAccessKey: { name: 'AWS_SECRET_ACCESS_KEY', type: 'text', runtime: true, requiredOutsideLocal: true, kinds: SECRET_READERS },
  awsSessionToken: { name: 'AWS_SESSION_TOKEN', type: 'text', runtime: true, kinds: SECRET_READERS },
  /**
   * Local mode: the brands' client secrets (introspection), `{ "<clientSecretRef>": "<secret>" }`, in place of
   * Secrets Manager, which the deployed authorizer and admin functions read with the same role credentials.
   */
  localSecretsFile: { name: 'LOCAL_SECRETS_FILE', type: 'text', localOnly: true, kinds: SECRET_READERS },
  serviceName: { name: 'POWERTOOLS_SERVICE_NAME', type: 'text', kinds: EVERY_KIND },
  metricsNamespace: { name: 'POWERTOOLS_METRICS_NAMESPACE', type: 'text', default: 'CiamGateway', writeDefault: true, kinds: EVERY_KIND },
  logLevel: { name: 'POWERTOOLS_LOG_LEVEL', type: 'text', default: 'INFO', writeDefault: true, kinds: EVERY_KIND },
} as const satisfies Readonly<Record<string, Setting>>;

type Settings = typeof SETTINGS;
type SettingKey = keyof Settings;
type KeysOf<K extends FunctionKind> = { [S in SettingKey]: K extends Settings[S]['kinds'][number] ? S : never }[SettingKey];
type ValueOf<S> = S extends { type: 'integer' } ? number : S extends { type: 'flag' } ? boolean : S extends { type: 'json'; empty: infer T } ? T : string;
/** Required settings and settings with a default always have a value once read. */
type AlwaysSet<S> = S extends { required: true } | { default: unknown } | { type: 'flag' } | { type: 'json' } ? true : false;

/** The typed settings of a function of kind `K`, as read and checked. */
export type FunctionEnvironment<K extends FunctionKind> = {
  readonly [S in KeysOf<K>]: AlwaysSet<Settings[S]> extends true ? ValueOf<Settings[S]> : ValueOf<Settings[S]> | undefined;
};

type WrittenKeys<K extends FunctionKind> = { [S in KeysOf<K>]: Settings[S] extends { runtime: true } ? never : S }[KeysOf<K>];
type OptionalInputKeys<K extends FunctionKind> = { [S in WrittenKeys<K>]: Settings[S] extends { required: true } ? never : S }[WrittenKeys<K>];

/**
 * What a writer supplies: required settings must be given; others may be left out; what the runtime sets cannot be
 * given. Text values may be CDK tokens.
 */
export type FunctionEnvironmentInput<K extends FunctionKind> = {
  readonly [S in Exclude<WrittenKeys<K>, OptionalInputKeys<K>>]: ValueOf<Settings[S]>;
} & {
  readonly [S in OptionalInputKeys<K>]?: ValueOf<Settings[S]>;
};

export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/** A setting's key, as `FunctionEnvironment` names it. */
export type FunctionSetting = SettingKey;

/**
 * The variable of a setting, for a writer that must defer the value to synth (the CiamAuthorizer construct writes
 * ROUTE_SCOPES as a CDK Lazy value, since APIs attach after the function exists).
 */
export function environmentVariableName(setting: FunctionSetting): string {
  return SETTINGS[setting].name;
}

function settingsOf(kind: FunctionKind): [string, Setting][] {
  return (Object.entries(SETTINGS) as [string, Setting][]).filter(([, setting]) => setting.kinds.includes(kind));
}

/**
 * Reads and checks the settings of a function of `kind` from `source`. Variables of other kinds are ignored. Throws
 * one ConfigValidationError('ENVIRONMENT_INVALID') naming every bad variable, so a bad deployment fails loudly at
 * cold start, all of it at once, and not request by request.
 */
export function readFunctionEnvironment<K extends FunctionKind>(kind: K, source: EnvironmentSource = process.env): FunctionEnvironment<K> {
  return readSettings(kind, source, { runtimeSet: true });
}

/** @param scope.runtimeSet whether the runtime's own variables are there to be read (not when checking what is written) */
function readSettings<K extends FunctionKind>(kind: K, source: EnvironmentSource, scope: { readonly runtimeSet: boolean }): FunctionEnvironment<K> {
  const problems: string[] = [];
  const local = source[SETTINGS.stage.name] === 'local';
  const values: Record<string, unknown> = {};
  for (const [key, setting] of settingsOf(kind)) {
    if (setting.runtime && !scope.runtimeSet) continue;
    const raw = source[setting.name];
    const present = raw !== undefined && raw !== '';
    if (present && setting.localOnly && !local) problems.push(`${setting.name} is only allowed when STAGE=local`);
    if (!present && setting.requiredOutsideLocal && !local) problems.push(`${setting.name} is required unless STAGE=local`);
    values[key] = readSetting(setting, present ? raw : undefined, problems);
  }
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return values as FunctionEnvironment<K>;
}

function readSetting(setting: Setting, raw: string | undefined, problems: string[]): unknown {
  if (setting.type === 'json') return raw === undefined ? setting.empty : readJson(setting, raw, problems);
  if (setting.type === 'flag') {
    if (raw !== undefined && raw !== 'true') problems.push(`${setting.name} must be "true" or absent`);
    return raw === 'true';
  }
  if (raw === undefined) {
    if (setting.required) problems.push(`${setting.name} is required`);
    return setting.default;
  }
  if (setting.type === 'text') return raw;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < setting.min || value > setting.max) {
    problems.push(`${setting.name} must be an integer from ${setting.min} to ${setting.max}`);
  }
  return value;
}

function readJson(setting: JsonSetting<unknown>, raw: string, problems: string[]): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    problems.push(`${setting.name} is not JSON`);
    return setting.empty;
  }
  try {
    return setting.parse(value);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    problems.push(...err.problems.map((problem) => `${setting.name}: ${problem}`));
    return setting.empty;
  }
}

/**
 * The variables a function of `kind` gets, from typed values: what the stack, the construct and local mode write.
 * Left-out settings are not written (the reader applies their defaults), except those a library reads itself.
 * The result is checked as the function will check it, so a bad value fails the synth, not the cold start; a CDK
 * token passes for any text setting.
 */
export function functionEnvironmentVariables<K extends FunctionKind>(kind: K, values: FunctionEnvironmentInput<K>): Record<string, string> {
  const given = values as Readonly<Record<string, unknown>>;
  const variables: Record<string, string> = {};
  for (const [key, setting] of settingsOf(kind)) {
    if (setting.runtime) continue;
    const value = given[key] ?? (setting.writeDefault && setting.type === 'text' ? setting.default : undefined);
    if (value === undefined || value === false) continue;
    variables[setting.name] = setting.type === 'json' ? JSON.stringify(value) : String(value);
  }
  readSettings(kind, variables, { runtimeSet: false });
  return variables;
}

/** The namespace every function publishes its metrics in: what the stack's dashboard and alarms read. */
export const METRICS_NAMESPACE: string = SETTINGS.metricsNamespace.default;
