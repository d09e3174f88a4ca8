import { handlerFromEnvironment } from '../../../lambdas/adapters/handler-from-environment';
import { ConfigValidationError } from '../../../lambdas/core/errors';

describe('handlerFromEnvironment', () => {
  it('reads the environment and builds the handler once, not per call', async () => {
    const build = jest.fn((env: { stage: string; brandCacheTtlSeconds: number }) => async (event: string) => `${env.stage}/${env.brandCacheTtlSeconds}/${event}`);
    const handle = handlerFromEnvironment('authorizer', build, { STAGE: 'dev', BRAND_TABLE_NAME: 'brands', BRAND_CACHE_TTL_SECONDS: '30' });
    expect(build).toHaveBeenCalledTimes(1);
    expect(build.mock.calls[0]?.[0]).toMatchObject({ stage: 'dev', brandTableName: 'brands', brandCacheTtlSeconds: 30, jwksCooldownSeconds: 30 });
    await expect(handle('a')).resolves.toBe('dev/30/a');
    await expect(handle('b')).resolves.toBe('dev/30/b');
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('does not throw on a bad environment: every call rejects with the one error naming each bad variable', async () => {
    const build = jest.fn(() => async (_event: string) => 'never');
    const handle = handlerFromEnvironment('customer', build, { STAGE: 'dev', AUDIT_RETENTION_DAYS: 'forever' });
    expect(build).not.toHaveBeenCalled();
    const problems = [
      'BRAND_TABLE_NAME is required', 'CUSTOMERS_TABLE_NAME is required', 'AUDIT_TABLE_NAME is required', 'AUDIT_RETENTION_DAYS must be an integer from 1 to 3650',
    ];
    for (let i = 0; i < 2; i += 1) {
      const failure = handle('event');
      await expect(failure).rejects.toBeInstanceOf(ConfigValidationError);
      await expect(failure).rejects.toMatchObject({ code: 'ENVIRONMENT_INVALID', problems });
    }
  });

  it('lets a failure of the wiring itself throw at load, as Lambda reports an init error', () => {
    expect(() => handlerFromEnvironment('basic', () => {
      throw new TypeError('wiring bug');
    }, { STAGE: 'dev' })).toThrow('wiring bug');
  });
});
