import { apiRegistryParameterName, apiRegistryPath, registeredApiStage, stageParameterName } from '../../lambdas/core/ssm-parameter-names';

describe('SSM parameter names of a gateway stage', () => {
  test.each(['authorizer-function-arn', 'brand-table-name', 'brand-table-arn'] as const)('%s lives under /ciam-gateway/<stage>/', (parameter) => {
    expect(stageParameterName('prod', parameter)).toBe(`/ciam-gateway/prod/${parameter}`);
  });

  test('API stages register under /ciam-gateway/<stage>/apis/<apiId>', () => {
    expect([apiRegistryPath('dev'), apiRegistryParameterName('dev', 'a1b2c3')]).toEqual(['/ciam-gateway/dev/apis', '/ciam-gateway/dev/apis/a1b2c3']);
  });
});

describe('registeredApiStage', () => {
  test('reads the API id from the name and the stage name from the value', () => {
    expect(registeredApiStage('dev', { name: '/ciam-gateway/dev/apis/a1b2c3', value: 'v1' })).toEqual({ restApiId: 'a1b2c3', stageName: 'v1' });
  });

  test.each([
    ['another stage', '/ciam-gateway/prod/apis/a1b2c3', 'v1'],
    ['a deeper path', '/ciam-gateway/dev/apis/a1b2c3/extra', 'v1'],
    ['the path itself', '/ciam-gateway/dev/apis/', 'v1'],
    ['an empty value', '/ciam-gateway/dev/apis/a1b2c3', ''],
  ])('skips %s', (_case, name, value) => {
    expect(registeredApiStage('dev', { name, value })).toBeUndefined();
  });
});
