import { Duration } from 'aws-cdk-lib';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** What a CiamAuthorizer gets when its props leave a setting out. */
export const CIAM_AUTHORIZER_DEFAULTS = {
  // Short, so that a revoked token is refused within REVOCATION_BUDGET: see revocationDelay.
  resultsCacheTtl: Duration.seconds(5),
  brandConfigCacheTtl: Duration.seconds(60),
  revocationCacheTtl: Duration.seconds(10),
  memorySize: 512,
  // API Gateway waits at most 30 s for an authorizer; a healthy one answers in milliseconds, so fail fast.
  timeout: Duration.seconds(5),
  architecture: Architecture.ARM_64,
  tracing: Tracing.ACTIVE,
  logRetention: RetentionDays.ONE_YEAR,
} as const;

/** Bounds the props are validated against. */
export const CIAM_AUTHORIZER_LIMITS = {
  /** API Gateway accepts an authorizer result TTL of 0 to 3600 seconds. */
  resultsCacheTtlSeconds: { min: 0, max: 3600 },
  /** Longer than an hour and a brand's key or scope change takes too long to apply. */
  brandConfigCacheTtlSeconds: { min: 0, max: 3600 },
  /** The function's own bound (REVOCATION_CACHE_TTL_SECONDS). */
  revocationCacheTtlSeconds: { min: 0, max: 60 },
  /** Lambda's memory range. */
  memorySizeMb: { min: 128, max: 10_240 },
  /** Lambda's limit on a function's environment variables, names and values together. */
  environmentBytes: 4096,
} as const;

/** The authorizer's Powertools service name (logs and metrics); callers cannot override it. */
export const CIAM_AUTHORIZER_SERVICE_NAME = 'ciam-authorizer';

/** How soon after a logout or revocation its tokens are refused everywhere, at the default settings. */
export const REVOCATION_BUDGET = Duration.seconds(15);

/**
 * The longest a revoked token still gets through an API: an authorizer instance may have read "not revoked" just
 * before the revocation and keep it for `revocationCacheTtl` (the read is strongly consistent and its TTL runs from
 * the read), and a decision it makes at the end of that time is cached by API Gateway for `resultsCacheTtl` more.
 * The customer routes check the revocation table themselves, so there a revoked token is refused at once.
 */
export function revocationDelay(resultsCacheTtl: Duration, revocationCacheTtl: Duration): Duration {
  return Duration.seconds(resultsCacheTtl.toSeconds() + revocationCacheTtl.toSeconds());
}
