import { createHash } from 'node:crypto';
import type { BrandConfig } from './brand-config';
import { ExpiringLru } from './cached-lookup';
import type { VerifiedToken } from './verify-token';

/**
 * Keeps what the CIAM said of each opaque token, so that a token is asked about once per TTL and instance, not once
 * per request. Keyed by the brand and the sha256 of the token, never the token itself. A good answer is kept for
 * min(`exp` − now, the brand's `introspectionCacheTtlSeconds`); a refusal, or a failure to ask, for 5 s. Concurrent
 * misses for one token share a single call (single-flight). An answer is reused only with the brand config object it
 * was checked against, so a brand change reaches cached tokens within one brand-cache TTL, as for JWTs.
 */
export type OpaqueTokenValidator = (token: string, brand: BrandConfig) => Promise<VerifiedToken>;

export interface OpaqueTokenCacheOptions {
  /** Asks the CIAM and applies the answer rules (opaque-token-answer.ts). */
  readonly validate: OpaqueTokenValidator;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Tokens kept, good and refused together; the least recently used is dropped beyond this. @default 2000 */
  readonly maxEntries?: number;
}

export const NEGATIVE_CACHE_MS = 5000;
const DEFAULT_MAX_ENTRIES = 2000;

interface Outcome {
  readonly brand: BrandConfig;
  readonly verified?: VerifiedToken;
  readonly error?: unknown;
}

export function cachedOpaqueTokenValidator(options: OpaqueTokenCacheOptions): OpaqueTokenValidator {
  const now = options.now ?? Date.now;
  const outcomes = new ExpiringLru<Outcome>(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const asking = new Map<string, Promise<VerifiedToken>>();

  const ask = (key: string, token: string, brand: BrandConfig): Promise<VerifiedToken> => {
    const answer = options.validate(token, brand);
    asking.set(key, answer);
    answer.then(
      (verified) => {
        asking.delete(key);
        const ttlMs = Math.min(verified.expiresAt * 1000 - now(), (brand.introspectionCacheTtlSeconds ?? 0) * 1000);
        if (ttlMs > 0) outcomes.set(key, { brand, verified }, now() + ttlMs);
      },
      (error: unknown) => {
        asking.delete(key);
        outcomes.set(key, { brand, error }, now() + Math.min(NEGATIVE_CACHE_MS, (brand.introspectionCacheTtlSeconds ?? 0) * 1000));
      },
    );
    return answer;
  };

  return (token, brand) => {
    const key = `${brand.brandId} ${createHash('sha256').update(token).digest('base64url')}`;
    const known = outcomes.get(key, now())?.value;
    if (known?.brand === brand) return known.verified ? Promise.resolve(known.verified) : Promise.reject(known.error);
    const inFlight = asking.get(key);
    return inFlight ?? ask(key, token, brand);
  };
}
