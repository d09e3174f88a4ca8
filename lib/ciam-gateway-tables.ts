import type { RemovalPolicy } from 'aws-cdk-lib';
import type { ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CIAM_GATEWAY_TABLES_DEFAULTS } from './ciam-gateway-defaults';
import { createDynamoDbTable } from './dynamodb-table';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE, TABLES, type TableDefinition } from './table-definitions';

/** The gateway's tables by role: as CiamGatewayTables makes them, or your own (e.g. `TableV2.fromTableName`). */
export interface CiamGatewayTableSet {
  /** Brand configurations, keyed by `brandId`. */
  readonly brandTable: ITable;
  /** Customers and their identifier claims. */
  readonly customersTable: ITable;
  /** The audit trail (TTL `expiresAt`, index `byCustomer`). */
  readonly auditTable: ITable;
  /** Revoked subjects and sessions, and used logout tokens (TTL `expiresAt`). */
  readonly revocationsTable: ITable;
}

export interface CiamGatewayTablesProps {
  /**
   * What happens to the tables when they leave the stack (or the stack is deleted).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Point-in-time recovery of every table.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The tables of `TABLES` (lib/table-definitions.ts, which local mode builds DynamoDB Local's tables from too): brand
 * configuration, customers and their identifier claims, the audit trail, and revocations. On demand, encrypted with the AWS-managed
 * key, point-in-time recovery and retained unless told otherwise.
 */
export class CiamGatewayTables extends Construct implements CiamGatewayTableSet {
  /** One table per entry of `TABLES`, by the definition's `id`. */
  public readonly tables: ReadonlyMap<string, TableV2>;
  public readonly brandTable: TableV2;
  public readonly customersTable: TableV2;
  public readonly auditTable: TableV2;
  public readonly revocationsTable: TableV2;

  constructor(scope: Construct, id: string, props: CiamGatewayTablesProps = {}) {
    super(scope, id);
    const settings = {
      removalPolicy: props.removalPolicy ?? CIAM_GATEWAY_TABLES_DEFAULTS.removalPolicy,
      pointInTimeRecovery: props.pointInTimeRecovery ?? CIAM_GATEWAY_TABLES_DEFAULTS.pointInTimeRecovery,
    };
    this.tables = new Map(TABLES.map((definition) => [definition.id, createDynamoDbTable(this, definition, settings)]));
    this.brandTable = this.tableOf(BRAND_CONFIG_TABLE);
    this.customersTable = this.tableOf(CUSTOMERS_TABLE);
    this.auditTable = this.tableOf(AUDIT_TABLE);
    this.revocationsTable = this.tableOf(REVOCATIONS_TABLE);
  }

  private tableOf(definition: TableDefinition): TableV2 {
    const table = this.tables.get(definition.id);
    if (!table) throw new Error(`Table ${definition.id} is not in TABLES`);
    return table;
  }
}
