import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TokenError, UpstreamError } from '../../lambdas/core/errors';
import { JwksCache, parseJwks } from '../../lambdas/core/jwks-cache';
import { makeKey, type TestKey } from '../support/tokens';
import { fakeClock, fakeJwksSource, type FakeJwksSource } from './fixtures';

const URI = 'https://login.brand-a.example/jwks';
const MAX_AGE = 600_000;
const COOLDOWN = 30_000;

let a1: TestKey, a2: TestKey, es: TestKey;
beforeAll(async () => {
  [a1, a2, es] = await Promise.all([makeKey('a1'), makeKey('a2'), makeKey('es1', 'ES256')]);
});

function setup(document: unknown, options: { maxUris?: number } = {}) {
  const clock = fakeClock();
  const source = fakeJwksSource(document);
  const cache = new JwksCache({ fetchJwks: source.fetchJwks, maxAgeMs: MAX_AGE, cooldownMs: COOLDOWN, now: clock.now, ...options });
  return { clock, source, cache };
}

const same = (actual: KeyObject, expected: TestKey): boolean => actual.equals(expected.publicKey);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('JwksCache', () => {
  it('serves a fresh cached key without fetching again', async () => {
    const { source, cache } = setup({ keys: [a1.jwk] });
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toEqual([URI]);
  });

  it('refetches a set older than maxAge', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    clock.advance(MAX_AGE - 1);
    await cache.getKey(URI, 'a1', 'RS256');
    expect(source.calls).toHaveLength(1);
    clock.advance(1);
    await cache.getKey(URI, 'a1', 'RS256');
    expect(source.calls).toHaveLength(2);
  });

  it('refetches once for an unknown kid, then not again within the cooldown, then exactly once more', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    clock.advance(COOLDOWN);

    const unknown = () => rejection(cache.getKey(URI, `kid-${Math.random()}`, 'RS256'));
    const first = await unknown();
    expect(first).toBeInstanceOf(TokenError);
    expect(first).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(source.calls).toHaveLength(2);

    clock.advance(COOLDOWN - 1);
    for (let i = 0; i < 5; i++) expect(await unknown()).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(source.calls).toHaveLength(2);

    clock.advance(1);
    expect(await unknown()).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(await unknown()).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(source.calls).toHaveLength(3);
  });

  // A brand rotates its keys: the new key is published, and a token signed with it arrives soon after our first fetch.
  it.each([
    ['at once (t = 0 s)', 0],
    ['a second later (t = 1 s)', 1_000],
    ['after the cooldown (t = cooldown + 1 s)', COOLDOWN + 1_000],
  ])('picks up a key published right after the first fetch, used %s', async (_when, delay) => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    source.document = { keys: [a1.jwk, a2.jwk] };
    clock.advance(delay);
    expect(same(await cache.getKey(URI, 'a2', 'RS256'), a2)).toBe(true);
    expect(source.calls).toHaveLength(2);
    // Then no more fetches for it: the new set is cached.
    expect(same(await cache.getKey(URI, 'a2', 'RS256'), a2)).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  it('counts the unknown-kid cooldown from the last unknown-kid refetch, not from the first fetch', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    expect(await rejection(cache.getKey(URI, 'stranger-1', 'RS256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(source.calls).toHaveLength(2);
    // A key published now waits for the cooldown of that refetch: a flood of unknown kids stays at one fetch per cooldown.
    source.document = { keys: [a1.jwk, a2.jwk] };
    clock.advance(COOLDOWN - 1);
    expect(await rejection(cache.getKey(URI, 'a2', 'RS256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(source.calls).toHaveLength(2);
    clock.advance(1);
    expect(same(await cache.getKey(URI, 'a2', 'RS256'), a2)).toBe(true);
    expect(source.calls).toHaveLength(3);
  });

  it('coalesces 100 concurrent unknown-kid lookups into one fetch', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    clock.advance(COOLDOWN);
    source.hold();
    const lookups = Array.from({ length: 100 }, (_, i) => rejection(cache.getKey(URI, `random-${i}`, 'RS256')));
    source.release();
    const errors = await Promise.all(lookups);
    expect(errors.every((err) => err instanceof TokenError && err.code === 'KEY_NOT_FOUND')).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  it('coalesces concurrent cold lookups into one fetch that all of them use', async () => {
    const { source, cache } = setup({ keys: [a1.jwk] });
    source.hold();
    const lookups = Array.from({ length: 20 }, () => cache.getKey(URI, 'a1', 'RS256'));
    source.release();
    const keys = await Promise.all(lookups);
    expect(keys.every((key) => same(key, a1))).toBe(true);
    expect(source.calls).toHaveLength(1);
  });

  it('fails with an UpstreamError when nothing is cached, and backs off a failing endpoint', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    // What the bounded fetcher rejects with: library errors are translated before they reach the core.
    source.failWith = new UpstreamError('FETCH_FAILED', 'ECONNRESET: socket hang up');

    const first = await rejection(cache.getKey(URI, 'a1', 'RS256'));
    expect(first).toBeInstanceOf(UpstreamError);
    expect(first).toMatchObject({ code: 'FETCH_FAILED' });

    clock.advance(COOLDOWN - 1);
    const second = await rejection(cache.getKey(URI, 'a1', 'RS256'));
    expect(second).toBeInstanceOf(UpstreamError);
    expect(second).toMatchObject({ code: 'JWKS_UNAVAILABLE' });
    expect(source.calls).toHaveLength(1);

    clock.advance(1);
    source.failWith = undefined;
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  it('reports a source failure that is not one of ours as JWKS_UNAVAILABLE, keeping it as the cause', async () => {
    const { source, cache } = setup({ keys: [a1.jwk] });
    const cause = new TypeError('bug in the source');
    source.failWith = cause;
    expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toMatchObject({ code: 'JWKS_UNAVAILABLE', cause });
  });

  it('runs the cooldown from the end of a slow attempt, not its start', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    source.failWith = new UpstreamError('FETCH_TIMEOUT', 'slow');
    source.hold();
    const first = rejection(cache.getKey(URI, 'a1', 'RS256'));
    clock.advance(COOLDOWN + 5_000); // the attempt itself outlasts the cooldown
    source.release();
    expect(await first).toMatchObject({ code: 'FETCH_TIMEOUT' });
    expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toMatchObject({ code: 'JWKS_UNAVAILABLE' });
    expect(source.calls).toHaveLength(1);
    clock.advance(COOLDOWN);
    source.failWith = undefined;
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  it('passes an UpstreamError from the source through unchanged', async () => {
    const { source, cache } = setup({});
    source.failWith = new UpstreamError('FETCH_TIMEOUT', 'slow');
    expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toBe(source.failWith);
  });

  it('keeps serving a known kid after maxAge while the endpoint fails', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    source.failWith = new Error('down');
    clock.advance(MAX_AGE + 1);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(2); // one attempt, then the cooldown
    clock.advance(COOLDOWN);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(3);
  });

  it('keeps known keys when a refetch answers an empty set', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    source.document = { keys: [] };
    clock.advance(MAX_AGE);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  it('picks up a rotated key with one refetch and serves it from cache afterwards', async () => {
    const { clock, source, cache } = setup({ keys: [a1.jwk] });
    await cache.getKey(URI, 'a1', 'RS256');
    source.document = { keys: [a1.jwk, a2.jwk] };
    clock.advance(COOLDOWN);
    expect(same(await cache.getKey(URI, 'a2', 'RS256'), a2)).toBe(true);
    expect(source.calls).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      expect(same(await cache.getKey(URI, 'a2', 'RS256'), a2)).toBe(true);
      expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    }
    expect(source.calls).toHaveLength(2);
  });

  it.each([
    ['an empty key set', { keys: [] }],
    ['an empty object', {}],
    ['keys that is not an array', { keys: { a1: 'x' } }],
    ['null', null],
    ['an array', []],
    ['only unusable keys', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }],
  ])('does not cache %s (JWKS_INVALID), and fetches again after the cooldown', async (_name, document) => {
    const { clock, source, cache } = setup(document);
    const first = await rejection(cache.getKey(URI, 'a1', 'RS256'));
    expect(first).toBeInstanceOf(UpstreamError);
    expect(first).toMatchObject({ code: 'JWKS_INVALID' });
    expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toMatchObject({ code: 'JWKS_UNAVAILABLE' });
    expect(source.calls).toHaveLength(1);

    source.document = { keys: [a1.jwk] };
    clock.advance(COOLDOWN);
    expect(same(await cache.getKey(URI, 'a1', 'RS256'), a1)).toBe(true);
    expect(source.calls).toHaveLength(2);
  });

  describe('key selection', () => {
    it('takes the only fitting key for a token without kid', async () => {
      const { cache } = setup({ keys: [{ ...a1.jwk, kid: undefined }] });
      expect(same(await cache.getKey(URI, undefined, 'RS256'), a1)).toBe(true);
    });

    it('takes the only key that fits the algorithm when a mixed set has no kid to go by', async () => {
      const { cache } = setup({ keys: [{ ...a1.jwk, kid: undefined }, { ...es.jwk, kid: undefined }] });
      expect(same(await cache.getKey(URI, undefined, 'ES256'), es)).toBe(true);
      expect(same(await cache.getKey(URI, undefined, 'RS256'), a1)).toBe(true);
    });

    it('refuses a token without kid when several keys fit (KID_INVALID)', async () => {
      const { cache } = setup({ keys: [{ ...a1.jwk, kid: undefined }, { ...a2.jwk, kid: undefined }] });
      const err = await rejection(cache.getKey(URI, undefined, 'RS256'));
      expect(err).toBeInstanceOf(TokenError);
      expect(err).toMatchObject({ code: 'KID_INVALID' });
    });

    it('never selects an encryption key or one whose key_ops exclude verify', async () => {
      const { cache } = setup({
        keys: [{ ...a1.jwk, use: 'enc' }, { ...a2.jwk, key_ops: ['encrypt'] }, { ...es.jwk, alg: undefined, key_ops: ['verify'] }],
      });
      expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
      expect(await rejection(cache.getKey(URI, 'a2', 'RS256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
      expect(same(await cache.getKey(URI, 'es1', 'ES256'), es)).toBe(true);
    });

    it('does not select a key whose JWK alg differs from the token alg', async () => {
      const { cache } = setup({ keys: [{ ...a1.jwk, alg: 'RS512' }] });
      expect(await rejection(cache.getKey(URI, 'a1', 'RS256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
      expect(same(await cache.getKey(URI, 'a1', 'RS512'), a1)).toBe(true);
    });

    it('does not select a key of the wrong type for the algorithm (an RSA kid named by an ES256 token)', async () => {
      const { cache } = setup({ keys: [{ ...a1.jwk, alg: undefined }] });
      expect(await rejection(cache.getKey(URI, 'a1', 'ES256'))).toMatchObject({ code: 'KEY_NOT_FOUND' });
    });

    it('refuses a 1024-bit RSA key even when its kid matches', async () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
      const { cache } = setup({ keys: [{ ...weak, kid: 'weak', use: 'sig' }] });
      const err = await rejection(cache.getKey(URI, 'weak', 'RS256'));
      expect(err).toBeInstanceOf(TokenError);
      expect(err).toMatchObject({ code: 'KEY_NOT_FOUND' });
    });
  });

  describe('bounded by maxUris', () => {
    const uri = (n: string) => `https://login.brand-${n}.example/jwks`;
    const fetchesOf = (source: FakeJwksSource, u: string) => source.calls.filter((c) => c === u).length;

    it('drops the oldest URI beyond the bound and fetches it again when needed', async () => {
      const { source, cache } = setup({ keys: [a1.jwk] }, { maxUris: 2 });
      for (const n of ['a', 'b', 'c']) await cache.getKey(uri(n), 'a1', 'RS256');
      await cache.getKey(uri('c'), 'a1', 'RS256');
      await cache.getKey(uri('b'), 'a1', 'RS256');
      expect(fetchesOf(source, uri('b'))).toBe(1);
      expect(fetchesOf(source, uri('c'))).toBe(1);
      await cache.getKey(uri('a'), 'a1', 'RS256');
      expect(fetchesOf(source, uri('a'))).toBe(2);
    });

    it('counts a lookup served from cache as a use, evicting the least recently used URI', async () => {
      const { source, cache } = setup({ keys: [a1.jwk] }, { maxUris: 2 });
      await cache.getKey(uri('a'), 'a1', 'RS256');
      await cache.getKey(uri('b'), 'a1', 'RS256');
      await cache.getKey(uri('a'), 'a1', 'RS256'); // a is now the most recently used
      await cache.getKey(uri('c'), 'a1', 'RS256'); // so b is the one to go
      await cache.getKey(uri('a'), 'a1', 'RS256');
      expect(fetchesOf(source, uri('a'))).toBe(1);
    });
  });
});

describe('parseJwks', () => {
  it('keeps only public signature keys of RSA, EC and OKP type', () => {
    const keys = parseJwks({
      keys: [a1.jwk, es.jwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }, { ...a2.jwk, use: 'enc' }, 'junk', null, { kty: 'RSA', kid: 'broken', n: 'AQAB' }],
    });
    expect(keys.map((k) => k.kid)).toEqual(['a1', 'es1']);
  });

  it('drops a smuggled private member: the cached key is public', () => {
    const [key] = parseJwks({ keys: [{ ...a1.privateKey.export({ format: 'jwk' }), kid: 'p' }] });
    expect(key?.key.type).toBe('public');
  });

  it('skips keys with a kid that is not a short string', () => {
    const keys = parseJwks({ keys: [{ ...a1.jwk, kid: 42 }, { ...a2.jwk, kid: 'x'.repeat(257) }, { ...es.jwk, kid: 'x'.repeat(256) }] });
    expect(keys.map((k) => k.kid)).toEqual(['x'.repeat(256)]);
  });

  it('reads at most 100 keys', () => {
    const filler = Array.from({ length: 100 }, (_, i) => ({ ...a1.jwk, kid: `k${i}` }));
    expect(parseJwks({ keys: [...filler, { ...a2.jwk, kid: 'late' }] }).map((k) => k.kid)).not.toContain('late');
  });

  it.each([[{ keys: [] }], [{}], [{ keys: 'a1' }], ['{"keys":[]}'], [undefined]])('refuses %p as JWKS_INVALID', (document) => {
    expect(() => parseJwks(document)).toThrow(UpstreamError);
    expect(() => parseJwks(document)).toThrow(expect.objectContaining({ code: 'JWKS_INVALID' }));
  });
});
