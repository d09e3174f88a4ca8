import type { FieldChange } from './brand-config-diff';
import type { ErrorCode } from './errors';

/**
 * When a brand change must reach API Gateway's cached authorizer decisions, and when a second flush must follow.
 *
 * A flush right after the write is not enough: the authorizer function keeps each brand's config in memory for its
 * brand-cache TTL, so a request the flush lets through may be decided, and cached again, on the old config for as long
 * as that. A second flush once every such cache has run out closes the gap: the change then reaches every token within
 * the brand-cache TTL + FOLLOW_UP_MARGIN_SECONDS + the time the second flush takes, where it would otherwise take the
 * brand-cache TTL + the result-cache TTL.
 */

/** Config fields no authorizer decision depends on: a change of only these leaves cached decisions right. */
const DECISION_INDIFFERENT_FIELDS: ReadonlySet<string> = new Set(['displayName', 'userinfoEndpoint', 'discoveryUrl', 'endSessionEndpoint', 'fieldMappings']);

/**
 * A replace that changes what the authorizer decides (its status, issuer, keys, audiences, algorithms, token types,
 * scopes, lifetimes, …) flushes the caches whether or not it was asked to, so that it reaches tokens already seen.
 * A field not named as indifferent counts, so a new config field is safe by default.
 */
export function changesDecisions(diff: Readonly<Record<string, FieldChange>>): boolean {
  return Object.keys(diff).some((field) => !DECISION_INDIFFERENT_FIELDS.has(field));
}

/**
 * How long after a brand-cache TTL the second flush runs: an eventually consistent read of the brand may return the
 * old config for up to about a second after the write, and a decision on it may still be in flight for the authorizer's
 * JWKS fetch (3 s at most) before API Gateway caches it. The flush itself then takes a second or two, which keeps the
 * whole within the brand-cache TTL + 10 s.
 */
export const FOLLOW_UP_MARGIN_SECONDS = 5;

/**
 * When to flush again after a change at `changedAtMs`: once each distinct brand-cache TTL of the authorizers using the
 * registered API stages has run out (with the margin), earliest first, so each authorizer's budget holds.
 */
export function followUpTimes(changedAtMs: number, brandCacheTtlsSeconds: Iterable<number>): number[] {
  return [...new Set(brandCacheTtlsSeconds)].sort((a, b) => a - b).map((ttl) => changedAtMs + (ttl + FOLLOW_UP_MARGIN_SECONDS) * 1000);
}

/** What one flush of the registered API stages reached. */
export interface StagesFlushOutcome {
  /** Each stage flushed, as `<restApiId>/<stageName>`. */
  readonly flushed: readonly string[];
  /** The stages whose flush failed, with the stable code of why (the reason is logged, not answered). */
  readonly failed: readonly { readonly stage: string; readonly code: ErrorCode }[];
  /** The registry of API stages could not be read, so no stage was flushed: why. */
  readonly registryError?: ErrorCode;
}

/**
 * The `flush` of an admin answer. `ok` is false when a stage was not flushed now or the follow-up flush could not be
 * scheduled; `reason` then says which, in words an operator can act on, with stable codes only.
 */
export interface FlushReport extends StagesFlushOutcome {
  readonly ok: boolean;
  readonly reason?: string;
  /** When the follow-up flushes run (ISO 8601), one per brand-cache TTL of the registered stages' authorizers. */
  readonly followUpAt: readonly string[];
}

/** The report of a flush now and the follow-ups scheduled at `followUps` (`followUpError`: why some could not be). */
export function flushReport(now: StagesFlushOutcome, followUps: { readonly at: readonly number[]; readonly error?: ErrorCode }): FlushReport {
  const reasons: string[] = [];
  if (now.registryError !== undefined) reasons.push(`the registry of API stages could not be read (${now.registryError}), so no stage was flushed now`);
  if (now.failed.length > 0) reasons.push(`${now.failed.length} of ${now.failed.length + now.flushed.length} API stages could not be flushed now`);
  if (followUps.error !== undefined) reasons.push(`the follow-up flush after the brand-cache TTL could not be scheduled (${followUps.error})`);
  return {
    ok: reasons.length === 0,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    flushed: now.flushed,
    failed: now.failed,
    ...(now.registryError === undefined ? {} : { registryError: now.registryError }),
    followUpAt: followUps.at.map((at) => new Date(at).toISOString()),
  };
}

/** The report when the flush itself failed unexpectedly: the change is stored all the same. */
export function failedFlushReport(code: ErrorCode): FlushReport {
  return { ok: false, reason: `the authorizer caches could not be flushed (${code})`, flushed: [], failed: [], followUpAt: [] };
}
