import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Algorithm } from './brand-config';
import { CiamGatewayError, TokenError, UpstreamError } from './errors';
import { keyFitsAlgorithm } from './jws-algorithms';

/**
 * Signing keys per JWKS URI, so that a warm verification does no I/O.
 *
 * - A fetch happens when a URI has no keys yet, when its keys are older than `maxAgeMs`, or when a token
 *   names a `kid` the set lacks (key rotation). Concurrent callers share the one fetch in flight.
 * - Fetches for a missing or stale set are at most one per `cooldownMs`, so a failing endpoint is backed off.
 *   Refetches for an unknown `kid` are also at most one per `cooldownMs`, counted among themselves (as
 *   aws-jwt-verify does): a flood of random `kid`s costs one request per cooldown, and a key that a brand
 *   publishes right after our first fetch is still picked up by its first token.
 * - A failed or empty fetch never replaces keys already known: cached keys keep working while the
 *   endpoint is down.
 */
export type JwksSource = (jwksUri: string) => Promise<unknown>;

export interface JwksCacheOptions {
  readonly fetchJwks: JwksSource;
  /** @default 600_000 (10 minutes) */
  readonly maxAgeMs?: number;
  /** @default 30_000 */
  readonly cooldownMs?: number;
  /** URIs kept; the least recently used is dropped beyond this. @default 256 */
  readonly maxUris?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** Told of each fetch as it starts, with its reason: what the metrics count unknown-`kid` refetches from. */
  readonly onFetch?: (reason: JwksFetchReason) => void;
}

export type JwksFetchReason = 'missing-or-stale' | 'unknown-kid';

interface CachedKey {
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

interface Entry {
  keys: readonly CachedKey[] | undefined;
  fetchedAt: number;
  lastAttemptAt: number;
  lastUnknownKidFetchAt: number;
  inFlight: Promise<void> | undefined;
}

const MAX_KEYS = 100;
export const MAX_KID_LENGTH = 256;

export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly fetchJwks: JwksSource;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly maxUris: number;
  private readonly now: () => number;
  private readonly onFetch: ((reason: JwksFetchReason) => void) | undefined;

  constructor(options: JwksCacheOptions) {
    this.fetchJwks = options.fetchJwks;
    this.maxAgeMs = options.maxAgeMs ?? 600_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.maxUris = options.maxUris ?? 256;
    this.now = options.now ?? Date.now;
    this.onFetch = options.onFetch;
  }

  /**
   * The key for this token, without I/O when the set is cached and fresh. Throws TokenError KEY_NOT_FOUND
   * or KID_INVALID when no key fits, and UpstreamError when there are no keys at all for the URI.
   */
  async getKey(jwksUri: string, kid: string | undefined, alg: Algorithm): Promise<KeyObject> {
    const entry = this.entries.get(jwksUri);
    const fresh = entry?.keys !== undefined && this.now() - entry.fetchedAt < this.maxAgeMs;
    const cached = entry?.keys && selectKey(entry.keys, kid, alg);
    if (cached && fresh) {
      this.markUsed(jwksUri, entry);
      return cached;
    }

    await this.refresh(jwksUri, fresh ? 'unknown-kid' : 'missing-or-stale');
    const keys = this.entries.get(jwksUri)?.keys;
    if (!keys) throw new UpstreamError('JWKS_UNAVAILABLE', `no keys could be loaded from ${jwksUri}`);
    const key = selectKey(keys, kid, alg);
    if (!key) throw new TokenError('KEY_NOT_FOUND', `no ${alg} key with kid ${kid === undefined ? '(none)' : JSON.stringify(kid)}`);
    return key;
  }

  /** Fetches unless a fetch for the same reason was tried within the cooldown; joins a fetch already in flight. */
  private async refresh(jwksUri: string, reason: JwksFetchReason): Promise<void> {
    let entry = this.entries.get(jwksUri);
    if (entry) {
      this.markUsed(jwksUri, entry);
    } else {
      entry = { keys: undefined, fetchedAt: 0, lastAttemptAt: Number.NEGATIVE_INFINITY, lastUnknownKidFetchAt: Number.NEGATIVE_INFINITY, inFlight: undefined };
      this.entries.set(jwksUri, entry);
      this.evictBeyondLimit();
    }
    const lastTry = reason === 'unknown-kid' ? entry.lastUnknownKidFetchAt : entry.lastAttemptAt;
    if (!entry.inFlight && this.now() - lastTry >= this.cooldownMs) {
      entry.lastAttemptAt = this.now();
      if (reason === 'unknown-kid') entry.lastUnknownKidFetchAt = this.now();
      this.onFetch?.(reason);
      entry.inFlight = this.load(jwksUri, entry).finally(() => {
        entry.inFlight = undefined;
      });
    }
    if (entry.inFlight) await entry.inFlight;
  }

  private async load(jwksUri: string, entry: Entry): Promise<void> {
    try {
      entry.keys = parseJwks(await this.fetchJwks(jwksUri));
      entry.fetchedAt = this.now();
    } catch (err) {
      // Known keys stay usable; the caller learns of the failure only if it needed a new key.
      if (entry.keys === undefined) {
        // The fetcher rejects with our own errors; anything else is still a JWKS that could not be loaded.
        throw err instanceof CiamGatewayError ? err : new UpstreamError('JWKS_UNAVAILABLE', `JWKS fetch failed: ${String(err)}`, { cause: err });
      }
    } finally {
      // The cooldown runs from the end of an attempt, so a slow (timing-out) endpoint is not retried at once.
      entry.lastAttemptAt = this.now();
    }
  }

  /** Map iteration order is insertion order, so re-inserting makes the map an LRU list. */
  private markUsed(jwksUri: string, entry: Entry): void {
    this.entries.delete(jwksUri);
    this.entries.set(jwksUri, entry);
  }

  private evictBeyondLimit(): void {
    while (this.entries.size > this.maxUris) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** Chooses the key for a token. Without a `kid`, only a set with exactly one fitting key is unambiguous. */
function selectKey(keys: readonly CachedKey[], kid: string | undefined, alg: Algorithm): KeyObject | undefined {
  let found: KeyObject | undefined;
  for (const candidate of keys) {
    if (kid !== undefined && candidate.kid !== kid) continue;
    if (candidate.alg !== undefined && candidate.alg !== alg) continue;
    if (!keyFitsAlgorithm(candidate.key, alg)) continue;
    if (kid === undefined && found) throw new TokenError('KID_INVALID', 'token has no kid and several keys fit');
    found = candidate.key;
    if (kid !== undefined) break;
  }
  return found;
}

/**
 * Keeps the usable signature keys of a JWKS document. Keys for encryption, symmetric keys and keys
 * node:crypto cannot import are skipped; a set left with none is refused, so it is never cached.
 */
export function parseJwks(document: unknown): CachedKey[] {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray(keys)) {
    throw new UpstreamError('JWKS_INVALID', 'JWKS is not an object with a keys array');
  }
  const usable: CachedKey[] = [];
  for (const jwk of keys.slice(0, MAX_KEYS)) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kty, use, kid, alg, key_ops: keyOps } = jwk as Record<string, unknown>;
    if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') continue;
    if (use !== undefined && use !== 'sig') continue;
    if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.includes('verify'))) continue;
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > MAX_KID_LENGTH)) continue;
    if (alg !== undefined && typeof alg !== 'string') continue;
    try {
      // Only the public members go to node:crypto; a JWK that smuggles a private "d" still yields a public key.
      const { d: _private, ...publicJwk } = jwk as Record<string, unknown>;
      usable.push({ kid, alg, key: createPublicKey({ key: publicJwk as never, format: 'jwk' }) });
    } catch {
      continue;
    }
  }
  if (usable.length === 0) throw new UpstreamError('JWKS_INVALID', 'JWKS has no usable signature keys');
  return usable;
}
