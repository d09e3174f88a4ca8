import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AuthorizationType, MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { ROUTES } from '../../lambdas/core/routes';
import { CiamAuthorizer } from '../../lib/ciam-authorizer';
import { apiMethod, gatewayStack, permissions, routeFunctionLogicalId, roleStatements, testApp } from './infra-test-support';

const stack = gatewayStack('dev');
const template = Template.fromStack(stack);

describe('per-brand quotas in the stack', () => {
  test('one usage plan per tier of the stage, with its rate, burst and daily quota, metering the API stage', () => {
    const plans = template.findResources('AWS::ApiGateway::UsagePlan');
    expect(Object.values(plans).map((plan) => plan.Properties.UsagePlanName).sort()).toEqual(['ciam-gateway-dev-premium', 'ciam-gateway-dev-standard']);
    for (const [tier, limits] of Object.entries(DEFAULT_QUOTA_TIERS)) {
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: `ciam-gateway-dev-${tier}`,
        Throttle: { RateLimit: limits.rateLimit, BurstLimit: limits.burstLimit },
        Quota: { Limit: limits.dailyQuota, Period: 'DAY' },
        ApiStages: [{ ApiId: { Ref: Match.anyValue() }, Stage: { Ref: Match.anyValue() } }],
      });
    }
  });

  test('makes no API key: keys are per brand, made at run time by the admin API', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 0);
  });

  test('the API takes API keys from the authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  test.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route.auth] as const))('%s (%s) requires an API key exactly when the CIAM authorizer guards it', (route, auth) => {
    const [method, path] = route.split(' ') as [string, string];
    expect(apiMethod(template, method, path).ApiKeyRequired ?? false).toBe(auth === 'ciam');
  });

  test("the admin function gets each tier's plan name, and may keep API keys in exactly those plans", () => {
    const adminId = routeFunctionLogicalId(stack, 'admin-brands');
    const fn = template.toJSON().Resources[adminId].Properties;
    expect(JSON.parse(fn.Environment.Variables.USAGE_PLANS)).toEqual({ standard: 'ciam-gateway-dev-standard', premium: 'ciam-gateway-dev-premium' });
    const planIds = Object.keys(template.findResources('AWS::ApiGateway::UsagePlan'));
    const names = new Map(planIds.map((id) => [id, id.includes('premium') ? 'PremiumPlan' : 'StandardPlan']));
    const granted = permissions(roleStatements(template, adminId), names).filter((permission) => permission.includes('apigateway:') && !permission.includes('cache/authorizers'));
    const base = 'arn:${AWS::Partition}:apigateway:${AWS::Region}::';
    expect(granted.sort()).toEqual([
      `Allow apigateway:DELETE on ${base}/usageplans/\${PremiumPlan}/keys/*`,
      `Allow apigateway:DELETE on ${base}/usageplans/\${StandardPlan}/keys/*`,
      `Allow apigateway:GET on ${base}/apikeys`,
      `Allow apigateway:GET on ${base}/usageplans`,
      `Allow apigateway:PATCH on ${base}/apikeys/*`,
      `Allow apigateway:POST on ${base}/apikeys`,
      `Allow apigateway:POST on ${base}/usageplans/\${PremiumPlan}/keys`,
      `Allow apigateway:POST on ${base}/usageplans/\${StandardPlan}/keys`,
    ]);
  });

  test('prod reserves concurrency for the authorizer; dev leaves it in the unreserved pool', () => {
    const reserved = (stage: string) =>
      Template.fromStack(gatewayStack(stage)).findResources('AWS::Lambda::Function', { Properties: { ReservedConcurrentExecutions: Match.anyValue() } });
    expect(Object.keys(reserved('prod'))).toEqual([expect.stringContaining('CiamAuthorizer')]);
    expect(reserved('dev')).toEqual({});
  });
});

describe('a consumer API and quotas', () => {
  const consumer = (quotaTiers: boolean, quotas?: boolean) => {
    const own = new Stack(testApp(), 'Consumer');
    const table = (id: string) => new TableV2(own, id, { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const authorizer = new CiamAuthorizer(own, 'Authorizer', {
      brandTable: table('Brands'),
      revocationsTable: table('Revocations'),
      stage: 'dev',
      ...(quotaTiers ? { quotaTiers: DEFAULT_QUOTA_TIERS } : {}),
    });
    const api = new RestApi(own, 'Orders');
    const attach = () => authorizer.authorizerFor(api, quotas === undefined ? {} : { quotas });
    return { own, api, attach };
  };

  test('opting in (quotas: true) adds its stage to every tier plan and requires a key on its authorized methods', () => {
    const { own, api, attach } = consumer(true, true);
    api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: attach(), authorizationType: AuthorizationType.CUSTOM });
    api.root.addResource('health').addMethod('GET', new MockIntegration());
    const consumerTemplate = Template.fromStack(own);
    consumerTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    expect(apiMethod(consumerTemplate, 'GET', '/orders').ApiKeyRequired).toBe(true);
    expect(apiMethod(consumerTemplate, 'GET', '/health').ApiKeyRequired).toBeUndefined();
    consumerTemplate.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    consumerTemplate.allResourcesProperties('AWS::ApiGateway::UsagePlan', { ApiStages: [{ ApiId: { Ref: Match.stringLikeRegexp('Orders') }, Stage: Match.anyValue() }] });
  });

  test('without opting in, the API is on no plan and requires no key: only its stage throttling applies', () => {
    const { own, api, attach } = consumer(true);
    api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: attach(), authorizationType: AuthorizationType.CUSTOM });
    const consumerTemplate = Template.fromStack(own);
    expect(apiMethod(consumerTemplate, 'GET', '/orders').ApiKeyRequired).toBeUndefined();
    expect(consumerTemplate.findResources('AWS::ApiGateway::RestApi', { Properties: { ApiKeySourceType: Match.anyValue() } })).toEqual({});
    consumerTemplate.allResourcesProperties('AWS::ApiGateway::UsagePlan', { ApiStages: Match.absent() });
  });

  test('quotas: true on an authorizer without quota tiers is refused at synth, saying what to do', () => {
    const { attach } = consumer(false, true);
    expect(attach).toThrow(/quotas: this authorizer has no usage plans; make the CiamAuthorizer with quotaTiers/);
  });

  test('quota tiers without standard are refused', () => {
    const own = new Stack(testApp(), 'Bad');
    const table = new TableV2(own, 'T', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    expect(() => new CiamAuthorizer(own, 'A', { brandTable: table, revocationsTable: table, stage: 'dev', quotaTiers: { gold: { rateLimit: 1, burstLimit: 1, dailyQuota: 1 } } })).toThrow(
      'the tier standard is required',
    );
  });
});
