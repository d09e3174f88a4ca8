import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BrandConfig } from '../core/brand-config';
import { cachedLookup, type Lookup } from '../core/cached-lookup';
import type { UriPolicy } from '../core/uri-policy';
import { parseStoredBrand } from './brand-item';
import { translateError } from './library-errors';

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
      throw translateError(err, 'dynamodb');
    }
    return item ? parseStoredBrand(item, this.uriPolicy).config : undefined;
  }
}

/**
 * Brand configs as every handler reads them: through the bounded in-memory cache, "not found" included.
 * @param now epoch milliseconds, for the cache TTL. @default Date.now
 */
export function cachedBrandLookup(
  client: DynamoDBDocumentClient,
  env: { readonly brandTableName: string; readonly brandCacheTtlSeconds: number },
  uriPolicy: UriPolicy,
  now?: () => number,
): Lookup<BrandConfig> {
  const brands = new BrandConfigRepository(client, env.brandTableName, uriPolicy);
  return cachedLookup((brandId) => brands.get(brandId), { ttlMs: env.brandCacheTtlSeconds * 1000, maxEntries: 1000, now });
}
