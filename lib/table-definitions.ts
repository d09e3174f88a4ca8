import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Key schemas of every table, as plain data: the CDK stack and local mode (DynamoDB Local) both build their
 * tables from these, so there is one source of truth.
 */
export interface TableDefinition {
  /** CDK construct id, also the stem of the local table name. */
  readonly id: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
}

export const BRAND_CONFIG_TABLE: TableDefinition = { id: 'BrandConfigTable', partitionKey: 'brandId' };

export const TABLES: readonly TableDefinition[] = [BRAND_CONFIG_TABLE];

/** The CreateTable request for DynamoDB Local (on-demand, as in the stack). */
export function toCreateTableInput(table: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
  };
}
