import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseBrandConfig, type BrandConfig } from '../core/brand-config';
import { cachedLookup, type Lookup } from '../core/cached-lookup';
import { toGatewayError, UpstreamError } from '../core/errors';
import type { UriPolicy } from '../core/uri-policy';

/** A brand-config item: the config, plus the admin API's bookkeeping. */
export interface StoredBrand {
  readonly config: BrandConfig;
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
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

/** Reads one brand's config from the brand-config table: all the authorizer and the customer routes need. */
export class BrandConfigRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly uriPolicy: UriPolicy,
  ) {}

  async get(brandId: string): Promise<BrandConfig | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { brandId } })));
    } catch (err) {
      throw toGatewayError(err, 'dynamodb');
    }
    return item ? parseStoredBrand(item, this.uriPolicy).config : undefined;
  }
}

/** Brand configs as every handler reads them: through the bounded in-memory cache, "not found" included. */
export function cachedBrandLookup(
  client: DynamoDBDocumentClient,
  env: { readonly brandTableName: string; readonly brandCacheTtlSeconds: number },
  uriPolicy: UriPolicy,
): Lookup<BrandConfig> {
  const brands = new BrandConfigRepository(client, env.brandTableName, uriPolicy);
  return cachedLookup((brandId) => brands.get(brandId), { ttlMs: env.brandCacheTtlSeconds * 1000, maxEntries: 1000 });
}
