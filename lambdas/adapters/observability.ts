import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { InternalError, UpstreamError, type CiamGatewayError } from '../core/errors';

/**
 * Structured logs and EMF metrics. Service name and namespace come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE, which the stack writes from the environment contract (function-environment.ts) and
 * Powertools reads itself. Only codes and our own messages are logged: never a header value that could hold a
 * credential, and never the token.
 */
interface Powertools {
  readonly logger: import('@aws-lambda-powertools/logger').Logger;
  readonly metrics: import('@aws-lambda-powertools/metrics').Metrics;
}
let loaded: Powertools | undefined;

/**
 * Powertools, loaded on first use rather than at cold start: an authorizer's first decision, when it allows, logs
 * nothing and publishes nothing, and loading the two packages would add about a quarter to its cold start (see the
 * README's Performance section). Hence `require`, which the bundle evaluates only when called, where an `import`
 * would be evaluated at load.
 */
export function powertools(): Powertools {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { Logger } = require('@aws-lambda-powertools/logger') as typeof import('@aws-lambda-powertools/logger');
    const { Metrics } = require('@aws-lambda-powertools/metrics') as typeof import('@aws-lambda-powertools/metrics');
    /* eslint-enable @typescript-eslint/no-require-imports */
    loaded = { logger: new Logger(), metrics: new Metrics() };
  }
  return loaded;
}

/** The handlers' structured logger. */
export const logger = {
  warn: (message: string, fields: LogAttributes): void => powertools().logger.warn(message, fields),
  error: (message: string, fields: LogAttributes): void => powertools().logger.error(message, fields),
};

/** What handlers report; injected, so tests see refusals without spying on modules. */
export interface Observability {
  /**
   * One count per refusal, by stable code, and one log line (at most 10 a second per code); a dependency failure is
   * published at once.
   */
  recordRefusal(error: CiamGatewayError, fields: Readonly<Record<string, string | undefined>>): void;
  /** A good token that lacks the brand's required scopes: every route is denied. */
  recordMissingScopes(fields: { readonly brandId: string; readonly missing: readonly string[] }): void;
  recordAuthorized(): void;
}

/**
 * Counts are kept in memory and published as one EMF line at most once a second (dependency failures at once):
 * an EMF line per authorizer call would cost each call microseconds and each million calls a log-ingestion bill.
 * What a container counted in its last second before being reaped is lost; CloudWatch alarms on these tolerate it.
 */
const FLUSH_INTERVAL_MS = 1000;
const counts = new Map<string, number>();
let lastFlushAt = Date.now();

export function countMetric(name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

export function flushMetrics(options: { force?: boolean; now?: number } = {}): void {
  const now = options.now ?? Date.now();
  if (counts.size === 0 || (!options.force && now - lastFlushAt < FLUSH_INTERVAL_MS)) return;
  const { metrics } = powertools();
  for (const [name, value] of counts) metrics.addMetric(name, 'Count', value);
  counts.clear();
  lastFlushAt = now;
  metrics.publishStoredMetrics();
}

/** A failure of ours or of a dependency, as opposed to a refused caller: logged as an error and published at once. */
function isDependencyFailure(error: CiamGatewayError): boolean {
  return error instanceof UpstreamError || error instanceof InternalError;
}

/**
 * Refusals are logged one line each, up to REFUSAL_LINES_PER_SECOND a second per code; beyond that, the next second
 * starts with one line giving how many were left out. Every refusal is still counted in the metrics. Without the
 * limit, a flood of garbage tokens would buy a log line each: time on the hot path, and an ingestion bill an
 * attacker sets.
 */
const REFUSAL_LINES_PER_SECOND = 10;
const refusalLogWindows = new Map<string, { startedAt: number; logged: number; leftOut: number }>();

function refusalLineAllowed(code: string, now: number): boolean {
  let window = refusalLogWindows.get(code);
  if (!window || now - window.startedAt >= 1000) {
    if (window && window.leftOut > 0) logger.warn('refusals not logged', { code, leftOut: window.leftOut, since: new Date(window.startedAt).toISOString() });
    window = { startedAt: now, logged: 0, leftOut: 0 };
    refusalLogWindows.set(code, window);
  }
  if (window.logged >= REFUSAL_LINES_PER_SECOND) {
    window.leftOut += 1;
    return false;
  }
  window.logged += 1;
  return true;
}

/** @param now epoch milliseconds. @default Date.now() */
export function recordRefusal(error: CiamGatewayError, fields: Readonly<Record<string, string | undefined>>, now = Date.now()): void {
  const dependencyFailed = isDependencyFailure(error);
  if (refusalLineAllowed(error.code, now)) {
    logger[dependencyFailed ? 'error' : 'warn']('request refused', { code: error.code, reason: error.message, ...fields });
  }
  countMetric(`Refused_${error.code}`);
  flushMetrics({ force: dependencyFailed, now });
}

/** Powertools logs and EMF metrics: what every deployed handler reports to. */
export const observability: Observability = {
  recordRefusal,
  recordMissingScopes: ({ brandId, missing }) => {
    logger.warn('brand scopes missing', { code: 'INSUFFICIENT_SCOPE', brandId, missing });
    countMetric('Refused_INSUFFICIENT_SCOPE');
  },
  recordAuthorized: () => {
    countMetric('Authorized');
    flushMetrics();
  },
};
