import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Template } from 'aws-cdk-lib/assertions';
import type { RouteDefinition } from '../../lambdas/core/routes';
import { apiMethod, apiResourceId } from './infra-test-support';

// Routes as they will grow: a path parameter, and a second route on an existing handler. The stack is loaded
// in its own module registry so that it sees this route table instead of the real one.
const ROUTES: RouteDefinition[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/brands/{brandId}', handler: 'whoami', auth: 'ciam', scopes: ['brand:read'] },
  { method: 'PUT', path: '/v1/brands/{brandId}', handler: 'whoami', auth: 'ciam', scopes: ['brand:write'] },
];
let template: Template;

beforeAll(async () => {
  await jest.isolateModulesAsync(async () => {
    jest.doMock('../../lambdas/core/routes', () => ({ ROUTES }));
    const { gatewayStack } = await import('./infra-test-support');
    template = Template.fromStack(gatewayStack('dev'));
  });
});

describe('the stack follows ROUTES', () => {
  test('builds a path-parameter resource under its parent', () => {
    expect(apiResourceId(template, '/v1/brands/{brandId}')).toBeDefined();
  });

  test('requires the path parameter in the request', () => {
    expect(apiMethod(template, 'PUT', '/v1/brands/{brandId}')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      RequestParameters: { 'method.request.path.brandId': true },
    });
  });

  test('creates one function per handler, however many routes use it', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::ApiGateway::Method', 3);
  });
});
