import { existsSync } from 'node:fs';
import { Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Tracing, type Architecture } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ASSET_MODULE, BUNDLE_ENVIRONMENT, LAMBDA_RUNTIME, functionAssetDirectory, functionAssetModule } from './bundling';

export interface ServiceFunctionProps {
  /** Runs the asset `npm run build` bundled from `lambdas/handlers/<handlerName>.ts` (its `handler` export). */
  readonly handlerName: string;
  /** The function's environment; `NODE_OPTIONS` for the bundle's source maps is added. */
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly architecture: Architecture;
  readonly tracing: Tracing;
  readonly logRetention: RetentionDays;
  /** @default - none: the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js function that runs its pre-built asset (`dist/assets/<handlerName>`): synth bundles nothing, so it needs
 * no esbuild or Docker, and the asset hash is the same on every machine. It has its own log group and a role that
 * may write to that log group only: no AWSLambdaBasicExecutionRole, whose `logs:*` grant covers every log group in
 * the account. Callers grant the rest.
 */
export class ServiceFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(builtAsset(props.handlerName)),
      handler: `${ASSET_MODULE}.handler`,
      runtime: LAMBDA_RUNTIME,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: props.tracing,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, ...BUNDLE_ENVIRONMENT },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
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

/** The asset folder of `handlerName`, refused with the fix when `npm run build` has not made it. */
function builtAsset(handlerName: string): string {
  const entry = functionAssetModule(handlerName);
  if (!existsSync(entry)) throw new Error(`The Lambda asset of ${handlerName} is missing (${entry}): run npm run build`);
  return functionAssetDirectory(handlerName);
}
