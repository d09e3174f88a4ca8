import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** What CiamGatewayTables gets when its props leave a setting out: tables that outlive their stack and can be restored. */
export const CIAM_GATEWAY_TABLES_DEFAULTS = {
  removalPolicy: RemovalPolicy.RETAIN,
  pointInTimeRecovery: true,
} as const;

/** What CiamGatewayApi gets when its props leave a setting out: production settings. */
export const CIAM_GATEWAY_API_DEFAULTS = {
  brandConfigCacheTtl: Duration.seconds(60),
  auditRetentionDays: 400,
  logRetention: RetentionDays.ONE_YEAR,
  tracing: true,
} as const;
