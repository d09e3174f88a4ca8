import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AuthorizationType, MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { ROUTES } from '../../lambdas/core/routes';
import { CiamAuthorizer } from '../../lib/ciam-authorizer';
import { apiMethod, gatewayStack, logicalIdOfConstruct, permissions, routeFunctionLogicalId, roleStatements, testApp } from './infra-test-support';

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

describe("a consumer API in another stack, on the deployed stage's plans (CiamAuthorizer.fromStage)", () => {
  const consumer = (quotas: boolean, quotaTiers?: readonly string[]) => {
    const own = new Stack(testApp(), 'Orders');
    const ciam = CiamAuthorizer.fromStage(own, 'Ciam', { stage: 'prod', ...(quotaTiers ? { quotaTiers } : {}) });
    const api = new RestApi(own, 'OrdersApi', { cloudWatchRole: false });
    api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: ciam.authorizerFor(api, { quotas }), authorizationType: AuthorizationType.CUSTOM });
    api.root.addResource('health').addMethod('GET', new MockIntegration());
    return { own, api, template: Template.fromStack(own) };
  };
  const planParameters = (template: Template) =>
    Object.fromEntries(Object.entries(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' })).map(([id, p]) => [p.Default as string, id]));
  /** A joined template string, each reference as `<LogicalId>`. */
  const rendered = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(rendered).join(join[0]);
    return `<${(value as { Ref: string }).Ref}>`;
  };
  const joins = (template: Template) => Object.values(template.findResources('Custom::AWS'));

  test("opting in joins every tier's plan of the stage, found at deploy time by /ciam-gateway/<stage>/usage-plans/<tier>, after the API's stage", () => {
    const { api, template } = consumer(true);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    expect(apiMethod(template, 'GET', '/orders').ApiKeyRequired).toBe(true);
    expect(apiMethod(template, 'GET', '/health').ApiKeyRequired).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    const parameters = planParameters(template);
    const resources = joins(template);
    expect(resources).toHaveLength(2);
    const stageId = logicalIdOfConstruct(api.deploymentStage);
    for (const tier of Object.keys(DEFAULT_QUOTA_TIERS)) {
      const parameter = parameters[`/ciam-gateway/prod/usage-plans/${tier}`] as string;
      expect(parameter).toBeDefined();
      const join = resources.find((resource) => JSON.stringify(resource.Properties.Create).includes(parameter));
      expect(join?.DependsOn).toEqual(expect.arrayContaining([stageId]));
      const apiStage = `<${logicalIdOfConstruct(api)}>:<${stageId}>`;
      for (const [event, op, ignored] of [['Create', 'add', 'ConflictException'], ['Update', 'add', 'ConflictException'], ['Delete', 'remove', 'NotFoundException|BadRequestException']] as const) {
        expect(JSON.parse(rendered(join?.Properties[event]))).toEqual({
          service: 'APIGateway',
          action: 'updateUsagePlan',
          parameters: { usagePlanId: `<${parameter}>`, patchOperations: [{ op, path: '/apiStages', value: apiStage }] },
          physicalResourceId: { id: `<${parameter}>/${apiStage}` },
          ignoreErrorCodesMatching: ignored,
        });
      }
    }
  });

  test('the custom resource may PATCH those plans only', () => {
    const { template } = consumer(true);
    const parameters = Object.entries(planParameters(template)).filter(([name]) => name.includes('usage-plans')).map(([, id]) => id);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const patch = statements.filter((statement) => JSON.stringify(statement.Action).includes('apigateway'));
    expect(patch.map((statement) => [statement.Action, rendered(statement.Resource)]).sort()).toEqual(
      parameters.sort().map((id) => ['apigateway:PATCH', `arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/<${id}>`]),
    );
  });

  test('names the tiers to join when the stage has others, and refuses a list without standard', () => {
    const { template } = consumer(true, ['standard', 'gold']);
    expect(Object.keys(planParameters(template)).filter((name) => name.includes('usage-plans')).sort()).toEqual(['/ciam-gateway/prod/usage-plans/gold', '/ciam-gateway/prod/usage-plans/standard']);
    expect(() => consumer(true, ['gold'])).toThrow(/quotaTiers must include standard/);
  });

  test('without opting in: no key required, no plan joined', () => {
    const { template } = consumer(false);
    expect(apiMethod(template, 'GET', '/orders').ApiKeyRequired).toBeUndefined();
    expect(joins(template)).toEqual([]);
    expect(template.findResources('AWS::ApiGateway::RestApi', { Properties: { ApiKeySourceType: Match.anyValue() } })).toEqual({});
  });
});

describe('the gateway stack publishes its plans for other stacks', () => {
  test('one SSM parameter per tier, /ciam-gateway/<stage>/usage-plans/<tier>, holding the plan id', () => {
    const planIds = Object.keys(template.findResources('AWS::ApiGateway::UsagePlan'));
    for (const tier of Object.keys(DEFAULT_QUOTA_TIERS)) {
      const planId = planIds.find((id) => id.includes(`Tier${tier}`));
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/ciam-gateway/dev/usage-plans/${tier}`, Value: { Ref: planId } });
    }
  });
});
