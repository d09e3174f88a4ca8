import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment } from '../adapters/with-error-responses';

/** Public liveness check: it answers whenever the function runs, so it needs nothing. */
export function createHealthHandler(): ProxyHandler {
  return async () => json(200, { status: 'ok' });
}

export const handler = proxyHandlerFromEnvironment('basic', () => createHealthHandler());
