import { brandSecretPrefix } from '../core/brand-config';
import { UpstreamError } from '../core/errors';

/**
 * The brands' client secrets (introspection), read by name (`clientSecretRef`) and kept in memory for at most five
 * minutes, so that a rotation reaches every instance within that time, and at once where the CIAM refuses the old
 * one: the caller asks for a fresh read then. A secret is never logged, stored or returned in an answer.
 */
export interface BrandSecrets {
  /**
   * The secret named `ref`, which must be under the brand's own prefix of this stage. `fresh`: read again, unless a fresh
   * read of it was made in the last 10 s (a CIAM that refuses every secret must not turn each request into a read).
   */
  secretOf(brandId: string, ref: string, options?: { readonly fresh?: boolean }): Promise<string>;
}

/** Reads one secret's current value: Secrets Manager, or local mode's file. Rejects with SECRET_UNAVAILABLE. */
export type SecretReader = (ref: string) => Promise<string>;

export const SECRET_CACHE_MS = 5 * 60_000;
const MIN_FRESH_READ_INTERVAL_MS = 10_000;

export function cachedBrandSecrets(props: { readonly read: SecretReader; readonly stage: string; readonly now?: () => number }): BrandSecrets {
  const now = props.now ?? Date.now;
  const secrets = new Map<string, { readonly value: Promise<string>; readonly readAt: number }>();
  const freshReads = new Map<string, number>();
  return {
    secretOf(brandId, ref, options = {}) {
      if (!ref.startsWith(brandSecretPrefix(props.stage, brandId))) {
        return Promise.reject(new UpstreamError('SECRET_UNAVAILABLE', `brand ${brandId}: secret reference outside ${brandSecretPrefix(props.stage, brandId)}`));
      }
      const at = now();
      const known = secrets.get(ref);
      const fresh = options.fresh === true && at - (freshReads.get(ref) ?? -Infinity) >= MIN_FRESH_READ_INTERVAL_MS;
      if (known && at - known.readAt < SECRET_CACHE_MS && !fresh) return known.value;
      if (fresh) freshReads.set(ref, at);
      // Concurrent readers share one read; a failed read is forgotten at once.
      const value = props.read(ref);
      secrets.set(ref, { value, readAt: at });
      value.catch(() => {
        if (secrets.get(ref)?.value === value) secrets.delete(ref);
      });
      return value;
    },
  };
}
