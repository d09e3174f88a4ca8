import { ConfigValidationError, FetchStatusError, InternalError, TokenError, UpstreamError } from '../../lambdas/core/errors';
import { translateError } from '../../lambdas/adapters/library-errors';

const withProps = (props: Record<string, unknown>, message = 'boom'): Error => Object.assign(new Error(message), props);

describe('translateError', () => {
  it('turns any DynamoDB failure into STORE_UNAVAILABLE', () => {
    const cause = withProps({ name: 'ProvisionedThroughputExceededException' });
    const err = translateError(cause, 'dynamodb');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', cause });
    expect(err.message).toContain('ProvisionedThroughputExceededException');
  });

  it.each(['AbortError', 'TimeoutError'])('turns an http %s into FETCH_TIMEOUT', (name) => {
    const err = translateError(withProps({ name }), 'http');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_TIMEOUT' });
  });

  it('turns a socket reset into FETCH_FAILED naming the socket code', () => {
    const err = translateError(withProps({ code: 'ECONNRESET' }, 'socket hang up'), 'http');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_FAILED', message: 'ECONNRESET: socket hang up' });
  });

  it('turns any other http failure into FETCH_FAILED', () => {
    expect(translateError('not even an Error', 'http')).toMatchObject({ code: 'FETCH_FAILED', message: 'not even an Error' });
  });

  it.each([
    new TokenError('TOKEN_EXPIRED', 'old'),
    new FetchStatusError(429, 'throttled'),
    new ConfigValidationError('BRAND_CONFIG_INVALID', ['x']),
  ])('passes a gateway error through unchanged, whatever the origin: %s', (original) => {
    for (const origin of ['dynamodb', 'http', 'internal'] as const) expect(translateError(original, origin)).toBe(original);
  });

  it.each([new Error('surprise'), null, undefined, 42])('turns an unknown failure into InternalError: %p', (thrown) => {
    const err = translateError(thrown);
    expect(err).toBeInstanceOf(InternalError);
    expect(err).toMatchObject({ code: 'INTERNAL', cause: thrown });
  });
});
