import { SCOPE_TOKEN_PATTERN } from './brand-config';
import { ConfigValidationError } from './errors';

/**
 * Which scopes each route of an API needs, on top of its brand's `requiredScopes`: the one input of the authorizer's
 * policy besides the token. Keys are `"METHOD /path"`: an API Gateway method (or `ANY`, every method) and resource
 * path, `{param}` segments and an optional last `{proxy+}`. Routes not named need only a valid token of the brand.
 *
 * In the policy a path parameter is `*`, and IAM's `*` matches any run of characters, `/` included. So a Deny for
 * `GET /orders/{id}` also covers `GET /orders/{id}/items` and `GET /orders/mine`: such a route needs the scopes of
 * both. `routeScopeOverlaps` names those cases, so the construct can warn at synth.
 */
export type RouteScopes = Readonly<Record<string, readonly string[]>>;

/** Route scopes by API id (the `{apiId}` of a method ARN): what one authorizer function serving many APIs reads. */
export type ApiRouteScopes = Readonly<Record<string, RouteScopes>>;

/** The methods a REST API method may have, `ANY` aside. */
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const ROUTE_METHODS: readonly string[] = [...HTTP_METHODS, 'ANY'];

/** An API Gateway REST API id, as it appears in a method ARN. */
export const API_ID = '[A-Za-z0-9]+';
const API_ID_PATTERN = new RegExp(`^${API_ID}$`);


/** A resource path part: literal (never an IAM wildcard `*` or `?`), `{param}`, or `{param+}` (greedy, last only). */
const LITERAL_PART = /^[A-Za-z0-9._:-]+$/;
const PARAMETER_PART = /^\{[A-Za-z0-9._-]+\}$/;
const GREEDY_PART = /^\{[A-Za-z0-9._-]+\+\}$/;

/** Every problem of `input` as route scopes, each naming its key; none means `parseRouteScopes` accepts it. */
export function routeScopesProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['route scopes must be an object of "METHOD /path": [scopes]'];
  const problems: string[] = [];
  const byPattern = new Map<string, string>();
  for (const [key, scopes] of Object.entries(input)) {
    const keyProblem = routeKeyProblem(key);
    if (keyProblem) problems.push(`${JSON.stringify(key)}: ${keyProblem}`);
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN_PATTERN.test(scope))) {
      problems.push(`${JSON.stringify(key)}: scopes must be a list of scope names (RFC 6749 characters, no spaces)`);
    }
    if (keyProblem) continue;
    // `{id}` and `{orderId}` at the same place are one policy resource, and one API Gateway resource.
    const pattern = routeResources(key).join(' ');
    const twin = byPattern.get(pattern);
    if (twin !== undefined) problems.push(`${JSON.stringify(key)}: names the same route as ${JSON.stringify(twin)}`);
    byPattern.set(pattern, key);
  }
  return problems;
}

/** Validates untrusted route scopes (a function's environment, a local routes file). Throws one ConfigValidationError naming every bad key. */
export function parseRouteScopes(input: unknown): RouteScopes {
  const problems = routeScopesProblems(input);
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return frozen(input as RouteScopes);
}

/** Validates `{ "<apiId>": RouteScopes }`, every problem prefixed with its API id. */
export function parseApiRouteScopes(input: unknown): ApiRouteScopes {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigValidationError('ENVIRONMENT_INVALID', ['route scopes by API must be an object of "<apiId>": { "METHOD /path": [scopes] }']);
  }
  const problems = Object.entries(input).flatMap(([apiId, routeScopes]) => [
    ...(API_ID_PATTERN.test(apiId) ? [] : [`${JSON.stringify(apiId)} is not an API id`]),
    ...routeScopesProblems(routeScopes).map((problem) => `${apiId}: ${problem}`),
  ]);
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return Object.freeze(Object.fromEntries(Object.entries(input as ApiRouteScopes).map(([apiId, routeScopes]) => [apiId, frozen(routeScopes)])));
}

function frozen(routeScopes: RouteScopes): RouteScopes {
  return Object.freeze(Object.fromEntries(Object.entries(routeScopes).map(([key, scopes]) => [key, Object.freeze([...scopes])])));
}

function routeKeyProblem(key: string): string | undefined {
  const [method, path, ...rest] = key.split(' ');
  if (method === undefined || path === undefined || rest.length > 0) return 'must be "METHOD /path", one space between';
  if (!ROUTE_METHODS.includes(method)) return `the method must be one of ${ROUTE_METHODS.join(', ')}`;
  if (path === '/') return undefined;
  if (!path.startsWith('/')) return 'the path must start with /';
  const parts = path.slice(1).split('/');
  const bad = parts.findIndex((part, i) => !(LITERAL_PART.test(part) || PARAMETER_PART.test(part) || (GREEDY_PART.test(part) && i === parts.length - 1)));
  if (bad >= 0) return `the path part ${JSON.stringify(parts[bad])} must be letters, digits, . _ : -, a {param}, or a last {param+}`;
  return undefined;
}

/**
 * The policy resources of a valid route key, after `{apiId}/{stage}/`: `GET /orders/{id}` → `GET/orders/*`. `ANY` is
 * spelled out method by method: a `*` there would also match across `/`, so `ANY /orders` would deny `GET /x/orders`.
 */
export function routeResources(key: string): readonly string[] {
  const { methods, path } = splitRouteKey(key);
  const resourcePath = path.replace(/\{[^}]+\}/g, '*');
  return methods.map((method) => `${method}${resourcePath}`);
}

function splitRouteKey(key: string): { readonly methods: readonly string[]; readonly path: string } {
  const space = key.indexOf(' ');
  const method = key.slice(0, space);
  return { methods: method === 'ANY' ? HTTP_METHODS : [method], path: key.slice(space + 1) };
}

/** A named route that the Deny of another named route also covers, so it needs the other's scopes too. */
export interface RouteScopeOverlap {
  readonly route: string;
  /** The route whose Deny pattern covers `route`. */
  readonly coveredBy: string;
  /** Scopes `coveredBy` needs that `route` does not name. */
  readonly alsoNeeds: readonly string[];
}

/** Every overlap among valid route scopes whose scopes differ: what the construct warns about at synth. */
export function routeScopeOverlaps(routeScopes: RouteScopes): RouteScopeOverlap[] {
  const keys = Object.keys(routeScopes);
  // API Gateway sends a method it has explicitly to that method, never to the path's ANY.
  const explicit = new Set(keys.filter((key) => !key.startsWith('ANY ')).flatMap(routeResources));
  const routes = keys.map((key) => {
    const { methods, path } = splitRouteKey(key);
    const resources = routeResources(key);
    // A `{param}` stays as it is in the samples: a `*` of another route matches it, a literal part never does.
    const samples = methods.map((method) => `${method}${path}`).filter((_, i) => !(key.startsWith('ANY ') && explicit.has(resources[i] as string)));
    return { key, scopes: routeScopes[key] as readonly string[], samples, patterns: resources.map(wildcardPattern) };
  });
  const overlaps: RouteScopeOverlap[] = [];
  for (const covering of routes) {
    for (const route of routes) {
      if (route === covering || !route.samples.some((sample) => covering.patterns.some((pattern) => pattern.test(sample)))) continue;
      const alsoNeeds = covering.scopes.filter((scope) => !route.scopes.includes(scope));
      if (alsoNeeds.length > 0) overlaps.push({ route: route.key, coveredBy: covering.key, alsoNeeds });
    }
  }
  return overlaps;
}

/** IAM's resource wildcard: `*` is any run of characters, `/` included; route resources hold no other special character. */
function wildcardPattern(resource: string): RegExp {
  return new RegExp(`^${resource.split('*').map((literal) => literal.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
