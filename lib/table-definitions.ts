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
  readonly globalSecondaryIndexes?: readonly { readonly indexName: string; readonly partitionKey: string; readonly sortKey?: string }[];
}

export const BRAND_CONFIG_TABLE: TableDefinition = { id: 'BrandConfigTable', partitionKey: 'brandId' };

/**
 * Customers and their uniqueness claims, one item each, all keyed by `pk`: `CUSTOMER#<brand>#<id>`,
 * `CUID#<brand>#<cuid>`, `EMAIL#<brand>#<email>`, `MOBILE#<brand>#<e164>`. Claims are written in the same
 * transaction as the customer, with `attribute_not_exists(pk)`, which is what makes them unique.
 */
export const CUSTOMERS_TABLE: TableDefinition = { id: 'CustomersTable', partitionKey: 'pk' };

/** Audit records: by brand and time (`pk` = `BRAND#<brand>`, `sk` = `<iso time>#<id>`), and by customer. */
export const AUDIT_TABLE: TableDefinition = {
  id: 'AuditTable',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: 'customerId', sortKey: 'sk' }],
};

/**
 * Revocations (lambdas/core/revocation.ts), keyed by `pk`: `SUB#<brand>#<sub>` and `SID#<brand>#<sid>`, and the
 * `jti`s of logout tokens already used (`JTI#<brand>#<jti>`), which refuse replays. Every item expires (`expiresAt`).
 */
export const REVOCATIONS_TABLE: TableDefinition = { id: 'RevocationsTable', partitionKey: 'pk', timeToLiveAttribute: 'expiresAt' };

export const TABLES: readonly TableDefinition[] = [BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, AUDIT_TABLE, REVOCATIONS_TABLE];
