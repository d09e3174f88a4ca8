import { parseBrandConfig, type BrandConfig } from '../core/brand-config';
import { UpstreamError } from '../core/errors';
import type { UriPolicy } from '../core/uri-policy';

/**
 * The brand-config table's item format, in one place: the config's fields at the top level (keyed by
 * `brandId`), plus the admin API's bookkeeping. The repository and the admin store read it, the admin store
 * and local mode's seeding write it.
 */
export interface StoredBrand {
  readonly config: BrandConfig;
  readonly version: number;
  /** ISO 8601. */
  readonly updatedAt: string;
  /** Who wrote it: the IAM caller, `local-admin` or `local-mode` locally. */
  readonly updatedBy: string;
}

export function toBrandItem(stored: StoredBrand): Record<string, unknown> {
  return { ...stored.config, version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
}

/**
 * Stored items are validated like any other input. One that no longer passes (edited by hand, written by an
 * older schema) is refused, never half-trusted, and loud in the logs.
 */
export function parseStoredBrand(item: Record<string, unknown>, uriPolicy: UriPolicy): StoredBrand {
  const { version, updatedAt, updatedBy, ...config } = item;
  try {
    return { config: parseBrandConfig(config, uriPolicy), version: Number(version ?? 0), updatedAt: String(updatedAt ?? ''), updatedBy: String(updatedBy ?? '') };
  } catch (err) {
    throw new UpstreamError('STORE_UNAVAILABLE', `stored config of brand ${String(config.brandId)} no longer validates: ${(err as Error).message}`, { cause: err });
  }
}
