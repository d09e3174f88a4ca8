/**
 * Every error the gateway raises, each with a stable `code` from a closed union. Errors carry no HTTP status:
 * the edge maps codes to statuses (lambdas/adapters/http-errors.ts).
 *
 * Library failures (AWS SDK, Node's fetch/socket errors) become one of these in exactly one place, the adapter
 * lambdas/adapters/library-errors.ts. Callers only ever see the code; the `message` and `cause` are for logs.
 */

/** The token is not acceptable (`invalid_token`). */
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
  | 'TOKEN_REVOKED'
  | 'TOKEN_LIFETIME_TOO_LONG'
  | 'TOKEN_TYPE_NOT_ACCEPTED'
  | 'BRAND_HEADER_INVALID'
  | 'BRAND_UNKNOWN'
  | 'BRAND_DISABLED'
  | 'USERINFO_SUB_MISMATCH'
  | 'USERINFO_TOKEN_REJECTED'
  | 'ID_TOKEN_MISSING'
  | 'ID_TOKEN_SUBJECT_MISMATCH'
  // Back-channel logout: a logout token that breaks a rule of its own, or one already used.
  | 'LOGOUT_TOKEN_INVALID'
  | 'LOGOUT_TOKEN_REPLAYED'
  // Opaque tokens: the CIAM's introspection answered `active: false`, or its userinfo endpoint refused the token.
  | 'TOKEN_INACTIVE';

/**
 * Authenticated but not allowed (`insufficient_scope`). The authorizer answers it with a Deny policy, and names it
 * only in logs, metrics and local mode's refusal hook; a customer route throws it as a ScopeError when the brand's
 * profile source needs a scope the token lacks.
 */
export type ScopeErrorCode = 'INSUFFICIENT_SCOPE';

/** Something we depend on failed or answered badly. The authorizer fails closed; APIs answer with a 5xx. */
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
  | 'USERINFO_UNAVAILABLE'
  // Opaque tokens: the introspection endpoint failed or refused the gateway's client, or answered something else
  // than an RFC 7662 answer; the client secret could not be read.
  | 'INTROSPECTION_UNAVAILABLE'
  | 'INTROSPECTION_CLIENT_REFUSED'
  | 'INTROSPECTION_INVALID'
  | 'SECRET_UNAVAILABLE';

/** The request itself is wrong. */
export type RequestErrorCode = 'BODY_INVALID' | 'BODY_TOO_LARGE' | 'QUERY_INVALID';

/** Authenticated, but this kind of caller may not do this. */
export type ForbiddenErrorCode = 'CLIENT_PRINCIPAL_NOT_ALLOWED';

/** The request conflicts with stored or CIAM state. Nothing was changed. */
export type ConflictErrorCode = 'IDENTIFIER_TAKEN' | 'IDENTIFIER_NOT_VERIFIED' | 'CUSTOMER_NOT_LINKED';

/**
 * Admin API: the brand does not exist, it changed since the caller read it, or the caller replaces an existing
 * brand without saying which version it read.
 */
export type AdminErrorCode = 'BRAND_NOT_FOUND' | 'VERSION_MISMATCH' | 'VERSION_REQUIRED';

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

  protected constructor(message: string, options?: { cause?: unknown }, captureStack = true) {
    const limit = Error.stackTraceLimit;
    if (!captureStack) Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = limit;
  }
}

export class TokenError extends CiamGatewayError {
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
  readonly code = 'INSUFFICIENT_SCOPE' as const;

  constructor(message: string) {
    super(message, undefined, false);
    this.name = 'ScopeError';
  }
}

export class UpstreamError extends CiamGatewayError {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/**
 * FETCH_BAD_STATUS with the upstream status kept, so that callers can tell a revoked token (401) from a
 * throttled (429) or failing (5xx) endpoint.
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
  constructor(
    readonly code: ForbiddenErrorCode,
    message: string,
  ) {
    super(message, undefined, false);
    this.name = 'ForbiddenError';
  }
}

export class ConflictError extends CiamGatewayError {
  constructor(
    readonly code: ConflictErrorCode,
    message: string,
  ) {
    super(message, undefined, false);
    this.name = 'ConflictError';
  }
}

export class AdminError extends CiamGatewayError {
  /** The brand's stored version, when the refusal is about versions: the caller re-reads from there. */
  readonly currentVersion?: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    details: { readonly currentVersion?: number } = {},
  ) {
    super(message, undefined, false);
    this.name = 'AdminError';
    this.currentVersion = details.currentVersion;
  }
}

export class ConfigValidationError extends CiamGatewayError {
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

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}
