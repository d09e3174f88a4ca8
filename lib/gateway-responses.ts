/**
 * What API Gateway answers when it rejects a request itself, as plain data (no CDK imports): the stack configures
 * API Gateway from it and the local API Gateway emulator sends the very same responses.
 */

/** The API Gateway response types this API customises. */
export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR';

export interface GatewayResponseDefinition {
  readonly statusCode: number;
  /** Literal header values (CloudFormation wants them single-quoted; the CDK side adds the quotes). */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: 'application/json';
  readonly body: { readonly code: string; readonly message: string };
}

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

const INVALID_TOKEN: GatewayResponseDefinition = {
  statusCode: 401,
  headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"', ...NO_STORE },
  contentType: 'application/json',
  body: { code: 'INVALID_TOKEN', message: 'The access token is missing, invalid or expired.' },
};

const INSUFFICIENT_SCOPE: GatewayResponseDefinition = {
  statusCode: 403,
  headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"', ...NO_STORE },
  contentType: 'application/json',
  body: { code: 'INSUFFICIENT_SCOPE', message: 'The access token does not grant access to this resource.' },
};

/**
 * The authorizer failing or being misconfigured reads as an invalid token, never as a 5xx: the API fails closed and
 * tells a caller nothing about why.
 */
export const GATEWAY_RESPONSES: Readonly<Record<GatewayResponseType, GatewayResponseDefinition>> = Object.freeze({
  UNAUTHORIZED: INVALID_TOKEN,
  ACCESS_DENIED: INSUFFICIENT_SCOPE,
  AUTHORIZER_FAILURE: INVALID_TOKEN,
  AUTHORIZER_CONFIGURATION_ERROR: INVALID_TOKEN,
});

/**
 * What a gateway response carries for a browser app on `allowOrigin` (one origin, or `*`): a gateway response's
 * headers are fixed values, so it cannot pick one of several origins per request. `*` is a sound choice here: a
 * bearer token is not an ambient credential. `WWW-Authenticate` is exposed so the app can read the RFC 6750 error.
 */
export function corsResponseHeaders(allowOrigin: string): Readonly<Record<string, string>> {
  return {
    'Access-Control-Allow-Origin': allowOrigin,
    'Access-Control-Expose-Headers': 'WWW-Authenticate',
    ...(allowOrigin === '*' ? {} : { Vary: 'Origin' }),
  };
}

/** API Gateway's REST integration timeout: the largest it allows without a quota increase. */
export const INTEGRATION_TIMEOUT_MS = 29_000;
