import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../core/customer-linking';
import { toGatewayError } from '../core/errors';

const DAY_SECONDS = 86_400;
const DEFAULT_LIMIT = 100;

/**
 * Audit records in the audit table: by brand and time (`pk` = `BRAND#<brand>`, `sk` = `<iso>#<uuid>`), and by
 * customer through the `byCustomer` index. Records carry masked values only, and expire after the retention
 * period (DynamoDB TTL on `expiresAt`, dated from the record, not from when it was written).
 *
 * Writing is the customer store's job: a record goes in the same transaction as the change it describes.
 */
export class AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  toItem(record: AuditRecord): Record<string, unknown> {
    return {
      pk: brandKey(record.brandId),
      sk: `${record.at}#${randomUUID()}`, // the id keeps records of one millisecond apart
      ...record,
      expiresAt: Math.floor(Date.parse(record.at) / 1000) + this.retentionDays * DAY_SECONDS,
    };
  }

  /** Newest first, `from` and `to` included. */
  async listByBrand(brandId: string, range: { readonly from: Date; readonly to: Date; readonly limit?: number }): Promise<AuditRecord[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      // '~' sorts after every character of the id, so records of the `to` millisecond are included.
      ExpressionAttributeValues: { ':pk': brandKey(brandId), ':from': range.from.toISOString(), ':to': `${range.to.toISOString()}#~` },
      Limit: range.limit ?? DEFAULT_LIMIT,
    });
  }

  /** Newest first. */
  async listByCustomer(customerId: string, options: { readonly limit?: number } = {}): Promise<AuditRecord[]> {
    return this.query({
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerId = :customerId',
      ExpressionAttributeValues: { ':customerId': customerId },
      Limit: options.limit ?? DEFAULT_LIMIT,
    });
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<AuditRecord[]> {
    let items: Record<string, unknown>[];
    try {
      ({ Items: items = [] } = await this.client.send(new QueryCommand({ TableName: this.tableName, ScanIndexForward: false, ...input })));
    } catch (err) {
      throw toGatewayError(err, 'dynamodb');
    }
    return items.map(toRecord);
  }
}

function brandKey(brandId: string): string {
  return `BRAND#${brandId}`;
}

function toRecord(item: Record<string, unknown>): AuditRecord {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record } = item;
  return record as unknown as AuditRecord;
}
