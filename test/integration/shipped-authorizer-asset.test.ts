/**
 * The authorizer as consumers deploy it: the bundled asset `npm run build` ships (dist/assets/authorizer/index.js),
 * not the source, loaded with the environment the construct writes, deciding for another team's API. The brand is
 * in DynamoDB Local, its keys on a JWKS server on 127.0.0.1, its tokens signed with jose; the returned policy is
 * evaluated as API Gateway does.
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { functionEnvironmentVariables } from '../../lambdas/adapters/function-environment';
import { functionAssetModule } from '../../lib/bundling';
import { policyAllows, type AuthorizerPolicy } from '../../lib/local/evaluate-policy';
import { BRAND_CONFIG_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, signToken, standardClaims, type TestKey } from '../support/tokens';

type Handler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

const ASSET = functionAssetModule('authorizer');
/** The consumer's API: its own routes, none of this project's. */
const ORDERS_API = 'orders0api';
const ORDERS_ROUTE_SCOPES = { 'GET /orders/{id}': ['orders:read'], 'DELETE /orders/{id}': ['orders:admin'] };
/** Another API the same function serves, with scopes of its own. */
const POINTS_API = 'points0api';
const arn = (apiId: string, method: string, path: string) => `arn:aws:execute-api:eu-west-1:123456789012:${apiId}/live/${method}${path}`;

let server: TestHttpServer;
let client: DynamoDBClient;
let key: TestKey;
let handler: Handler;

beforeAll(async () => {
  if (!existsSync(ASSET)) throw new Error(`${ASSET} is missing: run npm run build`);
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  const tableName = `brands-${randomUUID()}`;
  client = new DynamoDBClient({ endpoint });
  await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, tableName)));
  server = await TestHttpServer.start();
  key = await makeKey('k1');
  server.on('/shop/jwks', { kind: 'json', body: { keys: [key.jwk] } });
  await DynamoDBDocumentClient.from(client).send(
    new PutCommand({
      TableName: tableName,
      Item: {
        brandId: 'shop', displayName: 'Shop', provider: 'generic-oidc', issuer: server.url('/shop'), jwksUri: server.url('/shop/jwks'),
        userinfoEndpoint: server.url('/shop/userinfo'), applicationId: 'app-shop', clientId: 'client-shop', audiences: ['loyalty-api'],
      },
    }),
  );

  // The asset reads its environment when it loads, as in Lambda's init phase: set it first, load it in a registry of its own.
  const variables = functionEnvironmentVariables('authorizer', {
    stage: 'local',
    brandTableName: tableName,
    serviceName: 'ciam-authorizer',
    // Refusals are logged at WARN; the suite's output stays clean.
    logLevel: 'SILENT',
    routeScopes: { [ORDERS_API]: ORDERS_ROUTE_SCOPES, [POINTS_API]: { 'POST /points': ['points:write'] } },
    allowLoopbackHttp: true,
    dynamodbEndpoint: endpoint,
  });
  const saved = { ...process.env };
  Object.assign(process.env, variables);
  try {
    await jest.isolateModulesAsync(async () => {
      handler = ((await import(ASSET)) as { handler: Handler }).handler;
    });
  } finally {
    process.env = saved;
  }
});

afterAll(async () => {
  await server?.stop();
  client?.destroy();
});

function authorizerEvent(token: string, methodArn: string): APIGatewayRequestAuthorizerEvent {
  return { type: 'REQUEST', methodArn, headers: { Authorization: `Bearer ${token}`, 'X-Brand-Id': 'shop' } } as unknown as APIGatewayRequestAuthorizerEvent;
}

async function policyFor(scope: string, methodArn: string): Promise<AuthorizerPolicy> {
  const token = await signToken(key, standardClaims({ iss: server.url('/shop'), scope }));
  const result = await handler(authorizerEvent(token, methodArn));
  return result.policyDocument as unknown as AuthorizerPolicy;
}

describe('the shipped authorizer asset on a consumer API', () => {
  it('allows a route whose scopes the token has, denies one it lacks a scope for, and allows a route it never named', async () => {
    const policy = await policyFor('openid orders:read', arn(ORDERS_API, 'GET', '/orders/42'));
    expect(policyAllows(policy, arn(ORDERS_API, 'GET', '/orders/42'))).toBe(true);
    expect(policyAllows(policy, arn(ORDERS_API, 'DELETE', '/orders/42'))).toBe(false);
    expect(policyAllows(policy, arn(ORDERS_API, 'POST', '/carts'))).toBe(true);
  });

  it('answers the same policy whichever route was asked, so API Gateway\'s cached decision holds for every route', async () => {
    const token = await signToken(key, standardClaims({ iss: server.url('/shop'), scope: 'orders:read' }));
    const asked = [arn(ORDERS_API, 'GET', '/orders/1'), arn(ORDERS_API, 'DELETE', '/orders/1'), arn(ORDERS_API, 'GET', '/')];
    const policies = await Promise.all(asked.map(async (methodArn) => (await handler(authorizerEvent(token, methodArn))).policyDocument));
    for (const policy of policies) expect(policy).toEqual(policies[0]);
  });

  it('decides each API by its own route scopes, from the one function', async () => {
    const policy = await policyFor('openid', arn(POINTS_API, 'GET', '/balance'));
    expect(policyAllows(policy, arn(POINTS_API, 'GET', '/balance'))).toBe(true);
    expect(policyAllows(policy, arn(POINTS_API, 'POST', '/points'))).toBe(false);
    // A decision is for the API it was asked for: it opens nothing of another API.
    expect(policyAllows(policy, arn(ORDERS_API, 'GET', '/orders/1'))).toBe(false);
  });

  it('refuses an unacceptable token with exactly Unauthorized, which API Gateway answers 401', async () => {
    const expired = await signToken(key, standardClaims({ iss: server.url('/shop'), iat: 1_000, exp: 2_000 }));
    await expect(handler(authorizerEvent(expired, arn(ORDERS_API, 'GET', '/orders/1')))).rejects.toThrow(new Error('Unauthorized'));
  });
});
