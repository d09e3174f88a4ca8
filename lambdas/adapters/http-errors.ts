import type { APIGatewayProxyResult } from 'aws-lambda';
import { AdminError, ConfigValidationError, RequestError, type CiamGatewayError, type ErrorCode } from '../core/errors';
import { json } from './proxy-response';

/**
 * HTTP at the edge: the status each stable code answers with, the RFC 6750 challenge, and the one shape of an
 * error body, `{ code, message }`. A `Record` over every code, so a new code does not compile until it has a status.
 */
const INVALID_TOKEN = 401;
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  TOKEN_MISSING: INVALID_TOKEN,
  TOKEN_MALFORMED: INVALID_TOKEN,
  TOKEN_TOO_LARGE: INVALID_TOKEN,
  ALG_NOT_ALLOWED: INVALID_TOKEN,
  CRIT_UNSUPPORTED: INVALID_TOKEN,
  KID_INVALID: INVALID_TOKEN,
  KEY_NOT_FOUND: INVALID_TOKEN,
  SIGNATURE_INVALID: INVALID_TOKEN,
  ISSUER_MISMATCH: INVALID_TOKEN,
  AUDIENCE_MISMATCH: INVALID_TOKEN,
  CLAIM_INVALID: INVALID_TOKEN,
  SUBJECT_MISSING: INVALID_TOKEN,
  TOKEN_EXPIRED: INVALID_TOKEN,
  TOKEN_NOT_YET_VALID: INVALID_TOKEN,
  TOKEN_TOO_OLD: INVALID_TOKEN,
  TOKEN_REVOKED: INVALID_TOKEN,
  TOKEN_LIFETIME_TOO_LONG: INVALID_TOKEN,
  TOKEN_TYPE_NOT_ACCEPTED: INVALID_TOKEN,
  BRAND_HEADER_INVALID: INVALID_TOKEN,
  BRAND_UNKNOWN: INVALID_TOKEN,
  BRAND_DISABLED: INVALID_TOKEN,
  USERINFO_SUB_MISMATCH: INVALID_TOKEN,
  USERINFO_TOKEN_REJECTED: INVALID_TOKEN,
  ID_TOKEN_MISSING: INVALID_TOKEN,
  ID_TOKEN_SUBJECT_MISMATCH: INVALID_TOKEN,
  // The back-channel logout receiver answers every refusal 400 invalid_request itself (OIDC Back-Channel Logout §2.8).
  TOKEN_INACTIVE: INVALID_TOKEN,
  LOGOUT_TOKEN_INVALID: 400,
  LOGOUT_TOKEN_REPLAYED: 400,
  INSUFFICIENT_SCOPE: 403,
  // A dependency that is down or throttled: retry later. One that answered badly: a bad gateway.
  STORE_UNAVAILABLE: 503,
  JWKS_UNAVAILABLE: 502,
  JWKS_INVALID: 502,
  FETCH_URL_REFUSED: 502,
  FETCH_TIMEOUT: 502,
  FETCH_TOO_LARGE: 502,
  FETCH_REDIRECT_REFUSED: 502,
  FETCH_BAD_STATUS: 502,
  FETCH_NOT_JSON: 502,
  FETCH_FAILED: 502,
  USERINFO_INVALID: 502,
  USERINFO_UNAVAILABLE: 502,
  INTROSPECTION_UNAVAILABLE: 502,
  INTROSPECTION_CLIENT_REFUSED: 502,
  INTROSPECTION_INVALID: 502,
  SECRET_UNAVAILABLE: 503,
  BODY_INVALID: 400,
  BODY_TOO_LARGE: 400,
  QUERY_INVALID: 400,
  CLIENT_PRINCIPAL_NOT_ALLOWED: 403,
  IDENTIFIER_TAKEN: 409,
  IDENTIFIER_NOT_VERIFIED: 409,
  CUSTOMER_NOT_LINKED: 409,
  BRAND_NOT_FOUND: 404,
  VERSION_MISMATCH: 412,
  VERSION_REQUIRED: 428,
  BRAND_CONFIG_INVALID: 400,
  // The function itself is misconfigured (a broken deployment): the service is unavailable until it is fixed, and the caller can do nothing about it.
  ENVIRONMENT_INVALID: 503,
  INTERNAL: 500,
};

/** RFC 6750 §3: the challenge for a refused bearer token (§3.1 `invalid_token`) or a token lacking scope. */
export function wwwAuthenticate(code: ErrorCode): string | undefined {
  if (code === 'INSUFFICIENT_SCOPE') return 'Bearer error="insufficient_scope"';
  return HTTP_STATUS[code] === INVALID_TOKEN ? 'Bearer error="invalid_token"' : undefined;
}

const PUBLIC_MESSAGE: Readonly<Record<number, string>> = {
  400: 'the request is not valid',
  401: 'the access token is not valid',
  403: 'the access token does not allow this request',
  404: 'not found',
  409: 'the request conflicts with the current state; nothing was changed',
  412: 'the resource changed since it was read; nothing was changed',
  428: 'name the version you read (If-Match) to replace it; nothing was changed',
  500: 'internal error',
  502: 'an upstream service answered badly',
  503: 'a dependency is unavailable, retry later',
};

/**
 * The caller gets the stable code and a generic message; the detailed reason stays in the logs. Problems are shown
 * only where they describe the caller's own input (a body, a brand config); a version refusal names the current
 * version, in the body and as the ETag every admin response carries.
 */
export function errorResponse(error: CiamGatewayError): APIGatewayProxyResult {
  const status = HTTP_STATUS[error.code];
  const problems = (error instanceof RequestError || (error instanceof ConfigValidationError && error.code === 'BRAND_CONFIG_INVALID')) ? error.problems : [];
  const currentVersion = error instanceof AdminError ? error.currentVersion : undefined;
  const challenge = wwwAuthenticate(error.code);
  return json(
    status,
    {
      code: error.code,
      message: PUBLIC_MESSAGE[status] ?? 'request failed',
      ...(problems.length > 0 ? { problems } : {}),
      ...(currentVersion === undefined ? {} : { currentVersion }),
    },
    {
      ...(challenge === undefined ? {} : { 'www-authenticate': challenge }),
      ...(currentVersion === undefined ? {} : { etag: `"${currentVersion}"` }),
    },
  );
}
