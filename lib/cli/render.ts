import type { ProviderPreset } from '../../lambdas/core/provider-presets';
import { oneLine } from './explain-failure';

/** The text the commands print on success (`--json` prints the answer itself instead). */

type Body = Readonly<Record<string, unknown>>;

const records = (value: unknown): Body[] => (Array.isArray(value) ? value.filter((item): item is Body => typeof item === 'object' && item !== null) : []);

/** A brand config value as JSON, or `(none)` where the field is absent (the dry run says `null`: no config field holds null). */
const shown = (value: unknown): string => (value === undefined || value === null ? '(none)' : JSON.stringify(value));

/** One brand per line: id, status, provider, version, display name, tab-separated for `cut` and `awk`. */
export function brandList(body: Body): string {
  const brands = records(body.brands);
  if (brands.length === 0) return 'no brands';
  return brands.map((b) => [b.brandId, b.status, b.provider, `v${String(b.version)}`, b.displayName].map((v) => oneLine(String(v))).join('\t')).join('\n');
}

export function putResult(brandId: string, created: boolean, body: Body): string {
  const changed = Array.isArray(body.changedFields) ? body.changedFields.map(String).join(', ') : '';
  return `${created ? 'created' : 'replaced'} ${brandId} at version ${String(body.version)}; changed: ${changed || 'nothing'}`;
}

export function disableResult(brandId: string, body: Body): string {
  return `disabled ${brandId} (version ${String(body.version)}); its tokens are refused once caches refresh`;
}

export function enableResult(brandId: string, body: Body): string {
  return `enabled ${brandId} (version ${String(body.version)}); its tokens are accepted once caches refresh`;
}

/**
 * A brand's audit page, one record per line: time, kind, action, who, and what it was about (tab-separated); then
 * the cursor of the next page, if there is one.
 */
export function auditLines(body: Body): string {
  const entries = records(body.entries);
  const lines = entries.map((e) => {
    const about = [e.version === undefined ? undefined : `v${String(e.version)}`, e.cuid, e.sid === undefined ? undefined : `sid ${String(e.sid)}`, e.customerId]
      .filter((part) => part !== undefined)
      .join(' ');
    return [e.at, e.kind, e.action, e.actor ?? e.source ?? '', about].map((v) => oneLine(String(v))).join('\t');
  });
  if (entries.length === 0) lines.push('no audit records');
  if (typeof body.next === 'string') lines.push(`more: --cursor ${oneLine(body.next)}`);
  return lines.join('\n');
}

/**
 * What a change's authorizer-cache flush did, when there was one (`flush` in the answer): on stdout when it all
 * worked, else a warning for stderr. The change is stored either way.
 */
export function flushResult(brandId: string, body: Body): { readonly info?: string; readonly warning?: string } {
  const flush = typeof body.flush === 'object' && body.flush !== null ? (body.flush as Body) : undefined;
  if (!flush) return {};
  if (flush.ok !== true) {
    const reason = typeof flush.reason === 'string' ? oneLine(flush.reason) : 'the gateway did not say why';
    return {
      warning:
        `warning: ${brandId} is saved at version ${String(body.version)}, but the authorizer caches were not all flushed: ${reason}. ` +
        'Decisions cached before the change may be served until the authorizer result-cache TTL runs out.',
    };
  }
  const stages = Array.isArray(flush.flushed) ? flush.flushed.length : 0;
  const again = Array.isArray(flush.followUpAt) ? flush.followUpAt.map((at) => oneLine(String(at))) : [];
  return {
    info: `flushed the authorizer caches of ${stages} API stage${stages === 1 ? '' : 's'}` +
      (again.length > 0 ? `; again at ${again.join(', ')}, once the authorizers' brand caches have run out` : ''),
  };
}

/** A warning when a stored change's API key sync fell short (the change is stored all the same). */
export function keySyncWarning(brandId: string, body: Body): string | undefined {
  const sync = typeof body.keySync === 'object' && body.keySync !== null ? (body.keySync as Body) : undefined;
  if (!sync || sync.ok === true) return undefined;
  return `warning: ${brandId} is saved at version ${String(body.version)}, but its API key could not be synced (${oneLine(String(sync.code))}): ` +
    'run brands sync-keys. Until then its quota follows the key as it was, or, for a new brand, its requests get 403.';
}

/** `ok   acme: key enabled, tier standard` or `FAIL acme: FETCH_FAILED`, one line per brand of a key sync. */
export function keySyncLines(body: Body): string {
  if (body.quotas === false) return 'no quotas on this stage: there are no API keys to sync';
  const lines = records(body.brands).map((b) =>
    b.ok === true
      ? `ok   ${oneLine(String(b.brandId))}: key ${b.enabled === true ? 'enabled' : 'disabled'}, tier ${oneLine(String(b.tier))}`
      : `FAIL ${oneLine(String(b.brandId))}: ${oneLine(String(b.code))}`);
  return lines.length > 0 ? lines.join('\n') : 'no brands';
}

/** `ok   discovery: …` or `FAIL jwks: …`, one line per step of the onboarding check. */
export function checkSteps(body: Body): string {
  return records(body.steps).map((s) => `${s.ok === true ? 'ok  ' : 'FAIL'} ${oneLine(String(s.step))}: ${oneLine(String(s.detail))}`).join('\n');
}

/** The dry run's changes, `field: <before> -> <after>` per field, or `no differences`. */
export function diffLines(body: Body): string {
  const changes = typeof body.changes === 'object' && body.changes !== null ? Object.entries(body.changes as Record<string, Body>) : [];
  if (changes.length === 0) return 'no differences';
  return changes.map(([field, change]) => `${oneLine(field)}: ${shown(change?.before)} -> ${shown(change?.after)}`).join('\n');
}

/** Each preset: its provider, what to know about the vendor, and the `--input`s it takes. */
export function presetList(presets: readonly ProviderPreset[]): string {
  return presets
    .map((p) => `${p.provider}\n  ${p.notes}\n${p.inputs.map((i) => `  --input ${i.name}=…${i.required ? '' : ' (optional)'}  ${i.help}`).join('\n')}`)
    .join('\n\n');
}
