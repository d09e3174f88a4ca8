import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Deployment, MockIntegration, RestApi, Stage } from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { registerApiStage } from '../../lib/api-stage-registry';
import { logicalIdOfConstruct, registrationValue, testApp } from './infra-test-support';

function apiStack(options: { deploy?: boolean } = {}): { stack: Stack; api: RestApi } {
  const stack = new Stack(testApp(), 'Apis');
  const deploy = options.deploy ?? true;
  const api = new RestApi(stack, 'Orders', { cloudWatchRole: false, deploy, ...(deploy ? { deployOptions: { stageName: 'v1' } } : {}) });
  api.root.addMethod('GET', new MockIntegration());
  return { stack, api };
}

const registryParameters = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter')).map((p) => p.Properties);

describe('registerApiStage', () => {
  test("writes /ciam-gateway/<stage>/apis/<apiId> = the API's stage name and its authorizer's brand-cache TTL, in the API's stack", () => {
    const { stack, api } = apiStack();
    registerApiStage(stack, { stage: 'dev', api, brandConfigCacheTtl: Duration.seconds(30) });
    expect(registryParameters(stack)).toEqual([
      expect.objectContaining({
        Type: 'String',
        Tier: 'Standard',
        Name: { 'Fn::Join': ['', ['/ciam-gateway/dev/apis/', { Ref: logicalIdOfConstruct(api) }]] },
        Value: registrationValue(api.deploymentStage, 30),
      }),
    ]);
  });

  test('leaves the TTL out when it is not known (an authorizer imported from the deployed stage)', () => {
    const { stack, api } = apiStack();
    registerApiStage(stack, { stage: 'dev', api });
    expect(registryParameters(stack)[0]).toMatchObject({ Value: registrationValue(api.deploymentStage) });
  });

  test('is idempotent per (stage, API), and keeps one parameter per stage', () => {
    const { stack, api } = apiStack();
    const first = registerApiStage(stack, { stage: 'dev', api });
    expect(registerApiStage(stack, { stage: 'dev', api })).toBe(first);
    registerApiStage(stack, { stage: 'prod', api });
    expect(registryParameters(stack).map((p) => (p.Name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][0])).toEqual([
      '/ciam-gateway/dev/apis/',
      '/ciam-gateway/prod/apis/',
    ]);
  });

  test('reads the deployment stage at synth, so an API deployed by hand may get it after registering', () => {
    const { stack, api } = apiStack({ deploy: false });
    registerApiStage(stack, { stage: 'dev', api });
    api.deploymentStage = new Stage(stack, 'Live', { deployment: new Deployment(stack, 'Deployment', { api }), stageName: 'live' });
    expect(registryParameters(stack)[0]).toMatchObject({ Value: registrationValue(api.deploymentStage) });
  });

  test('fails the synth, saying what to do, for an API that never gets a deployment stage', () => {
    const { stack, api } = apiStack({ deploy: false });
    registerApiStage(stack, { stage: 'dev', api });
    expect(() => Template.fromStack(stack)).toThrow('Apis/Orders has no deploymentStage');
  });

  test.each([['a token', Token.asString({ Ref: 'Stage' })], ['an invalid name', 'Dev']])('refuses %s as the stage', (_case, stage) => {
    const { stack, api } = apiStack();
    expect(() => registerApiStage(stack, { stage, api })).toThrow('the stage must be a literal name');
  });
});
