import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayEventRequestContextWithAuthorizer, APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteMatch } from './route-matching';

/**
 * The Lambda proxy event API Gateway (REST) builds from an HTTP request, in the parts the emulator assembles:
 * the request itself, its request context, and its body.
 */

export const LOCAL_ACCOUNT_ID = '123456789012';
const REGION = 'us-east-1';
/** The emulated API's id: the `{apiId}` of its method ARNs, under which local mode passes the authorizer its route scopes. */
export const LOCAL_API_ID = 'local';
/** API Gateway's REST payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The event without body and authorizer: what both the REQUEST authorizer and the integration receive. */
export type ProxyRequest = Omit<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'requestContext'> & {
  readonly requestContext: Omit<APIGatewayEventRequestContextWithAuthorizer<undefined>, 'authorizer'>;
};

export interface RequestFacts {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly match: RouteMatch;
  readonly stage: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
}

export function proxyRequest({ req, url, match: { route, pathParameters }, stage, requestId, requestTimeEpoch }: RequestFacts): ProxyRequest {
  const method = req.method ?? '';
  const headers = group(pairsOf(req.rawHeaders));
  const query = group([...url.searchParams]);
  const hasQuery = Object.keys(query.last).length > 0;
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: method,
    headers: headers.last,
    multiValueHeaders: headers.all,
    queryStringParameters: hasQuery ? query.last : null,
    multiValueQueryStringParameters: hasQuery ? query.all : null,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: { ...NO_IDENTITY, sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null },
      // On the execute-api domain the stage is the first path segment.
      path: `/${stage}${url.pathname}`,
      stage,
      requestId,
      requestTimeEpoch,
      resourceId: route.path,
      resourcePath: route.path,
    },
  };
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{path}`: what an authorizer's policy is applied to. */
export function methodArn(request: ProxyRequest): string {
  return `arn:aws:execute-api:${REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_API_ID}/${request.requestContext.stage}/${request.httpMethod}${request.path}`;
}

/** The identity an IAM-signed caller gets; in local mode the admin key stands in for the signature. */
export function withIamCaller(request: ProxyRequest, userArn: string, user: string): ProxyRequest {
  const identity = { ...request.requestContext.identity, caller: userArn, userArn, user, accountId: LOCAL_ACCOUNT_ID };
  return { ...request, requestContext: { ...request.requestContext, identity } };
}

/** The whole body, or undefined past the payload limit (read to the end all the same, so the 413 reaches the client). */
export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
}

/** Text travels as is; bytes that are not UTF-8 travel base64-encoded. */
export function bodyFields(body: Buffer): Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'> {
  const binary = body.length > 0 && !isUtf8(body);
  return { body: body.length === 0 ? null : body.toString(binary ? 'base64' : 'utf8'), isBase64Encoded: binary };
}

const NO_IDENTITY: Omit<APIGatewayEventIdentity, 'sourceIp' | 'userAgent'> = {
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  user: null,
  userArn: null,
};

function pairsOf(rawHeaders: readonly string[]): [string, string][] {
  return Array.from({ length: rawHeaders.length / 2 }, (_, i) => [rawHeaders[2 * i] ?? '', rawHeaders[2 * i + 1] ?? '']);
}

/** API Gateway's two views of repeated names: the last value, and all of them. */
function group(pairs: readonly (readonly [string, string])[]): { last: Record<string, string>; all: Record<string, string[]> } {
  const all: Record<string, string[]> = {};
  for (const [name, value] of pairs) (all[name] ??= []).push(value);
  const last = Object.fromEntries(Object.entries(all).map(([name, values]) => [name, values.at(-1) ?? '']));
  return { last, all };
}
