import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Template } from 'aws-cdk-lib/assertions';
import type { RouteDefinition } from '../../lambdas/core/routes';
import { CiamGatewayStack } from '../../lib/ciam-gateway-stack';
import { resolveStageConfig } from '../../lib/stage-config';
import { apiMethod, apiResourceId, deployedValue, testApp } from './infra-test-support';

// Routes as they will grow, given as the stack's `routes`: a path parameter, a second route on an existing handler,
// and no admin route.
const ROUTES: RouteDefinition[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/brands/{brandId}', handler: 'whoami', auth: 'ciam', scopes: ['brand:read'] },
  { method: 'PUT', path: '/v1/brands/{brandId}', handler: 'whoami', auth: 'ciam', scopes: ['brand:write'] },
];
const template = Template.fromStack(new CiamGatewayStack(testApp(), 'CiamGateway-dev', { stageConfig: resolveStageConfig('dev'), routes: ROUTES }));

describe('the stack follows its routes', () => {
  test('builds a path-parameter resource under its parent', () => {
    expect(apiResourceId(template, '/v1/brands/{brandId}')).toBeDefined();
  });

  test('requires the path parameter in the request', () => {
    expect(apiMethod(template, 'PUT', '/v1/brands/{brandId}')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      RequestParameters: { 'method.request.path.brandId': true },
    });
  });

  test('creates one function per handler, however many routes use it, besides the authorizer', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::ApiGateway::Method', 3);
  });

  test("hands the authorizer the scopes of its ciam routes, keyed by the API's id", () => {
    const [authorizer] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer' } } } }));
    expect(JSON.parse(deployedValue(authorizer?.Properties.Environment.Variables.ROUTE_SCOPES))).toEqual({
      placeholder0: { 'GET /v1/brands/{brandId}': ['brand:read'], 'PUT /v1/brands/{brandId}': ['brand:write'] },
    });
  });

  test('has no admin API base URL without admin routes', () => {
    expect(Object.keys(template.findOutputs('AdminApiBaseUrl'))).toEqual([]);
  });
});
