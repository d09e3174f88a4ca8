/**
 * The local API Gateway emulator, rule by rule, with a fake authorizer and fake handlers: routing, the REQUEST
 * authorizer (identity sources, policy, results cache), the stack's gateway responses, and the proxy integration.
 */
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { ErrorCode } from '../../lambdas/core/errors';
import type { RouteDefinition } from '../../lambdas/core/routes';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions, type ProxyHandler } from '../../lib/local/local-gateway';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../../lib/gateway-responses';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:local/local';
const TTL_SECONDS = 300;

const ROUTES: readonly RouteDefinition[] = [
  { method: 'GET', path: '/v1/open', handler: 'whoami', auth: 'ciam', scopes: [] },
  { method: 'GET', path: '/v1/items/{id}', handler: 'whoami', auth: 'ciam', scopes: ['items:read'] },
  { method: 'POST', path: '/v1/items', handler: 'whoami', auth: 'ciam', scopes: ['items:write'] },
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] },
  { method: 'GET', path: '/v1/admin/things', handler: 'admin-brands', auth: 'admin', scopes: [] },
];

const statement = (Effect: 'Allow' | 'Deny', ...resources: string[]) => ({ Action: 'execute-api:Invoke', Effect, Resource: resources.map((r) => `${ARN}/${r}`) });
const result = (statements: ReturnType<typeof statement>[], context: object = { sub: 'user-1' }): APIGatewayAuthorizerResult =>
  ({ principalId: 'user-1', policyDocument: { Version: '2012-10-17', Statement: statements }, context }) as APIGatewayAuthorizerResult;

/** What the fake authorizer answers, by Authorization header. */
const ANSWERS: Readonly<Record<string, APIGatewayAuthorizerResult | Error>> = {
  'Bearer all': result([statement('Allow', 'GET/v1/open', 'GET/v1/items/*', 'POST/v1/items')], { sub: 'user-1', validUntil: 1700000000, admin: false }),
  'Bearer open-only': result([statement('Allow', 'GET/v1/open')]),
  'Bearer items-denied': result([statement('Allow', 'GET/v1/*'), statement('Deny', 'GET/v1/items/*')]),
  'Bearer revoked': new Error('Unauthorized'),
  'Bearer broken': new Error('socket hang up'),
  'Bearer no-policy': { principalId: 'user-1' } as APIGatewayAuthorizerResult,
  'Bearer nested-context': result([statement('Allow', 'GET/v1/open')], { claims: { sub: 'user-1' } }),
  'Bearer brand-scopes-missing': result([statement('Deny', '*')]),
};

/** The stable code the fake authorizer reports for an answer, as the real one does through its `onRefusal` hook. */
const CODES: Readonly<Record<string, ErrorCode>> = { 'Bearer revoked': 'TOKEN_EXPIRED', 'Bearer brand-scopes-missing': 'INSUFFICIENT_SCOPE' };
const refusalCodes = new WeakMap<APIGatewayRequestAuthorizerEvent, ErrorCode>();

async function fakeAuthorizer(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const authorization = event.headers?.authorization ?? '';
  const answer = ANSWERS[authorization] ?? new Error('Unauthorized');
  const code = CODES[authorization];
  if (code) refusalCodes.set(event, code);
  if (answer instanceof Error) throw answer;
  return answer;
}

/** Answers with the event it was given. */
const echo: ProxyHandler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });

const gateways: LocalGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** A gateway on a free port in front of the fake authorizer and `handler` (the echo by default) for every route. */
async function start(options: Partial<Omit<LocalGatewayOptions, 'functions'>> & { handler?: ProxyHandler } = {}) {
  const { handler = echo, ...gatewayOptions } = options;
  const authorizer = jest.fn(fakeAuthorizer);
  const gateway = await startLocalGateway({
    routes: ROUTES,
    functions: () => ({ authorizer, handlerFor: () => handler, refusalCodeOf: (event) => refusalCodes.get(event) }),
    resultsCacheTtlSeconds: TTL_SECONDS,
    integrationTimeoutMs: 2_000,
    stage: 'local',
    port: 0,
    ...gatewayOptions,
  });
  gateways.push(gateway);
  const call = (path: string, headers: Record<string, string> = as('all'), init: RequestInit = {}) => fetch(`${gateway.url}${path}`, { headers, ...init });
  return { authorizer, call };
}

/** Both identity sources. */
function as(token: string, brandId = 'brand-a'): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-brand-id': brandId };
}

async function eventOf(response: Response): Promise<APIGatewayProxyEvent> {
  expect(response.status).toBe(200);
  return (await response.json()) as APIGatewayProxyEvent;
}

/** The response is exactly the stack's gateway response of this type. */
async function expectGatewayResponse(response: Response, type: GatewayResponseType): Promise<void> {
  const expected = GATEWAY_RESPONSES[type];
  expect(response.status).toBe(expected.statusCode);
  for (const [name, value] of Object.entries(expected.headers)) expect(response.headers.get(name)).toBe(value);
  expect(response.headers.get('content-type')).toBe(expected.contentType);
  expect(await response.json()).toEqual(expected.body);
}

async function expectMessage(response: Response, status: number, message: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ message });
}

describe('routing', () => {
  it('answers an unknown path, or a known path with another method, 403 Missing Authentication Token', async () => {
    const { authorizer, call } = await start();
    await expectMessage(await call('/v1/nope'), 403, 'Missing Authentication Token');
    await expectMessage(await call('/v1/open', as('all'), { method: 'DELETE' }), 403, 'Missing Authentication Token');
    await expectMessage(await call('/v1/items/1/extra'), 403, 'Missing Authentication Token');
    expect(authorizer).not.toHaveBeenCalled();
  });

  it('serves a public route without calling the authorizer', async () => {
    const { authorizer, call } = await start();
    const event = await eventOf(await call('/health', {}));
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(authorizer).not.toHaveBeenCalled();
  });

  it('answers a body over 10 MB 413 before authorizing', async () => {
    const { authorizer, call } = await start();
    const response = await call('/v1/items', as('all'), { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) });
    await expectMessage(response, 413, 'Request Too Long');
    expect(authorizer).not.toHaveBeenCalled();
  });
});

describe('identity sources', () => {
  it.each([
    ['no Authorization', { 'x-brand-id': 'brand-a' }],
    ['no X-Brand-Id', { authorization: 'Bearer all' }],
    ['an empty Authorization', { authorization: '', 'x-brand-id': 'brand-a' }],
    ['an empty X-Brand-Id', { authorization: 'Bearer all', 'x-brand-id': '' }],
  ])('refuses %s with 401 without calling the authorizer', async (_case, headers) => {
    const { authorizer, call } = await start();
    await expectGatewayResponse(await call('/v1/open', headers), 'UNAUTHORIZED');
    expect(authorizer).not.toHaveBeenCalled();
  });
});

describe('authorizer outcomes', () => {
  it('hands the authorizer a REQUEST event for the method ARN as requested', async () => {
    const { authorizer, call } = await start();
    await call('/v1/items/42?view=full', { ...as('all'), 'user-agent': 'jest' });
    const event = authorizer.mock.calls[0]?.[0];
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: `${ARN}/GET/v1/items/42`,
      resource: '/v1/items/{id}',
      path: '/v1/items/42',
      httpMethod: 'GET',
      headers: { authorization: 'Bearer all', 'x-brand-id': 'brand-a' },
      multiValueHeaders: { authorization: ['Bearer all'] },
      queryStringParameters: { view: 'full' },
      pathParameters: { id: '42' },
      stageVariables: null,
      requestContext: { resourcePath: '/v1/items/{id}', httpMethod: 'GET', stage: 'local', identity: { sourceIp: '127.0.0.1', userAgent: 'jest' } },
    });
  });

  it("answers the authorizer's 'Unauthorized' with the UNAUTHORIZED gateway response", async () => {
    const { call } = await start();
    const response = await call('/v1/open', as('revoked'));
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    await expectGatewayResponse(response, 'UNAUTHORIZED');
  });

  it.each([
    ['throws any other error', 'broken'],
    ['returns no policy', 'no-policy'],
    ['returns a non-scalar context value', 'nested-context'],
  ])('answers an authorizer that %s with the AUTHORIZER_CONFIGURATION_ERROR gateway response', async (_case, token) => {
    const { call } = await start();
    await expectGatewayResponse(await call('/v1/open', as(token)), 'AUTHORIZER_CONFIGURATION_ERROR');
  });

  it('answers an explicit Deny 403 insufficient_scope, even under a wildcard Allow', async () => {
    const { call } = await start();
    expect((await call('/v1/open', as('items-denied'))).status).toBe(200);
    await expectGatewayResponse(await call('/v1/items/1', as('items-denied')), 'ACCESS_DENIED');
  });

  it('answers a route no Allow covers 403 insufficient_scope', async () => {
    const { call } = await start();
    expect((await call('/v1/open', as('open-only'))).status).toBe(200);
    const response = await call('/v1/items/1', as('open-only'));
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    await expectGatewayResponse(response, 'ACCESS_DENIED');
  });
});

describe('results cache', () => {
  it('reuses a decision for the same identity sources, and its cached policy still denies a route it does not allow', async () => {
    const { authorizer, call } = await start();
    expect((await call('/v1/open', as('open-only'))).status).toBe(200);
    expect((await call('/v1/open', as('open-only'))).status).toBe(200);
    await expectGatewayResponse(await call('/v1/items/1', as('open-only')), 'ACCESS_DENIED');
    expect(authorizer).toHaveBeenCalledTimes(1);
  });

  it('asks again for another token or another brand', async () => {
    const { authorizer, call } = await start();
    await call('/v1/open', as('open-only'));
    await call('/v1/open', as('all'));
    await call('/v1/open', as('all', 'brand-b'));
    expect(authorizer).toHaveBeenCalledTimes(3);
  });

  it("caches 'Unauthorized' too, but not an authorizer failure", async () => {
    const { authorizer, call } = await start();
    await call('/v1/open', as('revoked'));
    await expectGatewayResponse(await call('/v1/open', as('revoked')), 'UNAUTHORIZED');
    expect(authorizer).toHaveBeenCalledTimes(1);
    await call('/v1/open', as('broken'));
    await call('/v1/open', as('broken'));
    expect(authorizer).toHaveBeenCalledTimes(3);
  });

  it('asks again once the TTL has passed', async () => {
    let clock = 1_000_000;
    const { authorizer, call } = await start({ now: () => clock });
    await call('/v1/open');
    clock += TTL_SECONDS * 1000 - 1;
    await call('/v1/open');
    expect(authorizer).toHaveBeenCalledTimes(1);
    clock += 1;
    await call('/v1/open');
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('asks every time with a TTL of 0', async () => {
    const { authorizer, call } = await start({ resultsCacheTtlSeconds: 0 });
    await call('/v1/open');
    await call('/v1/open');
    expect(authorizer).toHaveBeenCalledTimes(2);
  });
});

describe('x-ciam-debug: why the authorizer refused (local mode only)', () => {
  it("names the code the authorizer reported with its 'Unauthorized', and again from the cache", async () => {
    const lines: string[] = [];
    const { authorizer, call } = await start({ log: (line) => lines.push(line) });
    for (const attempt of [1, 2]) {
      const response = await call('/v1/open', as('revoked'));
      expect([attempt, response.headers.get('x-ciam-debug')]).toEqual([attempt, 'TOKEN_EXPIRED']);
      await expectGatewayResponse(response, 'UNAUTHORIZED');
    }
    expect(authorizer).toHaveBeenCalledTimes(1);
    expect(lines[1]).toMatch(/ 401 authorizer: Unauthorized: TOKEN_EXPIRED$/);
  });

  it('names the code of a decision that denies every route on its 403, and again from the cache', async () => {
    const { authorizer, call } = await start();
    for (const path of ['/v1/open', '/v1/items/1']) {
      const response = await call(path, as('brand-scopes-missing'));
      expect(response.headers.get('x-ciam-debug')).toBe('INSUFFICIENT_SCOPE');
      await expectGatewayResponse(response, 'ACCESS_DENIED');
    }
    expect(authorizer).toHaveBeenCalledTimes(1);
  });

  it('is absent when the authorizer reported no code, and from every answer it let through', async () => {
    const { call } = await start();
    for (const response of [await call('/v1/open', as('unknown')), await call('/v1/open', as('broken')), await call('/v1/open', as('all'))]) {
      expect(response.headers.get('x-ciam-debug')).toBeNull();
    }
  });
});

describe('proxy integration', () => {
  it("delivers the authorizer's context, stringified, with the principalId as requestContext.authorizer", async () => {
    const { call } = await start();
    const event = await eventOf(await call('/v1/open'));
    expect(event.requestContext.authorizer).toEqual({
      sub: 'user-1',
      validUntil: '1700000000',
      admin: 'false',
      principalId: 'user-1',
      integrationLatency: expect.any(Number),
    });
  });

  it('passes the resource, path parameters and query strings', async () => {
    const { call } = await start();
    const event = await eventOf(await call('/v1/items/a%20b?tag=x&tag=y&page=2'));
    expect(event).toMatchObject({
      resource: '/v1/items/{id}',
      path: '/v1/items/a%20b',
      httpMethod: 'GET',
      pathParameters: { id: 'a b' },
      queryStringParameters: { tag: 'y', page: '2' },
      multiValueQueryStringParameters: { tag: ['x', 'y'], page: ['2'] },
      body: null,
      isBase64Encoded: false,
      requestContext: { stage: 'local', resourcePath: '/v1/items/{id}', path: '/local/v1/items/a%20b' },
    });
    const plain = await eventOf(await call('/v1/open'));
    expect(plain.queryStringParameters).toBeNull();
    expect(plain.pathParameters).toBeNull();
  });

  it('passes a POST body through, base64-encoded when it is not UTF-8', async () => {
    const { call } = await start();
    const json = await eventOf(await call('/v1/items', as('all'), { method: 'POST', body: '{"name":"ünïcode"}' }));
    expect(json).toMatchObject({ httpMethod: 'POST', body: '{"name":"ünïcode"}', isBase64Encoded: false });
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const binary = await eventOf(await call('/v1/items', as('all'), { method: 'POST', body: bytes }));
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('turns the integration result into the HTTP response', async () => {
    const handler: ProxyHandler = async () => ({
      statusCode: 201,
      headers: { 'x-single': 'one', 'x-both': 'from-headers' },
      multiValueHeaders: { 'x-multi': ['a', 'b'], 'x-both': ['from-multi'] },
      body: Buffer.from([1, 2, 3]).toString('base64'),
      isBase64Encoded: true,
    });
    const { call } = await start({ handler });
    const response = await call('/v1/open');
    expect(response.status).toBe(201);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'x-single': 'one',
      'x-multi': 'a, b',
      'x-both': 'from-multi',
      'content-type': 'application/json',
    });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
  });

  it.each<[string, ProxyHandler]>([
    ['throws', async () => Promise.reject(new Error('handler bug'))],
    ['returns no statusCode', async () => ({ body: 'x' }) as never],
    ['returns a non-string body', async () => ({ statusCode: 200, body: { ok: true } }) as never],
    ['returns a header HTTP cannot carry', async () => ({ statusCode: 200, headers: { 'bad name': 'x' }, body: '' })],
  ])('answers a handler that %s 502 Internal server error', async (_case, handler) => {
    const { call } = await start({ handler });
    await expectMessage(await call('/v1/open'), 502, 'Internal server error');
  });

  it('answers a handler slower than the integration timeout 504', async () => {
    const slow: ProxyHandler = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: '' }), 300));
    const { call } = await start({ handler: slow, integrationTimeoutMs: 50 });
    await expectMessage(await call('/v1/open'), 504, 'Endpoint request timed out');
  });
});

describe('every response', () => {
  it('carries x-amzn-RequestId, the id the integration sees', async () => {
    const { call } = await start();
    const ok = await call('/v1/open');
    const id = ok.headers.get('x-amzn-requestid');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await eventOf(ok)).requestContext.requestId).toBe(id);
    for (const response of [await call('/nope'), await call('/v1/open', {}), await call('/v1/items/1', as('open-only'))]) {
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is logged without the Authorization header', async () => {
    const lines: string[] = [];
    const { call } = await start({ log: (line) => lines.push(line) });
    const secret = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl';
    for (const path of ['/v1/open', '/v1/items/1', '/nope']) await call(path, as(secret));
    await call('/v1/open', as('open-only'));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/ GET \/v1\/open 401 authorizer: Unauthorized$/);
    expect(lines.join('\n')).not.toContain(secret);
  });
});

describe('admin routes (IAM stand-in)', () => {
  it('lets through only the admin key, never calls the authorizer, and names the local admin as the caller', async () => {
    const { authorizer, call } = await start({ adminKey: 'sesame' });
    for (const headers of [{}, { 'x-admin-key': 'wrong' }, { 'x-admin-key': 'sesame!' }, as('all')]) {
      await expectMessage(await call('/v1/admin/things', headers), 403, 'Missing Authentication Token');
    }
    const event = await eventOf(await call('/v1/admin/things', { 'x-admin-key': 'sesame' }));
    expect(event.requestContext.identity.userArn).toBe('arn:aws:iam::123456789012:user/local-admin');
    expect(authorizer).not.toHaveBeenCalled();
  });

  it('refuses everyone when no admin key is configured', async () => {
    const { call } = await start();
    await expectMessage(await call('/v1/admin/things', { 'x-admin-key': '' }), 403, 'Missing Authentication Token');
  });
});
