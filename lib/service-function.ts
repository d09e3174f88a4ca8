import { Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Tracing, type Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_ENVIRONMENT, LAMBDA_RUNTIME, NODEJS_BUNDLING, handlerEntry } from './bundling';

export interface ServiceFunctionProps {
  /** Bundles `lambdas/handlers/<handlerName>.ts`, whose `handler` export is the entry point. */
  readonly handlerName: string;
  /** The function's environment; `NODE_OPTIONS` for the bundle's source maps is added. */
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly architecture: Architecture;
  readonly tracing: Tracing;
  readonly logRetention: RetentionDays;
}

/**
 * A bundled Node.js function with its own log group and a role that may write to that log group only: no
 * AWSLambdaBasicExecutionRole, whose `logs:*` grant covers every log group in the account. Callers grant the rest.
 */
export class ServiceFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handlerName),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: props.tracing,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, ...BUNDLE_ENVIRONMENT },
      bundling: NODEJS_BUNDLING,
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is pinned on purpose: it is the esbuild target (lib/bundling.ts); runtime and target move together.',
    });
    if (props.tracing === Tracing.ACTIVE) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
    }
  }
}
