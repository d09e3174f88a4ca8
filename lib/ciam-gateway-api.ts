import { Duration, Lazy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  type IAuthorizer,
  type Method,
  type MethodOptions,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, Tracing, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEnvironmentVariables } from '../lambdas/adapters/function-environment';
import { ConfigValidationError } from '../lambdas/core/errors';
import { ROUTES, routeScopesOf, type RouteDefinition, type RouteHandlerName } from '../lambdas/core/routes';
import type { CiamAuthorizer } from './ciam-authorizer';
import { CIAM_GATEWAY_API_DEFAULTS } from './ciam-gateway-defaults';
import type { CiamGatewayTableSet } from './ciam-gateway-tables';
import { grantBrandSecretsRead } from './brand-secrets-access';
import { DelayedCacheFlush, grantAuthorizerCacheFlush } from './delayed-cache-flush';
import { INTEGRATION_TIMEOUT_MS } from './gateway-responses';
import { stageProblems, throwIfInvalid } from './props-validation';
import { ROUTE_HANDLER_ACCESS, type RouteHandlerAccess, type RouteHandlerKind } from './route-handler-access';
import type { BrandQuotaPlans } from './brand-quota-plans';
import { ServiceFunction } from './service-function';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE } from './table-definitions';

/** What guards the `ciam` routes: a `CiamAuthorizer`, or one imported with `CiamAuthorizer.fromStage`. */
export type CiamAuthorizerSource = Pick<CiamAuthorizer, 'authorizerFor'>;

export interface CiamGatewayApiProps {
  /**
   * The gateway stage: the API's stage name, the functions' `STAGE`, and the registry
   * (`/ciam-gateway/<stage>/apis`) whose API stages the admin API flushes: give the CiamAuthorizer's stage.
   */
  readonly stage: string;
  /**
   * The routes to serve, one Lambda function per handler named.
   * @default ROUTES - this project's routes: health, whoami, the customer routes and the brand admin API
   */
  readonly routes?: readonly RouteDefinition[];
  /**
   * The tables the route handlers use; required when a route's handler uses one (all but `health` and `whoami`).
   * @default - none
   */
  readonly tables?: CiamGatewayTableSet;
  /**
   * Guards the `auth: 'ciam'` routes, with their scopes (`routeScopesOf(routes)`); required when there is one.
   * @default - none
   */
  readonly ciamAuthorizer?: CiamAuthorizerSource;
  /**
   * Per-brand quotas on this API (the CiamAuthorizer's `quotaPlans`): its `ciam` routes are metered on each brand's
   * API key in its tier's plan, and the admin API keeps the keys.
   * @default - no quotas
   */
  readonly quotaPlans?: BrandQuotaPlans;
  /**
   * How long the handlers keep a brand's configuration in memory; 0 to 3600 s (BRAND_CACHE_TTL_SECONDS). The admin API
   * also waits this long (plus a margin) before its follow-up authorizer-cache flush for API stages whose registration
   * names no TTL (those of `CiamAuthorizer.fromStage`): give the CiamAuthorizer's `brandConfigCacheTtl`.
   * @default Duration.seconds(60)
   */
  readonly brandConfigCacheTtl?: Duration;
  /**
   * How long audit records of customer and brand changes are kept, in days; 1 to 3650 (AUDIT_RETENTION_DAYS).
   * @default 400
   */
  readonly auditRetentionDays?: number;
  /**
   * Retention of the access logs and of every function's log group.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * X-Ray active tracing on the API stage and every function.
   * @default true
   */
  readonly tracing?: boolean;
}

/**
 * The stage's access log line: CDK's standard JSON fields, and which brand a request was for and why API Gateway
 * answered it itself (`THROTTLED`, `QUOTA_EXCEEDED`, `INVALID_API_KEY`…), which the dashboard's quota panels read:
 * usage plans publish no metric of their own. The API key's id, never its value.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  user: '$context.identity.user',
  caller: '$context.identity.caller',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  brand: '$context.authorizer.brandId',
  apiKeyId: '$context.identity.apiKeyId',
  responseType: '$context.error.responseType',
} as const;

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

/**
 * A REST API serving a route table (`ROUTES` unless told), one Lambda integration per route, each handler's function
 * getting the access `ROUTE_HANDLER_ACCESS` gives it and nothing more. The brand admin API is part of it: its routes
 * are rows of the table (`auth: 'admin'`) and its handler a route handler; `grantAdmin` lets a principal call it.
 *
 * Routes are authorised by their `auth`: `none` not at all, `ciam` by the CIAM authorizer (`ciamAuthorizer`), and
 * `admin` by IAM: only SigV4-signed requests of principals allowed `execute-api:Invoke` on the method get through.
 *
 * The functions are not in a VPC: the customer handlers call each brand's userinfo endpoint, and the brand admin API
 * its discovery, JWKS and userinfo endpoints, over HTTPS on the internet, which Lambda's own network reaches without
 * NAT gateways, and DynamoDB is reached through its public endpoint with IAM-signed requests.
 *
 * Access and execution logging need the account's API Gateway CloudWatch Logs role (a per-region account setting).
 * The API does not manage it (`cloudWatchRole: false`): it is a singleton that every API in the account shares, so
 * it belongs to the account baseline, and a stack owning it would fight any other stack that does.
 */
export class CiamGatewayApi extends Construct {
  public readonly accessLogGroup: LogGroup;
  public readonly api: RestApi;
  public readonly requestValidator: RequestValidator;
  /** The CIAM authorizer of this API, when a route uses it. */
  public readonly ciamAuthorizer?: IAuthorizer;
  /** One function per handler named in the routes. */
  public readonly routeFunctions: ReadonlyMap<RouteHandlerName, LambdaFunction>;
  /**
   * The `execute-api` ARN of every `auth: 'admin'` method on the deployed stage (`Method.methodArn`), for policies
   * `grantAdmin` does not write (a permission boundary, an SCP, another account's role). A path parameter is `*` in
   * the ARN, since IAM matches the request's path: `.../dev/PUT/v1/admin/brands/*`.
   */
  public readonly adminInvokeArns: readonly string[];
  /** The follow-up authorizer-cache flushes of brand changes, when the routes include the admin API. */
  public readonly delayedCacheFlush?: DelayedCacheFlush;
  private readonly stage: string;
  private readonly quotaPlans?: BrandQuotaPlans;

  constructor(scope: Construct, id: string, props: CiamGatewayApiProps) {
    super(scope, id);
    const routes = props.routes ?? ROUTES;
    const settings = {
      brandConfigCacheTtl: props.brandConfigCacheTtl ?? CIAM_GATEWAY_API_DEFAULTS.brandConfigCacheTtl,
      auditRetentionDays: props.auditRetentionDays ?? CIAM_GATEWAY_API_DEFAULTS.auditRetentionDays,
      logRetention: props.logRetention ?? CIAM_GATEWAY_API_DEFAULTS.logRetention,
      tracing: props.tracing ?? CIAM_GATEWAY_API_DEFAULTS.tracing,
    };
    // The admin function's environment names the follow-up queue, which exists only once the props are checked.
    const followUpQueueUrl = Lazy.string({ produce: () => this.delayedCacheFlush?.queue.queueUrl });
    const { problems, environments } = checkProps(props, routes, settings, followUpQueueUrl);
    throwIfInvalid(this, 'CiamGatewayApi', problems);
    this.stage = props.stage;
    this.quotaPlans = props.quotaPlans;

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', { retention: settings.logRetention });
    this.api = new RestApi(this, 'Api', {
      restApiName: `ciam-gateway-${props.stage}`,
      description: `Multi-brand CIAM gateway (${props.stage})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // Errors only, and never request or response data: those carry bearer tokens.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: settings.tracing,
        throttlingRateLimit: THROTTLING.rateLimit,
        throttlingBurstLimit: THROTTLING.burstLimit,
      },
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        "WAF is out of this construct's scope: stage throttling bounds request rates and the CIAM authorizer guards every " +
        'non-public route; a platform-owned web ACL can be associated with the stage later.',
    });
    // One authorizer for the API, carrying the scopes of its `ciam` routes (and adding the RFC 6750 responses).
    if (props.ciamAuthorizer && routes.some((route) => route.auth === 'ciam')) {
      this.ciamAuthorizer = props.ciamAuthorizer.authorizerFor(this.api, { routeScopes: routeScopesOf(routes), ...(props.quotaPlans ? { quotas: true } : {}) });
    }
    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const tracing = settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED;
    if (routes.some((route) => ROUTE_HANDLER_ACCESS[route.handler].kind === 'admin')) {
      this.delayedCacheFlush = new DelayedCacheFlush(this, 'AuthorizerCacheFlush', { stage: props.stage, logRetention: settings.logRetention, tracing });
    }
    const functions = new Map<RouteHandlerName, LambdaFunction>();
    const adminInvokeArns: string[] = [];
    for (const route of routes) {
      const fn = functions.get(route.handler) ?? this.createRouteFunction(route.handler, environments, props.tables, tracing, settings.logRetention);
      functions.set(route.handler, fn);
      const method = this.addRoute(route, fn);
      if (route.auth === 'admin') adminInvokeArns.push(method.methodArn);
    }
    this.routeFunctions = functions;
    this.adminInvokeArns = adminInvokeArns;
  }

  /**
   * Lets `grantee` call the brand admin API: `execute-api:Invoke` on exactly `adminInvokeArns`, the admin methods on
   * this API's stage, and nothing else of the API. For an operator role or group (a human signs requests with its
   * credentials, e.g. `awscurl --service execute-api`) or a deployment pipeline's role.
   *
   * A path parameter's `*` matches across `/` in IAM, so `GET .../v1/admin/brands/*` would also match
   * `GET /v1/admin/brands/x/check`; the API has no such method, so that grants nothing more. cdk-nag flags the `*`
   * (AwsSolutions-IAM5) in the grantee's policy, where it is to be acknowledged.
   */
  public grantAdmin(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: [...this.adminInvokeArns] });
  }

  /**
   * Lets `grantee` run the operator console (`ciam-gateway console`) against this stage: `grantAdmin`, plus
   * `cloudwatch:GetMetricData` for the console's per-brand charts. GetMetricData has no resource-level permissions, so
   * its resource is `*` (cdk-nag's AwsSolutions-IAM5, to be acknowledged in the grantee's policy); it reads metrics,
   * never writes them.
   */
  public grantConsole(grantee: IGrantable): Grant {
    return this.grantAdmin(grantee).combine(Grant.addToPrincipal({ grantee, actions: ['cloudwatch:GetMetricData'], resourceArns: ['*'] }));
  }

  private createRouteFunction(
    handler: RouteHandlerName,
    environments: ReadonlyMap<RouteHandlerName, Record<string, string>>,
    tables: CiamGatewayTableSet | undefined,
    tracing: Tracing,
    logRetention: RetentionDays,
  ): LambdaFunction {
    const access = ROUTE_HANDLER_ACCESS[handler];
    const environment = environments.get(handler);
    if (!environment) throw new Error(`${this.node.path}: no environment for ${handler}, though the props were checked`);
    const fn = new ServiceFunction(this, `${handler}-route`, {
      handlerName: handler,
      environment,
      ...ROUTE_FUNCTION_SETTINGS,
      timeout: ROUTE_FUNCTION_TIMEOUT[access.kind],
      tracing,
      logRetention,
    });
    if (tables) grantTableAccess(fn.function, access, tables);
    // A brand change flushes the authorizer caches of every API stage registered for the gateway stage, so it
    // reaches tokens whose decisions API Gateway has cached, and schedules the follow-up flush.
    if (access.kind === 'admin') {
      grantAuthorizerCacheFlush(fn, this.stage);
      this.delayedCacheFlush?.grantSchedule(fn.function);
      this.quotaPlans?.grantKeySync(fn.role);
      // The onboarding check introspects a brand's sample token with the brand's client secret.
      grantBrandSecretsRead(fn, this.stage);
    }
    return fn.function;
  }

  private addRoute(route: RouteDefinition, fn: LambdaFunction): Method {
    const auth: Record<RouteDefinition['auth'], MethodOptions> = {
      none: { authorizationType: AuthorizationType.NONE },
      ciam: { authorizer: this.ciamAuthorizer, authorizationType: AuthorizationType.CUSTOM },
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
      const reason = `${route.method} ${route.path} is public by design (auth: 'none' in its route table).`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }
    return method;
  }
}

type Settings = Required<Pick<CiamGatewayApiProps, 'brandConfigCacheTtl' | 'auditRetentionDays'>>;

/**
 * Every problem with the props, and each handler's environment (written from the contract the function reads,
 * lambdas/adapters/function-environment.ts, which checks the values as the function will).
 */
function checkProps(
  props: CiamGatewayApiProps,
  routes: readonly RouteDefinition[],
  settings: Settings,
  followUpQueueUrl: string,
): { problems: string[]; environments: Map<RouteHandlerName, Record<string, string>> } {
  const problems: string[] = [...stageProblems(props.stage, { tokenAllowed: true })];
  problems.push(...routeProblems(routes));
  if (routes.some((route) => route.auth === 'ciam') && !props.ciamAuthorizer) {
    problems.push("ciamAuthorizer is required: routes with auth 'ciam' need it");
  }
  const handlers = [...new Set(routes.map((route) => route.handler))].filter((handler) => handler in ROUTE_HANDLER_ACCESS);
  const needingTables = handlers.filter((handler) => usesTables(handler));
  if (needingTables.length > 0 && !props.tables) problems.push(`tables are required: the handlers ${needingTables.join(', ')} use them`);

  const environments = new Map<RouteHandlerName, Record<string, string>>();
  const environmentProblems = new Set<string>();
  for (const handler of handlers) {
    try {
      const environment = routeFunctionEnvironment(handler, props.stage, settings, props.tables, followUpQueueUrl, props.quotaPlans?.usagePlanNames);
      if (environment) environments.set(handler, environment);
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      err.problems.forEach((problem) => environmentProblems.add(`function environment: ${problem}`));
    }
  }
  return { problems: [...problems, ...environmentProblems], environments };
}

/** What API Gateway or the handlers would refuse later, or silently ignore. */
function routeProblems(routes: readonly RouteDefinition[]): string[] {
  const problems: string[] = [];
  if (routes.length === 0) problems.push('routes must name at least one route');
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) problems.push(`routes: ${key} is given twice`);
    seen.add(key);
    if (!route.path.startsWith('/')) problems.push(`routes: ${key}: the path must start with /`);
    if (!(route.handler in ROUTE_HANDLER_ACCESS)) problems.push(`routes: ${key}: no handler ${JSON.stringify(route.handler)}`);
    if (route.auth !== 'ciam' && route.scopes.length > 0) problems.push(`routes: ${key}: scopes apply only to auth 'ciam' routes (this one is '${route.auth}')`);
  }
  return problems;
}

function usesTables(handler: RouteHandlerName): boolean {
  return ROUTE_HANDLER_ACCESS[handler].kind !== 'basic';
}

/**
 * The settings a handler's function reads: its table names, the brand cache TTL and audit retention, and the stage
 * (which, for the admin API, names the registry of API stages whose authorizer caches it flushes, and with the queue of
 * follow-up flushes). Undefined when the tables it needs are missing, which is reported on its own.
 */
function routeFunctionEnvironment(
  handler: RouteHandlerName,
  stage: string,
  settings: Settings,
  tables: CiamGatewayTableSet | undefined,
  followUpQueueUrl: string,
  usagePlans: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  const common = { stage, serviceName: `ciam-gateway-${handler}` };
  const kind = ROUTE_HANDLER_ACCESS[handler].kind;
  if (kind === 'basic') return functionEnvironmentVariables('basic', common);
  if (!tables) return undefined;
  const brands = { brandTableName: tables.brandTable.tableName, brandCacheTtlSeconds: settings.brandConfigCacheTtl.toSeconds({ integral: false }) };
  const audit = { auditTableName: tables.auditTable.tableName, auditRetentionDays: settings.auditRetentionDays, revocationsTableName: tables.revocationsTable.tableName };
  return kind === 'customer'
    ? functionEnvironmentVariables('customer', { ...common, ...brands, ...audit, customersTableName: tables.customersTable.tableName })
    : functionEnvironmentVariables('admin', { ...common, ...brands, ...audit, authorizerCacheFlushQueueUrl: followUpQueueUrl, ...(usagePlans ? { usagePlans } : {}) });
}

/** The gateway's table for each table definition the handlers' grants name. */
function tableFor(tables: CiamGatewayTableSet, definitionId: string): ITable {
  const byDefinition: Readonly<Record<string, ITable>> = {
    [BRAND_CONFIG_TABLE.id]: tables.brandTable,
    [CUSTOMERS_TABLE.id]: tables.customersTable,
    [AUDIT_TABLE.id]: tables.auditTable,
    [REVOCATIONS_TABLE.id]: tables.revocationsTable,
  };
  const table = byDefinition[definitionId];
  if (!table) throw new Error(`No gateway table for definition ${definitionId}`);
  return table;
}

/**
 * Exactly the actions of `access` on exactly its tables' ARNs. Not `table.grant()`: on a table with an index it also
 * grants the actions on `<table arn>/index/*`, which no handler uses (and cdk-nag would rightly flag the wildcard).
 */
function grantTableAccess(fn: LambdaFunction, access: RouteHandlerAccess, tables: CiamGatewayTableSet): void {
  for (const { table, actions } of access.grants) {
    Grant.addToPrincipal({ grantee: fn, actions: [...actions], resourceArns: [tableFor(tables, table.id).tableArn] });
  }
}

/** `{name}` segments of a resource path, as required request parameters for the request validator. */
function pathParameters(path: string): Record<string, boolean> {
  const names = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] as string);
  return Object.fromEntries(names.map((name) => [`method.request.path.${name}`, true]));
}
