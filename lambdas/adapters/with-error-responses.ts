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
