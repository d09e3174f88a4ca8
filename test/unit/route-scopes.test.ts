import { ConfigValidationError } from '../../lambdas/core/errors';
import {
  parseApiRouteScopes, parseRouteScopes, routeResources, routeScopeOverlaps, routeScopesProblems,
} from '../../lambdas/core/route-scopes';

function problemsOf(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toMatchObject({ code: 'ENVIRONMENT_INVALID' });
    return (err as ConfigValidationError).problems;
  }
  throw new Error('accepted');
}

describe('parseRouteScopes', () => {
  it.each([
    'GET /',
    'GET /orders',
    'POST /orders/{id}',
    'PUT /v1/orders/{orderId}/items/{item_id}',
    'PATCH /a.b/c_d/e-f/g:h',
    'DELETE /files/{proxy+}',
    'HEAD /x',
    'OPTIONS /x',
    'ANY /x/{y}',
  ])('accepts the route key %p', (key) => {
    expect(parseRouteScopes({ [key]: ['a:b'] })).toEqual({ [key]: ['a:b'] });
  });

  it('accepts no routes at all, and a route that needs no scope beyond the brand\'s', () => {
    expect(parseRouteScopes({})).toEqual({});
    expect(parseRouteScopes({ 'GET /orders': [] })).toEqual({ 'GET /orders': [] });
  });

  it.each([
    ['get /orders', '"get /orders": the method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY'],
    ['FETCH /orders', '"FETCH /orders": the method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY'],
    ['GET', '"GET": must be "METHOD /path", one space between'],
    ['GET  /orders', '"GET  /orders": must be "METHOD /path", one space between'],
    ['GET /orders extra', '"GET /orders extra": must be "METHOD /path", one space between'],
    ['GET orders', '"GET orders": the path must start with /'],
    ['GET /orders/', '"GET /orders/": the path part "" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET //orders', '"GET //orders": the path part "" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders/*', '"GET /orders/*": the path part "*" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders/?', '"GET /orders/?": the path part "?" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders/{}', '"GET /orders/{}": the path part "{}" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders/{id', '"GET /orders/{id": the path part "{id" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders/x{id}', '"GET /orders/x{id}": the path part "x{id}" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /{proxy+}/items', '"GET /{proxy+}/items": the path part "{proxy+}" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
    ['GET /orders?x=1', '"GET /orders?x=1": the path part "orders?x=1" must be letters, digits, . _ : -, a {param}, or a last {param+}'],
  ])('refuses the route key %p, naming it', (key, problem) => {
    expect(problemsOf(() => parseRouteScopes({ [key]: [] }))).toEqual([problem]);
  });

  it.each([['a string', 'orders:read'], ['a space inside', ['orders:read orders:write']], ['an empty name', ['']], ['a number', [1]], ['a quote', ['a"b']], ['null', null]])(
    'refuses scopes given as %s',
    (_name, scopes) => {
      expect(problemsOf(() => parseRouteScopes({ 'GET /orders': scopes }))).toEqual([
        '"GET /orders": scopes must be a list of scope names (RFC 6749 characters, no spaces)',
      ]);
    },
  );

  it('refuses two keys for one route: parameter names do not make routes differ', () => {
    expect(problemsOf(() => parseRouteScopes({ 'GET /orders/{id}': ['a'], 'GET /orders/{orderId}': ['b'] }))).toEqual([
      '"GET /orders/{orderId}": names the same route as "GET /orders/{id}"',
    ]);
  });

  it('names every problem at once', () => {
    expect(problemsOf(() => parseRouteScopes({ 'GET /ok': ['a'], 'GOT /x': ['a'], 'GET x': 'b', 'PUT /y': ['c d'] }))).toEqual([
      '"GOT /x": the method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY',
      '"GET x": the path must start with /',
      '"GET x": scopes must be a list of scope names (RFC 6749 characters, no spaces)',
      '"PUT /y": scopes must be a list of scope names (RFC 6749 characters, no spaces)',
    ]);
  });

  it.each([[null], [[]], ['GET /x'], [42]])('refuses %p: not an object', (input) => {
    expect(problemsOf(() => parseRouteScopes(input))).toEqual(['route scopes must be an object of "METHOD /path": [scopes]']);
  });

  it('refuses a "__proto__" key as any other bad key, and never touches a prototype', () => {
    const input: unknown = JSON.parse('{"__proto__": ["x"], "GET /a": ["b"]}');
    expect(problemsOf(() => parseRouteScopes(input))).toEqual(['"__proto__": must be "METHOD /path", one space between']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('answers a frozen copy', () => {
    const input = { 'GET /orders': ['a'] };
    const parsed = parseRouteScopes(input);
    input['GET /orders'].push('b');
    expect(parsed).toEqual({ 'GET /orders': ['a'] });
    expect(Object.isFrozen(parsed) && Object.isFrozen(parsed['GET /orders'])).toBe(true);
  });

  it('lists the problems without throwing, for the construct', () => {
    expect(routeScopesProblems({ 'GET /ok': [] })).toEqual([]);
    expect(routeScopesProblems({ 'GET ok': [] })).toEqual(['"GET ok": the path must start with /']);
  });
});

describe('parseApiRouteScopes', () => {
  it('reads route scopes by API id', () => {
    expect(parseApiRouteScopes({ abc123XYZ0: { 'GET /orders': ['a'] }, local: {} })).toEqual({ abc123XYZ0: { 'GET /orders': ['a'] }, local: {} });
  });

  it('names each problem with its API id, and refuses what is not an API id', () => {
    expect(problemsOf(() => parseApiRouteScopes({ 'abc/def': {}, api1: { 'GET x': [] }, api2: [] }))).toEqual([
      '"abc/def" is not an API id',
      'api1: "GET x": the path must start with /',
      'api2: route scopes must be an object of "METHOD /path": [scopes]',
    ]);
  });

  it.each([[null], [[]], ['x']])('refuses %p: not an object', (input) => {
    expect(problemsOf(() => parseApiRouteScopes(input))).toEqual(['route scopes by API must be an object of "<apiId>": { "METHOD /path": [scopes] }']);
  });
});

describe('routeResources', () => {
  it.each([
    ['GET /', ['GET/']],
    ['GET /orders', ['GET/orders']],
    ['PUT /orders/{id}/items/{itemId}', ['PUT/orders/*/items/*']],
    ['DELETE /files/{proxy+}', ['DELETE/files/*']],
    ['ANY /admin', ['GET/admin', 'POST/admin', 'PUT/admin', 'PATCH/admin', 'DELETE/admin', 'HEAD/admin', 'OPTIONS/admin']],
  ])('writes %p as %p', (key, resources) => {
    expect(routeResources(key)).toEqual(resources);
  });
});

describe('routeScopeOverlaps', () => {
  it('names a route under a {param} route that needs scopes it does not', () => {
    expect(routeScopeOverlaps({ 'GET /orders/{id}': ['orders:read'], 'GET /orders/{id}/items': ['items:read'], 'GET /orders/mine': [] })).toEqual([
      { route: 'GET /orders/{id}/items', coveredBy: 'GET /orders/{id}', alsoNeeds: ['orders:read'] },
      { route: 'GET /orders/mine', coveredBy: 'GET /orders/{id}', alsoNeeds: ['orders:read'] },
    ]);
  });

  it('says nothing when the covered route already names those scopes, or the methods differ', () => {
    expect(routeScopeOverlaps({ 'GET /orders/{id}': ['orders:read'], 'GET /orders/{id}/items': ['orders:read', 'items:read'] })).toEqual([]);
    expect(routeScopeOverlaps({ 'PUT /orders/{id}': ['orders:write'], 'GET /orders/{id}/items': [] })).toEqual([]);
  });

  it('never lets a literal part cover a {param} route', () => {
    expect(routeScopeOverlaps({ 'GET /orders/mine': ['mine'], 'GET /orders/{id}': [] })).toEqual([]);
  });

  it('sees ANY covering each method of its path, and a {proxy+} covering everything under it', () => {
    expect(routeScopeOverlaps({ 'ANY /admin': ['admin'], 'POST /admin': ['write'] })).toEqual([
      { route: 'POST /admin', coveredBy: 'ANY /admin', alsoNeeds: ['admin'] },
    ]);
    expect(routeScopeOverlaps({ 'ANY /files/{proxy+}': ['files'], 'GET /files/a/b': [] })).toEqual([
      { route: 'GET /files/a/b', coveredBy: 'ANY /files/{proxy+}', alsoNeeds: ['files'] },
    ]);
  });
});
