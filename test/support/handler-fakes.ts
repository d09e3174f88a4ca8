/**
 * What the handler suites build their events and collaborators from: API Gateway proxy events, an observability
 * that records instead of logging, and bearer tokens shaped like JWTs (the handlers behind the authorizer only
 * decode them; API Gateway already had them verified).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Observability } from '../../lambdas/adapters/observability';
import type { ErrorCode } from '../../lambdas/core/errors';

export interface ProxyEventInput {
  readonly method?: string;
  readonly resource?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** `requestContext.authorizer`: what the CIAM authorizer established. */
  readonly authorizer?: Record<string, unknown>;
  readonly userArn?: string;
}

export function proxyEvent(input: ProxyEventInput = {}): APIGatewayProxyEvent {
  const { method = 'GET', resource = '/v1/whoami' } = input;
  return {
    httpMethod: method,
    resource,
    path: resource,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    body: input.body === undefined ? null : typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
    isBase64Encoded: false,
    pathParameters: input.pathParameters ?? null,
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: 'req-1',
      ...(input.authorizer ? { authorizer: input.authorizer } : {}),
      identity: { ...(input.userArn ? { userArn: input.userArn } : {}) },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export interface RecordedObservability extends Observability {
  readonly refusals: { code: ErrorCode; fields: Readonly<Record<string, string | undefined>> }[];
  readonly missingScopes: { brandId: string; missing: readonly string[] }[];
  authorized: number;
}

/** Records what a handler reports, so a test asserts on refusals without spying on modules. */
export function recordingObservability(): RecordedObservability {
  const recorded: RecordedObservability = {
    refusals: [],
    missingScopes: [],
    authorized: 0,
    recordRefusal: (error, fields) => recorded.refusals.push({ code: error.code, fields }),
    recordMissingScopes: (fields) => recorded.missingScopes.push({ ...fields }),
    recordAuthorized: () => {
      recorded.authorized += 1;
    },
  };
  return recorded;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token of three base64url segments with these claims; its signature is never checked past the authorizer. */
export function unverifiedToken(payload: Record<string, unknown>): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(payload)}.c2lnbmF0dXJl`;
}

export function bodyOf(response: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}
