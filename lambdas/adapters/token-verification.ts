import { JwksCache, type JwksFetchReason } from '../core/jwks-cache';
import { createTokenVerifier, type KeyResolver, type TokenVerifier } from '../core/verify-token';
import type { JsonFetcher } from './bounded-fetch';

export interface BrandTokenVerifierOptions {
  /** Fetches each brand's JWKS (the bounded fetcher: public https hosts only, size and time capped). */
  readonly fetcher: JsonFetcher;
  /** Least time between two fetches of one JWKS URI. @default the JwksCache default (30 s) */
  readonly cooldownMs?: number;
  /** Epoch milliseconds, for key ages, cooldowns and token lifetimes. @default Date.now */
  readonly now?: () => number;
  /** Told of each JWKS fetch as it starts. */
  readonly onJwksFetch?: (reason: JwksFetchReason) => void;
}

/**
 * A token verifier whose keys come from each brand's `jwksUri` through a JWKS cache: the wiring the authorizer
 * and the onboarding check share, so a sample token is checked exactly as live traffic is. Build it once per
 * container: the cache is what makes a warm verification do no I/O.
 */
export function createBrandTokenVerifier(options: BrandTokenVerifierOptions): TokenVerifier {
  return createTokenVerifier({ resolveKey: createBrandKeyResolver(options), now: options.now });
}

/** Each brand's keys from its `jwksUri` through a JWKS cache: what the back-channel logout receiver verifies with too. */
export function createBrandKeyResolver(options: BrandTokenVerifierOptions): KeyResolver {
  const { fetcher, cooldownMs, now, onJwksFetch } = options;
  const keys = new JwksCache({ fetchJwks: async (uri) => (await fetcher.getJson(uri)).body, cooldownMs, now, onFetch: onJwksFetch });
  return (uri, kid, alg) => keys.getKey(uri, kid, alg);
}
