import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { DynamoCustomerStore } from '../../lambdas/adapters/customer-store';
import type { CiamProfile } from '../../lambdas/core/ciam-profile';
import type { Customer } from '../../lambdas/core/customer';
import type { CustomerStore } from '../../lambdas/core/customer-store-port';
import { changeIdentifier } from '../../lambdas/core/identifier-change';
import { linkCustomer } from '../../lambdas/core/login-linking';
import { mergeRegistration } from '../../lambdas/core/registration-merge';
import { ConflictError, UpstreamError } from '../../lambdas/core/errors';
import type { RegistrationFieldsDeclaration } from '../../lambdas/core/registration-fields';
import { AUDIT_TABLE, CUSTOMERS_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { CountingProxy } from '../support/counting-proxy';

/**
 * The customer store and audit trail against DynamoDB Local. The code under test talks through a counting
 * proxy (which can be told to fail); the assertions read the tables directly, so they see what was stored.
 */
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const RETENTION_DAYS = 400;

let proxy: CountingProxy;
let direct: DynamoDBClient;
let admin: DynamoDBDocumentClient;
let client: DynamoDBClient;
let store: DynamoCustomerStore;
let auditTrail: AuditTrail;
const tables = { customers: `customers-${randomUUID()}`, audit: `audit-${randomUUID()}` };

beforeAll(async () => {
  const upstream = process.env.DYNAMODB_ENDPOINT;
  if (!upstream) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  direct = new DynamoDBClient({ endpoint: upstream });
  admin = DynamoDBDocumentClient.from(direct);
  await direct.send(new CreateTableCommand(toCreateTableInput(CUSTOMERS_TABLE, tables.customers)));
  await direct.send(new CreateTableCommand(toCreateTableInput(AUDIT_TABLE, tables.audit)));
  proxy = await CountingProxy.start(upstream);
  // One retry, as in the Lambdas: a failure test waits one backoff, not three.
  client = new DynamoDBClient({ endpoint: proxy.endpoint, maxAttempts: 2 });
  const documents = DynamoDBDocumentClient.from(client);
  auditTrail = new AuditTrail(documents, tables.audit, RETENTION_DAYS);
  store = new DynamoCustomerStore(documents, tables.customers, auditTrail);
});

afterAll(async () => {
  await proxy.stop();
  client.destroy();
  for (const name of Object.values(tables)) await direct.send(new DeleteTableCommand({ TableName: name }));
  direct.destroy();
});

afterEach(() => {
  proxy.failure = 'none';
});

/** Each test has its own brand, so its items are its own. */
let brands = 0;
const newBrand = (): string => `brand-${++brands}`;

function ciam(overrides: Partial<CiamProfile> = {}): CiamProfile {
  return {
    cuid: randomUUID(), firstName: 'Jane', lastName: 'Doe',
    email: 'jane@example.com', emailVerified: true, mobile: '+447700900123', mobileVerified: true,
    ...overrides,
  };
}

const link = (brandId: string, profile: CiamProfile, via: CustomerStore = store) => linkCustomer(via, { brandId, profile, requestId: randomUUID(), now: NOW });
/** A minute after the logins, so that its audit record sorts after theirs. */
const change = (brandId: string, profile: CiamProfile, type: 'email' | 'mobile', via: CustomerStore = store) =>
  changeIdentifier(via, { brandId, cuid: profile.cuid, type, profile, requestId: randomUUID(), now: NOW + 60_000 });

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await admin.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The brand's customers and claims, as stored. */
async function itemsOf(brandId: string): Promise<{ customers: (Customer & { pk: string })[]; claims: Map<string, string> }> {
  const items = (await scan(tables.customers)).filter((item) => String(item.pk).split('#')[1] === brandId);
  return {
    customers: items.filter((item) => String(item.pk).startsWith('CUSTOMER#')) as unknown as (Customer & { pk: string })[],
    claims: new Map(items.filter((item) => !String(item.pk).startsWith('CUSTOMER#')).map((item) => [String(item.pk), String(item.customerId)])),
  };
}

/** Nothing half-written: every claim is its customer's, and every customer holds exactly its claims. */
async function expectConsistent(brandId: string): Promise<void> {
  const { customers, claims } = await itemsOf(brandId);
  const expected = new Map<string, string>();
  for (const c of customers) {
    if (c.sourceProfiles.OAUTH_EXTERNAL) expected.set(`CUID#${brandId}#${c.sourceProfiles.OAUTH_EXTERNAL.cuid}`, c.customerId);
    if (c.claimed.email) expected.set(`EMAIL#${brandId}#${c.claimed.email}`, c.customerId);
    if (c.claimed.mobile) expected.set(`MOBILE#${brandId}#${c.claimed.mobile}`, c.customerId);
  }
  expect(claims).toEqual(expected);
}

/** The stored item exactly as DynamoDB returns it, for byte-for-byte comparisons. */
async function rawCustomer(brandId: string, customerId: string): Promise<string> {
  const { Item } = await direct.send(new GetItemCommand({ TableName: tables.customers, Key: { pk: { S: `CUSTOMER#${brandId}#${customerId}` } }, ConsistentRead: true }));
  expect(Item).toBeDefined();
  return JSON.stringify(Item);
}

/** A customer registered in store: holds an email, no CIAM link. */
async function seedInStore(brandId: string, email: string): Promise<string> {
  const customerId = randomUUID();
  const at = new Date(NOW).toISOString();
  await store.write({
    customer: { customerId, brandId, profile: { email }, claimed: { email }, sourceProfiles: {}, version: 1, createdAt: at, updatedAt: at },
    expectedVersion: undefined,
    claim: [{ type: 'email', value: email }],
    release: [],
    audit: [],
  });
  return customerId;
}

/** The store, failing from the moment it writes: the reads before have succeeded. */
function failingOnWrite(failure: 'throttle' | 'reset'): CustomerStore {
  return {
    holderOf: (brandId, type, value) => store.holderOf(brandId, type, value),
    getCustomer: (brandId, customerId) => store.getCustomer(brandId, customerId),
    record: (record) => store.record(record),
    write: (change) => {
      proxy.failure = failure;
      return store.write(change);
    },
  };
}

it('turns 50 concurrent first logins of one CIAM user into exactly one customer and one cuid claim', async () => {
  const brandId = newBrand();
  const profile = ciam();

  const results = await Promise.all(Array.from({ length: 50 }, () => link(brandId, profile)));

  const { customers, claims } = await itemsOf(brandId);
  expect(customers).toHaveLength(1);
  expect([...claims.keys()].filter((pk) => pk.startsWith('CUID#'))).toEqual([`CUID#${brandId}#${profile.cuid}`]);
  expect(new Set(results.map((r) => r.customerId))).toEqual(new Set([customers[0]?.customerId]));
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(results.filter((r) => !r.created).every((r) => r.linkedBy === 'cuid')).toBe(true);
  await expectConsistent(brandId);
  expect((await auditTrail.listByCustomer(customers[0]?.customerId ?? '')).map((r) => r.action)).toEqual(['customer_created']);
});

it('never attaches an unverified email another customer holds: a new customer, and the refusal audited', async () => {
  const brandId = newBrand();
  const holderId = await seedInStore(brandId, 'jane@example.com');
  const before = await rawCustomer(brandId, holderId);

  const result = await link(brandId, ciam({ emailVerified: false, mobile: undefined }));

  expect(result).toMatchObject({ created: true, linkedBy: 'new' });
  expect(result.customerId).not.toBe(holderId);
  expect(await rawCustomer(brandId, holderId)).toBe(before);
  const { claims } = await itemsOf(brandId);
  expect(claims.get(`EMAIL#${brandId}#jane@example.com`)).toBe(holderId);
  await expectConsistent(brandId);
  const audit = await auditTrail.listByCustomer(result.customerId);
  expect(audit.map((r) => [r.action, r.reason]).sort()).toEqual([['customer_created', undefined], ['link_refused', 'identifier_unverified']]);
});

it('attaches a verified email to the customer holding it', async () => {
  const brandId = newBrand();
  const holderId = await seedInStore(brandId, 'jane@example.com');
  const profile = ciam();

  const result = await link(brandId, profile);

  expect(result).toEqual({ customerId: holderId, created: false, linkedBy: 'email', changedFields: ['firstName', 'lastName', 'mobile'] });
  const { customers, claims } = await itemsOf(brandId);
  expect(customers).toHaveLength(1);
  expect(customers[0]).toMatchObject({ sourceProfiles: { OAUTH_EXTERNAL: { cuid: profile.cuid } }, version: 2 });
  expect(claims.get(`CUID#${brandId}#${profile.cuid}`)).toBe(holderId);
  await expectConsistent(brandId);
});

it('refuses an identifier change to a value another customer holds with 409, changing neither customer', async () => {
  const brandId = newBrand();
  const holderId = await seedInStore(brandId, 'taken@example.com');
  const profile = ciam();
  const { customerId } = await link(brandId, profile);
  const before = [await rawCustomer(brandId, holderId), await rawCustomer(brandId, customerId)];

  const refused = change(brandId, { ...profile, email: 'taken@example.com' }, 'email');

  await expect(refused).rejects.toBeInstanceOf(ConflictError);
  await expect(refused).rejects.toMatchObject({ code: 'IDENTIFIER_TAKEN' });
  expect([await rawCustomer(brandId, holderId), await rawCustomer(brandId, customerId)]).toEqual(before);
  await expectConsistent(brandId);
  expect((await auditTrail.listByCustomer(customerId, { limit: 1 }))[0]).toMatchObject({ action: 'identifier_change_refused', reason: 'identifier_taken' });
});

it('moves the claim on a successful identifier change', async () => {
  const brandId = newBrand();
  const profile = ciam();
  const { customerId } = await link(brandId, profile);

  expect(await change(brandId, { ...profile, email: 'jane@new.example' }, 'email')).toEqual({ customerId, changedFields: ['email'] });

  const { customers, claims } = await itemsOf(brandId);
  expect(claims.has(`EMAIL#${brandId}#jane@example.com`)).toBe(false);
  expect(claims.get(`EMAIL#${brandId}#jane@new.example`)).toBe(customerId);
  expect(customers[0]).toMatchObject({ profile: { email: 'jane@new.example' }, claimed: { email: 'jane@new.example' }, version: 2 });
  await expectConsistent(brandId);
});

it('merges registration fields into the INSTORE source profile by group, audited, writing nothing on a repeat', async () => {
  const brandId = newBrand();
  const profile = ciam();
  const { customerId } = await link(brandId, profile);
  const declaration: RegistrationFieldsDeclaration = {
    extendedFields: { dateOfBirth: { type: 'date' }, optIn: { type: 'boolean' } },
    customFields: { children: { type: 'number' } },
  };
  const fields = { extendedFields: { dateOfBirth: '1990-05-01', optIn: true }, customFields: { children: 2 } };
  const merge = () => mergeRegistration(store, { brandId, cuid: profile.cuid, declaration, fields, requestId: 'r', now: NOW + 60_000 });

  expect(await merge()).toEqual({ customerId, changedFields: ['extendedFields.dateOfBirth', 'extendedFields.optIn', 'customFields.children'] });
  const writes = proxy.count('TransactWriteItems');
  expect(await merge()).toEqual({ customerId, changedFields: [] });

  expect(proxy.count('TransactWriteItems')).toBe(writes);
  expect((await itemsOf(brandId)).customers[0]?.sourceProfiles.INSTORE).toEqual(fields);
  expect(await auditTrail.listByCustomer(customerId, { limit: 1 })).toEqual([expect.objectContaining({
    action: 'registration_merged',
    changedFields: ['extendedFields.dateOfBirth', 'extendedFields.optIn', 'customFields.children'],
    masked: { 'extendedFields.dateOfBirth': '1***', 'extendedFields.optIn': '***', 'customFields.children': '***' },
  })]);
});

it('reads registration fields stored flat by version 0.2.0 as extended fields, and writes them back grouped', async () => {
  const brandId = newBrand();
  const profile = ciam();
  const { customerId } = await link(brandId, profile);
  const key = { pk: `CUSTOMER#${brandId}#${customerId}` };
  await admin.send(new UpdateCommand({ TableName: tables.customers, Key: key, UpdateExpression: 'SET sourceProfiles.INSTORE = :flat', ExpressionAttributeValues: { ':flat': { city: 'Leeds', marketingOptIn: true } } }));

  expect((await store.getCustomer(brandId, customerId))?.sourceProfiles.INSTORE).toEqual({ extendedFields: { city: 'Leeds', marketingOptIn: true } });
  const fields = { customFields: { shoe_size: 9 } };
  const declaration: RegistrationFieldsDeclaration = { extendedFields: {}, customFields: { shoe_size: { type: 'number' } } };
  expect(await mergeRegistration(store, { brandId, cuid: profile.cuid, declaration, fields, requestId: 'r', now: NOW })).toEqual({ customerId, changedFields: ['customFields.shoe_size'] });
  expect((await itemsOf(brandId)).customers[0]?.sourceProfiles.INSTORE).toEqual({ extendedFields: { city: 'Leeds', marketingOptIn: true }, customFields: { shoe_size: 9 } });
});

describe('when DynamoDB fails in the middle', () => {
  it.each(['throttle', 'reset'] as const)('a first login (%s) fails with STORE_UNAVAILABLE and writes nothing', async (failure) => {
    const brandId = newBrand();
    const writes = proxy.count('TransactWriteItems');

    const failed = link(brandId, ciam(), failingOnWrite(failure));

    await expect(failed).rejects.toBeInstanceOf(UpstreamError);
    await expect(failed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(proxy.count('TransactWriteItems')).toBeGreaterThan(writes);
    expect(await itemsOf(brandId)).toEqual({ customers: [], claims: new Map() });
    expect((await scan(tables.audit)).filter((item) => item.brandId === brandId)).toEqual([]);
  });

  it.each(['throttle', 'reset'] as const)('an identifier change (%s) fails with STORE_UNAVAILABLE and leaves the claims as they were', async (failure) => {
    const brandId = newBrand();
    const profile = ciam();
    const { customerId } = await link(brandId, profile);
    const before = await itemsOf(brandId);

    const failed = change(brandId, { ...profile, mobile: '+447700900999' }, 'mobile', failingOnWrite(failure));

    await expect(failed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    proxy.failure = 'none';
    expect(await itemsOf(brandId)).toEqual(before);
    await expectConsistent(brandId);
    expect((await auditTrail.listByCustomer(customerId)).map((r) => r.action)).toEqual(['customer_created']);
  });
});

it('reports the write units of a first login, and consumes none on a repeat login with nothing changed', async () => {
  const brandId = newBrand();
  const profile = ciam();
  const start = store.consumedCapacity;

  await link(brandId, profile);
  const afterFirst = store.consumedCapacity;
  const writes = proxy.count('TransactWriteItems');
  await link(brandId, profile);
  const afterRepeat = store.consumedCapacity;

  expect(afterFirst.writeUnits - start.writeUnits).toBeGreaterThan(0);
  expect(afterRepeat.writeUnits - afterFirst.writeUnits).toBe(0);
  expect(afterRepeat.readUnits - afterFirst.readUnits).toBeGreaterThan(0);
  expect(proxy.count('TransactWriteItems')).toBe(writes);
});

it('writes audit records with the change, queryable by brand and time and by customer, values masked', async () => {
  const brandId = newBrand();
  const profile = ciam({ email: 'jane.secret@example.com', mobile: '+447700900456' });
  const { customerId } = await link(brandId, profile);
  await linkCustomer(store, { brandId, profile: { ...profile, firstName: 'Janet' }, requestId: 'req-later', now: NOW + 60_000 });

  const all = await auditTrail.listByBrand(brandId, { from: new Date(NOW), to: new Date(NOW + 60_000) });
  expect(all.map((r) => r.action)).toEqual(['profile_updated', 'customer_created']);
  expect(all[1]).toEqual({
    brandId, cuid: profile.cuid, customerId, requestId: expect.any(String), at: new Date(NOW).toISOString(), action: 'customer_created',
    changedFields: ['firstName', 'lastName', 'email', 'mobile'],
    masked: { firstName: 'J***', lastName: 'D***', email: 'j***@example.com', mobile: '+44*******456' },
  });
  expect((await auditTrail.listByBrand(brandId, { from: new Date(NOW + 1), to: new Date(NOW + 60_000) })).map((r) => r.requestId)).toEqual(['req-later']);
  expect(await auditTrail.listByBrand(brandId, { from: new Date(NOW), to: new Date(NOW + 60_000), limit: 1 })).toHaveLength(1);
  expect((await auditTrail.listByCustomer(customerId)).map((r) => r.action)).toEqual(['profile_updated', 'customer_created']);

  const stored = (await scan(tables.audit)).filter((item) => item.brandId === brandId);
  expect(stored[0]?.expiresAt).toBe(Math.floor(Date.parse(String(stored[0]?.at)) / 1000) + RETENTION_DAYS * 86_400);
  const raw = JSON.stringify(stored);
  for (const value of ['jane.secret@example.com', 'jane.secret', '+447700900456', 'Jane', 'Janet', 'Doe']) expect(raw).not.toContain(value);
});
