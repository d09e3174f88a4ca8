import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseBrandConfig, type BrandConfig } from '../core/brand-config';
import { toGatewayError } from '../core/errors';
import type { UriPolicy } from '../core/uri-policy';

/**
 * Reads one brand's config from the brand-config table. Stored items are validated like any other input:
 * an item that no longer passes (edited by hand, older schema) is refused rather than half-trusted.
 */
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
    return item ? parseBrandConfig(item, this.uriPolicy) : undefined;
  }
}
