import { handlerFromEnvironment } from '../../../lambdas/adapters/handler-from-environment';
import { proxyHandlerFromEnvironment } from '../../../lambdas/adapters/with-error-responses';
import { ConfigValidationError } from '../../../lambdas/core/errors';
import { proxyEvent } from '../../support/handler-fakes';

describe('handlerFromEnvironment', () => {
  it('reads the environment and builds the handler once, not per call', async () => {
    const build = jest.fn((env: { stage: string; brandCacheTtlSeconds: number }) => async (event: string) => `${env.stage}/${env.brandCacheTtlSeconds}/${event}`);
    const handle = handlerFromEnvironment('authorizer', build, { source: { STAGE: 'dev', BRAND_TABLE_NAME: 'brands', REVOCATIONS_TABLE_NAME: 'revocations', BRAND_CACHE_TTL_SECONDS: '30', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } });
    expect(build).toHaveBeenCalledTimes(1);
    expect(build.mock.calls[0]?.[0]).toMatchObject({ stage: 'dev', brandTableName: 'brands', brandCacheTtlSeconds: 30, jwksCooldownSeconds: 30 });
    await expect(handle('a')).resolves.toBe('dev/30/a');
    await expect(handle('b')).resolves.toBe('dev/30/b');
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('does not throw on a bad environment: every call rejects with the one error naming each bad variable', async () => {
    const build = jest.fn(() => async (_event: string) => 'never');
    const handle = handlerFromEnvironment('customer', build, { source: { STAGE: 'dev', AUDIT_RETENTION_DAYS: 'forever' } });
    expect(build).not.toHaveBeenCalled();
    const problems = [
      'BRAND_TABLE_NAME is required', 'REVOCATIONS_TABLE_NAME is required unless STAGE=local', 'CUSTOMERS_TABLE_NAME is required', 'AUDIT_TABLE_NAME is required',
      'AUDIT_RETENTION_DAYS must be an integer from 1 to 3650',
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
    }, { source: { STAGE: 'dev' } })).toThrow('wiring bug');
  });
});

describe('proxyHandlerFromEnvironment', () => {
  it('answers every request of a broken deployment with 503 ENVIRONMENT_INVALID, naming nothing to the caller', async () => {
    const build = jest.fn(() => async () => ({ statusCode: 200, body: 'never' }));
    const handle = proxyHandlerFromEnvironment('customer', build, { STAGE: 'dev' });
    expect(build).not.toHaveBeenCalled();
    const response = await handle(proxyEvent());
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ code: 'ENVIRONMENT_INVALID', message: expect.any(String) });
  });

  it('runs the built handler when the environment is good', async () => {
    const handle = proxyHandlerFromEnvironment('basic', () => async () => ({ statusCode: 204, body: '' }), { STAGE: 'dev' });
    expect((await handle(proxyEvent())).statusCode).toBe(204);
  });
});
