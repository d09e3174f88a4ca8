/**
 * The admin and customer handlers as Lambda builds them (factory over the runtime wiring, from an environment read
 * through the contract), against DynamoDB Local and a userinfo endpoint on 127.0.0.1, on a clock the test sets:
 * the injected clock must reach the admin store's timestamps and the customer flows' times and validUntil check.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { adminDependencies } from '../../lambdas/adapters/admin-runtime';
import { customerRouteDependencies } from '../../lambdas/adapters/customer-runtime';
import { readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import { createAdminBrandsHandler } from '../../lambdas/handlers/admin-brands';
import { createLinkCustomerHandler } from '../../lambdas/handlers/link-customer';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { TestHttpServer } from '../support/jwks-server';
import { bodyOf, proxyEvent, unverifiedToken } from '../support/handler-fakes';
import { makeKey, signToken } from '../support/tokens';
import { createMeHandler } from '../../lambdas/handlers/me';
import { createTables } from '../support/test-tables';

const NOW_MS = Date.UTC(2030, 0, 2, 3, 4, 5);
let clockMs = NOW_MS;
const now = () => clockMs;
const tables = { brands: `brands-${randomUUID()}`, revocations: `revocations-${randomUUID()}`, customers: `customers-${randomUUID()}`, audit: `audit-${randomUUID()}` };
let server: TestHttpServer;
let client: DynamoDBClient;
let variables: Record<string, string>;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  await createTables(client, [[BRAND_CONFIG_TABLE, tables.brands], [CUSTOMERS_TABLE, tables.customers], [AUDIT_TABLE, tables.audit], [REVOCATIONS_TABLE, tables.revocations]]);
  server = await TestHttpServer.start();
  variables = {
    STAGE: 'local', ALLOW_LOOPBACK_HTTP: 'true', DYNAMODB_ENDPOINT: endpoint, BRAND_TABLE_NAME: tables.brands,
    CUSTOMERS_TABLE_NAME: tables.customers, AUDIT_TABLE_NAME: tables.audit, REVOCATIONS_TABLE_NAME: tables.revocations, AUDIT_RETENTION_DAYS: '30',
  };
});

afterAll(async () => {
  await server?.stop();
  client?.destroy();
});

const admin = () => createAdminBrandsHandler(adminDependencies(readFunctionEnvironment('admin', variables), { now }));
const brandBody = (displayName: string) => ({
  displayName, provider: 'generic-oidc', issuer: server.url('/rt'), jwksUri: server.url('/rt/jwks'), userinfoEndpoint: server.url('/rt/userinfo'),
  applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'],
});
const put = (body: unknown, extra: { ifMatch?: string; dryRun?: boolean } = {}) =>
  proxyEvent({
    method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'rt' }, body, userArn: 'arn:aws:iam::123456789012:user/op',
    headers: extra.ifMatch ? { 'If-Match': extra.ifMatch } : {}, ...(extra.dryRun ? { query: { dryRun: 'true' } } : {}),
  });

it('stamps admin changes with the injected clock, and answers 428, 412 and dry runs from the real store', async () => {
  const handle = admin();
  const created = await handle(put(brandBody('Runtime')));
  expect(created.statusCode).toBe(201);
  expect(bodyOf(created)).toMatchObject({ version: 1, updatedAt: new Date(NOW_MS).toISOString() });

  const required = await handle(put(brandBody('Renamed')));
  expect([required.statusCode, bodyOf(required).code, bodyOf(required).currentVersion, required.headers?.etag]).toEqual([428, 'VERSION_REQUIRED', 1, '"1"']);

  const dryRun = await handle(put(brandBody('Renamed'), { dryRun: true }));
  expect(bodyOf(dryRun)).toEqual({ dryRun: true, brandId: 'rt', currentVersion: 1, changes: { displayName: { before: 'Runtime', after: 'Renamed' } } });

  clockMs += 60_000;
  const replaced = await handle(put(brandBody('Renamed'), { ifMatch: '"1"' }));
  expect(bodyOf(replaced)).toMatchObject({ version: 2, displayName: 'Renamed', updatedAt: new Date(NOW_MS + 60_000).toISOString() });

  const stale = await handle(put(brandBody('Again'), { ifMatch: '"1"' }));
  expect([stale.statusCode, bodyOf(stale).code, bodyOf(stale).currentVersion]).toEqual([412, 'VERSION_MISMATCH', 2]);
});

it('links a customer on the injected clock, and refuses the decision once that clock passes validUntil', async () => {
  server.on('/rt/userinfo', { kind: 'json', body: { sub: 'dana', given_name: 'Dana', email: 'dana@example.com', email_verified: true } });
  const link = createLinkCustomerHandler(customerRouteDependencies(readFunctionEnvironment('customer', variables), { now }));
  const validUntil = Math.floor(clockMs / 1000) + 300;
  const event = proxyEvent({
    method: 'POST', resource: '/v1/customers/link',
    headers: { Authorization: `Bearer ${unverifiedToken({ sub: 'dana', iss: server.url('/rt'), iat: Math.floor(clockMs / 1000) - 60 })}`, 'X-Brand-Id': 'rt' },
    authorizer: { brandId: 'rt', sub: 'dana', principalType: 'customer', scopes: 'openid', validUntil: String(validUntil) },
  });
  const linked = await link(event);
  expect(linked.statusCode).toBe(200);
  expect(bodyOf(linked)).toMatchObject({ created: true, linkedBy: 'new' });

  clockMs = validUntil * 1000;
  const expired = await link(event);
  expect([expired.statusCode, bodyOf(expired).code]).toEqual([401, 'TOKEN_EXPIRED']);
});

it('links and shows a customer from a verified ID token, its keys fetched once from the brand JWKS on the injected clock', async () => {
  const key = await makeKey('id-1');
  server.on('/idt/jwks', { kind: 'json', body: { keys: [key.jwk] } });
  const idtBrand = {
    displayName: 'ID tokens', provider: 'generic-oidc', issuer: server.url('/idt'), jwksUri: server.url('/idt/jwks'), profileSource: 'id_token',
    applicationId: 'app', clientId: 'idt-client', audiences: ['loyalty-api'],
  };
  const created = await admin()(proxyEvent({ method: 'PUT', resource: '/v1/admin/brands/{brandId}', pathParameters: { brandId: 'idt' }, body: idtBrand, userArn: 'arn:aws:iam::123456789012:user/op' }));
  expect(created.statusCode).toBe(201);
  expect(bodyOf(created)).not.toHaveProperty('userinfoEndpoint');

  const deps = customerRouteDependencies(readFunctionEnvironment('customer', variables), { now });
  const nowSeconds = Math.floor(clockMs / 1000);
  const idToken = (claims: Record<string, unknown> = {}) => signToken(key, {
    iss: server.url('/idt'), sub: 'erin', aud: 'idt-client', iat: nowSeconds, exp: nowSeconds + 600, nonce: 'n',
    given_name: 'Erin', email: 'Erin@Example.com', email_verified: true, ...claims,
  }, { typ: 'JWT' });
  // An access token as the AWS SDK gets it: no openid. The authorizer verified it; this route only decodes it.
  const event = (input: { method: string; resource: string; body?: unknown; headers?: Record<string, string> }) => proxyEvent({
    ...input,
    headers: { Authorization: `Bearer ${unverifiedToken({ sub: 'erin', iss: server.url('/idt'), iat: nowSeconds - 60 })}`, 'X-Brand-Id': 'idt', ...input.headers },
    authorizer: { brandId: 'idt', sub: 'erin', principalType: 'customer', scopes: 'aws.cognito.signin.user.admin', validUntil: String(nowSeconds + 300) },
  });

  server.resetHits();
  const linked = await createLinkCustomerHandler(deps)(event({ method: 'POST', resource: '/v1/customers/link', body: { idToken: await idToken() } }));
  expect([linked.statusCode, bodyOf(linked)]).toEqual([200, expect.objectContaining({ created: true, changedFields: ['firstName', 'email'] })]);
  const me = await createMeHandler(deps)(event({ method: 'GET', resource: '/v1/me', headers: { 'X-Id-Token': await idToken() } }));
  expect(bodyOf(me)).toMatchObject({ profile: { cuid: 'erin', firstName: 'Erin', email: 'erin@example.com', emailVerified: true }, customer: { customerId: bodyOf(linked).customerId } });
  expect(server.hitCount('/idt/jwks')).toBe(1);

  const refused = await Promise.all([
    createLinkCustomerHandler(deps)(event({ method: 'POST', resource: '/v1/customers/link' })),
    createLinkCustomerHandler(deps)(event({ method: 'POST', resource: '/v1/customers/link', body: { idToken: await idToken({ sub: 'mallory' }) } })),
    createMeHandler(deps)(event({ method: 'GET', resource: '/v1/me', headers: { 'X-Id-Token': await idToken({ iat: nowSeconds - 7200, exp: nowSeconds - 3600 }) } })),
  ]);
  expect(refused.map((response) => [response.statusCode, bodyOf(response).code])).toEqual([
    [401, 'ID_TOKEN_MISSING'], [401, 'ID_TOKEN_SUBJECT_MISMATCH'], [401, 'TOKEN_EXPIRED'],
  ]);
});
