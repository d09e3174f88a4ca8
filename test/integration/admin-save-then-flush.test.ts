/**
 * Save, then flush: the admin handler on its runtime wiring, with the brand store on DynamoDB Local and the
 * authorizer-cache flushes on the real SDK clients against a loopback SSM, API Gateway and SQS. A stored change is
 * answered 200/201 whatever its flush does; the flush is reported in `flush`, and the follow-up flushes are sent to the
 * queue, delayed by each registered stage's brand-cache TTL.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { adminDependencies } from '../../lambdas/adapters/admin-runtime';
import { readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import { createAdminBrandsHandler } from '../../lambdas/handlers/admin-brands';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { FakeAwsControlPlane } from '../support/fake-aws-control-plane';
import { bodyOf, proxyEvent } from '../support/handler-fakes';
import { createTables } from '../support/test-tables';

const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ciam-follow-ups';
const tables = { brands: `brands-${randomUUID()}`, revocations: `revocations-${randomUUID()}`, audit: `audit-${randomUUID()}` };
let client: DynamoDBClient;
let plane: FakeAwsControlPlane;
let variables: Record<string, string>;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  await createTables(client, [[BRAND_CONFIG_TABLE, tables.brands], [AUDIT_TABLE, tables.audit], [REVOCATIONS_TABLE, tables.revocations]]);
  plane = await FakeAwsControlPlane.start();
  // STAGE=local only to reach DynamoDB Local: with the queue set and no local gateway, the flushes are AWS's.
  variables = {
    STAGE: 'local', DYNAMODB_ENDPOINT: endpoint, BRAND_TABLE_NAME: tables.brands, AUDIT_TABLE_NAME: tables.audit, REVOCATIONS_TABLE_NAME: tables.revocations, AUDIT_RETENTION_DAYS: '30',
    BRAND_CACHE_TTL_SECONDS: '60', AUTHORIZER_CACHE_FLUSH_QUEUE_URL: QUEUE_URL,
  };
});

afterAll(async () => {
  await plane?.stop();
  client?.destroy();
});

const admin = () => createAdminBrandsHandler(adminDependencies(readFunctionEnvironment('admin', variables), { now: () => NOW_MS }, plane.clients()));
const brandBody = (brandId: string, overrides: Record<string, unknown> = {}) => ({
  displayName: 'Save then flush', provider: 'generic-oidc', issuer: `https://${brandId}.example/`, jwksUri: `https://${brandId}.example/jwks`,
  userinfoEndpoint: `https://${brandId}.example/userinfo`, applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'], ...overrides,
});
const put = (brandId: string, body: unknown, options: { ifMatch?: string; flush?: boolean } = {}) =>
  proxyEvent({
    method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, body, userArn: 'arn:aws:iam::123456789012:user/op',
    headers: options.ifMatch ? { 'If-Match': options.ifMatch } : {}, ...(options.flush ? { query: { flushAuthorizerCache: 'true' } } : {}),
  });
const disable = (brandId: string) => proxyEvent({ method: 'DELETE', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, userArn: 'arn:aws:iam::123456789012:user/op' });
const get = (brandId: string) => proxyEvent({ method: 'GET', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId } });
const at = (seconds: number) => new Date(NOW_MS + seconds * 1000).toISOString();

it('answers a saved change 200, not 502, when the registry cannot be read, and a second try is not needed', async () => {
  const handle = admin();
  plane.reset();
  expect((await handle(put('saved', brandBody('saved')))).statusCode).toBe(201);

  plane.reset({ registryDenied: true });
  const response = await handle(put('saved', brandBody('saved', { displayName: 'Renamed' }), { ifMatch: '"1"', flush: true }));

  expect(response.statusCode).toBe(200);
  expect(bodyOf(response)).toMatchObject({
    version: 2,
    flush: {
      ok: false, reason: 'the registry of API stages could not be read (FETCH_FAILED), so no stage was flushed now',
      flushed: [], failed: [], registryError: 'FETCH_FAILED', followUpAt: [at(65)],
    },
  });
  expect(bodyOf(await handle(get('saved')))).toMatchObject({ displayName: 'Renamed', version: 2 });
  // The follow-up reads the registry again when it is due.
  expect(plane.sentMessages()).toEqual([{ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ flushAt: at(65) }), DelaySeconds: 65 }]);
});

it('disables a brand: flushes every registered stage now, and once more per brand-cache TTL of their authorizers', async () => {
  const handle = admin();
  plane.reset();
  expect((await handle(put('stop', brandBody('stop')))).statusCode).toBe(201);
  plane.reset({
    registry: [[
      { name: '/ciam-gateway/local/apis/own', value: '{"stageName":"dev","brandCacheTtlSeconds":60}' },
      { name: '/ciam-gateway/local/apis/orders', value: '{"stageName":"v1","brandCacheTtlSeconds":30}' },
      { name: '/ciam-gateway/local/apis/offers', value: 'live' },
    ]],
  });

  const response = await handle(disable('stop'));

  expect(response.statusCode).toBe(200);
  expect(bodyOf(response)).toMatchObject({ status: 'disabled', version: 2, flush: { ok: true, flushed: ['own/dev', 'orders/v1', 'offers/live'], failed: [], followUpAt: [at(35), at(65)] } });
  expect(plane.flushes()).toEqual(['/restapis/offers/stages/live/cache/authorizers', '/restapis/orders/stages/v1/cache/authorizers', '/restapis/own/stages/dev/cache/authorizers']);
  expect(plane.sentMessages().map(({ DelaySeconds }) => DelaySeconds)).toEqual([35, 65]);
});

it('answers a key change 200 when API Gateway and SQS both fail, saying what was not done', async () => {
  const handle = admin();
  plane.reset();
  expect((await handle(put('keys', brandBody('keys')))).statusCode).toBe(201);
  plane.reset({ registry: [[{ name: '/ciam-gateway/local/apis/gone', value: 'prod' }]], missingApis: ['gone'], queueMissing: true });

  const response = await handle(put('keys', brandBody('keys', { jwksUri: 'https://keys.example/rotated' }), { ifMatch: '"1"' }));

  expect(response.statusCode).toBe(200);
  expect(bodyOf(response)).toMatchObject({
    version: 2, changedFields: ['jwksUri'],
    flush: {
      ok: false,
      reason: '1 of 1 API stages could not be flushed now; the follow-up flush after the brand-cache TTL could not be scheduled (FETCH_FAILED)',
      failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }], followUpAt: [],
    },
  });
});
