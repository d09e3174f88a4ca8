import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { InternalError, UpstreamError, type CiamGatewayError } from '../core/errors';

/**
 * Structured logs and EMF metrics. Service name and namespace come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE, which the stack writes from the environment contract (function-environment.ts) and
 * Powertools reads itself. Only codes and our own messages are logged: never a header value that could hold a
 * credential, and never the token.
 */
interface Powertools {
  readonly logger: import('./powertools').Logger;
  readonly metrics: import('./powertools').Metrics;
}
let loaded: Powertools | undefined;

/**
 * Powertools, loaded on first use rather than at cold start: an authorizer's first decision, when it allows, logs
 * nothing and publishes nothing, and loading the two packages would add about a quarter to its cold start (see the
 * README's Performance section). Hence `require`, evaluated only when called, where an `import` would be evaluated
 * at load; the build keeps `./powertools` out of the function's bundle, as a file beside it (lib/build/function-assets.ts).
 */
export function powertools(): Powertools {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Logger, Metrics } = require('./powertools') as typeof import('./powertools');
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
  /** Per-brand metrics (no log line); optional, so a report that only logs, as local mode's does, leaves them out. */
  recordBrandMetric?(metric: BrandMetric): void;
}

/**
 * What a decision ended in, deny by reason class: the few values each brand's `Decisions` metric is split by.
 * `deny_brand_unknown` is for a brand id the table does not hold, which is only ever counted under `-`.
 */
export type DecisionOutcome = 'allow' | 'deny_token' | 'deny_revoked' | 'deny_scope' | 'deny_disabled' | 'deny_brand_unknown' | 'deny_dependency';

/** What a link or register call ended in: 4xx refusals apart from failures of ours or of a dependency (5xx). */
export type CustomerWriteOutcome = 'link_created' | 'link_existing' | 'registered' | 'refused' | 'failed';

/**
 * One per-brand data point. Each brand multiplies what CloudWatch bills (one custom metric per name and set of
 * dimension values), so the dimensions are the brand and, for two of them, an outcome from a closed list: 17 metrics
 * a brand at most (README, "Metrics, dashboard and alarms").
 */
export type BrandMetric =
  | { readonly name: 'Decisions'; readonly brand: string; readonly outcome: DecisionOutcome }
  | { readonly name: 'JwksFailures'; readonly brand: string }
  | { readonly name: 'UserinfoLatency'; readonly brand: string; readonly milliseconds: number }
  | { readonly name: 'UserinfoErrors'; readonly brand: string }
  | { readonly name: 'IntrospectionLatency'; readonly brand: string; readonly milliseconds: number }
  | { readonly name: 'IntrospectionErrors'; readonly brand: string }
  | { readonly name: 'CustomerWrites'; readonly brand: string; readonly outcome: CustomerWriteOutcome };

/** The brand dimension of a brand id the brand table does not hold (junk an attacker picks, or a typo). */
export const UNKNOWN_BRAND = '-';

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

/**
 * Per-brand points, aggregated like the counts: one entry per metric name and dimension values, published as one EMF
 * line per brand and outcome. Latencies keep each value (EMF takes up to 100 per line; Powertools publishes early
 * beyond that).
 */
interface BrandSeries {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Map<string, { readonly unit: 'Count' | 'Milliseconds'; readonly values: number[] }>;
}
const brandSeries = new Map<string, BrandSeries>();

export function countBrandMetric(metric: BrandMetric): void {
  const outcome = 'outcome' in metric ? metric.outcome : undefined;
  const key = outcome === undefined ? metric.brand : `${metric.brand} ${outcome}`; // brand ids have no spaces
  let series = brandSeries.get(key);
  if (!series) {
    series = { dimensions: outcome === undefined ? { brand: metric.brand } : { brand: metric.brand, outcome }, values: new Map() };
    brandSeries.set(key, series);
  }
  const unit = 'milliseconds' in metric ? 'Milliseconds' : 'Count';
  const entry = series.values.get(metric.name);
  const value = 'milliseconds' in metric ? metric.milliseconds : 1;
  if (!entry) series.values.set(metric.name, { unit, values: [value] });
  else if (unit === 'Count') entry.values[0] = (entry.values[0] ?? 0) + 1;
  else entry.values.push(value);
}

export function flushMetrics(options: { force?: boolean; now?: number } = {}): void {
  const now = options.now ?? Date.now();
  if (!options.force && now - lastFlushAt < FLUSH_INTERVAL_MS) return;
  // A forced flush starts a new interval even with nothing to publish.
  lastFlushAt = now;
  if (counts.size === 0 && brandSeries.size === 0) return;
  const { metrics } = powertools();
  if (counts.size > 0) {
    for (const [name, value] of counts) metrics.addMetric(name, 'Count', value);
    counts.clear();
    metrics.publishStoredMetrics();
  }
  for (const { dimensions, values } of brandSeries.values()) {
    // addDimension (not addDimensions, which starts a separate dimension set) joins the service dimension's set.
    for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
    for (const [name, entry] of values) for (const value of entry.values) metrics.addMetric(name, entry.unit, value);
    metrics.publishStoredMetrics();
  }
  brandSeries.clear();
}

/** A failure of ours or of a dependency, as opposed to a refused caller: logged as an error and published at once. */
export function isDependencyFailure(error: CiamGatewayError): boolean {
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

/** A dependency's failures, published at once as refusals by a dependency are. */
const PUBLISHED_AT_ONCE: ReadonlySet<BrandMetric['name']> = new Set(['JwksFailures', 'UserinfoErrors', 'IntrospectionErrors']);

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
  recordBrandMetric: (metric) => {
    countBrandMetric(metric);
    flushMetrics({ force: PUBLISHED_AT_ONCE.has(metric.name) || (metric.name === 'CustomerWrites' && metric.outcome === 'failed') });
  },
};

/** The reason class a refusal is counted under in its brand's `Decisions`. */
export function denyOutcome(error: CiamGatewayError): DecisionOutcome {
  if (isDependencyFailure(error)) return 'deny_dependency';
  switch (error.code) {
    case 'TOKEN_REVOKED':
      return 'deny_revoked';
    case 'BRAND_DISABLED':
      return 'deny_disabled';
    case 'BRAND_UNKNOWN':
    case 'BRAND_HEADER_INVALID':
      return 'deny_brand_unknown';
    case 'INSUFFICIENT_SCOPE':
      return 'deny_scope';
    default:
      return 'deny_token';
  }
}

/**
 * A refusal because the brand's signing keys could not be loaded. The authorizer's only fetch is the brand's JWKS
 * (discovery documents are read by the onboarding check, not at decision time), so every fetch failure it reports
 * is one.
 */
export function isJwksFailure(error: CiamGatewayError): boolean {
  return error.code === 'JWKS_UNAVAILABLE' || error.code === 'JWKS_INVALID' || error.code.startsWith('FETCH_');
}
