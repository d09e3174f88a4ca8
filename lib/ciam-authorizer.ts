import { Token, type Duration } from 'aws-cdk-lib';
import {
  GatewayResponse,
  IdentitySource,
  RequestAuthorizer,
  ResponseType,
  type IRestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Tracing } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEnvironmentVariables } from '../lambdas/adapters/function-environment';
import { CIAM_AUTHORIZER_DEFAULTS, CIAM_AUTHORIZER_LIMITS, CIAM_AUTHORIZER_SERVICE_NAME } from './ciam-authorizer-defaults';
import { GATEWAY_RESPONSES, type GatewayResponseType } from './gateway-responses';
import { ServiceFunction } from './service-function';
import { STAGE_NAME_PATTERN } from './stage-config';

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
}

export interface CiamAuthorizerProps {
  /** The brand configuration table; the function may only `dynamodb:GetItem` on it. */
  readonly brandTable: ITable;
  /** Deployment stage, passed to the function as its `stage` setting. */
  readonly stage: string;
  /**
   * How long API Gateway caches a decision per (Authorization, X-Brand-Id); 0 to 3600 s.
   * @default Duration.seconds(300)
   */
  readonly resultsCacheTtl?: Duration;
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
}

/**
 * The multi-brand CIAM Lambda authorizer for a REST API: a function that verifies the bearer token against the
 * configuration of the brand named by `X-Brand-Id`, and the REQUEST authorizer that calls it. Attach `authorizer`
 * to methods of any RestApi in the same stack, and call `addGatewayResponses` once per API.
 */
export class CiamAuthorizer extends Construct {
  public readonly handler: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly authorizer: RequestAuthorizer;

  constructor(scope: Construct, id: string, props: CiamAuthorizerProps) {
    super(scope, id);
    const problems = validateProps(props);
    if (problems.length > 0) {
      throw new Error(`Invalid CiamAuthorizer props at ${this.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }

    const defaults = CIAM_AUTHORIZER_DEFAULTS;
    const brandConfigCacheTtl = props.brandConfigCacheTtl ?? defaults.brandConfigCacheTtl;
    const fn = new ServiceFunction(this, 'Handler', {
      handlerName: 'authorizer',
      // Written from the contract the function reads (lambdas/adapters/function-environment.ts).
      environment: functionEnvironmentVariables('authorizer', {
        stage: props.stage,
        brandTableName: props.brandTable.tableName,
        brandCacheTtlSeconds: brandConfigCacheTtl.toSeconds(),
        serviceName: CIAM_AUTHORIZER_SERVICE_NAME,
      }),
      memorySize: props.functionProps?.memorySize ?? defaults.memorySize,
      timeout: defaults.timeout,
      architecture: defaults.architecture,
      tracing: props.functionProps?.tracing ?? defaults.tracing,
      logRetention: props.logRetention ?? defaults.logRetention,
    });
    this.handler = fn.function;
    this.logGroup = fn.logGroup;
    // Reads one brand by key, nothing else: no Query, Scan or writes.
    props.brandTable.grant(this.handler, 'dynamodb:GetItem');

    this.authorizer = new RequestAuthorizer(this, 'Authorizer', {
      handler: this.handler,
      identitySources: [IdentitySource.header('Authorization'), IdentitySource.header('X-Brand-Id')],
      resultsCacheTtl: props.resultsCacheTtl ?? defaults.resultsCacheTtl,
    });
  }

  /**
   * Makes `api` answer authorizer rejections and failures as `GATEWAY_RESPONSES` says: 401 invalid_token, 403
   * insufficient_scope, and 401 (never a 5xx) when the authorizer itself fails. Once per API.
   */
  public addGatewayResponses(api: IRestApi): void {
    for (const type of Object.keys(GATEWAY_RESPONSES) as GatewayResponseType[]) {
      const response = GATEWAY_RESPONSES[type];
      // Under the API, as RestApi.addGatewayResponse does: an API has one response per type.
      new GatewayResponse(api, `CiamGatewayResponse${type}`, {
        restApi: api,
        type: ResponseType.of(type),
        statusCode: String(response.statusCode),
        responseHeaders: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, `'${value}'`])),
        templates: { [response.contentType]: JSON.stringify(response.body) },
      });
    }
  }
}

/** Every problem with the props, so one synth reports them all. */
function validateProps(props: CiamAuthorizerProps): string[] {
  const limits = CIAM_AUTHORIZER_LIMITS;
  const problems: string[] = [];
  if (!Token.isUnresolved(props.stage) && !STAGE_NAME_PATTERN.test(props.stage)) {
    problems.push(`stage must match ${STAGE_NAME_PATTERN} (got ${JSON.stringify(props.stage)})`);
  }
  checkSeconds(problems, 'resultsCacheTtl', props.resultsCacheTtl, limits.resultsCacheTtlSeconds);
  checkSeconds(problems, 'brandConfigCacheTtl', props.brandConfigCacheTtl, limits.brandConfigCacheTtlSeconds);
  const memorySize = props.functionProps?.memorySize;
  if (memorySize !== undefined && !isWholeInRange(memorySize, limits.memorySizeMb)) {
    problems.push(outOfRange('functionProps.memorySize', `${memorySize} MB`, limits.memorySizeMb, 'MB'));
  }
  return problems;
}

interface Range {
  readonly min: number;
  readonly max: number;
}

function checkSeconds(problems: string[], name: string, value: Duration | undefined, range: Range): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!isWholeInRange(seconds, range)) problems.push(outOfRange(name, value.toHumanString(), range, 'seconds'));
}

function isWholeInRange(value: number, range: Range): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

function outOfRange(name: string, got: string, range: Range, unit: string): string {
  return `${name} must be a whole number of ${unit} from ${range.min} to ${range.max} (got ${got})`;
}
