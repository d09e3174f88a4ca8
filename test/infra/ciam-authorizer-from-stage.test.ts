import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Duration, Stack } from 'aws-cdk-lib';
import { MockIntegration, RestApi, type IAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { importCiamAuthorizer } from '../../lib/ciam-authorizer-from-stage';
import { logicalIdOfConstruct, registrationValue, testApp } from './infra-test-support';

/** A RestApi with `GET /orders` guarded by `authorizer`. */
function ordersApi(stack: Stack, id: string, authorizer: (api: RestApi) => IAuthorizer): RestApi {
  const api = new RestApi(stack, id, { cloudWatchRole: false });
  api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: authorizer(api) });
  return api;
}

/** Another app's stack in the gateway's account and region, using the prod gateway's authorizer on two APIs. */
const stack = new Stack(testApp(), 'OrdersTeam');
const ciam = importCiamAuthorizer(stack, 'Ciam', { stage: 'prod' });
const orders = ordersApi(stack, 'OrdersApi', (api) => ciam.authorizerFor(api));
const points = ordersApi(stack, 'PointsApi', (api) => ciam.authorizerFor(api, { routeScopes: { 'GET /orders': [] } }));
const template = Template.fromStack(stack);
const functionArnParameter = Object.keys(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ciam-gateway/prod/authorizer-function-arn' }));

describe('CiamAuthorizer.fromStage (importCiamAuthorizer)', () => {
  test('resolves the function ARN at deploy time from /ciam-gateway/<stage>/authorizer-function-arn, and makes no function', () => {
    expect(functionArnParameter).toHaveLength(1);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('gives each API its own REQUEST authorizer over the imported function', () => {
    const authorizers = Object.values(template.findResources('AWS::ApiGateway::Authorizer'));
    expect(authorizers.map((authorizer) => authorizer.Properties.RestApiId)).toEqual([orders, points].map((api) => ({ Ref: logicalIdOfConstruct(api) })));
    for (const { Properties: properties } of authorizers) {
      expect(properties).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 5, IdentitySource: 'method.request.header.Authorization,method.request.header.X-Brand-Id' });
      expect(JSON.stringify(properties.AuthorizerUri)).toContain(JSON.stringify({ Ref: functionArnParameter[0] }));
    }
  });

  // Without `sameEnvironment`, CDK skips the permission of a function whose account it cannot tell, and API Gateway
  // answers 500 for every request.
  test('creates one invoke permission per API, for API Gateway on that API only', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: functionArnParameter[0] },
        Principal: 'apigateway.amazonaws.com',
      });
    }
    const sources = permissions.map((permission) => JSON.stringify(permission.Properties.SourceArn));
    expect(sources.filter((source) => source.includes(logicalIdOfConstruct(orders)))).toHaveLength(1);
    expect(sources.filter((source) => source.includes(logicalIdOfConstruct(points)))).toHaveLength(1);
  });

  test('returns the same authorizer for the same API', () => {
    expect(ciam.authorizerFor(orders)).toBe(ciam.authorizerFor(orders));
  });

  test('adds the RFC 6750 gateway responses to each API', () => {
    for (const api of [orders, points]) {
      for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']) {
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { RestApiId: { Ref: logicalIdOfConstruct(api) }, ResponseType: type });
      }
    }
  });

  // The TTL is left out: the function is the gateway's own, whose TTL the admin API knows.
  test('registers each API stage for the gateway stage: /ciam-gateway/prod/apis/<apiId> = its stage name', () => {
    for (const api of [orders, points]) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Type: 'String',
        Name: { 'Fn::Join': ['', ['/ciam-gateway/prod/apis/', { Ref: logicalIdOfConstruct(api) }]] },
        Value: registrationValue(api.deploymentStage),
      });
    }
  });

  test('takes the results cache TTL of your APIs', () => {
    const own = new Stack(testApp(), 'Own');
    const short = importCiamAuthorizer(own, 'Ciam', { stage: 'dev', resultsCacheTtl: Duration.seconds(30) });
    ordersApi(own, 'Api', (api) => short.authorizerFor(api));
    Template.fromStack(own).hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 30 });
    // 30 s + the stage authorizer's 10 s of revocation cache: over the budget, said at synth.
    Annotations.fromStack(own).hasWarning('/Own/Api', Match.stringLikeRegexp('up to 40 s .*over the 15 s budget'));
  });
});

describe('CiamAuthorizer.fromStage refuses', () => {
  test('route scopes that name a scope, saying how to get them', () => {
    const own = new Stack(testApp(), 'Own');
    const imported = importCiamAuthorizer(own, 'Ciam', { stage: 'prod' });
    expect(() => ordersApi(own, 'Api', (api) => imported.authorizerFor(api, { routeScopes: { 'GET /orders': ['orders:read'] } }))).toThrow(
      'an imported authorizer has no per-API scopes: create your own CiamAuthorizer over the shared brand and revocation tables ' +
        '(the SSM parameters /ciam-gateway/prod/brand-table-arn and /ciam-gateway/prod/revocations-table-arn)',
    );
  });

  test('a stage that is not a literal stage name, and a cache TTL out of range, both at once', () => {
    const own = new Stack(testApp(), 'Own');
    expect(() => importCiamAuthorizer(own, 'Ciam', { stage: 'Prod!', resultsCacheTtl: Duration.hours(2) })).toThrow(
      /Invalid CiamAuthorizer.fromStage props at Own\/Ciam:\n {2}- stage must be a literal stage name.*\n {2}- resultsCacheTtl must be a whole number of seconds from 0 to 3600 \(got 2 hours\)/,
    );
  });
});
