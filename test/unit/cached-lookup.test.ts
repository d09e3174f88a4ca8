import { cachedLookup } from '../../lambdas/core/cached-lookup';
import { fakeClock, settle } from './fixtures';

const TTL = 60_000;

/** A store in memory that counts reads, can be held open, and can be told to fail. */
function fakeStore(values: Record<string, string>) {
  const reads: string[] = [];
  let failure: Error | undefined;
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  return {
    reads,
    fail: (err: Error | undefined) => {
      failure = err;
    },
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      open();
      gate = undefined;
    },
    load: async (key: string): Promise<string | undefined> => {
      reads.push(key);
      if (gate) await gate;
      if (failure) throw failure;
      return values[key];
    },
  };
}

function setup(maxEntries = 100) {
  const clock = fakeClock();
  const store = fakeStore({ a: 'A', b: 'B', c: 'C' });
  const lookup = cachedLookup(store.load, { ttlMs: TTL, maxEntries, now: clock.now });
  return { clock, store, lookup };
}

describe('cachedLookup', () => {
  it('loads once and serves hits within the TTL', async () => {
    const { clock, store, lookup } = setup();
    expect(await lookup('a')).toBe('A');
    clock.advance(TTL - 1);
    expect(await lookup('a')).toBe('A');
    expect(store.reads).toEqual(['a']);
  });

  it('caches "not found" for the shorter miss TTL (10 s by default), so a new key is found soon', async () => {
    const { clock, store, lookup } = setup();
    for (let i = 0; i < 5; i++) expect(await lookup('nope')).toBeUndefined();
    expect(store.reads).toEqual(['nope']);
    clock.advance(9_999);
    await lookup('nope');
    expect(store.reads).toEqual(['nope']);
    clock.advance(1);
    await lookup('nope');
    expect(store.reads).toEqual(['nope', 'nope']);
  });

  it('reloads once the TTL has passed, counted from when the load started, however slow the read', async () => {
    const { clock, store, lookup } = setup();
    store.hold();
    const first = lookup('a');
    clock.advance(10_000); // a slow read
    store.release();
    await first;
    clock.advance(TTL - 10_001);
    await lookup('a');
    expect(store.reads).toHaveLength(1);
    clock.advance(1);
    expect(await lookup('a')).toBe('A');
    expect(store.reads).toEqual(['a', 'a']);
  });

  it('shares one load among concurrent misses for a key', async () => {
    const { store, lookup } = setup();
    store.hold();
    const results = Array.from({ length: 50 }, () => lookup('a'));
    results.push(lookup('b'));
    store.release();
    expect(await Promise.all(results)).toEqual([...Array<string>(50).fill('A'), 'B']);
    expect(store.reads).toEqual(['a', 'b']);
  });

  it('does not cache a failure: the next call loads again', async () => {
    const { store, lookup } = setup();
    const outage = new Error('throttled');
    store.fail(outage);
    await expect(lookup('a')).rejects.toBe(outage);
    await settle();
    store.fail(undefined);
    expect(await lookup('a')).toBe('A');
    expect(store.reads).toEqual(['a', 'a']);
  });

  it('gives concurrent callers of a failing load the same failure, then forgets it', async () => {
    const { store, lookup } = setup();
    store.fail(new Error('down'));
    store.hold();
    const both = [lookup('a'), lookup('a')];
    store.release();
    const outcomes = await Promise.allSettled(both);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(store.reads).toEqual(['a']);
    await settle();
    store.fail(undefined);
    expect(await lookup('a')).toBe('A');
    expect(store.reads).toEqual(['a', 'a']);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { store, lookup } = setup(2);
    await lookup('a');
    await lookup('b');
    await lookup('a'); // a is now the most recently used
    await lookup('c'); // so b goes
    await lookup('a');
    await lookup('c');
    expect(store.reads).toEqual(['a', 'b', 'c']);
    await lookup('b');
    expect(store.reads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('bounds a flood of distinct unknown keys in a cache of their own, one read per key', async () => {
    const clock = fakeClock();
    const store = fakeStore({ a: 'A' });
    const lookup = cachedLookup(store.load, { ttlMs: TTL, maxEntries: 10, maxMisses: 50, now: clock.now });
    for (let i = 0; i < 100; i++) await lookup(`unknown-${i}`);
    expect(store.reads).toHaveLength(100);
    await lookup('unknown-99'); // among the last 50: kept
    expect(store.reads).toHaveLength(100);
    await lookup('unknown-0'); // dropped: read again
    expect(store.reads).toHaveLength(101);
  });

  it('never lets unknown keys evict a known one', async () => {
    const { store, lookup } = setup(2);
    await lookup('a');
    await lookup('b');
    for (let i = 0; i < 1_000; i++) await lookup(`junk-${i}`);
    await lookup('a');
    await lookup('b');
    expect(store.reads.filter((key) => !key.startsWith('junk-'))).toEqual(['a', 'b']);
  });
});
