import type { KeyedBrandConfig } from '../core/brand-config';
import { cachedLookup, type Lookup } from '../core/cached-lookup';
import type { UriPolicy } from '../core/uri-policy';
import { parseStoredBrand } from './brand-item';
import { translateError } from './library-errors';

/**
 * Reads one DynamoDB item, as plain values. The authorizer's lean client (lean-dynamodb.ts) is one, so the SDK stays
 * out of its bundle; the SDK's document client (`documentItemGetter` in dynamodb-client.ts) is the other functions'.
 */
export interface ItemGetter {
  getItem(tableName: string, key: Readonly<Record<string, string>>): Promise<Record<string, unknown> | undefined>;
}

/**
 * Reads one brand's config from the brand-config table: all the authorizer and the customer routes need, with the
 * value of the brand's API key from the same item (one read on the authorizer's cold path).
 */
export class BrandConfigRepository {
  constructor(
    private readonly items: ItemGetter,
    private readonly tableName: string,
    private readonly uriPolicy: UriPolicy,
  ) {}

  async get(brandId: string): Promise<KeyedBrandConfig | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      item = await this.items.getItem(this.tableName, { brandId });
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
    if (!item) return undefined;
    const { config, usageKey } = parseStoredBrand(item, this.uriPolicy);
    return usageKey === undefined ? config : { ...config, usageIdentifierKey: usageKey.value };
  }
}

/**
 * Brand configs as every handler reads them: through the bounded in-memory cache, "not found" included.
 * @param now epoch milliseconds, for the cache TTL. @default Date.now
 */
export function cachedBrandLookup(
  items: ItemGetter,
  env: { readonly brandTableName: string; readonly brandCacheTtlSeconds: number },
  uriPolicy: UriPolicy,
  now?: () => number,
): Lookup<KeyedBrandConfig> {
  const brands = new BrandConfigRepository(items, env.brandTableName, uriPolicy);
  return cachedLookup((brandId) => brands.get(brandId), { ttlMs: env.brandCacheTtlSeconds * 1000, maxEntries: 1000, now });
}
