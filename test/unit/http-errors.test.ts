import {
  AdminError, ConfigValidationError, ConflictError, FetchStatusError, ForbiddenError, InternalError, RequestError, TokenError, UpstreamError,
  type CiamGatewayError,
} from '../../lambdas/core/errors';
import { errorResponse, HTTP_STATUS, wwwAuthenticate } from '../../lambdas/adapters/http-errors';

const bodyOf = (error: CiamGatewayError) => JSON.parse(errorResponse(error).body) as Record<string, unknown>;

describe('errorResponse', () => {
  it.each([
    [new TokenError('SIGNATURE_INVALID', 'x'), 401],
    [new TokenError('USERINFO_TOKEN_REJECTED', 'x'), 401],
    [new UpstreamError('STORE_UNAVAILABLE', 'x'), 503],
    [new UpstreamError('JWKS_UNAVAILABLE', 'x'), 502],
    [new FetchStatusError(404, 'x'), 502],
    [new RequestError('BODY_INVALID', 'x'), 400],
    [new ForbiddenError('CLIENT_PRINCIPAL_NOT_ALLOWED', 'x'), 403],
    [new ConflictError('IDENTIFIER_TAKEN', 'x'), 409],
    [new AdminError('BRAND_NOT_FOUND', 'x'), 404],
    [new AdminError('VERSION_MISMATCH', 'x'), 412],
    [new AdminError('VERSION_REQUIRED', 'x'), 428],
    [new ConfigValidationError('BRAND_CONFIG_INVALID', ['x']), 400],
    [new ConfigValidationError('ENVIRONMENT_INVALID', ['x']), 503],
    [new InternalError('x'), 500],
  ] as const)('answers %s with %i and its stable code', (error, status) => {
    const response = errorResponse(error);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ code: error.code });
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('keeps the detailed reason in the logs: the caller gets a generic message', () => {
    expect(bodyOf(new TokenError('KEY_NOT_FOUND', 'no RS256 key with kid "k1"'))).toEqual({ code: 'KEY_NOT_FOUND', message: 'the access token is not valid' });
  });

  it('challenges a refused token as RFC 6750 says, and nothing else', () => {
    expect(errorResponse(new TokenError('TOKEN_EXPIRED', 'x')).headers).toMatchObject({ 'www-authenticate': 'Bearer error="invalid_token"' });
    for (const error of [new ForbiddenError('CLIENT_PRINCIPAL_NOT_ALLOWED', 'x'), new UpstreamError('STORE_UNAVAILABLE', 'x'), new RequestError('BODY_INVALID', 'x')]) {
      expect(errorResponse(error).headers).not.toHaveProperty('www-authenticate');
    }
  });

  it('shows problems only where they describe the caller’s own input', () => {
    expect(bodyOf(new RequestError('BODY_INVALID', 'x', ['city: too long']))).toMatchObject({ problems: ['city: too long'] });
    expect(bodyOf(new ConfigValidationError('BRAND_CONFIG_INVALID', ['issuer: required']))).toMatchObject({ problems: ['issuer: required'] });
    expect(bodyOf(new ConfigValidationError('ENVIRONMENT_INVALID', ['BRAND_TABLE_NAME is required']))).not.toHaveProperty('problems');
    expect(bodyOf(new RequestError('BODY_INVALID', 'x'))).not.toHaveProperty('problems');
  });

  it('names the current version of a version refusal, in the body and as the ETag', () => {
    const response = errorResponse(new AdminError('VERSION_REQUIRED', 'x', { currentVersion: 4 }));
    expect(response.statusCode).toBe(428);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'VERSION_REQUIRED', currentVersion: 4 });
    expect(response.headers).toMatchObject({ etag: '"4"' });
    const stale = errorResponse(new AdminError('VERSION_MISMATCH', 'x', { currentVersion: 5 }));
    expect([stale.statusCode, JSON.parse(stale.body).currentVersion, stale.headers?.etag]).toEqual([412, 5, '"5"']);
    expect(errorResponse(new AdminError('BRAND_NOT_FOUND', 'x')).headers).not.toHaveProperty('etag');
  });
});

describe('the status table', () => {
  it('gives every client error a 4xx and every dependency failure a 5xx', () => {
    expect(Object.values(HTTP_STATUS).every((status) => status >= 400 && status <= 599)).toBe(true);
    expect(HTTP_STATUS.INSUFFICIENT_SCOPE).toBe(403);
  });

  it('maps insufficient scope to its own RFC 6750 challenge', () => {
    expect(wwwAuthenticate('INSUFFICIENT_SCOPE')).toBe('Bearer error="insufficient_scope"');
    expect(wwwAuthenticate('BRAND_UNKNOWN')).toBe('Bearer error="invalid_token"');
    expect(wwwAuthenticate('IDENTIFIER_TAKEN')).toBeUndefined();
  });
});
