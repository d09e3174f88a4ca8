/**
 * Registration fields per brand, as Lambda runs them (handlers over the runtime wiring, from an environment read
 * through the contract) against DynamoDB Local: a declaration saved through the admin API decides what the register
 * route takes; what it takes is stored on the customer under INSTORE and audited in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { adminDependencies } from '../../lambdas/adapters/admin-runtime';
import { customerRouteDependencies } from '../../lambdas/adapters/customer-runtime';
import { readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import { createAdminBrandsHandler } from '../../lambdas/handlers/admin-brands';
import { createLinkCustomerHandler } from '../../lambdas/handlers/link-customer';
import { createRegisterCustomerHandler } from '../../lambdas/handlers/register-customer';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { TestHttpServer } from '../support/jwks-server';
import { bodyOf, proxyEvent, unverifiedToken } from '../support/handler-fakes';
import { createTables } from '../support/test-tables';

const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
const now = () => NOW_MS;
const tables = { brands: `brands-${randomUUID()}`, revocations: `revocations-${randomUUID()}`, customers: `customers-${randomUUID()}`, audit: `audit-${randomUUID()}` };
let server: TestHttpServer;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let variables: Record<string, string>;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  documents = DynamoDBDocumentClient.from(client);
  await createTables(client, [[BRAND_CONFIG_TABLE, tables.brands], [CUSTOMERS_TABLE, tables.customers], [AUDIT_TABLE, tables.audit], [REVOCATIONS_TABLE, tables.revocations]]);
  server = await TestHttpServer.start();
  variables = {
    STAGE: 'local', ALLOW_LOOPBACK_HTTP: 'true', DYNAMODB_ENDPOINT: endpoint, BRAND_TABLE_NAME: tables.brands, BRAND_CACHE_TTL_SECONDS: '0',
    CUSTOMERS_TABLE_NAME: tables.customers, AUDIT_TABLE_NAME: tables.audit, REVOCATIONS_TABLE_NAME: tables.revocations, AUDIT_RETENTION_DAYS: '30',
  };
});

afterAll(async () => {
  await server?.stop();
  client?.destroy();
});

const REGISTRATION_FIELDS = {
  extendedFields: { dateOfBirth: { type: 'date', required: true }, city: { type: 'string', maxLength: 32 } },
  customFields: { shoe_size: { type: 'number' }, member_code: { type: 'string', pattern: '^[A-Z]{2}\\d{4}$' }, club: { type: 'string', enum: ['gold', 'silver'] } },
};

/** Saves brand `brandId` through the admin handler, as the admin API and the CLI do. */
async function saveBrand(brandId: string, extra: Record<string, unknown>): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const admin = createAdminBrandsHandler(adminDependencies(readFunctionEnvironment('admin', variables), { now }));
  const response = await admin(proxyEvent({
    method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId }, userArn: 'arn:aws:iam::123456789012:user/op',
    body: {
      displayName: brandId, provider: 'generic-oidc', issuer: server.url(`/${brandId}`), jwksUri: server.url(`/${brandId}/jwks`),
      userinfoEndpoint: server.url(`/${brandId}/userinfo`), applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'], ...extra,
    },
  }));
  return { statusCode: response.statusCode, body: bodyOf(response) };
}

/** A customer route call the authorizer allowed for `sub` of `brandId`. */
function customerCall(brandId: string, sub: string, resource: string, body?: unknown) {
  return proxyEvent({
    method: 'POST', resource, body,
    headers: { Authorization: `Bearer ${unverifiedToken({ sub, iss: server.url(`/${brandId}`), iat: Math.floor(NOW_MS / 1000) - 60 })}`, 'X-Brand-Id': brandId },
    authorizer: { brandId, sub, principalType: 'customer', scopes: 'openid', validUntil: String(Math.floor(NOW_MS / 1000) + 300) },
  });
}

async function linkedCustomer(brandId: string, sub: string): Promise<string> {
  server.on(`/${brandId}/userinfo`, { kind: 'json', body: { sub, given_name: 'Dana', email: `${sub}@example.com`, email_verified: true } });
  const link = createLinkCustomerHandler(customerRouteDependencies(readFunctionEnvironment('customer', variables), { now }));
  const linked = await link(customerCall(brandId, sub, '/v1/customers/link'));
  expect(linked.statusCode).toBe(200);
  return bodyOf(linked).customerId as string;
}

const register = (brandId: string, sub: string, body: unknown) =>
  createRegisterCustomerHandler(customerRouteDependencies(readFunctionEnvironment('customer', variables), { now }))(customerCall(brandId, sub, '/v1/customers/register', body));

const storedCustomer = async (brandId: string, customerId: string) =>
  (await documents.send(new GetCommand({ TableName: tables.customers, Key: { pk: `CUSTOMER#${brandId}#${customerId}` }, ConsistentRead: true }))).Item;

const auditOf = async (customerId: string) =>
  ((await documents.send(new ScanCommand({ TableName: tables.audit, ConsistentRead: true }))).Items ?? []).filter((item) => item.customerId === customerId);

it('stores declared fields under INSTORE, audited in the same write, and refuses undeclared ones writing nothing', async () => {
  expect((await saveBrand('capillary', { registrationFields: REGISTRATION_FIELDS })).statusCode).toBe(201);
  const customerId = await linkedCustomer('capillary', 'dana');

  const registered = await register('capillary', 'dana', {
    extendedFields: { dateOfBirth: '1990-04-01', city: 'Leeds' }, customFields: { shoe_size: 9, member_code: 'AB1234', club: 'gold' },
  });
  expect([registered.statusCode, bodyOf(registered)]).toEqual([200, {
    customerId,
    changedFields: ['extendedFields.dateOfBirth', 'extendedFields.city', 'customFields.shoe_size', 'customFields.member_code', 'customFields.club'],
  }]);
  const stored = await storedCustomer('capillary', customerId);
  expect(stored?.sourceProfiles).toEqual({
    OAUTH_EXTERNAL: { cuid: 'dana' },
    INSTORE: { extendedFields: { dateOfBirth: '1990-04-01', city: 'Leeds' }, customFields: { shoe_size: 9, member_code: 'AB1234', club: 'gold' } },
  });
  expect((await auditOf(customerId)).find((record) => record.action === 'registration_merged')).toMatchObject({
    brandId: 'capillary', cuid: 'dana', at: new Date(NOW_MS).toISOString(),
    changedFields: ['extendedFields.dateOfBirth', 'extendedFields.city', 'customFields.shoe_size', 'customFields.member_code', 'customFields.club'],
    masked: { 'extendedFields.dateOfBirth': '1***', 'extendedFields.city': 'L***', 'customFields.shoe_size': '***', 'customFields.member_code': 'A***', 'customFields.club': 'g***' },
  });

  const auditBefore = (await auditOf(customerId)).length;
  const refused = await register('capillary', 'dana', { customFields: { shoe_size: 10, colour: 'red', member_code: 'AB12' }, city: 'York' });
  expect([refused.statusCode, bodyOf(refused).code, bodyOf(refused).problems]).toEqual([400, 'BODY_INVALID', [
    'customFields.colour: not declared for this brand',
    'customFields.member_code: must match ^[A-Z]{2}\\d{4}$',
  ]]);
  expect(await storedCustomer('capillary', customerId)).toEqual(stored);
  expect(await auditOf(customerId)).toHaveLength(auditBefore);
});

it('takes a brand’s first registration only with its required fields, and today’s flat body for a brand without a declaration', async () => {
  expect((await saveBrand('strict', { registrationFields: REGISTRATION_FIELDS })).statusCode).toBe(201);
  await linkedCustomer('strict', 'erin');
  const missing = await register('strict', 'erin', { customFields: { shoe_size: 9 } });
  expect([missing.statusCode, bodyOf(missing).problems]).toEqual([400, ['extendedFields.dateOfBirth: required']]);

  expect((await saveBrand('plain', {})).statusCode).toBe(201);
  const customerId = await linkedCustomer('plain', 'finn');
  const flat = await register('plain', 'finn', { city: 'Leeds', marketingOptIn: true });
  expect(bodyOf(flat)).toEqual({ customerId, changedFields: ['extendedFields.city', 'extendedFields.marketingOptIn'] });
  expect((await storedCustomer('plain', customerId))?.sourceProfiles.INSTORE).toEqual({ extendedFields: { city: 'Leeds', marketingOptIn: true } });
});

it('refuses a declaration with an unsafe or unbounded rule when the brand is saved, storing nothing', async () => {
  const saved = await saveBrand('reckless', {
    registrationFields: { customFields: { code: { type: 'string', pattern: '(a+)+$' }, note: { type: 'string', maxLength: 100_000 } } },
  });
  expect([saved.statusCode, saved.body.code, saved.body.problems]).toEqual([400, 'BRAND_CONFIG_INVALID', [
    'registrationFields.customFields.code.pattern: groups and alternation are not supported',
    'registrationFields.customFields.note.maxLength: must be an integer from 1 to 1024',
  ]]);
  expect((await documents.send(new GetCommand({ TableName: tables.brands, Key: { brandId: 'reckless' }, ConsistentRead: true }))).Item).toBeUndefined();
});
