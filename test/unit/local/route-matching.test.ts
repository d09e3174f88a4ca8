import { matchRoute, type GatewayRoute } from '../../../lib/local/route-matching';

const route = (method: string, path: string): GatewayRoute => ({ method, path, auth: 'ciam', handler: 'echo' });
const matched = (routes: GatewayRoute[], method: string, path: string) => {
  const match = matchRoute(routes, method, path);
  return match && { route: `${match.route.method} ${match.route.path}`, pathParameters: match.pathParameters };
};

describe('matchRoute', () => {
  it('prefers a literal path to a {param} one, and sends a literal match without path parameters', () => {
    const routes = [route('GET', '/orders/{id}'), route('GET', '/orders/mine')];
    expect(matched(routes, 'GET', '/orders/mine')).toEqual({ route: 'GET /orders/mine', pathParameters: null });
    expect(matched(routes, 'GET', '/orders/42')).toEqual({ route: 'GET /orders/{id}', pathParameters: { id: '42' } });
  });

  it('matches a {param} to exactly one non-empty segment, decoded', () => {
    const routes = [route('GET', '/orders/{order-id}')];
    expect(matched(routes, 'GET', '/orders/a%20b')).toEqual({ route: 'GET /orders/{order-id}', pathParameters: { 'order-id': 'a b' } });
    expect(matched(routes, 'GET', '/orders/')).toBeUndefined();
    expect(matched(routes, 'GET', '/orders/1/items')).toBeUndefined();
  });

  it('serves every method on an ANY route, but a route of the method itself wins on the same path', () => {
    const routes = [route('ANY', '/orders'), route('DELETE', '/orders')];
    expect(matched(routes, 'PATCH', '/orders')?.route).toBe('ANY /orders');
    expect(matched(routes, 'DELETE', '/orders')?.route).toBe('DELETE /orders');
    expect(matched([route('GET', '/orders')], 'POST', '/orders')).toBeUndefined();
  });

  it('matches a greedy {param+} to one or more segments, after every other kind of route', () => {
    const routes = [route('ANY', '/{proxy+}'), route('GET', '/orders/{id}')];
    expect(matched(routes, 'GET', '/orders/42')?.route).toBe('GET /orders/{id}');
    expect(matched(routes, 'GET', '/orders/42/items')).toEqual({ route: 'ANY /{proxy+}', pathParameters: { proxy: 'orders/42/items' } });
    expect(matched(routes, 'POST', '/a%2Fb/c')).toEqual({ route: 'ANY /{proxy+}', pathParameters: { proxy: 'a/b/c' } });
    // As API Gateway: the root is not under /{proxy+}, and neither is an empty segment.
    expect(matched(routes, 'GET', '/')).toBeUndefined();
    expect(matched(routes, 'GET', '/orders//x')).toBeUndefined();
  });

  it('matches a greedy parameter under a literal prefix only', () => {
    const routes = [route('GET', '/files/{path+}')];
    expect(matched(routes, 'GET', '/files/a/b')).toEqual({ route: 'GET /files/{path+}', pathParameters: { path: 'a/b' } });
    expect(matched(routes, 'GET', '/files')).toBeUndefined();
    expect(matched(routes, 'GET', '/other/a')).toBeUndefined();
  });
});
