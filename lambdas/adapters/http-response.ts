import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ConfigValidationError, RequestError, TokenError, toGatewayError, type CiamGatewayError } from '../core/errors';
import { recordRefusal } from './observability';

/** JSON responses for proxy integrations, and the one shape of an error body: `{ code, message }`. */
export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** The caller gets the stable code and a generic message; the detailed reason stays in the logs. */
export function errorResponse(error: CiamGatewayError): APIGatewayProxyResult {
  const response = json(error.status, {
    code: error.code,
    message: PUBLIC_MESSAGE[error.status] ?? 'request failed',
    // Only these problems are shown: they describe the caller's own input (a body, a brand config).
    ...((error instanceof RequestError || error instanceof ConfigValidationError) && error.problems.length > 0 ? { problems: error.problems } : {}),
  });
  if (error.status === 401) response.headers = { ...response.headers, 'www-authenticate': 'Bearer error="invalid_token"' };
  return response;
}

const PUBLIC_MESSAGE: Readonly<Record<number, string>> = {
  400: 'the request is not valid',
  401: 'the access token is not valid',
  403: 'the access token does not allow this request',
  404: 'not found',
  409: 'the request conflicts with the current state; nothing was changed',
  412: 'the resource changed since it was read; nothing was changed',
  502: 'an upstream service answered badly',
  503: 'a dependency is unavailable, retry later',
};

/**
 * The authorizer's context as API Gateway delivers it (values may arrive as strings). API Gateway may serve a
 * cached decision for its whole results-cache TTL, so a decision that outlived its token is refused here.
 */
export function readAuthorizerContext(event: APIGatewayProxyEvent, nowMs = Date.now()): Record<string, unknown> {
  const { principalId: _principalId, integrationLatency: _latency, ...context } = event.requestContext.authorizer ?? {};
  const validUntil = Number(context.validUntil);
  if (!Number.isFinite(validUntil) || validUntil * 1000 <= nowMs) {
    throw new TokenError('TOKEN_EXPIRED', 'the cached authorizer decision outlived the token');
  }
  return { ...context, validUntil };
}

/**
 * Runs a proxy handler so that nothing escapes it: every error becomes its stable-code response (never a 500
 * for a known failure), with one log line and metric per refusal.
 */
export function withErrorResponses(
  handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    try {
      return await handler(event);
    } catch (err) {
      const error = toGatewayError(err);
      recordRefusal(error, { requestId: event.requestContext.requestId, route: event.resource });
      return errorResponse(error);
    }
  };
}

/** API Gateway keeps the client's header case; HTTP header names are case-insensitive. */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}
