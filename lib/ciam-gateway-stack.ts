import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  type MethodOptions,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDefinition, type RouteHandlerName } from '../lambdas/core/routes';
import { createBrandConfigTable } from './brand-config-table';
import { CiamAuthorizer } from './ciam-authorizer';
import { CIAM_AUTHORIZER_ENVIRONMENT } from './ciam-authorizer-defaults';
import { INTEGRATION_TIMEOUT_MS } from './gateway-responses';
import { ServiceFunction } from './service-function';
import type { StageConfig } from './stage-config';

export interface CiamGatewayStackProps extends StackProps {
  readonly stageConfig: StageConfig;
}

/** Stage-wide method throttling: a ceiling under the account's regional quota, so one API cannot starve the rest. */
const THROTTLING = { rateLimit: 1000, burstLimit: 2000 } as const;

/** The route handlers: they answer well inside the integration timeout. */
const ROUTE_FUNCTION_SETTINGS = { memorySize: 256, timeout: Duration.seconds(10), architecture: Architecture.ARM_64 } as const;

/**
 * The CIAM gateway: the brand table, the CIAM authorizer, and a REST API with one Lambda integration per route of
 * `ROUTES`.
 *
 * Access and execution logging need the account's API Gateway CloudWatch Logs role (a per-region account setting).
 * The stack does not manage it (`cloudWatchRole: false`): it is a singleton that every API in the account shares, so
 * it belongs to the account baseline, and a stack owning it would fight any other stack that does.
 */
export class CiamGatewayStack extends Stack {
  public readonly brandTable: TableV2;
  public readonly ciamAuthorizer: CiamAuthorizer;
  public readonly accessLogGroup: LogGroup;
  public readonly api: RestApi;
  public readonly requestValidator: RequestValidator;
  /** One function per handler named in `ROUTES`. */
  public readonly routeFunctions: ReadonlyMap<RouteHandlerName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: CiamGatewayStackProps) {
    super(scope, id, props);
    const config = props.stageConfig;

    this.brandTable = createBrandConfigTable(this, config);

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
    for (const route of ROUTES) {
      const fn = functions.get(route.handler) ?? this.createRouteFunction(route.handler, config);
      functions.set(route.handler, fn);
      this.addRoute(route, fn);
    }
    this.routeFunctions = functions;

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Invoke URL of the API stage' });
    new CfnOutput(this, 'BrandTableName', { value: this.brandTable.tableName, description: 'Brand configuration table' });
  }

  private createRouteFunction(handler: RouteHandlerName, config: StageConfig): NodejsFunction {
    return new ServiceFunction(this, `${handler}-route`, {
      handlerName: handler,
      environment: {
        STAGE: config.stage,
        POWERTOOLS_SERVICE_NAME: `ciam-gateway-${handler}`,
        POWERTOOLS_METRICS_NAMESPACE: CIAM_AUTHORIZER_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      ...ROUTE_FUNCTION_SETTINGS,
      tracing: tracingOf(config),
      logRetention: config.logRetentionDays,
    }).function;
  }

  private addRoute(route: RouteDefinition, fn: NodejsFunction): void {
    const auth: MethodOptions =
      route.auth === 'ciam'
        ? { authorizer: this.ciamAuthorizer.authorizer, authorizationType: AuthorizationType.CUSTOM }
        : { authorizationType: AuthorizationType.NONE };
    const method = this.api.root.resourceForPath(route.path).addMethod(
      route.method,
      // No test-invoke permission: only the deployed stage may call the function.
      new LambdaIntegration(fn, { timeout: Duration.millis(INTEGRATION_TIMEOUT_MS), allowTestInvoke: false }),
      { ...auth, requestValidator: this.requestValidator, requestParameters: pathParameters(route.path) },
    );

    if (route.auth === 'ciam') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: "Tokens come from each brand's own CIAM, not one Cognito user pool: the CIAM Lambda authorizer verifies them.",
      });
    } else {
      const reason = `${route.method} ${route.path} is public by design (auth: 'none' in ROUTES).`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }
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
