import type { BrandConfig } from './brand-config';

/** One field's value before and after a change; `null` where the field is absent. */
export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * Field name → before/after, for every top-level field whose value differs (status included): what the admin
 * store audits and what a dry run shows. `before` undefined (a new brand) lists every field of `after`.
 * Objects are compared by content, so `fieldMappings` written in another key order is no change; list order is.
 */
export function diffBrandConfigs(before: BrandConfig | undefined, after: BrandConfig): Record<string, FieldChange> {
  const diff: Record<string, FieldChange> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]) as Set<keyof BrandConfig>;
  for (const key of keys) {
    const was = before?.[key];
    const now = after[key];
    if (canonical(was) !== canonical(now)) diff[key] = { before: was ?? null, after: now ?? null };
  }
  return diff;
}

/** JSON with object keys sorted: equal for equal content whatever order the keys were written in. */
function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
}
