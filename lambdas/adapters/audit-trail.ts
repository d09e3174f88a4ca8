import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { FieldChange } from '../core/brand-config-diff';
import type { AuditRecord } from '../core/customer-audit';
import type { RevocationSource } from '../core/revocation';
import { translateError } from './library-errors';

const DAY_SECONDS = 86_400;
const DEFAULT_LIMIT = 100;

/** A brand-config change as the admin store audits it: who, when, and the field-level diff. */
export interface BrandChangeRecord {
  readonly brandId: string;
  readonly action: 'brand_created' | 'brand_replaced' | 'brand_disabled';
  readonly actor: string;
  /** ISO 8601. */
  readonly at: string;
  /** The version the change wrote. */
  readonly version: number;
  readonly diff: Readonly<Record<string, FieldChange>>;
}

/** A revocation as its store audits it: who asked, when, and what was revoked (never a token). */
export interface RevocationRecord {
  readonly brandId: string;
  readonly action: 'subject_revoked' | 'session_revoked';
  readonly source: RevocationSource;
  readonly actor: string;
  readonly requestId: string;
  /** ISO 8601. */
  readonly at: string;
  /** The subject (the CIAM user id, `cuid`) or the session revoked. */
  readonly cuid?: string;
  readonly sid?: string;
}

/**
 * The audit table's item format, in one place. Customer records by brand and time (`pk` = `BRAND#<brand>`,
 * `sk` = `<iso>#<uuid>`), and by customer through the `byCustomer` index; brand-config changes under
 * `BRANDCONFIG#<brand>` and revocations under `REVOCATIONS#<brand>`, apart from a brand's customer records. Records carry masked values only, and expire
 * after the retention period (DynamoDB TTL on `expiresAt`, dated from the record, not from when it was written).
 *
 * Writing is the stores' job: a record goes in the same transaction as the change it describes.
 */
export class AuditTrail {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  toItem(record: AuditRecord): Record<string, unknown> {
    return this.item(customerRecordsKey(record.brandId), record.at, record);
  }

  toBrandChangeItem(record: BrandChangeRecord): Record<string, unknown> {
    return this.item(`BRANDCONFIG#${record.brandId}`, record.at, { ...record, changedFields: Object.keys(record.diff) });
  }

  toRevocationItem(record: RevocationRecord): Record<string, unknown> {
    return this.item(`REVOCATIONS#${record.brandId}`, record.at, record);
  }

  /** Newest first, `from` and `to` included. */
  async listByBrand(brandId: string, range: { readonly from: Date; readonly to: Date; readonly limit?: number }): Promise<AuditRecord[]> {
    return this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      // '~' sorts after every character of the id, so records of the `to` millisecond are included.
      ExpressionAttributeValues: { ':pk': customerRecordsKey(brandId), ':from': range.from.toISOString(), ':to': `${range.to.toISOString()}#~` },
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

  private item(pk: string, at: string, attributes: object): Record<string, unknown> {
    return {
      pk,
      sk: `${at}#${randomUUID()}`, // the id keeps records of one millisecond apart
      ...attributes,
      expiresAt: Math.floor(Date.parse(at) / 1000) + this.retentionDays * DAY_SECONDS,
    };
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<AuditRecord[]> {
    let items: Record<string, unknown>[];
    try {
      ({ Items: items = [] } = await this.client.send(new QueryCommand({ TableName: this.tableName, ScanIndexForward: false, ...input })));
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
    return items.map(toRecord);
  }
}

function customerRecordsKey(brandId: string): string {
  return `BRAND#${brandId}`;
}

function toRecord(item: Record<string, unknown>): AuditRecord {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record } = item;
  return record as unknown as AuditRecord;
}
