import { isUtf8 } from 'node:buffer';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayEventIdentity,
  APIGatewayEventRequestContextWithAuthorizer,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import type { PolicyDocument } from '../../lambdas/core/route-policy';
import type { RouteDefinition, RouteHandlerName } from '../../lambdas/core/routes';
import { policyAllows } from './evaluate-policy';

/**
 * A local API Gateway (REST): serves a route table on 127.0.0.1 the way the deployed API does, with the CIAM
 * REQUEST authorizer (identity sources `Authorization` and `X-Brand-Id`, its results cache, its policy applied to
 * each request's method ARN, the stack's gateway responses) in front of Lambda proxy integrations. `npm start`
 * runs the real handler modules through it; tests pass fakes.
 */

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export type RequestAuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** One of the stack's gateway responses: `GatewayResponseDefinition` in lib/gateway-responses.ts. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly body: unknown;
}

export type GatewayResponses = Readonly<Record<'UNAUTHORIZED' | 'ACCESS_DENIED' | 'AUTHORIZER_CONFIGURATION_ERROR', GatewayResponse>>;

export interface LocalGatewayOptions {
  readonly routes: readonly RouteDefinition[];
  /** Loads a handler module's `handler`, on every request (tests pass fakes; local mode the real modules). */
  readonly loadHandler: (name: RouteHandlerName) => Promise<ProxyHandler>;
  readonly authorizer: RequestAuthorizerHandler;
  /** 0 turns the authorizer results cache off. */
  readonly resultsCacheTtlSeconds: number;
  /**
   * `GATEWAY_RESPONSES` and `INTEGRATION_TIMEOUT_MS` from lib/gateway-responses.ts, so the emulator answers as the
   * stack does. They are passed in because runtime code (`lambdas/**`) may not import `lib/`.
   */
  readonly gatewayResponses: GatewayResponses;
  readonly integrationTimeoutMs: number;
  /** Stage name, e.g. `local`: part of every method ARN. */
  readonly stage: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * Stands in for IAM (SigV4) on `auth: 'admin'` routes: a request must carry `x-admin-key` equal to it. Without
   * one, admin routes refuse everyone, as IAM refuses an unsigned request.
   */
  readonly adminKey?: string;
  /** Clock for the results cache and `requestTimeEpoch`; defaults to `Date.now`. */
  readonly now?: () => number;
  /**
   * Gets one line per request: request id, method, path without the query string, status, and why the gateway
   * answered itself. No header value is ever part of it.
   */
  readonly log?: (line: string) => void;
}

export interface LocalGateway {
  /** `http://127.0.0.1:<port>`, without the stage: paths are the route paths. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the gateway on 127.0.0.1 and resolves once it listens. */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const handle = requestHandler(options);
  // A request the emulator cannot answer drops its connection; it never takes the server down.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const HOST = '127.0.0.1';
const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
/** The identity admin requests carry in local mode, where the admin key stands in for IAM. */
const LOCAL_ADMIN_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/local-admin`;
const API_ID = 'local';
/** The authorizer's identity sources, lower-cased: header names are case-insensitive. */
const IDENTITY_SOURCES = ['authorization', 'x-brand-id'] as const;
/** API Gateway's REST payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TIMED_OUT = Symbol('timed out');

interface Reply {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: string | Buffer;
  /** Why the gateway answered itself, for the log. */
  readonly note?: string;
}

/** What the authorizer said for one pair of identity-source values; every kind but `failed` is cached. */
type Decision =
  | { readonly kind: 'authorized'; readonly principalId: string; readonly policy: PolicyDocument; readonly context: Readonly<Record<string, string | null>> }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'failed'; readonly note: string };

type Statement = PolicyDocument['Statement'][number];

interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string> | null;
}

function requestHandler(options: LocalGatewayOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const cache = new Map<string, { readonly decision: Decision; readonly expiresAt: number }>();

  const gatewayReply = (type: keyof GatewayResponses, note: string): Reply => {
    const response = options.gatewayResponses[type];
    return { statusCode: response.statusCode, headers: { ...response.headers, 'content-type': response.contentType }, body: JSON.stringify(response.body), note };
  };

  const adminKeyMatches = (presented: string | undefined): boolean => {
    if (!options.adminKey || presented === undefined) return false;
    const [expected, given] = [Buffer.from(options.adminKey), Buffer.from(presented)];
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  async function answer(req: IncomingMessage, url: URL, requestId: string): Promise<Reply> {
    const body = await readBody(req);
    if (body === undefined) return messageReply(413, 'Request Too Long', 'body over 10 MB');
    const method = req.method ?? '';
    // API Gateway's FlushStageAuthorizersCache, on the gateway itself: local mode listens on loopback only.
    if (method === 'DELETE' && url.pathname === '/_emulator/authorizer-cache') {
      cache.clear();
      return { statusCode: 202, headers: {}, body: '', note: 'authorizer cache flushed' };
    }
    const match = matchRoute(options.routes, method, url.pathname);
    // API Gateway REST answers an unknown route (or method) this way, not with a 404.
    if (!match) return messageReply(403, 'Missing Authentication Token', 'no such route');

    const { route, pathParameters } = match;
    const headers = group(pairsOf(req.rawHeaders));
    const query = group([...url.searchParams]);
    const hasQuery = Object.keys(query.last).length > 0;
    const request = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers: headers.last,
      multiValueHeaders: headers.all,
      queryStringParameters: hasQuery ? query.last : null,
      multiValueQueryStringParameters: hasQuery ? query.all : null,
      pathParameters,
      stageVariables: null,
    };
    const requestContext: Omit<APIGatewayEventRequestContextWithAuthorizer<undefined>, 'authorizer'> = {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: { ...NO_IDENTITY, sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? HOST, userAgent: req.headers['user-agent'] ?? null },
      // On the execute-api domain the stage is the first path segment.
      path: `/${options.stage}${url.pathname}`,
      stage: options.stage,
      requestId,
      requestTimeEpoch: now(),
      resourceId: route.path,
      resourcePath: route.path,
    };

    if (route.auth === 'admin') {
      if (!adminKeyMatches(headers.last['x-admin-key'])) return messageReply(403, 'Missing Authentication Token', 'admin route without the admin key');
      requestContext.identity = { ...requestContext.identity, caller: LOCAL_ADMIN_ARN, userArn: LOCAL_ADMIN_ARN, user: 'local-admin', accountId: ACCOUNT_ID };
    }
    let authorizerContext: Record<string, unknown> | undefined;
    if (route.auth === 'ciam') {
      const methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${options.stage}/${method}${url.pathname}`;
      const outcome = await authorize({ type: 'REQUEST', methodArn, ...request, requestContext: { ...requestContext, authorizer: undefined } });
      if ('refusal' in outcome) return outcome.refusal;
      authorizerContext = outcome.context;
    }
    // Text travels as is; bytes that are not UTF-8 travel base64-encoded.
    const binary = body.length > 0 && !isUtf8(body);
    return integrate(route.handler, {
      ...request,
      body: body.length === 0 ? null : body.toString(binary ? 'base64' : 'utf8'),
      isBase64Encoded: binary,
      requestContext: { ...requestContext, authorizer: authorizerContext },
    });
  }

  /** The proxy event's `requestContext.authorizer`, or the gateway response that ends the request. */
  async function authorize(event: APIGatewayRequestAuthorizerEvent): Promise<{ refusal: Reply } | { context: Record<string, unknown> }> {
    const identity = IDENTITY_SOURCES.map((name) => headerValue(event.headers ?? {}, name));
    // A missing or empty identity source is refused before the authorizer is called.
    if (identity.some((value) => !value)) return { refusal: gatewayReply('UNAUTHORIZED', 'identity source missing') };

    const key = JSON.stringify(identity);
    const started = now();
    const decision = cached(key) ?? (await decide(key, event));
    if (decision.kind === 'unauthorized') return { refusal: gatewayReply('UNAUTHORIZED', 'authorizer: Unauthorized') };
    if (decision.kind === 'failed') return { refusal: gatewayReply('AUTHORIZER_CONFIGURATION_ERROR', decision.note) };
    // A cached policy is applied to this request's ARN: it must not open a route the token's scopes do not.
    if (!policyAllows(decision.policy, event.methodArn)) return { refusal: gatewayReply('ACCESS_DENIED', 'policy does not allow this method') };
    return { context: { ...decision.context, principalId: decision.principalId, integrationLatency: now() - started } };
  }

  function cached(key: string): Decision | undefined {
    const entry = cache.get(key);
    if (entry && entry.expiresAt > now()) return entry.decision;
    cache.delete(key);
    return undefined;
  }

  async function decide(key: string, event: APIGatewayRequestAuthorizerEvent): Promise<Decision> {
    const decision = await invokeAuthorizer(options.authorizer, event);
    if (decision.kind !== 'failed' && options.resultsCacheTtlSeconds > 0) {
      cache.set(key, { decision, expiresAt: now() + options.resultsCacheTtlSeconds * 1000 });
    }
    return decision;
  }

  async function integrate(handlerName: RouteHandlerName, event: APIGatewayProxyEvent): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, options.integrationTimeoutMs, TIMED_OUT);
    });
    try {
      const invocation = options.loadHandler(handlerName).then(async (handler) => overTheWire(await handler(event)));
      const result = await Promise.race([invocation, timeout]);
      if (result === TIMED_OUT) return messageReply(504, 'Endpoint request timed out', 'integration timed out');
      return proxyReply(result) ?? messageReply(502, 'Internal server error', 'malformed integration result');
    } catch (error) {
      // The handler's own failure, as Lambda would log it; it carries no header the gateway received.
      return messageReply(502, 'Internal server error', `integration threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return async (req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const reply = await answer(req, url, requestId).catch((error: unknown) =>
      messageReply(500, 'Internal server error', `local gateway failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    res.setHeader('x-amzn-RequestId', requestId);
    res.statusCode = reply.statusCode;
    res.end(reply.body);
    log(`${requestId} ${req.method} ${url.pathname} ${reply.statusCode}${reply.note ? ` ${reply.note}` : ''}`);
  };
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

/** The whole body, or undefined past the payload limit (read to the end all the same, so the 413 reaches the client). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
}

/** A literal path wins over a `{param}` one, as in API Gateway; a `{param}` matches one non-empty segment. */
function matchRoute(routes: readonly RouteDefinition[], method: string, path: string): RouteMatch | undefined {
  const candidates = routes.filter((route) => route.method === method);
  const literal = candidates.find((route) => route.path === path);
  if (literal) return { route: literal, pathParameters: null };
  const segments = path.split('/');
  for (const route of candidates) {
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const segment = segments[i] ?? '';
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === segment;
      pathParameters[name] = decodeSegment(segment);
      return segment !== '';
    });
    if (matches) return { route, pathParameters };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

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

function headerValue(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Lambda hands a result back as JSON: what does not survive that (undefined, functions) never reaches API Gateway. */
function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? 'null');
}

async function invokeAuthorizer(authorizer: RequestAuthorizerHandler, event: APIGatewayRequestAuthorizerEvent): Promise<Decision> {
  let result: unknown;
  try {
    result = overTheWire(await authorizer(event));
  } catch (error) {
    // Exactly this message means 401; any other failure is API Gateway's AuthorizerConfigurationException.
    if (error instanceof Error && error.message === 'Unauthorized') return { kind: 'unauthorized' };
    return { kind: 'failed', note: 'authorizer threw' };
  }
  const malformed = { kind: 'failed', note: 'malformed authorizer result' } as const;
  if (!isRecord(result) || typeof result.principalId !== 'string' || result.principalId === '') return malformed;
  const policy = parsePolicy(result.policyDocument);
  const context = parseContext(result.context ?? {});
  return policy && context ? { kind: 'authorized', principalId: result.principalId, policy, context } : malformed;
}

function parsePolicy(document: unknown): PolicyDocument | undefined {
  if (!isRecord(document) || !Array.isArray(document.Statement)) return undefined;
  const statements: Statement[] = [];
  for (const statement of document.Statement as unknown[]) {
    if (!isRecord(statement)) return undefined;
    const { Effect } = statement;
    const actions = stringList(statement.Action);
    const resources = stringList(statement.Resource);
    if ((Effect !== 'Allow' && Effect !== 'Deny') || !actions || !resources) return undefined;
    // policyAllows reads one action per statement, and also matches `execute-api:*` and `*`, which the type omits.
    statements.push(...actions.map((action): Statement => ({ Effect, Action: action as Statement['Action'], Resource: resources })));
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM takes a string or a list of strings. */
function stringList(value: unknown): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  return Array.isArray(list) && list.length > 0 && list.every((item): item is string => typeof item === 'string') ? list : undefined;
}

/**
 * Only scalar context values are accepted, and the proxy integration receives them stringified ("123", "true"),
 * as API Gateway REST delivers them.
 */
function parseContext(context: unknown): Record<string, string | null> | undefined {
  if (!isRecord(context)) return undefined;
  const parsed: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value !== null && !isScalar(value)) return undefined;
    parsed[key] = value === null ? null : String(value);
  }
  return parsed;
}

function proxyReply(result: unknown): Reply | undefined {
  if (!isRecord(result)) return undefined;
  const { statusCode, body = '', headers: single = {}, multiValueHeaders: multi = {} } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (typeof body !== 'string' || !isRecord(single) || !isRecord(multi)) return undefined;
  const headers: Record<string, string[]> = {};
  // Where both name a header, API Gateway keeps the multiValueHeaders values.
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values) || !values.every((value) => isHeader(name, value))) return undefined;
    headers[name.toLowerCase()] = values.map(String);
  }
  for (const [name, value] of Object.entries(single)) {
    if (!isHeader(name, value)) return undefined;
    headers[name.toLowerCase()] ??= [String(value)];
  }
  // API Gateway's content type for a proxy response that names none.
  headers['content-type'] ??= ['application/json'];
  return { statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(body, 'base64') : body };
}

/** A scalar that HTTP can carry under this name. */
function isHeader(name: string, value: unknown): boolean {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, String(value));
    return isScalar(value);
  } catch {
    return false;
  }
}

function messageReply(statusCode: number, message: string, note: string): Reply {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }), note };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
