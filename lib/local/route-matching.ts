import type { RouteDefinition } from '../../lambdas/core/routes';

export interface RouteMatch {
  readonly route: RouteDefinition;
  /** Decoded values of the route's `{param}` segments; null for a literal path, as API Gateway sends it. */
  readonly pathParameters: Record<string, string> | null;
}

/**
 * The route API Gateway (REST) picks for a request: a literal path wins over a `{param}` one, and a `{param}`
 * matches exactly one non-empty segment.
 */
export function matchRoute(routes: readonly RouteDefinition[], method: string, path: string): RouteMatch | undefined {
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

/** A segment that is not valid percent-encoding reaches the handler as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
