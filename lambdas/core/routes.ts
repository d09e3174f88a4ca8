/**
 * The one route table. The CDK stack builds its API from it, the local gateway serves it, and the authorizer
 * derives its policy from it: a route's scopes are enforced by the policy the authorizer returns, so that a
 * decision API Gateway caches for one token never opens a route that needs more scope.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `lambdas/handlers/<handler>.ts` exports `handler`. */
export type RouteHandlerName = 'health' | 'whoami';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway resource path, `{param}` for path parameters. */
  readonly path: string;
  readonly handler: RouteHandlerName;
  /** `none`: public. `ciam`: the CIAM authorizer guards it. */
  readonly auth: 'none' | 'ciam';
  /** Scopes the token must carry, on top of the brand's `requiredScopes`. */
  readonly scopes: readonly string[];
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] },
];
