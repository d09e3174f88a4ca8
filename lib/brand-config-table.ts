import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BRAND_CONFIG_TABLE } from './table-definitions';

export interface BrandConfigTableProps {
  /** What happens to the table when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
}

/**
 * The brand configuration table, keyed as `BRAND_CONFIG_TABLE` says (DynamoDB Local builds its copy from the same
 * definition). TableV2 because it is CDK's current table construct and takes replicas in other regions later
 * without replacing the table.
 */
export function createBrandConfigTable(scope: Construct, props: BrandConfigTableProps): TableV2 {
  const { id, partitionKey, sortKey, timeToLiveAttribute } = BRAND_CONFIG_TABLE;
  return new TableV2(scope, id, {
    partitionKey: { name: partitionKey, type: AttributeType.STRING },
    sortKey: sortKey === undefined ? undefined : { name: sortKey, type: AttributeType.STRING },
    timeToLiveAttribute,
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.awsManagedKey(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
    removalPolicy: props.removalPolicy,
  });
}
