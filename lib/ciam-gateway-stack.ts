import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  type Method,
  type MethodOptions,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionEnvironmentVariables } from '../lambdas/adapters/function-environment';
import { ROUTES, type RouteDefinition, type RouteHandlerName } from '../lambdas/core/routes';
import { CiamAuthorizer } from './ciam-authorizer';
import { createDynamoDbTable } from './dynamodb-table';
import { INTEGRATION_TIMEOUT_MS } from './gateway-responses';
import { ROUTE_HANDLER_ACCESS, type RouteHandlerAccess, type RouteHandlerKind } from './route-handler-access';
import { ServiceFunction } from './service-function';
import type { StageConfig } from './stage-config';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, TABLES, type TableDefinition } from './table-definitions';

export interface CiamGatewayStackProps extends StackProps {
  readonly stageConfig: StageConfig;
}

/** Stage-wide method throttling: a ceiling under the account's regional quota, so one API cannot starve the rest. */
const THROTTLING = { rateLimit: 1000, burstLimit: 2000 } as const;

/** The route handlers' functions, whatever their kind. */
const ROUTE_FUNCTION_SETTINGS = { memorySize: 256, architecture: Architecture.ARM_64 } as const;

/**
 * Route function timeouts by kind of handler, each well inside the 29 s integration timeout.
 * `customer`: the userinfo fetch is bounded at 3 s with one retry, then a few DynamoDB calls.
 * `admin`: the onboarding check (and a PUT that fills a config from discovery) fetches the brand's discovery document,
 * JWKS and userinfo endpoint one after another, 3 s each at most (`DEFAULT_FETCH_LIMITS`), plus a few DynamoDB calls;
 * 15 s leaves room for a sample token's JWKS fetch on top.
 */
const ROUTE_FUNCTION_TIMEOUT: Readonly<Record<RouteHandlerKind, Duration>> = {
  basic: Duration.seconds(10),
  customer: Duration.seconds(10),
  admin: Duration.seconds(15),
};

/** Where the `auth: 'admin'` routes of ROUTES live (the `AdminApiBaseUrl` output). */
const ADMIN_API_PATH = '/v1/admin';

/**
 * The CIAM gateway: the tables of `TABLES`, the CIAM authorizer, and a REST API with one Lambda integration per route
 * of `ROUTES`, each handler's function getting the access `ROUTE_HANDLER_ACCESS` gives it and nothing more.
 *
 * The functions are not in a VPC: the customer handlers call each brand's userinfo endpoint, and the brand admin API
 * its discovery, JWKS and userinfo endpoints, over HTTPS on the internet, which Lambda's own network reaches without
 * NAT gateways, and DynamoDB is reached through its public endpoint with IAM-signed requests.
 *
 * Routes are authorised by their `auth` in ROUTES: `none` not at all, `ciam` by the CIAM authorizer, and `admin`
 * (the brand admin API under `/v1/admin`) by IAM: only SigV4-signed requests of principals allowed
 * `execute-api:Invoke` on the method get through; `grantAdmin` allows one.
 *
 * Access and execution logging need the account's API Gateway CloudWatch Logs role (a per-region account setting).
 * The stack does not manage it (`cloudWatchRole: false`): it is a singleton that every API in the account shares, so
 * it belongs to the account baseline, and a stack owning it would fight any other stack that does.
 */
export class CiamGatewayStack extends Stack {
  /** One table per entry of `TABLES`, by the definition's `id`. */
  public readonly tables: ReadonlyMap<string, TableV2>;
  public readonly brandTable: TableV2;
  public readonly customersTable: TableV2;
  public readonly auditTable: TableV2;
  public readonly ciamAuthorizer: CiamAuthorizer;
  public readonly accessLogGroup: LogGroup;
  public readonly api: RestApi;
  public readonly requestValidator: RequestValidator;
  /** One function per handler named in `ROUTES`. */
  public readonly routeFunctions: ReadonlyMap<RouteHandlerName, NodejsFunction>;
  /**
   * The `execute-api` ARN of every `auth: 'admin'` method on the deployed stage (`Method.methodArn`), for policies
   * `grantAdmin` does not write (a permission boundary, an SCP, another account's role). A path parameter is `*` in
   * the ARN, since IAM matches the request's path: `.../dev/PUT/v1/admin/brands/*`.
   */
  public readonly adminInvokeArns: readonly string[];

  constructor(scope: Construct, id: string, props: CiamGatewayStackProps) {
    super(scope, id, props);
    const config = props.stageConfig;

    this.tables = new Map(TABLES.map((definition) => [definition.id, createDynamoDbTable(this, definition, config)]));
    this.brandTable = this.tableOf(BRAND_CONFIG_TABLE);
    this.customersTable = this.tableOf(CUSTOMERS_TABLE);
    this.auditTable = this.tableOf(AUDIT_TABLE);

    this.ciamAuthorizer = new CiamAuthorizer(this, 'CiamAuthorizer', {
      brandTable: this.brandTable,
      stage: config.stage,
      resultsCacheTtl: Duration.seconds(config.authorizerResultsCacheTtlSeconds),
      brandConfigCacheTtl: Duration.seconds(config.brandConfigCacheTtlSeconds),
      logRetention: config.logRetentionDays,
      functionProps: { tracing: tracingOf(config) },
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention: config.logRetentionDays });
    this.api = new RestApi(this, 'Api', {
      restApiName: `ciam-gateway-${config.stage}`,
      description: `Multi-brand CIAM gateway (${config.stage})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          ip: true,
          caller: true,
          user: true,
          requestTime: true,
          httpMethod: true,
          resourcePath: true,
          status: true,
          protocol: true,
          responseLength: true,
        }),
        // Errors only, and never request or response data: those carry bearer tokens.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: config.tracing,
        throttlingRateLimit: THROTTLING.rateLimit,
        throttlingBurstLimit: THROTTLING.burstLimit,
      },
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        "WAF is out of this stack's scope: stage throttling bounds request rates and the CIAM authorizer guards every " +
        'non-public route; a platform-owned web ACL can be associated with the stage later.',
    });
    this.ciamAuthorizer.addGatewayResponses(this.api);
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const functions = new Map<RouteHandlerName, NodejsFunction>();
    const adminInvokeArns: string[] = [];
    for (const route of ROUTES) {
      const fn = functions.get(route.handler) ?? this.createRouteFunction(route.handler, config);
      functions.set(route.handler, fn);
      const method = this.addRoute(route, fn);
      if (route.auth === 'admin') adminInvokeArns.push(method.methodArn);
    }
    this.routeFunctions = functions;
    this.adminInvokeArns = adminInvokeArns;

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Invoke URL of the API stage' });
    new CfnOutput(this, 'AdminApiBaseUrl', {
      value: this.api.urlForPath(ADMIN_API_PATH),
      description: 'Brand admin API (IAM: SigV4-signed requests of principals granted execute-api:Invoke on it)',
    });
    new CfnOutput(this, 'BrandTableName', { value: this.brandTable.tableName, description: 'Brand configuration table' });
    new CfnOutput(this, 'CustomersTableName', { value: this.customersTable.tableName, description: 'Customers and their identifier claims' });
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.tableName, description: 'Audit trail of customer changes' });
  }

  /**
   * Lets `grantee` call the brand admin API: `execute-api:Invoke` on exactly `adminInvokeArns`, the admin methods on
   * this stack's stage, and nothing else of the API. For an operator role or group (a human signs requests with its
   * credentials, e.g. `awscurl --service execute-api`) or a deployment pipeline's role.
   *
   * A path parameter's `*` matches across `/` in IAM, so `GET .../v1/admin/brands/*` would also match
   * `GET /v1/admin/brands/x/check`; the API has no such method, so that grants nothing more. cdk-nag flags the `*`
   * (AwsSolutions-IAM5) in the grantee's policy, where it is to be acknowledged.
   */
  public grantAdmin(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: [...this.adminInvokeArns] });
  }

  private tableOf(definition: TableDefinition): TableV2 {
    const table = this.tables.get(definition.id);
    if (!table) throw new Error(`Table ${definition.id} is not in TABLES`);
    return table;
  }

  private createRouteFunction(handler: RouteHandlerName, config: StageConfig): NodejsFunction {
    const access = ROUTE_HANDLER_ACCESS[handler];
    const fn = new ServiceFunction(this, `${handler}-route`, {
      handlerName: handler,
      environment: this.routeFunctionEnvironment(handler, access.kind, config),
      ...ROUTE_FUNCTION_SETTINGS,
      timeout: ROUTE_FUNCTION_TIMEOUT[access.kind],
      tracing: tracingOf(config),
      logRetention: config.logRetentionDays,
    }).function;
    this.grantTableAccess(fn, access);
    if (access.kind === 'admin') this.allowAuthorizerCacheFlush(fn, config);
    return fn;
  }

  /**
   * The admin API's `?flushAuthorizerCache=true`: FlushStageAuthorizersCache on this stage only, so a brand change
   * reaches tokens whose decisions API Gateway has cached.
   */
  private allowAuthorizerCacheFlush(fn: NodejsFunction, config: StageConfig): void {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['apigateway:DELETE'],
      resourceArns: [Stack.of(this).formatArn({ service: 'apigateway', account: '', resource: `/restapis/${this.api.restApiId}/stages/${config.stage}/cache/authorizers` })],
    });
  }

  /**
   * The settings a `kind` handler's function reads, written from the environment contract
   * (lambdas/adapters/function-environment.ts): its table names, the brand cache TTL and audit retention of the
   * stage, and for the admin API the REST API whose authorizer cache it may flush.
   */
  private routeFunctionEnvironment(handler: RouteHandlerName, kind: RouteHandlerKind, config: StageConfig): Record<string, string> {
    const common = { stage: config.stage, serviceName: `ciam-gateway-${handler}` };
    const brands = { brandTableName: this.brandTable.tableName, brandCacheTtlSeconds: config.brandConfigCacheTtlSeconds };
    const audit = { auditTableName: this.auditTable.tableName, auditRetentionDays: config.auditRetentionDays };
    switch (kind) {
      case 'basic':
        return functionEnvironmentVariables('basic', common);
      case 'customer':
        return functionEnvironmentVariables('customer', { ...common, ...brands, ...audit, customersTableName: this.customersTable.tableName });
      case 'admin':
        return functionEnvironmentVariables('admin', { ...common, ...brands, ...audit, restApiId: this.api.restApiId });
    }
  }

  /**
   * Exactly the actions of `access` on exactly its tables' ARNs. Not `table.grant()`: on a table with an index it also
   * grants the actions on `<table arn>/index/*`, which no handler uses (and cdk-nag would rightly flag the wildcard).
   */
  private grantTableAccess(fn: NodejsFunction, access: RouteHandlerAccess): void {
    for (const { table, actions } of access.grants) {
      Grant.addToPrincipal({ grantee: fn, actions: [...actions], resourceArns: [this.tableOf(table).tableArn] });
    }
  }

  private addRoute(route: RouteDefinition, fn: NodejsFunction): Method {
    const auth: Record<RouteDefinition['auth'], MethodOptions> = {
      none: { authorizationType: AuthorizationType.NONE },
      ciam: { authorizer: this.ciamAuthorizer.authorizer, authorizationType: AuthorizationType.CUSTOM },
      // SigV4-signed callers allowed execute-api:Invoke on the method (`grantAdmin`); no CIAM token involved.
      admin: { authorizationType: AuthorizationType.IAM },
    };
    const method = this.api.root.resourceForPath(route.path).addMethod(
      route.method,
      // No test-invoke permission: only the deployed stage may call the function.
      new LambdaIntegration(fn, { timeout: Duration.millis(INTEGRATION_TIMEOUT_MS), allowTestInvoke: false }),
      { ...auth[route.auth], requestValidator: this.requestValidator, requestParameters: pathParameters(route.path) },
    );

    // IAM authorisation satisfies APIG4 (the method is authorised), so admin methods acknowledge COG4 only.
    if (route.auth === 'ciam') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: "Tokens come from each brand's own CIAM, not one Cognito user pool: the CIAM Lambda authorizer verifies them.",
      });
    } else if (route.auth === 'admin') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'admin API: IAM SigV4 authorization, operators are AWS principals, not Cognito users.',
      });
    } else {
      const reason = `${route.method} ${route.path} is public by design (auth: 'none' in ROUTES).`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }
    return method;
  }
}

function tracingOf(config: StageConfig): Tracing {
  return config.tracing ? Tracing.ACTIVE : Tracing.DISABLED;
}

/** `{name}` segments of a resource path, as required request parameters for the request validator. */
function pathParameters(path: string): Record<string, boolean> {
  const names = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] as string);
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}
