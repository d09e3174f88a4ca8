import type { RouteDefinition, RouteHandlerName } from '../../lambdas/core/routes';

/** The integrations the emulator can put behind a route: this project's handlers, and the echo of a consumer's routes. */
export type GatewayHandlerName = RouteHandlerName | 'echo';

/** A route the emulator serves: one of this project's (a RouteDefinition is one) or one of a consumer's. */
export interface GatewayRoute {
  /** An HTTP method, or `ANY` for every method. */
  readonly method: string;
  /** API Gateway resource path: `{param}` segments, and a last `{param+}` for one or more segments. */
  readonly path: string;
  readonly auth: RouteDefinition['auth'];
  readonly handler: GatewayHandlerName;
}

export interface RouteMatch {
  readonly route: GatewayRoute;
  /** Decoded values of the route's `{param}` segments; null for a literal path, as API Gateway sends it. */
  readonly pathParameters: Record<string, string> | null;
}

/**
 * The route API Gateway (REST) picks for a request: a literal path wins over a `{param}` one, which wins over a
 * greedy `{param+}` one; on the same footing a route of the request's own method wins over an `ANY` route, then the
 * earlier route. A `{param}` matches exactly one non-empty segment, a `{param+}` one or more.
 */
export function matchRoute(routes: readonly GatewayRoute[], method: string, path: string): RouteMatch | undefined {
  const candidates = [...routes.filter((route) => route.method === method), ...routes.filter((route) => route.method === 'ANY')];
  const literal = candidates.find((route) => route.path === path);
  if (literal) return { route: literal, pathParameters: null };
  const segments = path.split('/');
  const templated = [...candidates.filter((route) => !isGreedy(route)), ...candidates.filter(isGreedy)];
  for (const route of templated) {
    const pathParameters = templateMatch(route.path.split('/'), segments);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

const PARAMETER = /^\{([^{}+]+)\}$/;
const GREEDY_PARAMETER = /^\{([^{}+]+)\+\}$/;
const isGreedy = (route: GatewayRoute): boolean => GREEDY_PARAMETER.test(route.path.split('/').at(-1) ?? '');

/** The path parameters when `segments` fit `template`, else undefined. */
function templateMatch(template: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  const pathParameters: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const greedy = GREEDY_PARAMETER.exec(part)?.[1];
    if (greedy !== undefined) {
      const rest = segments.slice(i);
      if (i !== template.length - 1 || rest.length === 0 || rest.some((segment) => segment === '')) return undefined;
      pathParameters[greedy] = rest.map(decodeSegment).join('/');
      return pathParameters;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const name = PARAMETER.exec(part)?.[1];
    if (name === undefined ? part !== segment : segment === '') return undefined;
    if (name !== undefined) pathParameters[name] = decodeSegment(segment);
  }
  return template.length === segments.length ? pathParameters : undefined;
}

/** A segment that is not valid percent-encoding reaches the handler as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
