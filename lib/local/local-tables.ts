import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE, type TableDefinition } from '../table-definitions';

/**
 * What local mode creates in DynamoDB Local: the stack's tables, by role. Here, not beside the definitions: the
 * published package must not name the AWS SDK in its types, and only local mode and the tests create tables this way.
 */
export const LOCAL_TABLES = {
  brandConfig: (name: string) => toCreateTableInput(BRAND_CONFIG_TABLE, name),
  customers: (name: string) => toCreateTableInput(CUSTOMERS_TABLE, name),
  audit: (name: string) => toCreateTableInput(AUDIT_TABLE, name),
  revocations: (name: string) => toCreateTableInput(REVOCATIONS_TABLE, name),
};

/** The CreateTable request for DynamoDB Local (on-demand, as in the stack). */
export function toCreateTableInput(table: TableDefinition, tableName: string): CreateTableCommandInput {
  const keySchema = (partitionKey: string, sortKey?: string) => [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  const indexes = table.globalSecondaryIndexes ?? [];
  const attributes = new Set([table.partitionKey, table.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].filter((name) => name !== undefined).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(indexes.length > 0
      ? { GlobalSecondaryIndexes: indexes.map((i) => ({ IndexName: i.indexName, KeySchema: keySchema(i.partitionKey, i.sortKey), Projection: { ProjectionType: 'ALL' as const } })) }
      : {}),
  };
}
