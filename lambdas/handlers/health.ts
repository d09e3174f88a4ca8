import { handlerFromEnvironment } from '../adapters/handler-from-environment';
import { json, type ProxyHandler } from '../adapters/proxy-response';

/** Public liveness check: it answers whenever the function runs, so it needs nothing. */
export function createHealthHandler(): ProxyHandler {
  return async () => json(200, { status: 'ok' });
}

export const handler = handlerFromEnvironment('basic', () => createHealthHandler());
