import { readFile } from 'node:fs/promises';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { parseRouteScopes, routeResources, type RouteScopes } from '../../lambdas/core/route-scopes';
import type { RouteDefinition } from '../../lambdas/core/routes';
import type { GatewayRoute } from './route-matching';

/**
 * A consumer's API in local mode: the route scopes of LOCAL_ROUTES_FILE (`{ "METHOD /path": [scopes] }`, what the
 * consumer hands `authorizerFor` as `routeScopes`), served beside this project's routes behind the CIAM authorizer
 * and answered by the echo integration.
 */

/**
 * Reads and validates the file as the authorizer validates ROUTE_SCOPES, naming every problem at once. A route that
 * is also one of `ownRoutes` (same method and resource, whatever its parameter names) is refused: the two would
 * share one policy resource.
 */
export async function readRoutesFile(path: string, ownRoutes: readonly RouteDefinition[]): Promise<RouteScopes> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigValidationError('ENVIRONMENT_INVALID', [`${path}: ${(err as Error).message}`]);
  }
  let routeScopes: RouteScopes;
  try {
    routeScopes = parseRouteScopes(input);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    throw new ConfigValidationError('ENVIRONMENT_INVALID', err.problems.map((problem) => `${path}: ${problem}`));
  }
  const taken = new Map(ownRoutes.flatMap((route) => routeResources(`${route.method} ${route.path}`).map((resource) => [resource, route] as const)));
  const problems = Object.keys(routeScopes).flatMap((key) => {
    const own = routeResources(key).map((resource) => taken.get(resource)).find((route) => route !== undefined);
    return own ? [`${path}: ${JSON.stringify(key)} is local mode's own route ${own.method} ${own.path}`] : [];
  });
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return routeScopes;
}

/**
 * A catch-all behind the named routes, so that a route the file never names is served too: like any route of the
 * consumer's API that needs no more than a valid token of the brand.
 */
const UNNAMED_ROUTES: GatewayRoute = { method: 'ANY', path: '/{proxy+}', auth: 'ciam', handler: 'echo' };

/** The emulator's routes for a consumer's route scopes: each named route, then the catch-all. */
export function consumerRoutes(routeScopes: RouteScopes): GatewayRoute[] {
  const named = Object.keys(routeScopes).map((key): GatewayRoute => {
    const [method = '', path = ''] = key.split(' ');
    return { method, path, auth: 'ciam', handler: 'echo' };
  });
  return [...named, UNNAMED_ROUTES];
}
