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
  const name = '/ciam-gateway/dev/apis/a1b2c3';

  test("reads the API id from the name, and the stage name and its authorizer's brand-cache TTL from the JSON value", () => {
    expect(registeredApiStage('dev', { name, value: '{"stageName":"v1","brandCacheTtlSeconds":30}' })).toEqual({ restApiId: 'a1b2c3', stageName: 'v1', brandCacheTtlSeconds: 30 });
    expect(registeredApiStage('dev', { name, value: '{"stageName":"v1"}' })).toEqual({ restApiId: 'a1b2c3', stageName: 'v1' });
  });

  test('reads a bare stage name, as registrations made before the TTL was recorded hold', () => {
    expect(registeredApiStage('dev', { name, value: 'v1' })).toEqual({ restApiId: 'a1b2c3', stageName: 'v1' });
  });

  test.each([-1, 3601, 1.5, '60', null])('keeps the stage but not a brand-cache TTL of %p', (ttl) => {
    expect(registeredApiStage('dev', { name, value: JSON.stringify({ stageName: 'v1', brandCacheTtlSeconds: ttl }) })).toEqual({ restApiId: 'a1b2c3', stageName: 'v1' });
  });

  test.each([
    ['another stage', '/ciam-gateway/prod/apis/a1b2c3', 'v1'],
    ['a deeper path', '/ciam-gateway/dev/apis/a1b2c3/extra', 'v1'],
    ['the path itself', '/ciam-gateway/dev/apis/', 'v1'],
    ['an empty value', '/ciam-gateway/dev/apis/a1b2c3', ''],
    ['a value that is not JSON after all', '/ciam-gateway/dev/apis/a1b2c3', '{"stageName":'],
    ['JSON without a stage name', '/ciam-gateway/dev/apis/a1b2c3', '{"brandCacheTtlSeconds":60}'],
    ['JSON with an empty stage name', '/ciam-gateway/dev/apis/a1b2c3', '{"stageName":""}'],
    ['a stage name that is not a string', '/ciam-gateway/dev/apis/a1b2c3', '{"stageName":3}'],
  ])('skips %s', (_case, name, value) => {
    expect(registeredApiStage('dev', { name, value })).toBeUndefined();
  });
});
