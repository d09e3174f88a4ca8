import {
  CiamGatewayError, ConfigValidationError, FetchStatusError, InternalError, ScopeError, TokenError, UpstreamError, toGatewayError,
} from '../../lambdas/core/errors';

const withProps = (props: Record<string, unknown>, message = 'boom'): Error => Object.assign(new Error(message), props);

describe('toGatewayError', () => {
  it('turns any DynamoDB failure into STORE_UNAVAILABLE (503)', () => {
    const cause = withProps({ name: 'ProvisionedThroughputExceededException' });
    const err = toGatewayError(cause, 'dynamodb');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, cause });
    expect(err.message).toContain('ProvisionedThroughputExceededException');
  });

  it.each(['AbortError', 'TimeoutError'])('turns an http %s into FETCH_TIMEOUT (502)', (name) => {
    const err = toGatewayError(withProps({ name }), 'http');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_TIMEOUT', status: 502 });
  });

  it('turns a socket reset into FETCH_FAILED naming the socket code', () => {
    const err = toGatewayError(withProps({ code: 'ECONNRESET' }, 'socket hang up'), 'http');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_FAILED', status: 502 });
    expect(err.message).toBe('ECONNRESET: socket hang up');
  });

  it('turns any other http failure into FETCH_FAILED', () => {
    expect(toGatewayError('not even an Error', 'http')).toMatchObject({ code: 'FETCH_FAILED', message: 'not even an Error' });
  });

  it('turns a node:crypto failure into a TokenError SIGNATURE_INVALID (401), never a 500', () => {
    const err = toGatewayError(new TypeError('unsupported key'), 'crypto');
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code: 'SIGNATURE_INVALID', status: 401 });
  });

  it.each([
    new TokenError('TOKEN_EXPIRED', 'old'),
    new ScopeError('needs more', ['a']),
    new FetchStatusError(429, 'throttled'),
    new ConfigValidationError('BRAND_CONFIG_INVALID', ['x']),
  ])('passes a gateway error through unchanged, whatever the origin: %s', (original) => {
    for (const origin of ['dynamodb', 'http', 'crypto', 'internal'] as const) expect(toGatewayError(original, origin)).toBe(original);
  });

  it.each([new Error('surprise'), null, undefined, 42])('turns an unknown failure into InternalError (500): %p', (thrown) => {
    const err = toGatewayError(thrown);
    expect(err).toBeInstanceOf(InternalError);
    expect(err).toMatchObject({ code: 'INTERNAL', status: 500, cause: thrown });
  });
});

describe('error classes', () => {
  it('give each family its status', () => {
    expect(new TokenError('TOKEN_MISSING', 'x').status).toBe(401);
    expect(new ScopeError('x', ['loyalty:read'])).toMatchObject({ code: 'INSUFFICIENT_SCOPE', status: 403, missingScopes: ['loyalty:read'] });
    expect(new UpstreamError('JWKS_UNAVAILABLE', 'x').status).toBe(502);
    expect(new FetchStatusError(503, 'x')).toMatchObject({ code: 'FETCH_BAD_STATUS', status: 502, httpStatus: 503 });
    expect(new ConfigValidationError('ENVIRONMENT_INVALID', ['a', 'b'])).toMatchObject({ status: 400, message: 'ENVIRONMENT_INVALID: a; b' });
  });

  it('are all CiamGatewayErrors with their own name', () => {
    const all = [new TokenError('TOKEN_MISSING', 'x'), new InternalError('x'), new FetchStatusError(500, 'x')];
    for (const err of all) expect(err).toBeInstanceOf(CiamGatewayError);
    expect(all.map((e) => e.name)).toEqual(['TokenError', 'InternalError', 'FetchStatusError']);
  });
});
