import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BrandConfig } from '../core/brand-config';
import { diffBrandConfigs, type FieldChange } from '../core/brand-config-diff';
import { AdminError } from '../core/errors';
import { versionMismatch, versionRequired, versionToReplace, type IfMatch } from '../core/if-match';
import type { UriPolicy } from '../core/uri-policy';
import type { AuditTrail, BrandChangeRecord } from './audit-trail';
import { parseStoredBrand, toBrandItem, USAGE_KEY_ATTRIBUTE, type StoredBrand, type UsageKey } from './brand-item';
import { translateError } from './library-errors';

export interface BrandAdminStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly brandTableName: string;
  /** Where each change's audit record goes, in the same transaction. */
  readonly auditTrail: AuditTrail;
  readonly uriPolicy: UriPolicy;
  /** Epoch milliseconds, stamped as `updatedAt` and the audit time. @default Date.now */
  readonly now?: () => number;
}

export interface BrandPreview {
  /** The stored version, `undefined` when the brand does not exist yet. */
  readonly currentVersion: number | undefined;
  readonly changes: Record<string, FieldChange>;
}

const MAX_LISTED = 1000;

/**
 * The admin API's view of the brand-config table: configs with their `version`, written with optimistic
 * concurrency, each change in one transaction with its audit record (who, when, field-level diff).
 */
export class BrandAdminStore {
  private readonly now: () => number;

  constructor(private readonly props: BrandAdminStoreProps) {
    this.now = props.now ?? Date.now;
  }

  async get(brandId: string): Promise<StoredBrand | undefined> {
    const { Item: item } = await this.call(() => this.props.client.send(new GetCommand({ TableName: this.props.brandTableName, Key: { brandId }, ConsistentRead: true })));
    return item ? parseStoredBrand(item, this.props.uriPolicy) : undefined;
  }

  /** Every brand, sorted by id. The table holds one small item per brand, so a scan is the right tool here. */
  async list(): Promise<StoredBrand[]> {
    const brands: StoredBrand[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call(() => this.props.client.send(new ScanCommand({ TableName: this.props.brandTableName, ExclusiveStartKey: startKey })));
      brands.push(...(page.Items ?? []).map((item) => parseStoredBrand(item, this.props.uriPolicy)));
      startKey = page.LastEvaluatedKey;
    } while (startKey && brands.length < MAX_LISTED);
    return brands.sort((a, b) => a.config.brandId.localeCompare(b.config.brandId));
  }

  /** The dry run of `put`: what it would change, against the stored config, over every field. Writes nothing. */
  async preview(config: BrandConfig): Promise<BrandPreview> {
    const current = await this.get(config.brandId);
    return { currentVersion: current?.version, changes: diffBrandConfigs(current?.config, config) };
  }

  /**
   * Creates (no `ifMatch`: the brand must not exist) or replaces (the stored version must match `ifMatch`) a brand
   * config. Refused, with nothing written: VERSION_REQUIRED when the brand exists and no If-Match was given,
   * VERSION_MISMATCH when none of its tags is the stored version or another write won the race; both carry the current
   * version (`versionToReplace`).
   */
  async put(config: BrandConfig, ifMatch: IfMatch | undefined, actor: string): Promise<{ stored: StoredBrand; diff: Record<string, FieldChange> }> {
    const before = await this.get(config.brandId);
    const expectedVersion = versionToReplace(config.brandId, ifMatch, before?.version);
    const stored = this.stamp(config, before, actor);
    const diff = diffBrandConfigs(before?.config, config);
    await this.write(stored, expectedVersion, before ? 'brand_replaced' : 'brand_created', diff);
    return { stored, diff };
  }

  /**
   * Disables the brand (it is kept, and its tokens are refused from the next config-cache refresh on) or enables it
   * again, as a new version whatever the status was, audited as `brand_disabled` or `brand_enabled`.
   */
  async setStatus(brandId: string, status: BrandConfig['status'], actor: string): Promise<StoredBrand> {
    const before = await this.get(brandId);
    if (!before) throw new AdminError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
    const config = { ...before.config, status };
    const stored = this.stamp(config, before, actor);
    await this.write(stored, before.version, status === 'active' ? 'brand_enabled' : 'brand_disabled', diffBrandConfigs(before.config, config));
    return stored;
  }

  /**
   * Records the brand's API key beside its config, once the key sync made or found it. Not a config change: no new
   * version and no audit record, and only while the brand exists.
   */
  async setUsageKey(brandId: string, key: UsageKey): Promise<void> {
    await this.call(() => this.props.client.send(new UpdateCommand({
      TableName: this.props.brandTableName,
      Key: { brandId },
      UpdateExpression: 'SET #key = :key',
      ConditionExpression: 'attribute_exists(brandId)',
      ExpressionAttributeNames: { '#key': USAGE_KEY_ATTRIBUTE },
      ExpressionAttributeValues: { ':key': { id: key.id, value: key.value } },
    })));
  }

  private stamp(config: BrandConfig, before: StoredBrand | undefined, actor: string): StoredBrand {
    // The brand's API key outlives its config's versions: a replace keeps it.
    const usageKey = before?.usageKey === undefined ? {} : { usageKey: before.usageKey };
    return { config, version: (before?.version ?? 0) + 1, updatedAt: new Date(this.now()).toISOString(), updatedBy: actor, ...usageKey };
  }

  /** Writes `stored` only if the brand is still at `expectedVersion` (absent when undefined), with its audit record. */
  private async write(stored: StoredBrand, expectedVersion: number | undefined, action: BrandChangeRecord['action'], diff: Record<string, FieldChange>): Promise<void> {
    const { brandId } = stored.config;
    const record: BrandChangeRecord = { brandId, action, actor: stored.updatedBy, at: stored.updatedAt, version: stored.version, diff };
    try {
      await this.props.client.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.props.brandTableName,
              Item: toBrandItem(stored),
              ...(expectedVersion === undefined
                ? { ConditionExpression: 'attribute_not_exists(brandId)' }
                : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
            },
          },
          { Put: { TableName: this.props.auditTrail.tableName, Item: this.props.auditTrail.toBrandChangeItem(record) } },
        ],
      }));
    } catch (err) {
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        // Another write won between our read and this one: name the version it left (428 if it created the brand).
        const current = (await this.get(brandId))?.version;
        throw expectedVersion === undefined && current !== undefined ? versionRequired(brandId, current) : versionMismatch(brandId, current);
      }
      throw translateError(err, 'dynamodb');
    }
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
  }
}
