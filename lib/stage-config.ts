import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_QUOTA_TIERS, type QuotaTiers } from '../lambdas/core/quota-tiers';
import { CIAM_AUTHORIZER_DEFAULTS } from './ciam-authorizer-defaults';

/** Per-stage deployment settings. */
export interface StageConfig {
  /** Stage name: API Gateway stage, stack name suffix and the functions' `STAGE`. */
  readonly stage: string;
  /**
   * How long API Gateway caches an authorizer decision per (Authorization, X-Brand-Id). With the authorizer's
   * revocation cache TTL, it bounds how long a revoked token gets through (`revocationDelay`).
   */
  readonly authorizerResultsCacheTtlSeconds: number;
  /** How long the authorizer keeps a brand's configuration in memory. */
  readonly brandConfigCacheTtlSeconds: number;
  /** How long audit records of customer changes are kept (DynamoDB TTL), in days. */
  readonly auditRetentionDays: number;
  /** Retention of every log group the stack creates. */
  readonly logRetentionDays: RetentionDays;
  /** What happens to stateful resources (the tables) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
  /** X-Ray active tracing on the API stage and every function. */
  readonly tracing: boolean;
  /** Per-brand quotas: one usage plan per tier (rate and burst per second, quota per day), each brand's API key in its tier's. */
  readonly quotaTiers: QuotaTiers;
  /**
   * Concurrency reserved for the authorizer, so a flood (throttled by the usage plans only after the authorizer ran)
   * cannot starve the other functions; undefined: none (a new account's concurrency limit may be too low to reserve).
   */
  readonly authorizerReservedConcurrency?: number;
}

/** Lowercase letter first, then 1 to 20 lowercase letters, digits or hyphens. */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,20}$/;

type StageSettings = Omit<StageConfig, 'stage'>;

const DEV: StageSettings = {
  authorizerResultsCacheTtlSeconds: CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl.toSeconds(),
  brandConfigCacheTtlSeconds: 30,
  auditRetentionDays: 30,
  logRetentionDays: RetentionDays.TWO_WEEKS,
  removalPolicy: RemovalPolicy.DESTROY,
  pointInTimeRecovery: true,
  tracing: true,
  quotaTiers: DEFAULT_QUOTA_TIERS,
};

const PROD: StageSettings = {
  authorizerResultsCacheTtlSeconds: CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl.toSeconds(),
  brandConfigCacheTtlSeconds: 60,
  auditRetentionDays: 400,
  logRetentionDays: RetentionDays.ONE_YEAR,
  removalPolicy: RemovalPolicy.RETAIN,
  pointInTimeRecovery: true,
  tracing: true,
  quotaTiers: DEFAULT_QUOTA_TIERS,
  // At 512 MB a warm decision costs well under a millisecond of CPU: 100 instances decide many thousands per second.
  authorizerReservedConcurrency: 100,
};

/** Other valid names (feature or personal stages) get dev settings. */
const KNOWN_STAGES: Readonly<Record<string, StageSettings>> = { dev: DEV, prod: PROD };

/** `local` is the local emulator, which never deploys. */
const RESERVED_STAGES: ReadonlySet<string> = new Set(['local']);

/** The settings of a deployable stage; throws on a name that cannot be deployed. */
export function resolveStageConfig(stage: string): Readonly<StageConfig> {
  if (!STAGE_NAME_PATTERN.test(stage)) {
    throw new Error(
      `Invalid stage name ${JSON.stringify(stage)}: it must match ${STAGE_NAME_PATTERN} ` +
        '(a lowercase letter, then 1 to 20 lowercase letters, digits or hyphens).',
    );
  }
  if (RESERVED_STAGES.has(stage)) {
    throw new Error(`Stage "${stage}" is reserved for the local emulator and cannot be deployed.`);
  }
  return Object.freeze({ stage, ...(KNOWN_STAGES[stage] ?? DEV) });
}
