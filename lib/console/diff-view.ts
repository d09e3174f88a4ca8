/**
 * A dry run's `changes` (field → before/after, lambdas/core/brand-config-diff.ts) as rows of text: strings as they
 * are, anything else as JSON, an absent value as nothing.
 */
export interface DiffRow {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export function diffRows(changes: unknown): DiffRow[] {
  if (typeof changes !== 'object' || changes === null) return [];
  return Object.entries(changes as Record<string, { before?: unknown; after?: unknown }>)
    .map(([field, change]) => ({ field, before: shown(change?.before), after: shown(change?.after) }))
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
