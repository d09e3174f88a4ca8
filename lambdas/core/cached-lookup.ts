/**
 * Wraps a lookup in bounded in-memory caches with a TTL. Found values and "not found" answers are kept apart:
 * misses get a short TTL and an LRU of their own, so a flood of unknown keys (junk brand ids) costs one read per key
 * and can never evict a known one. Concurrent lookups of one key share a single load; a failed load is not cached.
 */
export interface CachedLookupOptions {
  /** How long a found value is kept. */
  readonly ttlMs: number;
  /** Found values kept; the least recently used is dropped beyond this. */
  readonly maxEntries: number;
  /** How long "not found" is kept. @default the shorter of `ttlMs` and 10 s */
  readonly missTtlMs?: number;
  /** "Not found" answers kept, apart from found values. @default 10,000 */
  readonly maxMisses?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export type Lookup<T> = (key: string) => Promise<T | undefined>;

/** A newly added key (a brand just onboarded) is found this soon after a lookup missed it. */
const DEFAULT_MISS_TTL_MS = 10_000;
const DEFAULT_MAX_MISSES = 10_000;

/** An LRU with a TTL per entry; Map iteration order is insertion order, so re-inserting marks an entry used. */
export class ExpiringLru<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): { readonly value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export function cachedLookup<T>(load: Lookup<T>, options: CachedLookupOptions): Lookup<T> {
  const now = options.now ?? Date.now;
  const missTtlMs = options.missTtlMs ?? Math.min(options.ttlMs, DEFAULT_MISS_TTL_MS);
  const found = new ExpiringLru<T>(options.maxEntries);
  const missing = new ExpiringLru<undefined>(options.maxMisses ?? DEFAULT_MAX_MISSES);
  const loading = new Map<string, Promise<T | undefined>>();
  return (key) => {
    const at = now();
    const hit = found.get(key, at) ?? missing.get(key, at);
    if (hit) return Promise.resolve(hit.value);
    const inFlight = loading.get(key);
    if (inFlight) return inFlight;
    const value = load(key);
    loading.set(key, value);
    value.then(
      (result) => {
        loading.delete(key);
        // TTLs run from when the load started: what it read is never served longer than the TTL after it was read,
        // however slow the read, which is what the brand-change and revocation budgets count on.
        if (result === undefined) missing.set(key, undefined, at + missTtlMs);
        else found.set(key, result, at + options.ttlMs);
      },
      () => loading.delete(key),
    );
    return value;
  };
}
