/**
 * The follow-up authorizer-cache flush of brand changes in the stack: the delay queue the admin function sends to,
 * its dead-letter queue, and the function that runs each follow-up when it is due, each with least privilege.
 */
import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/core/routes';
import { CiamGatewayApi } from '../../lib/ciam-gateway-api';
import type { DelayedCacheFlush } from '../../lib/delayed-cache-flush';
import { gatewayStack, logicalIdOfConstruct, permissions, roleStatements, routeFunctionLogicalId, testApp, type PolicyStatement } from './infra-test-support';

describe.each(['dev', 'prod'])('on the %s stack', (stage) => {
  const stack = gatewayStack(stage);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const flush = stack.gatewayApi.delayedCacheFlush as DelayedCacheFlush;
  const queueId = logicalIdOfConstruct(flush.queue);
  const deadLetterId = logicalIdOfConstruct(flush.deadLetterQueue);
  const functionId = logicalIdOfConstruct(flush.function);
  const variables = (id: string) => (resources[id]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  test('has a queue encrypted by SQS, redriven to its dead-letter queue after three receives', () => {
    expect(resources[queueId]?.Properties).toEqual({
      SqsManagedSseEnabled: true,
      // Six times the function's 20 s timeout, as Lambda advises for an SQS event source.
      VisibilityTimeout: 120,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(resources[deadLetterId]?.Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });

  test.each([['queue', () => queueId], ['dead-letter queue', () => deadLetterId]])('refuses requests without TLS on its %s', (_name, id) => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id() }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });

  test('runs the function on the queue, a batch of due follow-ups sharing one flush, failed ones retried alone', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: functionId },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(resources[functionId]?.Properties).toMatchObject({ Timeout: 20, MemorySize: 256, Architectures: ['arm64'] });
    expect(variables(functionId)).toMatchObject({ STAGE: stage, AUTHORIZER_CACHE_FLUSH_QUEUE_URL: { Ref: queueId } });
  });

  test('lets the function read the registry, flush authorizer caches, and use its own queue: nothing else', () => {
    const logGroupId = (resources[functionId]?.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const names = new Map([[queueId, 'FollowUpQueue'], [logGroupId, 'its log group'], ['AWS::Partition', 'aws'], ['AWS::Region', 'region'], ['AWS::AccountId', 'account']]);
    expect(permissions(roleStatements(template, functionId), names).sort()).toEqual([
      'Allow logs:CreateLogStream on its log group',
      'Allow logs:PutLogEvents on its log group',
      'Allow xray:PutTelemetryRecords on *',
      'Allow xray:PutTraceSegments on *',
      `Allow ssm:GetParametersByPath on arn:\${aws}:ssm:\${region}:\${account}:parameter/ciam-gateway/${stage}/apis`,
      'Allow apigateway:DELETE on arn:${aws}:apigateway:${region}::/restapis/*/stages/*/cache/authorizers',
      // A follow-up due beyond SQS's 15-minute delay goes back with the delay left.
      'Allow sqs:SendMessage on FollowUpQueue',
      // The event source: receive, and delete or release what was received.
      'Allow sqs:ReceiveMessage on FollowUpQueue',
      'Allow sqs:ChangeMessageVisibility on FollowUpQueue',
      'Allow sqs:GetQueueUrl on FollowUpQueue',
      'Allow sqs:DeleteMessage on FollowUpQueue',
      'Allow sqs:GetQueueAttributes on FollowUpQueue',
    ].sort());
  });

  test('lets only the admin function and the flush function send to the queue, and nobody touch the dead-letter queue', () => {
    const senders = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .filter(([id]) => roleStatements(template, id).some((statement: PolicyStatement) =>
        [statement.Action ?? []].flat().some((action) => action.startsWith('sqs:Send') || action === 'sqs:*')))
      .map(([id]) => id);
    expect(senders.sort()).toEqual([functionId, routeFunctionLogicalId(stack, 'admin-brands')].sort());
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain(deadLetterId);
  });

  // The follow-up for stages that record no TTL waits the admin function's BRAND_CACHE_TTL_SECONDS: the authorizer's.
  test("gives the admin function the authorizer's brand-cache TTL", () => {
    const authorizerId = logicalIdOfConstruct(stack.ciamAuthorizer.handler);
    expect(variables(routeFunctionLogicalId(stack, 'admin-brands')).BRAND_CACHE_TTL_SECONDS).toBe(variables(authorizerId).BRAND_CACHE_TTL_SECONDS);
  });
});

test('is made only for an API that serves the admin routes', () => {
  const stack = new Stack(testApp(), 'Own');
  const api = new CiamGatewayApi(stack, 'Gateway', { stage: 'dev', routes: ROUTES.filter((route) => route.handler === 'health') });
  expect(api.delayedCacheFlush).toBeUndefined();
  Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 0);
});
