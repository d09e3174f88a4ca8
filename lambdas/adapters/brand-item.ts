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
  /** The brand's API key (quotas), once the admin API has made it. Never part of `config`: see UsageKey. */
  readonly usageKey?: UsageKey;
}

/**
 * The brand's API Gateway API key, kept in the brand's item beside (never inside) its config, so the authorizer gets
 * its value in the same read as the config. Outside `config`, it is in no admin answer, diff, audit record or CLI
 * output. The value is not a credential: the API takes keys only from the authorizer (`apiKeySourceType: AUTHORIZER`),
 * so a client that learned one could not present it.
 */
export interface UsageKey {
  readonly id: string;
  readonly value: string;
}

/** The item attribute that holds the UsageKey. */
export const USAGE_KEY_ATTRIBUTE = 'usageKey';

export function toBrandItem(stored: StoredBrand): Record<string, unknown> {
  return {
    ...stored.config,
    version: stored.version,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
    ...(stored.usageKey === undefined ? {} : { [USAGE_KEY_ATTRIBUTE]: stored.usageKey }),
  };
}

/**
 * Stored items are validated like any other input. One that no longer passes (edited by hand, written by an
 * older schema) is refused, never half-trusted, and loud in the logs.
 */
export function parseStoredBrand(item: Record<string, unknown>, uriPolicy: UriPolicy): StoredBrand {
  const { version, updatedAt, updatedBy, [USAGE_KEY_ATTRIBUTE]: usageKey, ...config } = item;
  try {
    const key = usageKeyOf(usageKey);
    return {
      config: parseBrandConfig(config, uriPolicy),
      version: Number(version ?? 0),
      updatedAt: String(updatedAt ?? ''),
      updatedBy: String(updatedBy ?? ''),
      ...(key === undefined ? {} : { usageKey: key }),
    };
  } catch (err) {
    throw new UpstreamError('STORE_UNAVAILABLE', `stored config of brand ${String(config.brandId)} no longer validates: ${(err as Error).message}`, { cause: err });
  }
}

/** A stored key that is not `{ id, value }` (edited by hand) is as good as none: the next key sync replaces it. */
function usageKeyOf(value: unknown): UsageKey | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, value: keyValue } = value as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && typeof keyValue === 'string' && keyValue !== '' ? { id, value: keyValue } : undefined;
}
