import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from './table-definitions';

export interface DynamoDbTableProps {
  /** What happens to the table when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
}

/**
 * A table exactly as its `TableDefinition` says: keys, TTL attribute and global secondary indexes (projecting all
 * attributes, as DynamoDB Local's copy does: both are built from the same definition). On-demand, encrypted with the
 * AWS-managed key (no key policy to manage, and grants need no KMS permissions). TableV2 because it is CDK's current
 * table construct and takes replicas in other regions later without replacing the table.
 *
 * The construct id is the definition's `id`, so a table keeps its logical id however many tables the stack has.
 */
export function createDynamoDbTable(scope: Construct, definition: TableDefinition, props: DynamoDbTableProps): TableV2 {
  const { id, partitionKey, sortKey, timeToLiveAttribute, globalSecondaryIndexes = [] } = definition;
  return new TableV2(scope, id, {
    partitionKey: stringKey(partitionKey),
    sortKey: sortKey === undefined ? undefined : stringKey(sortKey),
    timeToLiveAttribute,
    globalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: stringKey(index.partitionKey),
      sortKey: index.sortKey === undefined ? undefined : stringKey(index.sortKey),
      projectionType: ProjectionType.ALL,
    })),
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
    removalPolicy: props.removalPolicy,
  });
}

/** Every key in the definitions is a string (DynamoDB Local's copy declares them `S` too). */
function stringKey(name: string): { name: string; type: AttributeType } {
  return { name, type: AttributeType.STRING };
}
