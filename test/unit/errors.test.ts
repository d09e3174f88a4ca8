import { AdminError, CiamGatewayError, ConfigValidationError, FetchStatusError, InternalError, TokenError, UpstreamError } from '../../lambdas/core/errors';

describe('error classes', () => {
  it('carry a stable code and no HTTP status: statuses live at the edge', () => {
    for (const err of [new TokenError('TOKEN_MISSING', 'x'), new UpstreamError('JWKS_UNAVAILABLE', 'x'), new InternalError('x')]) {
      expect(err).not.toHaveProperty('status');
    }
    expect(new FetchStatusError(503, 'x')).toMatchObject({ code: 'FETCH_BAD_STATUS', httpStatus: 503 });
    expect(new ConfigValidationError('ENVIRONMENT_INVALID', ['a', 'b'])).toMatchObject({ code: 'ENVIRONMENT_INVALID', message: 'ENVIRONMENT_INVALID: a; b' });
  });

  it('let a version refusal name the current version, and only when it is known', () => {
    expect(new AdminError('VERSION_REQUIRED', 'x', { currentVersion: 3 })).toMatchObject({ code: 'VERSION_REQUIRED', currentVersion: 3 });
    expect(new AdminError('BRAND_NOT_FOUND', 'x').currentVersion).toBeUndefined();
  });

  it('are all CiamGatewayErrors with their own name', () => {
    const all = [new TokenError('TOKEN_MISSING', 'x'), new InternalError('x'), new FetchStatusError(500, 'x'), new AdminError('VERSION_MISMATCH', 'x')];
    for (const err of all) expect(err).toBeInstanceOf(CiamGatewayError);
    expect(all.map((e) => e.name)).toEqual(['TokenError', 'InternalError', 'FetchStatusError', 'AdminError']);
  });

  it('keep the cause of a wrapped failure', () => {
    const cause = new Error('socket');
    expect(new UpstreamError('FETCH_FAILED', 'x', { cause }).cause).toBe(cause);
  });
});
