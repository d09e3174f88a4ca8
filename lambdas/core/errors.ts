/**
 * Every error the gateway raises, each with a stable `code` from a closed union.
 *
 * Library failures (AWS SDK, Node's fetch/socket errors, node:crypto) become one of these in exactly one
 * place: `toGatewayError`. Callers only ever see the code and the HTTP status; the `message` and `cause`
 * are for logs.
 */

/** The token is not acceptable: the caller gets 401 `invalid_token`. */
export type TokenErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_TOO_LARGE'
  | 'ALG_NOT_ALLOWED'
  | 'CRIT_UNSUPPORTED'
  | 'KID_INVALID'
  | 'KEY_NOT_FOUND'
  | 'SIGNATURE_INVALID'
  | 'ISSUER_MISMATCH'
  | 'AUDIENCE_MISMATCH'
  | 'CLAIM_INVALID'
  | 'SUBJECT_MISSING'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_TOO_OLD'
  | 'TOKEN_TYPE_NOT_ACCEPTED'
  | 'BRAND_HEADER_INVALID'
  | 'BRAND_UNKNOWN'
  | 'BRAND_DISABLED'
  | 'USERINFO_SUB_MISMATCH'
  | 'USERINFO_TOKEN_REJECTED';

/** Authenticated but not allowed: 403 `insufficient_scope`. */
export type ScopeErrorCode = 'INSUFFICIENT_SCOPE';

/** Something we depend on failed or answered badly. The authorizer fails closed (401); APIs answer 502/503. */
export type UpstreamErrorCode =
  | 'STORE_UNAVAILABLE'
  | 'JWKS_UNAVAILABLE'
  | 'JWKS_INVALID'
  | 'FETCH_URL_REFUSED'
  | 'FETCH_TIMEOUT'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_REDIRECT_REFUSED'
  | 'FETCH_BAD_STATUS'
  | 'FETCH_NOT_JSON'
  | 'FETCH_FAILED'
  | 'USERINFO_INVALID'
  | 'USERINFO_UNAVAILABLE';

/** The request itself is wrong: 400. */
export type RequestErrorCode = 'BODY_INVALID' | 'BODY_TOO_LARGE';

/** Authenticated, but this kind of caller may not do this: 403. */
export type ForbiddenErrorCode = 'CLIENT_PRINCIPAL_NOT_ALLOWED';

/** The request conflicts with stored or CIAM state: 409. Nothing was changed. */
export type ConflictErrorCode = 'IDENTIFIER_TAKEN' | 'IDENTIFIER_NOT_VERIFIED' | 'CUSTOMER_NOT_LINKED';

/** Admin API: the brand does not exist (404), or it changed since the caller read it (412). */
export type AdminErrorCode = 'BRAND_NOT_FOUND' | 'VERSION_MISMATCH';

/** Bad configuration, named problem by problem. */
export type ConfigErrorCode = 'BRAND_CONFIG_INVALID' | 'ENVIRONMENT_INVALID';

export type ErrorCode =
  | TokenErrorCode
  | ScopeErrorCode
  | UpstreamErrorCode
  | RequestErrorCode
  | ForbiddenErrorCode
  | ConflictErrorCode
  | AdminErrorCode
  | ConfigErrorCode
  | 'INTERNAL';

export abstract class CiamGatewayError extends Error {
  abstract readonly code: ErrorCode;
  /** The HTTP status an API (not the authorizer) answers with. */
  abstract readonly status: number;

  protected constructor(message: string, options?: { cause?: unknown }, captureStack = true) {
    const limit = Error.stackTraceLimit;
    if (!captureStack) Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = limit;
  }
}

export class TokenError extends CiamGatewayError {
  readonly status = 401;

  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    // Refusing a token is an expected outcome on a path attackers drive; its code says where it came from,
    // so the stack trace (a few microseconds to capture) is skipped.
    super(message, options, false);
    this.name = 'TokenError';
  }
}

export class ScopeError extends CiamGatewayError {
  readonly code: ScopeErrorCode = 'INSUFFICIENT_SCOPE';
  readonly status = 403;

  constructor(
    message: string,
    readonly missingScopes: readonly string[],
  ) {
    super(message);
    this.name = 'ScopeError';
  }
}

export class UpstreamError extends CiamGatewayError {
  readonly status: number;

  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
    this.status = code === 'STORE_UNAVAILABLE' ? 503 : 502;
  }
}

/**
 * FETCH_BAD_STATUS with the upstream status kept, so that callers can tell a revoked token (401) from a
 * throttled (429) or failing (5xx) endpoint. `status` stays the status the gateway itself answers with.
 */
export class FetchStatusError extends UpstreamError {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super('FETCH_BAD_STATUS', message);
    this.name = 'FetchStatusError';
  }
}

export class RequestError extends CiamGatewayError {
  readonly status = 400;

  constructor(
    readonly code: RequestErrorCode,
    message: string,
    /** Field-level problems, safe to show the caller (they describe the caller's own input). */
    readonly problems: readonly string[] = [],
  ) {
    super(message, undefined, false);
    this.name = 'RequestError';
  }
}

export class ForbiddenError extends CiamGatewayError {
  readonly status = 403;

  constructor(
    readonly code: ForbiddenErrorCode,
    message: string,
  ) {
    super(message, undefined, false);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends CiamGatewayError {
  readonly status = 409;

  constructor(
    readonly code: ConflictErrorCode,
    message: string,
  ) {
    super(message, undefined, false);
    this.name = 'ConflictError';
  }
}

export class AdminError extends CiamGatewayError {
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message, undefined, false);
    this.name = 'AdminError';
    this.status = code === 'BRAND_NOT_FOUND' ? 404 : 412;
  }
}

export class ConfigValidationError extends CiamGatewayError {
  readonly status = 400;

  constructor(
    readonly code: ConfigErrorCode,
    readonly problems: readonly string[],
  ) {
    super(`${code}: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

export class InternalError extends CiamGatewayError {
  readonly code = 'INTERNAL' as const;
  readonly status = 500;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** Socket-level failure codes from Node's http/net/dns layers. */
const NETWORK_FAILURE = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/;

/**
 * The one place where a library's error becomes ours.
 *
 * @param origin which dependency was being called, so an unknown SDK or socket failure gets the right code.
 */
export function toGatewayError(err: unknown, origin: 'dynamodb' | 'http' | 'crypto' | 'internal' = 'internal'): CiamGatewayError {
  if (err instanceof CiamGatewayError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);

  if (origin === 'dynamodb') {
    return new UpstreamError('STORE_UNAVAILABLE', `DynamoDB ${String(name ?? 'error')}: ${message}`, { cause: err });
  }
  if (origin === 'http') {
    if (name === 'AbortError' || name === 'TimeoutError') {
      return new UpstreamError('FETCH_TIMEOUT', message, { cause: err });
    }
    if (typeof code === 'string' && NETWORK_FAILURE.test(code)) {
      return new UpstreamError('FETCH_FAILED', `${code}: ${message}`, { cause: err });
    }
    return new UpstreamError('FETCH_FAILED', message, { cause: err });
  }
  if (origin === 'crypto') {
    // node:crypto throws on keys that cannot verify this algorithm (wrong curve, too-small modulus, …).
    return new TokenError('SIGNATURE_INVALID', `key unusable for this token: ${message}`, { cause: err });
  }
  return new InternalError(message, { cause: err });
}
