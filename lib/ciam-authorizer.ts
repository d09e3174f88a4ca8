import { Lazy, Stack, Tokenization, type Duration } from 'aws-cdk-lib';
import type { IAuthorizer, IRestApi, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { environmentVariableName, functionEnvironmentVariables } from '../lambdas/adapters/function-environment';
import type { RouteScopes } from '../lambdas/core/route-scopes';
import { grantBrandSecretsRead } from './brand-secrets-access';
import { BUNDLE_ENVIRONMENT } from './bundling';
import { ApiAuthorizers, type AuthorizerForOptions } from './ciam-api-authorizers';
import { CIAM_AUTHORIZER_DEFAULTS, CIAM_AUTHORIZER_LIMITS, CIAM_AUTHORIZER_SERVICE_NAME } from './ciam-authorizer-defaults';
import { importCiamAuthorizer, type ImportCiamAuthorizerProps, type ImportedCiamAuthorizer } from './ciam-authorizer-from-stage';
import { isWholeInRange, outOfRange, secondsProblem, stageProblems, throwIfInvalid } from './props-validation';
import { BrandQuotaPlans } from './brand-quota-plans';
import { ServiceFunction } from './service-function';
import type { QuotaTiers } from '../lambdas/core/quota-tiers';

/** The few function settings a caller may change. */
export interface CiamAuthorizerFunctionProps {
  /**
   * Memory in MB (Lambda scales CPU with it, and JWT signature checks are CPU-bound).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * X-Ray tracing of the function.
   * @default Tracing.ACTIVE
   */
  readonly tracing?: Tracing;
  /**
   * Concurrent executions reserved for the function, so that a flood of requests (which API Gateway throttles only
   * after the authorizer ran) cannot take the account's concurrency from every other function, nor they from it.
   * @default - none: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
}

export interface CiamAuthorizerProps {
  /** The brand configuration table; the function may only `dynamodb:GetItem` on it. */
  readonly brandTable: ITable;
  /**
   * The revocation table (the gateway's: `/ciam-gateway/<stage>/revocations-table-arn`); the function may only
   * `dynamodb:GetItem` and `dynamodb:BatchGetItem` on it, so a token whose subject or session was revoked is refused on
   * your APIs too.
   */
  readonly revocationsTable: ITable;
  /** Deployment stage, passed to the function as its `stage` setting. */
  readonly stage: string;
  /**
   * How long API Gateway caches a decision per (Authorization, X-Brand-Id); 0 to 3600 s. With `revocationCacheTtl` it
   * is how long a revoked token may still get through: synth warns when the two exceed REVOCATION_BUDGET (15 s).
   * @default Duration.seconds(5)
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * How long the function keeps a token's subject and session revocation state in memory; 0 to 60 s.
   * @default Duration.seconds(10)
   */
  readonly revocationCacheTtl?: Duration;
  /**
   * How long the function keeps a brand's configuration in memory; 0 to 3600 s.
   * @default Duration.seconds(60)
   */
  readonly brandConfigCacheTtl?: Duration;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * Limited overrides of the function's settings.
   * @default - the defaults of each CiamAuthorizerFunctionProps field
   */
  readonly functionProps?: CiamAuthorizerFunctionProps;
  /**
   * Per-brand quotas: one usage plan per tier (`BrandQuotaPlans`), which `authorizerFor(api, { quotas: true })` adds
   * APIs to. Must name `standard`, the tier of brands that name none.
   * @default - no usage plans: `quotas: true` is refused
   */
  readonly quotaTiers?: QuotaTiers;
}

/**
 * The multi-brand CIAM Lambda authorizer: one function that verifies the bearer token against the configuration of
 * the brand named by `X-Brand-Id`, shared by every RestApi of the stack that `authorizerFor` attaches it to. Each API
 * gets its own REQUEST authorizer (and result cache), its route scopes and, by default, the RFC 6750 gateway
 * responses; the function reads every API's route scopes from one variable, `ROUTE_SCOPES`, keyed by API id.
 */
export class CiamAuthorizer extends Construct {
  /**
   * The authorizer of a gateway stage deployed in this account and region (another stack or app), for your own
   * RestApis: the same `authorizerFor`, without route scopes. Its function is found at deploy time through the SSM
   * parameter `/ciam-gateway/<stage>/authorizer-function-arn`.
   */
  public static fromStage(scope: Construct, id: string, props: ImportCiamAuthorizerProps): ImportedCiamAuthorizer {
    return importCiamAuthorizer(scope, id, props);
  }

  public readonly handler: LambdaFunction;
  public readonly logGroup: LogGroup;
  /** The tier usage plans, when made with `quotaTiers`. */
  public readonly quotaPlans?: BrandQuotaPlans;
  private readonly apis: ApiAuthorizers;
  /** Lambda's size of the function's variables other than ROUTE_SCOPES, each deploy-time value at its longest. */
  private readonly otherVariablesBytes: number;

  constructor(scope: Construct, id: string, props: CiamAuthorizerProps) {
    super(scope, id);
    throwIfInvalid(this, 'CiamAuthorizer', validateProps(props));

    const defaults = CIAM_AUTHORIZER_DEFAULTS;
    const brandConfigCacheTtl = props.brandConfigCacheTtl ?? defaults.brandConfigCacheTtl;
    const revocationCacheTtl = props.revocationCacheTtl ?? defaults.revocationCacheTtl;
    // Written from the contract the function reads (lambdas/adapters/function-environment.ts).
    const variables = functionEnvironmentVariables('authorizer', {
      stage: props.stage,
      brandTableName: props.brandTable.tableName,
      revocationsTableName: props.revocationsTable.tableName,
      brandCacheTtlSeconds: brandConfigCacheTtl.toSeconds(),
      revocationCacheTtlSeconds: revocationCacheTtl.toSeconds(),
      serviceName: CIAM_AUTHORIZER_SERVICE_NAME,
    });
    // ServiceFunction adds BUNDLE_ENVIRONMENT.
    this.otherVariablesBytes = environmentBytes({ ...variables, ...BUNDLE_ENVIRONMENT });
    const fn = new ServiceFunction(this, 'Handler', {
      handlerName: 'authorizer',
      // At synth: APIs attach after the function exists.
      environment: { ...variables, [ROUTE_SCOPES]: Lazy.string({ produce: () => this.routeScopesVariable() }) },
      memorySize: props.functionProps?.memorySize ?? defaults.memorySize,
      timeout: defaults.timeout,
      architecture: defaults.architecture,
      tracing: props.functionProps?.tracing ?? defaults.tracing,
      logRetention: props.logRetention ?? defaults.logRetention,
      reservedConcurrentExecutions: props.functionProps?.reservedConcurrentExecutions,
    });
    this.handler = fn.function;
    const quotaPlans = props.quotaTiers === undefined ? undefined : new BrandQuotaPlans(this, 'QuotaPlans', { stage: props.stage, tiers: props.quotaTiers });
    this.quotaPlans = quotaPlans;
    this.logGroup = fn.logGroup;
    // Reads one brand by key, nothing else: no Query, Scan or writes.
    props.brandTable.grant(this.handler, 'dynamodb:GetItem');
    // Reads a token's subject and session revocations by key: never writes, lists or queries them.
    props.revocationsTable.grant(this.handler, 'dynamodb:GetItem', 'dynamodb:BatchGetItem');
    // Reads the introspection client secrets of this stage's brands, for their opaque tokens.
    grantBrandSecretsRead(fn, props.stage);

    this.apis = new ApiAuthorizers(this, {
      handler: this.handler,
      stage: props.stage,
      resultsCacheTtl: props.resultsCacheTtl ?? defaults.resultsCacheTtl,
      revocationCacheTtl,
      brandConfigCacheTtl,
      routeScopesProblems: (api, routeScopes) => this.environmentProblems(api, routeScopes),
      ...(quotaPlans === undefined ? {} : { addToQuotaPlans: (api: RestApi) => quotaPlans.addApi(api) }),
    });
  }

  /**
   * The REQUEST authorizer of `api` (a RestApi of this stack), made on the first call with `options` and memoised:
   * one authorizer and one invoke permission per API, whatever the number of methods. Use it as the `authorizer` of
   * the API's methods.
   */
  public authorizerFor(api: IRestApi, options?: AuthorizerForOptions): IAuthorizer {
    return this.apis.authorizerFor(api, options);
  }

  /** `{ "<apiId>": RouteScopes }` of the APIs that name routes; API ids are CloudFormation references. */
  private routeScopesVariable(): string {
    const named = [...this.apis.routeScopes].filter(([, routeScopes]) => Object.keys(routeScopes).length > 0);
    return Stack.of(this).toJsonString(Object.fromEntries(named.map(([api, routeScopes]) => [api.restApiId, routeScopes])));
  }

  /** Lambda refuses a function whose variables exceed 4 KB: refused here, at synth, with what to do. */
  private environmentProblems(api: IRestApi, routeScopes: RouteScopes): string[] {
    const named = [...this.apis.routeScopes.values(), routeScopes].filter((scopes) => Object.keys(scopes).length > 0);
    // Every REST API id has the same length, so placeholders measure what deploys.
    const value = JSON.stringify(Object.fromEntries(named.map((scopes, i) => [String(i).padStart(REST_API_ID_LENGTH, '0'), scopes])));
    const bytes = this.otherVariablesBytes + environmentBytes({ [ROUTE_SCOPES]: value });
    const limit = CIAM_AUTHORIZER_LIMITS.environmentBytes;
    if (bytes <= limit) return [];
    return [
      `routeScopes: with these route scopes (${api.node.path}) the authorizer function's environment would be ${bytes} bytes, over ` +
        `Lambda's limit of ${limit} for all its variables. Name only routes that need scopes beyond the brand's, let one ANY or ` +
        '{param} route cover several, or give this API its own CiamAuthorizer over the same brand table',
    ];
  }
}

const ROUTE_SCOPES = environmentVariableName('routeScopes');

/** API Gateway REST API ids are 10 characters. */
const REST_API_ID_LENGTH = 10;

/** A deploy-time value (a table name) at its longest: DynamoDB table names have at most 255 characters. */
const DEPLOY_TIME_VALUE_BYTES = 255;

/** What Lambda counts against its 4 KB: every name and value, in UTF-8, a deploy-time value at its longest. */
function environmentBytes(variables: Readonly<Record<string, string>>): number {
  const longest = 'x'.repeat(DEPLOY_TIME_VALUE_BYTES);
  return Object.entries(variables).reduce((total, [name, value]) => {
    const deployed: string = Tokenization.reverseString(value)
      .mapTokens({ mapToken: () => longest })
      .join({ join: (left: unknown, right: unknown) => `${String(left)}${String(right)}` });
    return total + Buffer.byteLength(name) + Buffer.byteLength(deployed);
  }, 0);
}

/** Every problem with the props, so one synth reports them all. */
function validateProps(props: CiamAuthorizerProps): string[] {
  const limits = CIAM_AUTHORIZER_LIMITS;
  const problems: string[] = [...stageProblems(props.stage)];
  problems.push(...secondsProblem('resultsCacheTtl', props.resultsCacheTtl, limits.resultsCacheTtlSeconds));
  problems.push(...secondsProblem('brandConfigCacheTtl', props.brandConfigCacheTtl, limits.brandConfigCacheTtlSeconds));
  problems.push(...secondsProblem('revocationCacheTtl', props.revocationCacheTtl, limits.revocationCacheTtlSeconds));
  const memorySize = props.functionProps?.memorySize;
  if (memorySize !== undefined && !isWholeInRange(memorySize, limits.memorySizeMb)) {
    problems.push(outOfRange('functionProps.memorySize', `${memorySize} MB`, limits.memorySizeMb, 'MB'));
  }
  return problems;
}
