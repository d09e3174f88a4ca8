import { parseRouteScopes } from '../../lambdas/core/route-scopes';
import { ROUTES, routeScopesOf, type RouteDefinition } from '../../lambdas/core/routes';

describe('ROUTES', () => {
  it('keeps /health public and guards /v1/whoami with no extra scope', () => {
    expect(ROUTES).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
        { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] },
      ]),
    );
  });

  it('names each method and path once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses API Gateway resource paths: absolute, {param} segments only, no trailing slash', () => {
    for (const { path } of ROUTES) expect(path).toMatch(/^(\/([A-Za-z0-9._-]+|\{[A-Za-z][A-Za-z0-9]*\}))+$/);
  });

  it('gives public routes no scopes: nothing would enforce them', () => {
    for (const r of ROUTES.filter((x) => x.auth === 'none')) expect(r.scopes).toEqual([]);
  });
});

describe('routeScopesOf', () => {
  it('gives the authorizer the ciam routes only, by "METHOD /path", with their scopes', () => {
    const routes: RouteDefinition[] = [
      { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
      { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] },
      { method: 'PUT', path: '/v1/items/{id}', handler: 'me', auth: 'ciam', scopes: ['openid', 'items:write'] },
      { method: 'GET', path: '/v1/admin/brands', handler: 'admin-brands', auth: 'admin', scopes: [] },
    ];
    expect(routeScopesOf(routes)).toEqual({ 'GET /v1/whoami': [], 'PUT /v1/items/{id}': ['openid', 'items:write'] });
  });

  it("writes this project's table as valid route scopes; no customer route needs openid there, since that depends on the brand", () => {
    const routeScopes = parseRouteScopes(routeScopesOf(ROUTES));
    expect(routeScopes).toEqual({
      'GET /v1/whoami': [], 'GET /v1/me': [], 'POST /v1/customers/link': [], 'POST /v1/customers/register': [], 'PUT /v1/customers/identifiers': [],
      'POST /v1/logout': [],
    });
    expect(Object.keys(routeScopes).some((key) => key.includes('/admin') || key.includes('/health'))).toBe(false);
  });
});
