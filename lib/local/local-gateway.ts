import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue } from '../../lambdas/adapters/http-headers';
import type { ProxyHandler } from '../../lambdas/adapters/proxy-response';
import type { ErrorCode } from '../../lambdas/core/errors';
import { EMULATOR_METRICS_PATH } from '../emulator-metrics';
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS, type GatewayResponseType } from '../gateway-responses';
import { AuthorizerDecisions, type RequestAuthorizerHandler } from './authorizer-decisions';
import { DecisionMetrics } from './decision-metrics';
import { policyAllows } from './evaluate-policy';
import { gatewayResponseReply, messageReply, type Reply } from './gateway-reply';
import type { Admission, LocalApiKeys } from './local-api-keys';
import { overTheWire, parseProxyResult } from './lambda-results';
import { startLoopbackServer, type Respond } from './loopback-server';
import { bodyFields, LOCAL_ACCOUNT_ID, methodArn, proxyRequest, readBody, withIamCaller, type ProxyRequest } from './proxy-event';
import { matchRoute, type GatewayHandlerName, type GatewayRoute } from './route-matching';

/**
 * A local API Gateway (REST): serves a route table on 127.0.0.1 the way the deployed API does, with the CIAM
 * REQUEST authorizer (identity sources `Authorization` and `X-Brand-Id`, its results cache, its policy applied to
 * each request's method ARN) in front of Lambda proxy integrations, and answers with the stack's gateway responses
 * (lib/gateway-responses.ts). Local mode runs the real handlers through it; tests pass fakes.
 */

export type { ProxyHandler };

/** The Lambda functions behind the gateway. */
export interface GatewayFunctions {
  readonly authorizer: RequestAuthorizerHandler;
  /** The proxy handler a route's `handler` names. */
  readonly handlerFor: (name: GatewayHandlerName) => ProxyHandler;
  /**
   * Local mode only: the stable code the authorizer reported for refusing this event (its `onRefusal` hook),
   * sent as `x-ciam-debug` with the refusal and cached with the decision.
   */
  readonly refusalCodeOf?: (event: APIGatewayRequestAuthorizerEvent) => ErrorCode | undefined;
}

export interface LocalGatewayOptions {
  readonly routes: readonly GatewayRoute[];
  /** Builds the functions once the gateway listens: the admin handler flushes the authorizer cache through its URL. */
  readonly functions: (gatewayUrl: string) => GatewayFunctions;
  /** 0 turns the authorizer results cache off. */
  readonly resultsCacheTtlSeconds: number;
  /** How long an integration may take before the gateway answers 504. @default INTEGRATION_TIMEOUT_MS, as the stack */
  readonly integrationTimeoutMs?: number;
  /** Stage name, e.g. `local`: part of every method ARN. */
  readonly stage: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * Stands in for IAM (SigV4) on `auth: 'admin'` routes: a request must carry `x-admin-key` equal to it. Without
   * one, admin routes refuse everyone, as IAM refuses an unsigned request.
   */
  readonly adminKey?: string;
  /**
   * API keys and usage plans (quotas): with them, the `ciam` routes require an API key from the authorizer
   * (`apiKeyRequired`, `apiKeySourceType: AUTHORIZER`) and are metered on its tier's plan, and the gateway serves the
   * control-plane calls of the admin API's key sync under `/_emulator/apigateway`. @default - no quotas
   */
  readonly apiKeys?: LocalApiKeys;
  /** Clock (epoch ms) for the results cache, the usage plans' meters and `requestTimeEpoch`. @default Date.now */
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

/** Local mode only: the header that names the stable error code of an authorizer's refusal. Never sent in AWS. */
const DEBUG_HEADER = 'x-ciam-debug';
/** API Gateway's FlushStageAuthorizersCache, on the gateway itself: local mode listens on loopback only. */
const FLUSH_AUTHORIZER_CACHE_PATH = '/_emulator/authorizer-cache';
/** API Gateway's control plane (API keys, usage plans), as the emulator plays it. */
const CONTROL_PLANE_PATH = '/_emulator/apigateway';
/** API Gateway's default answers when a usage plan refuses a request: the stack leaves these gateway responses alone. */
const METERING_REPLIES: Readonly<Record<Exclude<Admission, 'admitted'>, readonly [number, string]>> = {
  INVALID_API_KEY: [403, 'Forbidden'],
  THROTTLED: [429, 'Too Many Requests'],
  QUOTA_EXCEEDED: [429, 'Limit Exceeded'],
};
/** The identity admin requests carry in local mode, where the admin key stands in for IAM. */
const LOCAL_ADMIN_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-admin`;
const TIMED_OUT = Symbol('timed out');

/** Starts the gateway on 127.0.0.1 and resolves once it listens. */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const server = await startLoopbackServer(options.port, options.log ?? (() => undefined));
  try {
    server.serve(gatewayRequests(options, options.functions(server.url)));
  } catch (err) {
    await server.close();
    throw err;
  }
  return { url: server.url, close: () => server.close() };
}

function gatewayRequests(options: LocalGatewayOptions, functions: GatewayFunctions): Respond {
  const now = options.now ?? Date.now;
  const decisions = new AuthorizerDecisions({
    authorizer: functions.authorizer,
    resultsCacheTtlSeconds: options.resultsCacheTtlSeconds,
    now,
    refusalCodeOf: functions.refusalCodeOf,
  });
  const metrics = new DecisionMetrics(now);

  const gatewayReply = (type: GatewayResponseType, note: string, code?: ErrorCode): Reply =>
    gatewayResponseReply(GATEWAY_RESPONSES[type], code ? `${note}: ${code}` : note, code ? { [DEBUG_HEADER]: code } : {});

  const adminKeyMatches = (presented: string | undefined): boolean => {
    if (!options.adminKey || presented === undefined) return false;
    const [expected, given] = [Buffer.from(options.adminKey), Buffer.from(presented)];
    return expected.length === given.length && timingSafeEqual(expected, given);
  };

  /** The proxy event's `requestContext.authorizer`, or the gateway response that ends the request; counted per brand. */
  async function authorize(request: ProxyRequest): Promise<{ refusal: Reply } | { context: Record<string, unknown> }> {
    const outcome = await decideAndApply(request);
    const refusal = 'refusal' in outcome ? (outcome.refusal.headers[DEBUG_HEADER] ?? outcome.refusal.note ?? 'refused') : undefined;
    metrics.record(headerValue(request.headers, 'x-brand-id'), refusal === undefined ? undefined : String(refusal));
    return outcome;
  }

  async function decideAndApply(request: ProxyRequest): Promise<{ refusal: Reply } | { context: Record<string, unknown> }> {
    const event: APIGatewayRequestAuthorizerEvent = { type: 'REQUEST', methodArn: methodArn(request), ...request, requestContext: { ...request.requestContext, authorizer: undefined } };
    const started = now();
    const decision = await decisions.decide(event);
    // A missing or empty identity source is refused before the authorizer is called.
    if (!decision) return { refusal: gatewayReply('UNAUTHORIZED', 'identity source missing') };
    if (decision.kind === 'failed') return { refusal: gatewayReply('AUTHORIZER_CONFIGURATION_ERROR', decision.note) };
    if (decision.kind === 'unauthorized') return { refusal: gatewayReply('UNAUTHORIZED', 'authorizer: Unauthorized', decision.refusalCode) };
    // A cached policy is applied to this request's ARN: it must not open a route the token's scopes do not.
    if (!policyAllows(decision.result.policy, event.methodArn)) {
      return { refusal: gatewayReply('ACCESS_DENIED', 'policy does not allow this method', decision.refusalCode) };
    }
    // Metered after the authorizer ran, as in AWS: a throttled request still cost an authorizer call (or a cached one).
    const admission = options.apiKeys?.admit(decision.result.usageIdentifierKey, now()) ?? 'admitted';
    if (admission !== 'admitted') {
      const [status, message] = METERING_REPLIES[admission];
      return { refusal: messageReply(status, message, `usage plan: ${admission}`) };
    }
    return { context: { ...decision.result.context, principalId: decision.result.principalId, integrationLatency: now() - started } };
  }

  async function integrate(handler: ProxyHandler, event: APIGatewayProxyEvent): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS, TIMED_OUT);
    });
    try {
      const result = await Promise.race([handler(event).then(overTheWire), timeout]);
      if (result === TIMED_OUT) return messageReply(504, 'Endpoint request timed out', 'integration timed out');
      return parseProxyResult(result) ?? messageReply(502, 'Internal server error', 'malformed integration result');
    } catch (error) {
      // The handler's own failure, as Lambda would log it; it carries no header the gateway received.
      return messageReply(502, 'Internal server error', `integration threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return async (req, url, requestId) => {
    const body = await readBody(req);
    if (body === undefined) return messageReply(413, 'Request Too Long', 'body over 10 MB');
    const method = req.method ?? '';
    if (method === 'DELETE' && url.pathname === FLUSH_AUTHORIZER_CACHE_PATH) {
      decisions.flush();
      return { statusCode: 202, headers: {}, body: '', note: 'authorizer cache flushed' };
    }
    if (options.apiKeys && url.pathname.startsWith(`${CONTROL_PLANE_PATH}/`)) {
      const reply = options.apiKeys.controlPlane(method, url.pathname.slice(CONTROL_PLANE_PATH.length), url.searchParams, body.toString('utf8'));
      return { ...reply, note: 'control plane' };
    }
    if (method === 'GET' && url.pathname === EMULATOR_METRICS_PATH) {
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(metrics.snapshot()) };
    }
    const match = matchRoute(options.routes, method, url.pathname);
    // API Gateway REST answers an unknown route (or method) this way, not with a 404.
    if (!match) return messageReply(403, 'Missing Authentication Token', 'no such route');

    let request = proxyRequest({ req, url, match, stage: options.stage, requestId, requestTimeEpoch: now() });
    let authorizerContext: Record<string, unknown> | undefined;
    if (match.route.auth === 'admin') {
      if (!adminKeyMatches(headerValue(request.headers, 'x-admin-key'))) return messageReply(403, 'Missing Authentication Token', 'admin route without the admin key');
      request = withIamCaller(request, LOCAL_ADMIN_ARN, 'local-admin');
    }
    if (match.route.auth === 'ciam') {
      const outcome = await authorize(request);
      if ('refusal' in outcome) return outcome.refusal;
      authorizerContext = outcome.context;
    }
    return integrate(functions.handlerFor(match.route.handler), {
      ...request,
      ...bodyFields(body),
      requestContext: { ...request.requestContext, authorizer: authorizerContext },
    });
  };
}
