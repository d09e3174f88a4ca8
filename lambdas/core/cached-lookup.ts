/**
 * Wraps a lookup in a bounded in-memory cache with a TTL. "Not found" is cached like a hit, so a flood of
 * unknown keys costs one read per key per TTL; concurrent misses for one key share a single load; a failed
 * load is not cached.
 */
export interface CachedLookupOptions {
  readonly ttlMs: number;
  /** Entries kept; the least recently used is dropped beyond this. */
  readonly maxEntries: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export type Lookup<T> = (key: string) => Promise<T | undefined>;

export function cachedLookup<T>(load: Lookup<T>, options: CachedLookupOptions): Lookup<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Promise<T | undefined>; expiresAt: number }>();
  return (key) => {
    const hit = entries.get(key);
    entries.delete(key); // re-inserted below: Map order is the LRU order
    if (hit && hit.expiresAt > now()) {
      entries.set(key, hit);
      return hit.value;
    }
    const value = load(key);
    const entry = { value, expiresAt: Number.POSITIVE_INFINITY }; // until settled: joins concurrent misses
    entries.set(key, entry);
    value.then(
      () => {
        entry.expiresAt = now() + options.ttlMs;
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    return value;
  };
}
