import { ConfigValidationError } from './errors';

/**
 * A quota tier: what API Gateway's usage plan of that tier enforces on each brand's API key (one key per brand), and
 * what local mode's emulator enforces the same way. Rates are per second (a token bucket of `burstLimit` refilled at
 * `rateLimit`), the quota per UTC day.
 */
export interface QuotaTier {
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly dailyQuota: number;
}

export type QuotaTiers = Readonly<Record<string, QuotaTier>>;

/** A tier's name: part of its usage plan's name and of the brand config (`tier`). */
export const TIER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const DEFAULT_TIER = 'standard';

/**
 * Under the stage-wide method throttling (1,000 requests/s, burst 2,000), so a tier never promises more than the
 * stage gives; a stage config may name others.
 */
export const DEFAULT_QUOTA_TIERS: QuotaTiers = {
  standard: { rateLimit: 50, burstLimit: 100, dailyQuota: 1_000_000 },
  premium: { rateLimit: 500, burstLimit: 1000, dailyQuota: 20_000_000 },
};

/** Usage plans are per tier and 300 per region per account: a handful of tiers leaves room for every other API. */
const MAX_TIERS = 10;
const LIMITS = { rateLimit: 10_000, burstLimit: 5_000, dailyQuota: 1_000_000_000 } as const;

/** Every problem with a set of tiers, `standard` required (the brands' default). */
export function quotaTiersProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object of tier name to { rateLimit, burstLimit, dailyQuota }'];
  const entries = Object.entries(value);
  const problems: string[] = [];
  if (entries.length > MAX_TIERS) problems.push(`at most ${MAX_TIERS} tiers (one usage plan each)`);
  if (!(DEFAULT_TIER in value)) problems.push(`the tier ${DEFAULT_TIER} is required: brands without a tier are in it`);
  for (const [name, tier] of entries) {
    if (!TIER_NAME_PATTERN.test(name)) problems.push(`${name}: a tier name must match ${TIER_NAME_PATTERN.source}`);
    if (typeof tier !== 'object' || tier === null || Array.isArray(tier)) {
      problems.push(`${name}: must be { rateLimit, burstLimit, dailyQuota }`);
      continue;
    }
    const fields = tier as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (!(key in LIMITS)) problems.push(`${name}.${key}: unknown field`);
    for (const [key, max] of Object.entries(LIMITS)) {
      const limit = fields[key];
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) problems.push(`${name}.${key}: must be an integer from 1 to ${max}`);
    }
  }
  return problems;
}

/** Checks untrusted tiers (local mode's LOCAL_TIER_LIMITS, a stage config); throws one ConfigValidationError naming every problem. */
export function parseQuotaTiers(value: unknown): QuotaTiers {
  const problems = quotaTiersProblems(value);
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return value as QuotaTiers;
}

/** `{ "<tier>": "<usage plan name>" }`: the admin API's USAGE_PLANS. */
export function parseUsagePlans(value: unknown): Readonly<Record<string, string>> {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('must be an object of tier name to usage plan name');
  } else {
    for (const [tier, id] of Object.entries(value)) {
      if (!TIER_NAME_PATTERN.test(tier)) problems.push(`${tier}: a tier name must match ${TIER_NAME_PATTERN.source}`);
      if (typeof id !== 'string' || id === '') problems.push(`${tier}: the usage plan name must be a non-empty string`);
    }
  }
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return value as Readonly<Record<string, string>>;
}
