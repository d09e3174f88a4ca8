/**
 * Key sync: the admin handler on its runtime wiring, the brand store on DynamoDB Local, and API Gateway's API keys and
 * usage plans on the real SDK client against a loopback control plane (the emulator's keys and plans, on the wire
 * format). A brand's key follows its creation, tier change and disable; a sync that fails after the save is reported in
 * a 2xx answer, and `sync-keys` reconciles.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { adminDependencies } from '../../lambdas/adapters/admin-runtime';
import { readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import { createAdminBrandsHandler } from '../../lambdas/handlers/admin-brands';
import { LocalApiKeys } from '../../lib/local/local-api-keys';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { FakeAwsControlPlane } from '../support/fake-aws-control-plane';
import { bodyOf, proxyEvent } from '../support/handler-fakes';
import { createTables } from '../support/test-tables';

const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
const TIERS = { standard: { rateLimit: 1, burstLimit: 2, dailyQuota: 1000 }, premium: { rateLimit: 100, burstLimit: 50, dailyQuota: 1000 } };
const tables = { brands: `brands-${randomUUID()}`, revocations: `revocations-${randomUUID()}`, audit: `audit-${randomUUID()}` };
let client: DynamoDBClient;
let plane: FakeAwsControlPlane;
let apiKeys: LocalApiKeys;
let variables: Record<string, string>;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  await createTables(client, [[BRAND_CONFIG_TABLE, tables.brands], [AUDIT_TABLE, tables.audit], [REVOCATIONS_TABLE, tables.revocations]]);
  plane = await FakeAwsControlPlane.start();
  apiKeys = new LocalApiKeys(TIERS);
  // STAGE=local only to reach DynamoDB Local: with no local gateway, the key calls are AWS's (the loopback plane).
  variables = {
    STAGE: 'local', DYNAMODB_ENDPOINT: endpoint, BRAND_TABLE_NAME: tables.brands, AUDIT_TABLE_NAME: tables.audit, REVOCATIONS_TABLE_NAME: tables.revocations, AUDIT_RETENTION_DAYS: '30',
    AUTHORIZER_CACHE_FLUSH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', USAGE_PLANS: JSON.stringify(apiKeys.usagePlans()),
  };
});

beforeEach(() => plane.reset({ apiKeys }));

afterAll(async () => {
  await plane?.stop();
  client?.destroy();
});

const admin = () => createAdminBrandsHandler(adminDependencies(readFunctionEnvironment('admin', variables), { now: () => NOW_MS }, plane.clients()));
const brandBody = (brandId: string, overrides: Record<string, unknown> = {}) => ({
  displayName: 'Key sync', provider: 'generic-oidc', issuer: `https://${brandId}.example/`, jwksUri: `https://${brandId}.example/jwks`,
  userinfoEndpoint: `https://${brandId}.example/userinfo`, applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'], ...overrides,
});
const op = 'arn:aws:iam::123456789012:user/op';
const put = (brandId: string, body: unknown, ifMatch?: string) =>
  proxyEvent({ method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, body, userArn: op, headers: ifMatch ? { 'If-Match': ifMatch } : {} });
const disable = (brandId: string) => proxyEvent({ method: 'DELETE', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, userArn: op });
const syncKeys = () => proxyEvent({ method: 'POST', resource: '/v1/admin/api-keys/sync', userArn: op });
const storedKey = async (brandId: string) => {
  const { Item } = await client.send(new GetItemCommand({ TableName: tables.brands, Key: { brandId: { S: brandId } }, ConsistentRead: true }));
  return (Item ? unmarshall(Item).usageKey : undefined) as { id: string; value: string } | undefined;
};
/** How many of `n` requests at one instant the key's plan admits. */
const admitted = (value: string, n: number) => Array.from({ length: n }, () => apiKeys.admit(value, NOW_MS)).filter((a) => a === 'admitted').length;

it("makes the brand's key on create, in its tier's plan, stores it beside the config and never answers its value", async () => {
  const brandId = `keys-${randomUUID().slice(0, 8)}`;
  const response = await admin()(put(brandId, brandBody(brandId)));
  expect(response.statusCode).toBe(201);
  const key = await storedKey(brandId);
  expect(key).toEqual({ id: expect.any(String), value: expect.stringMatching(/^[A-Za-z0-9_-]{40}$/) });
  expect(bodyOf(response).keySync).toEqual({ ok: true, keyId: key?.id, enabled: true, tier: 'standard' });
  expect(response.body).not.toContain(key?.value);
  // In the standard plan: burst 2.
  expect(admitted(key?.value as string, 5)).toBe(2);
  // A replace keeps the key: same id, no second key made.
  const replaced = await admin()(put(brandId, brandBody(brandId, { displayName: 'Renamed' }), '"1"'));
  expect(bodyOf(replaced).keySync).toEqual({ ok: true, keyId: key?.id, enabled: true, tier: 'standard' });
  expect(await storedKey(brandId)).toEqual(key);
  expect(plane.requests.filter((r) => r.method === 'POST' && r.url === '/apikeys')).toHaveLength(1);
});

it('moves the key to the new tier\'s plan on a tier change, and out of the old one', async () => {
  const brandId = `tier-${randomUUID().slice(0, 8)}`;
  await admin()(put(brandId, brandBody(brandId)));
  const response = await admin()(put(brandId, brandBody(brandId, { tier: 'premium' }), '"1"'));
  expect(response.statusCode).toBe(200);
  expect(bodyOf(response)).toMatchObject({ tier: 'premium', keySync: { ok: true, tier: 'premium' } });
  // Premium's burst is 50: the standard plan (burst 2) no longer meters it.
  expect(admitted((await storedKey(brandId))?.value as string, 10)).toBe(10);
});

it('refuses a tier the stage has no plan for, and stores nothing', async () => {
  const brandId = `gold-${randomUUID().slice(0, 8)}`;
  const response = await admin()(put(brandId, brandBody(brandId, { tier: 'gold' })));
  expect(response.statusCode).toBe(400);
  expect(bodyOf(response)).toMatchObject({ code: 'BRAND_CONFIG_INVALID', problems: ['tier: must be one of standard, premium'] });
  expect(await storedKey(brandId)).toBeUndefined();
});

it('disables the key with the brand', async () => {
  const brandId = `off-${randomUUID().slice(0, 8)}`;
  await admin()(put(brandId, brandBody(brandId)));
  const response = await admin()(disable(brandId));
  expect(response.statusCode).toBe(200);
  expect(bodyOf(response).keySync).toMatchObject({ ok: true, enabled: false });
  expect(apiKeys.admit((await storedKey(brandId))?.value, NOW_MS)).toBe('INVALID_API_KEY');
});

it('enables the key again with the brand', async () => {
  const brandId = `on-${randomUUID().slice(0, 8)}`;
  await admin()(put(brandId, brandBody(brandId)));
  await admin()(disable(brandId));
  const response = await admin()(proxyEvent({ method: 'POST', resource: '/v1/admin/brands/{brandId}/enable', pathParameters: { brandId }, userArn: op }));
  expect(response.statusCode).toBe(200);
  expect(bodyOf(response).keySync).toMatchObject({ ok: true, enabled: true });
  expect(apiKeys.admit((await storedKey(brandId))?.value, NOW_MS)).toBe('admitted');
});

it('answers 201 with a failed sync report when API Gateway is down after the save, and sync-keys makes the key later', async () => {
  const brandId = `down-${randomUUID().slice(0, 8)}`;
  plane.reset({ apiKeys, apiKeysUnavailable: true });
  const response = await admin()(put(brandId, brandBody(brandId)));
  expect(response.statusCode).toBe(201);
  expect(bodyOf(response).keySync).toEqual({ ok: false, code: 'FETCH_FAILED' });
  expect(await storedKey(brandId)).toBeUndefined();

  plane.reset({ apiKeys });
  const synced = await admin()(syncKeys());
  expect(synced.statusCode).toBe(200);
  const key = await storedKey(brandId);
  expect(bodyOf(synced).brands).toContainEqual({ brandId, ok: true, keyId: key?.id, enabled: true, tier: 'standard' });
  expect(synced.body).not.toContain(key?.value);
});

it('finds a key made before its id could be stored by its name, instead of making a second one', async () => {
  const brandId = `orphan-${randomUUID().slice(0, 8)}`;
  await admin()(put(brandId, brandBody(brandId)));
  const key = await storedKey(brandId);
  await client.send(new UpdateItemCommand({ TableName: tables.brands, Key: { brandId: { S: brandId } }, UpdateExpression: 'REMOVE usageKey' }));
  plane.reset({ apiKeys });
  const synced = await admin()(syncKeys());
  expect(bodyOf(synced).brands).toContainEqual(expect.objectContaining({ brandId, ok: true, keyId: key?.id }));
  expect(await storedKey(brandId)).toEqual(key);
  expect(plane.requests.filter((r) => r.method === 'POST' && r.url === '/apikeys')).toHaveLength(0);
});
