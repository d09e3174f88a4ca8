import type { ConfigValidationError } from '../core/errors';
import type { EnvironmentSource, FunctionEnvironment, FunctionKind } from './function-environment';
import { handlerFromEnvironment } from './handler-from-environment';
import { errorResponse } from './http-errors';
import { translateError } from './library-errors';
import { observability as defaultObservability, type Observability } from './observability';
import type { ProxyHandler } from './proxy-response';

/**
 * Runs a proxy handler so that nothing escapes it: every error becomes its stable-code response (never a 500 for a
 * known failure), with one log line and metric per refusal.
 */
export function withErrorResponses(handler: ProxyHandler, observability: Observability = defaultObservability): ProxyHandler {
  return async (event) => {
    try {
      return await handler(event);
    } catch (err) {
      const error = translateError(err);
      observability.recordRefusal(error, { requestId: event.requestContext.requestId, route: event.resource });
      return errorResponse(error);
    }
  };
}

/**
 * A proxy route's deployed `handler` (`handlerFromEnvironment`). With a broken environment it answers every request
 * with the stable-code response (503 ENVIRONMENT_INVALID, one log line each) instead of failing the invocation,
 * which API Gateway would turn into a bare 502.
 */
export function proxyHandlerFromEnvironment<K extends FunctionKind>(
  kind: K,
  build: (env: FunctionEnvironment<K>) => ProxyHandler,
  source?: EnvironmentSource,
): ProxyHandler {
  return handlerFromEnvironment(kind, build, { source, whenInvalid: (error: ConfigValidationError) => withErrorResponses(() => Promise.reject(error)) });
}
