import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { BRAND_CONFIG_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { authorizerDependencies } from '../../lambdas/adapters/authorizer-runtime';
import { functionEnvironmentVariables, readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import type { ErrorCode } from '../../lambdas/core/errors';
import type { RouteScopes } from '../../lambdas/core/route-scopes';
import { ROUTES, routeScopesOf } from '../../lambdas/core/routes';
import type { PolicyDocument } from '../../lambdas/core/route-policy';
import { createAuthorizerHandler } from '../../lambdas/handlers/authorizer';
import { policyAllows } from '../../lib/local/evaluate-policy';
import { CountingProxy } from './counting-proxy';

/**
 * The real authorizer handler, built by its factory from a local environment read through the environment contract
 * and the real runtime wiring, against a fresh brand table in DynamoDB Local behind a counting proxy. The refusal
 * codes come through the local-only `onRefusal` hook, as local mode gets them.
 */
const API_ID = 'abcdef1234';
export const API_ARN_PREFIX = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/local`;

export type Outcome =
  | { readonly status: 401; readonly code: ErrorCode }
  | { readonly status: 200 | 403; readonly result: APIGatewayAuthorizerResult; allows(method: string, path: string): boolean };

export interface AuthorizerHarness {
  readonly dynamodb: CountingProxy;
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  putBrand(brand: Record<string, unknown>): Promise<void>;
  /** Calls the handler for `GET /v1/whoami` unless told otherwise; 200/403 as API Gateway would decide for that route. */
  invoke(request: { authorization?: string; token?: string; brandId?: string; method?: string; path?: string }): Promise<Outcome>;
  stop(): Promise<void>;
}

export interface AuthorizerHarnessOptions {
  /** Variables over the local defaults (STAGE=local, loopback http, the fresh table, the proxy's endpoint). */
  readonly env?: Readonly<Record<string, string>>;
  /** Epoch ms clock for the caches and token checks. @default Date.now */
  readonly now?: () => number;
  /** The route scopes of the API the calls go to (`API_ID`), written to ROUTE_SCOPES. @default this project's, `routeScopesOf(ROUTES)` */
  readonly routeScopes?: RouteScopes;
}

export async function startAuthorizerHarness(options: AuthorizerHarnessOptions = {}): Promise<AuthorizerHarness> {
  const upstream = process.env.DYNAMODB_ENDPOINT;
  if (!upstream) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  const dynamodb = await CountingProxy.start(upstream);
  const tableName = `brands-${randomUUID()}`;
  const client = new DynamoDBClient({ endpoint: upstream });
  await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, tableName)));
  const documents = DynamoDBDocumentClient.from(client);

  const env = readFunctionEnvironment('authorizer', {
    ...functionEnvironmentVariables('authorizer', {
      stage: 'local',
      allowLoopbackHttp: true,
      brandTableName: tableName,
      dynamodbEndpoint: dynamodb.endpoint,
      routeScopes: { [API_ID]: options.routeScopes ?? routeScopesOf(ROUTES) },
    }),
    ...options.env,
  });
  // By event, since calls run concurrently.
  const refusals = new WeakMap<object, ErrorCode>();
  const handler = createAuthorizerHandler(authorizerDependencies(env, {
    ...(options.now ? { now: options.now } : {}),
    onRefusal: (event, code) => refusals.set(event as object, code),
  }));

  return {
    dynamodb,
    documents,
    tableName,
    putBrand: async (brand) => {
      await documents.send(new PutCommand({ TableName: tableName, Item: brand }));
    },
    invoke: async ({ authorization, token, brandId, method = 'GET', path = '/v1/whoami' }) => {
      const headers: Record<string, string> = {};
      const auth = authorization ?? (token === undefined ? undefined : `Bearer ${token}`);
      if (auth !== undefined) headers.Authorization = auth;
      if (brandId !== undefined) headers['X-Brand-Id'] = brandId;
      const event = requestEvent(headers, `${API_ARN_PREFIX}/${method}${path}`);
      let result: APIGatewayAuthorizerResult;
      try {
        result = await handler(event);
      } catch (err) {
        const code = refusals.get(event);
        if ((err as Error).message === 'Unauthorized' && code !== undefined) return { status: 401, code };
        throw err; // anything else would be a 500 from API Gateway: the tests must see it
      }
      const allows = (m: string, p: string): boolean => policyAllows(result.policyDocument as unknown as PolicyDocument, `${API_ARN_PREFIX}/${m}${p}`);
      return { status: allows(method, path) ? 200 : 403, result, allows };
    },
    stop: async () => {
      await dynamodb.stop();
      client.destroy();
    },
  };
}

function requestEvent(headers: Record<string, string>, methodArn: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn,
    resource: '/v1/whoami',
    path: '/v1/whoami',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}
