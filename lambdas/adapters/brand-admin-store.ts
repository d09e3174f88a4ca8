import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { BrandConfig } from '../core/brand-config';
import { AdminError, toGatewayError } from '../core/errors';
import type { UriPolicy } from '../core/uri-policy';
import { parseStoredBrand, type StoredBrand } from './brand-config-repository';

/**
 * The admin API's view of the brand-config table: configs with their `version`, written with optimistic
 * concurrency, each change in one transaction with its audit record (who, when, field-level diff).
 */
export interface FieldChange {
  readonly before: unknown;
  readonly after: unknown;
}

/** Field name → before/after, for every top-level field whose value changed. */
export function diffConfigs(before: BrandConfig | undefined, after: BrandConfig): Record<string, FieldChange> {
  const diff: Record<string, FieldChange> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]) as Set<keyof BrandConfig>;
  for (const key of keys) {
    const was = before?.[key];
    const now = after[key];
    if (JSON.stringify(was) !== JSON.stringify(now)) diff[key] = { before: was ?? null, after: now ?? null };
  }
  return diff;
}

const MAX_LISTED = 1000;

export class BrandAdminStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly brandTable: string,
    private readonly auditTable: string,
    private readonly auditRetentionDays: number,
    private readonly uriPolicy: UriPolicy,
  ) {}

  async get(brandId: string): Promise<StoredBrand | undefined> {
    const { Item: item } = await this.call(() => this.client.send(new GetCommand({ TableName: this.brandTable, Key: { brandId }, ConsistentRead: true })));
    return item ? parseStoredBrand(item, this.uriPolicy) : undefined;
  }

  /** Every brand, sorted by id. The table holds one small item per brand, so a scan is the right tool here. */
  async list(): Promise<StoredBrand[]> {
    const brands: StoredBrand[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call(() => this.client.send(new ScanCommand({ TableName: this.brandTable, ExclusiveStartKey: startKey })));
      brands.push(...(page.Items ?? []).map((item) => parseStoredBrand(item, this.uriPolicy)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && brands.length < MAX_LISTED);
    return brands.sort((a, b) => a.config.brandId.localeCompare(b.config.brandId));
  }

  /**
   * Creates (`expectedVersion` undefined: the brand must not exist) or replaces (the stored version must equal
   * `expectedVersion`) a brand config. A lost race or a stale version is a 412, and nothing is written.
   */
  async put(config: BrandConfig, expectedVersion: number | undefined, actor: string, now: Date): Promise<{ stored: StoredBrand; diff: Record<string, FieldChange> }> {
    const before = await this.get(config.brandId);
    if (expectedVersion === undefined && before) {
      throw new AdminError('VERSION_MISMATCH', `brand ${config.brandId} exists: send If-Match with its version to replace it`);
    }
    if (expectedVersion !== undefined && before?.version !== expectedVersion) {
      throw new AdminError('VERSION_MISMATCH', `brand ${config.brandId} is at version ${before?.version ?? 'none'}, not ${expectedVersion}`);
    }
    const stored: StoredBrand = { config, version: (before?.version ?? 0) + 1, updatedAt: now.toISOString(), updatedBy: actor };
    const diff = diffConfigs(before?.config, config);
    await this.write(stored, before?.version, before ? 'brand_replaced' : 'brand_created', diff);
    return { stored, diff };
  }

  /** Disables and keeps the brand: its tokens are refused from the next config-cache refresh on. */
  async disable(brandId: string, actor: string, now: Date): Promise<StoredBrand> {
    const before = await this.get(brandId);
    if (!before) throw new AdminError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
    const config = { ...before.config, status: 'disabled' as const };
    const stored: StoredBrand = { config, version: before.version + 1, updatedAt: now.toISOString(), updatedBy: actor };
    await this.write(stored, before.version, 'brand_disabled', diffConfigs(before.config, config));
    return stored;
  }

  private async write(stored: StoredBrand, previousVersion: number | undefined, action: string, diff: Record<string, FieldChange>): Promise<void> {
    const at = stored.updatedAt;
    const expiresAt = Math.floor(Date.parse(at) / 1000) + this.auditRetentionDays * 86_400;
    try {
      await this.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.brandTable,
              Item: { ...stored.config, version: stored.version, updatedAt: at, updatedBy: stored.updatedBy },
              ...(previousVersion === undefined
                ? { ConditionExpression: 'attribute_not_exists(brandId)' }
                : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previousVersion } }),
            },
          },
          {
            Put: {
              TableName: this.auditTable,
              Item: {
                pk: `BRANDCONFIG#${stored.config.brandId}`, sk: `${at}#${randomUUID()}`, brandId: stored.config.brandId,
                action, actor: stored.updatedBy, at, version: stored.version, changedFields: Object.keys(diff), diff, expiresAt,
              },
            },
          },
        ],
      }));
    } catch (err) {
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw new AdminError('VERSION_MISMATCH', `brand ${stored.config.brandId} changed while it was being written`);
      }
      throw toGatewayError(err, 'dynamodb');
    }
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw toGatewayError(err, 'dynamodb');
    }
  }
}
