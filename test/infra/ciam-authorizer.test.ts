import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Duration, Stack } from 'aws-cdk-lib';
import { MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CiamAuthorizer, type CiamAuthorizerProps } from '../../lib/ciam-authorizer';
import { testApp } from './infra-test-support';

/** Another team's stack: its own RestApi and a brand table it already has. */
function consumerStack(): { stack: Stack; api: RestApi; brandTable: ReturnType<typeof Table.fromTableName> } {
  const stack = new Stack(testApp(), 'ConsumerStack');
  return {
    stack,
    api: new RestApi(stack, 'ConsumerApi', { cloudWatchRole: false }),
    brandTable: Table.fromTableName(stack, 'ExistingBrands', 'existing-brands'),
  };
}

const consumer = consumerStack();
const ciam = new CiamAuthorizer(consumer.stack, 'Ciam', { brandTable: consumer.brandTable, stage: 'team-a' });
consumer.api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: ciam.authorizer });
ciam.addGatewayResponses(consumer.api);
const template = Template.fromStack(consumer.stack);

describe('CiamAuthorizer on another stack\'s RestApi', () => {
  test('creates a Lambda REQUEST authorizer on that API', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      RestApiId: { Ref: Match.stringLikeRegexp('^ConsumerApi') },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('lets that API invoke the function as an authorizer', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^ConsumerApi') }, Match.stringLikeRegexp('/authorizers/')])] },
    });
  });

  test('guards the method it is attached to', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: Match.stringLikeRegexp('^CiamAuthorizer') },
    });
  });

  test('defaults to a 300 s result cache and a 60 s brand cache', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 300 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { BRAND_CACHE_TTL_SECONDS: '60', STAGE: 'team-a', BRAND_TABLE_NAME: 'existing-brands' } },
    });
  });

  test('may GetItem on the existing table', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':table/existing-brands'])] }),
          },
        ]),
      },
    });
  });

  test('keeps its logs a year by default', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('adds the four gateway responses to that API', () => {
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', 4);
  });
});

describe('CiamAuthorizer props', () => {
  function build(overrides: Partial<CiamAuthorizerProps>): { stack: Stack; create: () => CiamAuthorizer } {
    const { stack, brandTable } = consumerStack();
    return { stack, create: () => new CiamAuthorizer(stack, 'Ciam', { brandTable, stage: 'dev', ...overrides }) };
  }

  test('lists every problem in one error', () => {
    const { create } = build({
      resultsCacheTtl: Duration.seconds(3601),
      brandConfigCacheTtl: Duration.hours(2),
      functionProps: { memorySize: 64 },
      stage: 'Not A Stage',
    });
    expect(create).toThrow(
      new Error(
        [
          'Invalid CiamAuthorizer props at ConsumerStack/Ciam:',
          '  - stage must match /^[a-z][a-z0-9-]{1,20}$/ (got "Not A Stage")',
          '  - resultsCacheTtl must be a whole number of seconds from 0 to 3600 (got 1 hour 1 second)',
          '  - brandConfigCacheTtl must be a whole number of seconds from 0 to 3600 (got 2 hours)',
          '  - functionProps.memorySize must be a whole number of MB from 128 to 10240 (got 64 MB)',
        ].join('\n'),
      ),
    );
  });

  test('creates no resource when the props are invalid', () => {
    const { stack, create } = build({ resultsCacheTtl: Duration.seconds(4000) });
    expect(create).toThrow(/resultsCacheTtl/);
    expect(stack.node.findChild('Ciam').node.children).toHaveLength(0);
  });

  test('rejects a fractional cache TTL', () => {
    expect(build({ resultsCacheTtl: Duration.millis(1500) }).create).toThrow(/resultsCacheTtl must be a whole number/);
  });

  test('accepts a 0 s result cache (caching off)', () => {
    expect(build({ resultsCacheTtl: Duration.seconds(0) }).create).not.toThrow();
  });

  test('takes a memory size override', () => {
    const { handler } = build({ functionProps: { memorySize: 1024 } }).create();
    expect((handler.node.defaultChild as CfnFunction).memorySize).toBe(1024);
  });
});
