import { CfnOutput, Duration, Stack, type CfnResource, type StackProps } from 'aws-cdk-lib';
import type { RequestValidator, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Tracing, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDefinition, type RouteHandlerName } from '../lambdas/core/routes';
import { CiamAuthorizer } from './ciam-authorizer';
import { CiamGatewayApi } from './ciam-gateway-api';
import { CiamGatewayMonitoring, type CiamGatewayAlarmThresholds } from './ciam-gateway-monitoring';
import { CiamGatewayTables } from './ciam-gateway-tables';
import type { StageConfig } from './stage-config';
import { CiamGatewayStageParameters } from './stage-parameters';

export interface CiamGatewayStackProps extends StackProps {
  readonly stageConfig: StageConfig;
  /**
   * The routes the API serves.
   * @default ROUTES - this project's routes: health, whoami, the customer routes and the brand admin API
   */
  readonly routes?: readonly RouteDefinition[];
  /** Where the gateway's alarms are sent (README, "Metrics, dashboard and alarms"). @default none: the alarms only change state */
  readonly alarmTopic?: ITopic;
  /** @default DEFAULT_ALARM_THRESHOLDS */
  readonly alarmThresholds?: CiamGatewayAlarmThresholds;
}

/** Where the `auth: 'admin'` routes of ROUTES live (the `AdminApiBaseUrl` output). */
const ADMIN_API_PATH = '/v1/admin';

/**
 * The logical ids the tables had when this stack made them itself, before they moved into CiamGatewayTables: a new
 * logical id would make CloudFormation create new, empty tables for a deployed stage.
 */
const DEPLOYED_TABLE_LOGICAL_IDS: Readonly<Record<string, string>> = {
  BrandConfigTable: 'BrandConfigTable588778E0',
  CustomersTable: 'CustomersTableB554B793',
  AuditTable: 'AuditTableB07F8EEB',
};

/**
 * The CIAM gateway of one stage, made of the constructs a user can also use alone: the tables
 * (`CiamGatewayTables`), the CIAM authorizer (`CiamAuthorizer`), the API with its route functions and the brand admin
 * API (`CiamGatewayApi`), and the SSM parameters that let other stacks and apps use the authorizer
 * (`CiamGatewayStageParameters`, read by `CiamAuthorizer.fromStage`). Settings come from the stage (`StageConfig`).
 */
export class CiamGatewayStack extends Stack {
  public readonly gatewayTables: CiamGatewayTables;
  /** One table per entry of `TABLES`, by the definition's `id`. */
  public readonly tables: ReadonlyMap<string, TableV2>;
  public readonly brandTable: TableV2;
  public readonly customersTable: TableV2;
  public readonly auditTable: TableV2;
  public readonly revocationsTable: TableV2;
  public readonly ciamAuthorizer: CiamAuthorizer;
  public readonly gatewayApi: CiamGatewayApi;
  public readonly accessLogGroup: LogGroup;
  public readonly api: RestApi;
  public readonly requestValidator: RequestValidator;
  /** One function per handler named in the routes. */
  public readonly routeFunctions: ReadonlyMap<RouteHandlerName, LambdaFunction>;
  /** See `CiamGatewayApi.adminInvokeArns`. */
  public readonly adminInvokeArns: readonly string[];
  public readonly stageParameters: CiamGatewayStageParameters;
  /** The dashboard and the alarms. */
  public readonly monitoring: CiamGatewayMonitoring;

  constructor(scope: Construct, id: string, props: CiamGatewayStackProps) {
    super(scope, id, props);
    const config = props.stageConfig;
    const routes = props.routes ?? ROUTES;

    this.gatewayTables = new CiamGatewayTables(this, 'Tables', {
      removalPolicy: config.removalPolicy,
      pointInTimeRecovery: config.pointInTimeRecovery,
    });
    for (const [definitionId, table] of this.gatewayTables.tables) {
      const deployed = DEPLOYED_TABLE_LOGICAL_IDS[definitionId];
      if (deployed !== undefined) (table.node.defaultChild as CfnResource).overrideLogicalId(deployed);
    }
    this.tables = this.gatewayTables.tables;
    this.brandTable = this.gatewayTables.brandTable;
    this.customersTable = this.gatewayTables.customersTable;
    this.auditTable = this.gatewayTables.auditTable;
    this.revocationsTable = this.gatewayTables.revocationsTable;

    this.ciamAuthorizer = new CiamAuthorizer(this, 'CiamAuthorizer', {
      brandTable: this.brandTable,
      revocationsTable: this.revocationsTable,
      stage: config.stage,
      resultsCacheTtl: Duration.seconds(config.authorizerResultsCacheTtlSeconds),
      brandConfigCacheTtl: Duration.seconds(config.brandConfigCacheTtlSeconds),
      logRetention: config.logRetentionDays,
      functionProps: { tracing: config.tracing ? Tracing.ACTIVE : Tracing.DISABLED, reservedConcurrentExecutions: config.authorizerReservedConcurrency },
      quotaTiers: config.quotaTiers,
    });

    // 'Default' is left out of logical ids: the API, its stage, functions and log groups keep the ids they were
    // deployed with when the stack made them itself (a new RestApi would change the API's URL).
    this.gatewayApi = new CiamGatewayApi(this, 'Default', {
      stage: config.stage,
      routes,
      tables: this.gatewayTables,
      // The API attaches it with the scopes of its `ciam` routes: authorizerFor(api, { routeScopes: routeScopesOf(routes) }).
      ciamAuthorizer: this.ciamAuthorizer,
      quotaPlans: this.ciamAuthorizer.quotaPlans,
      brandConfigCacheTtl: Duration.seconds(config.brandConfigCacheTtlSeconds),
      auditRetentionDays: config.auditRetentionDays,
      logRetention: config.logRetentionDays,
      tracing: config.tracing,
    });
    this.accessLogGroup = this.gatewayApi.accessLogGroup;
    this.api = this.gatewayApi.api;
    this.requestValidator = this.gatewayApi.requestValidator;
    this.routeFunctions = this.gatewayApi.routeFunctions;
    this.adminInvokeArns = this.gatewayApi.adminInvokeArns;

    this.stageParameters = new CiamGatewayStageParameters(this, 'StageParameters', {
      stage: config.stage,
      authorizerFunction: this.ciamAuthorizer.handler,
      brandTable: this.brandTable,
      revocationsTable: this.revocationsTable,
      quotaPlans: this.ciamAuthorizer.quotaPlans,
    });

    this.monitoring = new CiamGatewayMonitoring(this, 'Monitoring', {
      stage: this.api.deploymentStage,
      authorizerFunction: this.ciamAuthorizer.handler,
      routeFunctions: [...this.routeFunctions.values()],
      tables: [...this.tables.values()],
      accessLogGroup: this.accessLogGroup,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      ...(props.alarmThresholds ? { thresholds: props.alarmThresholds } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Invoke URL of the API stage' });
    if (routes.some((route) => route.auth === 'admin')) {
      new CfnOutput(this, 'AdminApiBaseUrl', {
        value: this.api.urlForPath(ADMIN_API_PATH),
        description: 'Brand admin API (IAM: SigV4-signed requests of principals granted execute-api:Invoke on it)',
      });
    }
    new CfnOutput(this, 'BrandTableName', { value: this.brandTable.tableName, description: 'Brand configuration table' });
    new CfnOutput(this, 'CustomersTableName', { value: this.customersTable.tableName, description: 'Customers and their identifier claims' });
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.tableName, description: 'Audit trail of customer changes' });
    new CfnOutput(this, 'RevocationsTableName', { value: this.revocationsTable.tableName, description: 'Revoked subjects and sessions' });
  }

  /** See `CiamGatewayApi.grantAdmin`: `execute-api:Invoke` on exactly the admin methods of this stack's stage. */
  public grantAdmin(grantee: IGrantable): Grant {
    return this.gatewayApi.grantAdmin(grantee);
  }

  /** See `CiamGatewayApi.grantConsole`: `grantAdmin` plus `cloudwatch:GetMetricData`, for the operator console. */
  public grantConsole(grantee: IGrantable): Grant {
    return this.gatewayApi.grantConsole(grantee);
  }
}
