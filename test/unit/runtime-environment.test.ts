import { readRuntimeEnvironment } from '../../lambdas/adapters/runtime-environment';
import { ConfigValidationError } from '../../lambdas/core/errors';

const BASE = { STAGE: 'prod', BRAND_TABLE_NAME: 'brands' };

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    readRuntimeEnvironment(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toMatchObject({ code: 'ENVIRONMENT_INVALID' });
    return (err as ConfigValidationError).problems;
  }
  throw new Error('readRuntimeEnvironment accepted the environment');
}

describe('readRuntimeEnvironment', () => {
  it('applies the defaults', () => {
    expect(readRuntimeEnvironment(BASE)).toEqual({
      stage: 'prod', brandTableName: 'brands', brandCacheTtlSeconds: 60, jwksCooldownSeconds: 30, allowLoopbackHttp: false, dynamodbEndpoint: undefined,
    });
  });

  it('reads every setting', () => {
    expect(
      readRuntimeEnvironment({
        STAGE: 'local', BRAND_TABLE_NAME: 't', BRAND_CACHE_TTL_SECONDS: '0', JWKS_COOLDOWN_SECONDS: '600',
        ALLOW_LOOPBACK_HTTP: 'true', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      }),
    ).toEqual({
      stage: 'local', brandTableName: 't', brandCacheTtlSeconds: 0, jwksCooldownSeconds: 600, allowLoopbackHttp: true, dynamodbEndpoint: 'http://127.0.0.1:8000',
    });
  });

  it('lists every missing variable together', () => {
    expect(problemsOf({})).toEqual(['STAGE is required', 'BRAND_TABLE_NAME is required']);
    expect(problemsOf({ STAGE: '', BRAND_TABLE_NAME: '' })).toEqual(['STAGE is required', 'BRAND_TABLE_NAME is required']);
  });

  it('allows loopback http and a DynamoDB endpoint only when STAGE=local', () => {
    expect(problemsOf({ ...BASE, ALLOW_LOOPBACK_HTTP: 'true', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toEqual([
      'ALLOW_LOOPBACK_HTTP is only allowed when STAGE=local',
      'DYNAMODB_ENDPOINT is only allowed when STAGE=local',
    ]);
    expect(problemsOf({ ...BASE, STAGE: 'Local', ALLOW_LOOPBACK_HTTP: 'true' })).toEqual(['ALLOW_LOOPBACK_HTTP is only allowed when STAGE=local']);
  });

  it('reads ALLOW_LOOPBACK_HTTP as true only for "true"', () => {
    expect(readRuntimeEnvironment({ ...BASE, ALLOW_LOOPBACK_HTTP: '1' }).allowLoopbackHttp).toBe(false);
    expect(readRuntimeEnvironment({ ...BASE, ALLOW_LOOPBACK_HTTP: 'false' }).allowLoopbackHttp).toBe(false);
  });

  it.each([
    ['BRAND_CACHE_TTL_SECONDS', 'abc', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '1.5', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '-1', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '3601', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['JWKS_COOLDOWN_SECONDS', '0', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
    ['JWKS_COOLDOWN_SECONDS', '601', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
    ['JWKS_COOLDOWN_SECONDS', '30s', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
  ])('refuses %s=%p', (name, value, problem) => {
    expect(problemsOf({ ...BASE, [name]: value })).toEqual([problem]);
  });

  it('reports bad integers together with missing variables', () => {
    expect(problemsOf({ JWKS_COOLDOWN_SECONDS: 'x' })).toEqual([
      'STAGE is required', 'BRAND_TABLE_NAME is required', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600',
    ]);
  });
});
