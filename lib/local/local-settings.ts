import { resolve } from 'node:path';
import { functionEnvironmentVariables } from '../../lambdas/adapters/function-environment';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { DEFAULT_QUOTA_TIERS, quotaTiersProblems, type QuotaTiers } from '../../lambdas/core/quota-tiers';
import { CIAM_AUTHORIZER_DEFAULTS, CIAM_AUTHORIZER_LIMITS } from '../ciam-authorizer-defaults';
import { LOCAL_DEFAULTS } from '../local-mode-defaults';

/**
 * Local mode's settings, declared once: its own variables, and the functions' variables it takes from its own
 * environment and passes on (their names, defaults and bounds are the environment contract's, in
 * lambdas/adapters/function-environment.ts).
 */
export interface LocalSettings {
  /** PORT: the gateway. 0 picks a free port. */
  readonly port: number;
  /** CIAM_PORT: the demo CIAM. 0 picks a free port. */
  readonly ciamPort: number;
  /** LOCAL_ADMIN_KEY: the `x-admin-key` the admin routes require, IAM's stand-in. */
  readonly adminKey: string;
  /** LOCAL_BRANDS_FILE: a JSON array of brand configs seeded beside `demo`, relative to where npm was run. */
  readonly brandsFile?: string;
  /**
   * LOCAL_ROUTES_FILE: a consumer's route scopes (`{ "METHOD /path": [scopes] }`), served beside local mode's own
   * routes by an echo integration; relative to where npm was run.
   */
  readonly routesFile?: string;
  /**
   * LOCAL_SECRETS_FILE: the client secrets (introspection) of LOCAL_BRANDS_FILE's brands, `{ "<clientSecretRef>":
   * "<secret>" }`, read beside the demo brands' own; relative to where npm was run.
   */
  readonly secretsFile?: string;
  /** AUTHORIZER_RESULTS_CACHE_TTL_SECONDS: the emulator's authorizer results cache, as the stack's. */
  readonly resultsCacheTtlSeconds: number;
  /** BRAND_CACHE_TTL_SECONDS and JWKS_COOLDOWN_SECONDS, passed on to the functions. */
  readonly functionSettings: LocalFunctionSettings;
  /**
   * LOCAL_TIER_LIMITS: the quota tiers the emulator's usage plans enforce, as JSON, in place of the defaults (so a test
   * meets a limit in seconds). @default DEFAULT_QUOTA_TIERS
   */
  readonly tierLimits?: QuotaTiers;
}

/** The functions' settings a developer may change in local mode; the contract's defaults apply to the rest. */
export interface LocalFunctionSettings {
  readonly brandCacheTtlSeconds?: number;
  readonly jwksCooldownSeconds?: number;
}

export { LOCAL_DEFAULTS };

/** Reads local mode's settings, naming every bad variable at once in one ConfigValidationError. */
export function readLocalSettings(env: Readonly<Record<string, string | undefined>>): LocalSettings {
  const problems: string[] = [];
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) problems.push(`${name} must be an integer from ${min} to ${max}`);
    return Number(raw);
  };
  const passedOn = (name: string) => (value(name) === undefined ? undefined : Number(value(name)));

  const { min, max } = CIAM_AUTHORIZER_LIMITS.resultsCacheTtlSeconds;
  // npm runs scripts in the package root; INIT_CWD is where the developer ran npm.
  const fromNpmDirectory = (name: string) => {
    const file = value(name);
    return file === undefined ? undefined : resolve(env.INIT_CWD ?? '.', file);
  };
  const brandsFile = fromNpmDirectory('LOCAL_BRANDS_FILE');
  const routesFile = fromNpmDirectory('LOCAL_ROUTES_FILE');
  const secretsFile = fromNpmDirectory('LOCAL_SECRETS_FILE');
  const functionSettings: LocalFunctionSettings = {
    brandCacheTtlSeconds: passedOn('BRAND_CACHE_TTL_SECONDS'),
    jwksCooldownSeconds: passedOn('JWKS_COOLDOWN_SECONDS'),
  };
  const settings: LocalSettings = {
    port: integer('PORT', LOCAL_DEFAULTS.port, 0, 65535),
    ciamPort: integer('CIAM_PORT', LOCAL_DEFAULTS.ciamPort, 0, 65535),
    adminKey: value('LOCAL_ADMIN_KEY') ?? LOCAL_DEFAULTS.adminKey,
    ...(brandsFile === undefined ? {} : { brandsFile }),
    ...(routesFile === undefined ? {} : { routesFile }),
    ...(secretsFile === undefined ? {} : { secretsFile }),
    resultsCacheTtlSeconds: integer('AUTHORIZER_RESULTS_CACHE_TTL_SECONDS', CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl.toSeconds(), min, max),
    functionSettings,
    tierLimits: tierLimits(value('LOCAL_TIER_LIMITS'), problems),
  };
  problems.push(...functionSettingProblems(functionSettings));
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return settings;
}

/** The functions' settings, checked by the contract itself (their bounds live there) before anything starts. */
function functionSettingProblems(settings: LocalFunctionSettings): readonly string[] {
  try {
    functionEnvironmentVariables('authorizer', { stage: 'local', brandTableName: 'checked-only', ...settings });
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
}

function tierLimits(raw: string | undefined, problems: string[]): QuotaTiers {
  if (raw === undefined) return DEFAULT_QUOTA_TIERS;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    problems.push('LOCAL_TIER_LIMITS is not JSON');
    return DEFAULT_QUOTA_TIERS;
  }
  const found = quotaTiersProblems(value).map((problem) => `LOCAL_TIER_LIMITS: ${problem}`);
  problems.push(...found);
  return found.length === 0 ? (value as QuotaTiers) : DEFAULT_QUOTA_TIERS;
}
