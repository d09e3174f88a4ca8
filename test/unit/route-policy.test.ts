import { InternalError } from '../../lambdas/core/errors';
import { routePolicy, type PolicyDocument } from '../../lambdas/core/route-policy';
import { policyAllows } from '../../lib/local/evaluate-policy';

const API = 'abcdef1234';
const PREFIX = `arn:aws:execute-api:eu-west-1:123456789012:${API}/prod`;
const arn = (method: string, path: string, prefix = PREFIX) => `${prefix}/${method}${path}`;

/** Another team's API: routes of its own, none of this project's. */
const ORDERS = {
  'GET /orders': [],
  'GET /orders/{id}': ['orders:read'],
  'PUT /orders/{id}': ['orders:write'],
  'DELETE /orders/{id}': ['orders:write', 'orders:admin'],
  'ANY /admin': ['admin'],
  'GET /stores/{storeId}/members/{memberId}': ['orders:read'],
  'GET /': ['root'],
};
const policyFor = routePolicy({ [API]: ORDERS });
const scopes = (...names: string[]) => new Set(names);
const denies = (policy: PolicyDocument) => policy.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Resource);

describe('routePolicy', () => {
  it('allows the whole stage and denies by name each route whose scopes the token lacks', () => {
    expect(policyFor(arn('GET', '/orders'), scopes('orders:read'), false)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}/*/*`] },
        {
          Action: 'execute-api:Invoke',
          Effect: 'Deny',
          Resource: [
            `${PREFIX}/PUT/orders/*`,
            `${PREFIX}/DELETE/orders/*`,
            ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((method) => `${PREFIX}/${method}/admin`),
            `${PREFIX}/GET/`,
          ],
        },
      ],
    });
  });

  it('answers the same policy whichever route of the API was asked, so a cached decision opens nothing more', () => {
    const asked = [arn('GET', '/orders'), arn('PUT', '/orders/1'), arn('POST', '/never/named'), arn('GET', '/')];
    const policies = asked.map((methodArn) => policyFor(methodArn, scopes('orders:read'), false));
    for (const policy of policies) expect(policy).toEqual(policies[0]);
  });

  it('needs every scope a route names', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes('orders:write'), false);
    expect(policyAllows(policy, arn('PUT', '/orders/7'))).toBe(true);
    expect(policyAllows(policy, arn('DELETE', '/orders/7'))).toBe(false);
    const admin = policyFor(arn('GET', '/orders'), scopes('orders:write', 'orders:admin'), false);
    expect(policyAllows(admin, arn('DELETE', '/orders/7'))).toBe(true);
  });

  it('opens the routes it never named, and the named ones whose scopes the token has', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes('orders:read'), false);
    for (const [method, path] of [['GET', '/orders'], ['GET', '/orders/7'], ['POST', '/carts'], ['GET', '/stores/s1/members/m1'], ['GET', '/health']]) {
      expect(policyAllows(policy, arn(method as string, path as string))).toBe(true);
    }
  });

  it('turns every {param} into *, which also matches across /: GET /orders/{id} covers GET /orders/{id}/items', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes(), false);
    expect(denies(policy)).toContain(`${PREFIX}/GET/stores/*/members/*`);
    expect(policyAllows(policy, arn('GET', '/stores/s1/members/m1'))).toBe(false);
    expect(policyAllows(policy, arn('GET', '/orders/7'))).toBe(false);
    expect(policyAllows(policy, arn('GET', '/orders/7/items'))).toBe(false);
    expect(policyAllows(policy, arn('GET', '/orders'))).toBe(true);
  });

  it('denies ANY method by method: every method of the path, and no other path ending the same way', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes(), false);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) expect(policyAllows(policy, arn(method, '/admin'))).toBe(false);
    expect(policyAllows(policy, arn('GET', '/team/admin'))).toBe(true);
    expect(policyAllows(policyFor(arn('GET', '/orders'), scopes('admin', 'root'), false), arn('POST', '/admin'))).toBe(true);
  });

  it('denies the root route without denying the rest', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes('orders:read', 'orders:write', 'orders:admin', 'admin'), false);
    expect(denies(policy)).toEqual([`${PREFIX}/GET/`]);
    expect(policyAllows(policy, arn('GET', '/'))).toBe(false);
    expect(policyAllows(policy, arn('GET', '/orders/1'))).toBe(true);
  });

  it('gives a token with every scope a single Allow and no Deny at all', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes('orders:read', 'orders:write', 'orders:admin', 'admin', 'root'), false);
    expect(policy.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}/*/*`] }]);
  });

  it('denies the whole stage when the token lacks a brand-required scope, whatever its route scopes', () => {
    const policy = policyFor(arn('GET', '/orders'), scopes('orders:read', 'orders:write', 'orders:admin', 'admin', 'root'), true);
    expect(policy.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}/*/*`] }]);
    expect(policyAllows(policy, arn('GET', '/orders'))).toBe(false);
  });

  it('reads the route scopes of the API in the method ARN; an API not named needs only a valid token', () => {
    const other = 'zz99other1';
    const twoApis = routePolicy({ [API]: ORDERS, [other]: { 'POST /points': ['points:write'] } });
    const otherPrefix = `arn:aws:execute-api:eu-west-1:123456789012:${other}/v2`;
    const forOther = twoApis(arn('GET', '/x', otherPrefix), scopes(), false);
    expect(denies(forOther)).toEqual([`${otherPrefix}/POST/points`]);
    expect(policyAllows(forOther, arn('GET', '/orders/1', otherPrefix))).toBe(true);

    const unknownPrefix = 'arn:aws:execute-api:eu-west-1:123456789012:unknown123/prod';
    expect(twoApis(arn('GET', '/orders/1', unknownPrefix), scopes(), false).Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${unknownPrefix}/*/*`] },
    ]);
  });

  it('takes the partition, region, account, API and stage from the method ARN', () => {
    const cn = 'arn:aws-cn:execute-api:cn-north-1:123456789012:zz99/v2-beta/POST/anything/else';
    expect(routePolicy({ zz99: { 'GET /open': ['x'] } })(cn, scopes(), false).Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws-cn:execute-api:cn-north-1:123456789012:zz99/v2-beta/*/*'] },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: ['arn:aws-cn:execute-api:cn-north-1:123456789012:zz99/v2-beta/GET/open'] },
    ]);
  });

  it.each([
    'not-an-arn',
    '',
    'arn:aws:lambda:eu-west-1:123456789012:function/x',
    'arn:aws:execute-api:eu-west-1:12345:abcdef1234/prod/GET/v1/open',
    'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod',
    'arn:aws:execute-api:eu-west-1:123456789012:abc-def/prod/GET/',
  ])('refuses the malformed methodArn %p with InternalError', (methodArn) => {
    expect(() => policyFor(methodArn, scopes(), false)).toThrow(InternalError);
    expect(() => policyFor(methodArn, scopes(), false)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
