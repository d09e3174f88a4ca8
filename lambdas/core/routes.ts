import type { RouteScopes } from './route-scopes';

/**
 * This project's route table. The CDK stack builds its API from it and the local gateway serves it. The authorizer
 * knows none of it: the stack hands it the `ciam` routes' scopes (`routeScopesOf`), as any consumer hands its own.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `lambdas/handlers/<handler>.ts` exports `handler`. */
export type RouteHandlerName =
  | 'health'
  | 'whoami'
  | 'me'
  | 'link-customer'
  | 'register-customer'
  | 'change-identifier'
  | 'logout'
  | 'backchannel-logout'
  | 'admin-brands';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway resource path, `{param}` for path parameters. */
  readonly path: string;
  readonly handler: RouteHandlerName;
  /** `none`: public. `ciam`: the CIAM authorizer guards it. `admin`: IAM (SigV4) in AWS, the admin key in local mode. */
  readonly auth: 'none' | 'ciam' | 'admin';
  /** Scopes the token must carry, on top of the brand's `requiredScopes`. */
  readonly scopes: readonly string[];
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] },
  // What the customer routes need depends on the brand's profile source, and route scopes cannot vary by brand: the
  // handlers refuse a token without `openid` themselves when the brand reads profiles from userinfo.
  { method: 'GET', path: '/v1/me', handler: 'me', auth: 'ciam', scopes: [] },
  { method: 'POST', path: '/v1/customers/link', handler: 'link-customer', auth: 'ciam', scopes: [] },
  { method: 'POST', path: '/v1/customers/register', handler: 'register-customer', auth: 'ciam', scopes: [] },
  { method: 'PUT', path: '/v1/customers/identifiers', handler: 'change-identifier', auth: 'ciam', scopes: [] },
  { method: 'POST', path: '/v1/logout', handler: 'logout', auth: 'ciam', scopes: [] },
  // OpenID Connect Back-Channel Logout 1.0: the brand's CIAM calls it, authenticated by the logout token it posts.
  { method: 'POST', path: '/v1/brands/{brandId}/backchannel-logout', handler: 'backchannel-logout', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/admin/brands', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'GET', path: '/v1/admin/brands/{brandId}', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'PUT', path: '/v1/admin/brands/{brandId}', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'DELETE', path: '/v1/admin/brands/{brandId}', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'POST', path: '/v1/admin/brands/{brandId}/check', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'POST', path: '/v1/admin/brands/{brandId}/enable', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'GET', path: '/v1/admin/brands/{brandId}/audit', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'POST', path: '/v1/admin/brands/{brandId}/revocations', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'GET', path: '/v1/admin/brands/{brandId}/revocations', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'POST', path: '/v1/admin/checks', handler: 'admin-brands', auth: 'admin', scopes: [] },
  { method: 'POST', path: '/v1/admin/api-keys/sync', handler: 'admin-brands', auth: 'admin', scopes: [] },
];

/** The route scopes the authorizer enforces for `routes`: every `ciam` route, by `"METHOD /path"`. */
export function routeScopesOf(routes: readonly RouteDefinition[]): RouteScopes {
  return Object.fromEntries(routes.filter((route) => route.auth === 'ciam').map((route) => [`${route.method} ${route.path}`, route.scopes]));
}
