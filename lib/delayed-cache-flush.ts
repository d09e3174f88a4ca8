import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Function as LambdaFunction, type Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionEnvironmentVariables } from '../lambdas/adapters/function-environment';
import { apiRegistryPath } from '../lambdas/core/ssm-parameter-names';
import { ServiceFunction } from './service-function';

export interface DelayedCacheFlushProps {
  /** The gateway stage: the registry (`/ciam-gateway/<stage>/apis`) whose API stages are flushed. */
  readonly stage: string;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** X-Ray tracing of the function. */
  readonly tracing: Tracing;
}

/**
 * The function's timeout: it reads the registry (3 s a page at most) and flushes four stages at a time (3 s a call
 * at most), which for a few dozen registered stages takes a few seconds.
 */
const FUNCTION_TIMEOUT = Duration.seconds(20);

/** How often a follow-up is received before it is kept in the dead-letter queue: the first try and two retries. */
const MAX_RECEIVE_COUNT = 3;

/**
 * The follow-up authorizer-cache flushes of brand changes (lambdas/core/authorizer-cache-flush.ts). The admin API
 * sends a message delayed by the authorizers' brand-cache TTL (`grantSchedule`); when it is due, the function flushes
 * every API stage registered for the gateway stage. A flush that misses a stage is retried after the visibility timeout,
 * then kept in the dead-letter queue (`deadLetterQueue`, for an alarm on its depth).
 *
 * Least privilege: the function may read the registry path, delete authorizer caches, and send to its own queue (a
 * follow-up due beyond SQS's 15-minute delay goes back with the delay left); the queue's event source receives and
 * deletes. Both queues are encrypted by SQS and refuse requests without TLS.
 */
export class DelayedCacheFlush extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: DelayedCacheFlushProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for an SQS event source: six times the function's timeout, so throttled retries fit.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const fn = new ServiceFunction(this, 'Function', {
      handlerName: 'authorizer-cache-flush',
      environment: functionEnvironmentVariables('cache-flush', {
        stage: props.stage,
        serviceName: 'ciam-gateway-authorizer-cache-flush',
        authorizerCacheFlushQueueUrl: this.queue.queueUrl,
      }),
      memorySize: 256,
      architecture: Architecture.ARM_64,
      timeout: FUNCTION_TIMEOUT,
      tracing: props.tracing,
      logRetention: props.logRetention,
    });
    this.function = fn.function;
    // Due messages of one batch share one flush; a failed flush fails only them (ReportBatchItemFailures).
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }));
    grantAuthorizerCacheFlush(fn, props.stage);
    this.grantSchedule(this.function);
  }

  /** Lets `grantee` schedule follow-up flushes: `sqs:SendMessage` on the queue, nothing else. */
  public grantSchedule(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
  }
}

/** The authorizer caches of every stage of every API in the region: `FlushStageAuthorizersCache`'s resource. */
const FLUSHABLE_CACHES = '/restapis/*/stages/*/cache/authorizers';

/**
 * Lets `fn` flush the authorizer caches of every API stage registered for the gateway stage `stage`: it may read the
 * registry path and nothing else of SSM, and may only DELETE authorizer caches.
 */
export function grantAuthorizerCacheFlush(fn: ServiceFunction, stage: string): void {
  const stack = Stack.of(fn);
  Grant.addToPrincipal({
    grantee: fn.function,
    actions: ['ssm:GetParametersByPath'],
    resourceArns: [stack.formatArn({ service: 'ssm', resource: `parameter${apiRegistryPath(stage)}`, arnFormat: ArnFormat.NO_RESOURCE_NAME })],
  });
  Grant.addToPrincipal({
    grantee: fn.function,
    actions: ['apigateway:DELETE'],
    resourceArns: [stack.formatArn({ service: 'apigateway', account: '', resource: FLUSHABLE_CACHES, arnFormat: ArnFormat.NO_RESOURCE_NAME })],
  });
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${FLUSHABLE_CACHES}]`,
    reason:
      'Authorizer-cache flushes reach every API stage registered in SSM, which other stacks and apps add at their own ' +
      'deploy time, so their ids are unknown here; the action is only DELETE of authorizer caches, whose worst case ' +
      'is re-running the authorizer.',
  });
}
