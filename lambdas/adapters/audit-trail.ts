import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { FieldChange } from '../core/brand-config-diff';
import type { AuditRecord } from '../core/customer-audit';
import { RequestError } from '../core/errors';
import type { RevocationSource } from '../core/revocation';
import { translateError } from './library-errors';

const DAY_SECONDS = 86_400;
const DEFAULT_LIMIT = 100;

/** A brand-config change as the admin store audits it: who, when, and the field-level diff. */
export interface BrandChangeRecord {
  readonly brandId: string;
  readonly action: 'brand_created' | 'brand_replaced' | 'brand_disabled' | 'brand_enabled';
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

/** Which of a brand's records: its config changes, its revocations, or its customers' changes. */
export type BrandTrailKind = 'config' | 'revocation' | 'customer';

/** One page of a brand's audit trail, newest first; `next` asks for the page after it, when there may be one. */
export interface BrandTrailPage {
  readonly entries: readonly (Readonly<Record<string, unknown>> & { readonly kind: BrandTrailKind; readonly at: string })[];
  readonly next?: string;
}

/** A page cursor: the sort key of the last record shown (`<iso>#<uuid>`), base64url. */
const CURSOR_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}$/;

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

  /**
   * A brand's whole trail, newest first, `limit` records a page: its config changes, revocations and customer records
   * merged by time. Each of the three partitions is read for `limit` records before the cursor, so a page costs three
   * queries whatever the mix.
   */
  async brandTrail(brandId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<BrandTrailPage> {
    const before = page.cursor === undefined ? undefined : cursorSortKey(page.cursor);
    const partitions: readonly [BrandTrailKind, string][] = [['config', `BRANDCONFIG#${brandId}`], ['revocation', `REVOCATIONS#${brandId}`], ['customer', customerRecordsKey(brandId)]];
    const read = await Promise.all(partitions.map(async ([kind, pk]) => {
      const items = await this.queryItems({
        KeyConditionExpression: before === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :before',
        ExpressionAttributeValues: { ':pk': pk, ...(before === undefined ? {} : { ':before': before }) },
        Limit: page.limit,
      });
      return { kind, items, full: items.length === page.limit };
    }));
    const merged = read.flatMap(({ kind, items }) => items.map((item) => ({ kind, item }))).sort((a, b) => (String(a.item.sk) < String(b.item.sk) ? 1 : -1));
    const shown = merged.slice(0, page.limit);
    const last = shown.at(-1);
    const more = merged.length > page.limit || read.some(({ full }) => full);
    return {
      entries: shown.map(({ kind, item }) => ({ kind, ...toRecord(item), at: String(item.at) })),
      ...(more && last !== undefined ? { next: Buffer.from(String(last.item.sk)).toString('base64url') } : {}),
    };
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
    return (await this.queryItems(input)).map((item) => toRecord(item) as unknown as AuditRecord);
  }

  /** Newest first. */
  private async queryItems(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    try {
      const { Items: items = [] } = await this.client.send(new QueryCommand({ TableName: this.tableName, ScanIndexForward: false, ...input }));
      return items;
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
  }
}

function customerRecordsKey(brandId: string): string {
  return `BRAND#${brandId}`;
}

function toRecord(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record } = item;
  return record;
}

function cursorSortKey(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR_SK.test(sk)) throw new RequestError('QUERY_INVALID', 'cursor is not one this API gave', ['cursor: must be the next of a previous page']);
  return sk;
}
