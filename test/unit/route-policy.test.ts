import { InternalError } from '../../lambdas/core/errors';
import { policyFor, type PolicyDocument } from '../../lambdas/core/route-policy';
import type { RouteDefinition } from '../../lambdas/core/routes';
import { policyAllows } from '../../lib/local/evaluate-policy';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod';
const arn = (method: string, path: string) => `${PREFIX}/${method}${path}`;

const route = (method: RouteDefinition['method'], path: string, scopes: string[] = [], auth: RouteDefinition['auth'] = 'ciam'): RouteDefinition => ({
  method, path, handler: 'whoami', auth, scopes,
});
const ROUTES = [
  route('GET', '/health', [], 'none'),
  route('GET', '/v1/open'),
  route('GET', '/v1/items/{id}', ['items:read']),
  route('PUT', '/v1/items/{id}', ['items:write']),
  route('GET', '/v1/brands/{brandId}/members/{memberId}', ['members:read']),
];
const withScopes = (...scopes: string[]) => (r: RouteDefinition) => r.scopes.every((s) => scopes.includes(s));
const denies = (policy: PolicyDocument) => policy.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Resource);

describe('policyFor', () => {
  it('allows the guarded routes the scopes permit and denies the others, by name', () => {
    expect(policyFor(arn('GET', '/v1/open'), ROUTES, withScopes('items:read'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}/GET/v1/open`, `${PREFIX}/GET/v1/items/*`] },
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}/PUT/v1/items/*`, `${PREFIX}/GET/v1/brands/*/members/*`] },
      ],
    });
  });

  it('turns every path parameter into *', () => {
    const policy = policyFor(arn('GET', '/v1/open'), ROUTES, () => false);
    expect(denies(policy)).toContain(`${PREFIX}/GET/v1/brands/*/members/*`);
    expect(policyAllows(policy, arn('GET', '/v1/brands/brand-a/members/42'))).toBe(false);
  });

  it('leaves public routes out: the authorizer never decides them', () => {
    const resources = policyFor(arn('GET', '/v1/open'), ROUTES, () => true).Statement.flatMap((s) => s.Resource);
    expect(resources.some((r) => r.includes('/health'))).toBe(false);
  });

  it('gives a token allowed every route a policy with no Deny at all (never a Deny /* next to the Allows)', () => {
    const policy = policyFor(arn('GET', '/v1/open'), ROUTES, () => true);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]?.Effect).toBe('Allow');
    for (const r of ROUTES.filter((x) => x.auth === 'ciam')) {
      const concrete = r.path.replace(/\{[^}]+\}/g, 'x1');
      expect(policyAllows(policy, arn(r.method, concrete))).toBe(true);
    }
  });

  it('denies every guarded route by name when none is allowed', () => {
    const policy = policyFor(arn('GET', '/v1/open'), ROUTES, () => false);
    expect(policy.Statement).toEqual([expect.objectContaining({ Effect: 'Deny' })]);
    expect(denies(policy)).toHaveLength(4);
    expect(policyAllows(policy, arn('GET', '/v1/open'))).toBe(false);
  });

  it('still returns a statement (Deny all) when no route is guarded', () => {
    expect(policyFor(arn('GET', '/health'), [route('GET', '/health', [], 'none')], () => true).Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}/*`] },
    ]);
  });

  it('takes the API and stage from the method ARN, whatever route it names', () => {
    const cn = 'arn:aws-cn:execute-api:cn-north-1:123456789012:zz99/v2-beta/POST/anything/else';
    expect(policyFor(cn, [route('GET', '/v1/open')], () => true).Statement[0]?.Resource).toEqual([
      'arn:aws-cn:execute-api:cn-north-1:123456789012:zz99/v2-beta/GET/v1/open',
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
    expect(() => policyFor(methodArn, ROUTES, () => true)).toThrow(InternalError);
    expect(() => policyFor(methodArn, ROUTES, () => true)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
