import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { BrandAdminStore } from '../../lambdas/adapters/brand-admin-store';
import { BrandConfigRepository } from '../../lambdas/adapters/brand-config-repository';
import { documentItemGetter } from '../../lambdas/adapters/dynamodb-client';
import { parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { AdminError, UpstreamError } from '../../lambdas/core/errors';
import { parseIfMatch } from '../../lambdas/core/if-match';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';

/**
 * The admin store against DynamoDB Local: optimistic concurrency on `version`, the dry run, and the audit record
 * written in the same transaction as the change. Assertions read the tables directly.
 */
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const AT = '2024-01-02T03:04:05.000Z';
const RETENTION_DAYS = 30;
const POLICY = { allowLoopbackHttp: false };
/** If-Match naming version `n`, as the admin API parses `"n"`. */
const version = (n: number) => parseIfMatch(`"${n}"`);

let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let auditTrail: AuditTrail;
let store: BrandAdminStore;
const tables = { brands: `brands-${randomUUID()}`, audit: `audit-${randomUUID()}` };

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  documents = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, tables.brands)));
  await client.send(new CreateTableCommand(toCreateTableInput(AUDIT_TABLE, tables.audit)));
  auditTrail = new AuditTrail(documents, tables.audit, RETENTION_DAYS);
  store = storeWith(documents);
});

afterAll(async () => {
  for (const name of Object.values(tables)) await client.send(new DeleteTableCommand({ TableName: name }));
  client.destroy();
});

function storeWith(dynamodb: DynamoDBDocumentClient, audit: AuditTrail = auditTrail): BrandAdminStore {
  return new BrandAdminStore({ client: dynamodb, brandTableName: tables.brands, auditTrail: audit, uriPolicy: POLICY, now: () => NOW });
}

/** Each test has its own brand, so its items are its own. */
let brands = 0;
function newBrand(overrides: Record<string, unknown> = {}): BrandConfig {
  return parseBrandConfig({
    brandId: `brand-${++brands}`, displayName: 'Brand', provider: 'generic-oidc', issuer: 'https://login.example/',
    jwksUri: 'https://login.example/jwks', userinfoEndpoint: 'https://login.example/userinfo', applicationId: 'app', clientId: 'client',
    audiences: ['loyalty-api'], ...overrides,
  }, POLICY);
}

async function storedItem(brandId: string): Promise<Record<string, unknown> | undefined> {
  return (await documents.send(new GetCommand({ TableName: tables.brands, Key: { brandId }, ConsistentRead: true }))).Item;
}

/** The brand's config-change records, oldest first (the frozen clock dates them all alike, so by version). */
async function auditOf(brandId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documents.send(new QueryCommand({
    TableName: tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `BRANDCONFIG#${brandId}` }, ConsistentRead: true,
  }));
  return Items.sort((a, b) => Number(a.version) - Number(b.version));
}

async function refusal(promise: Promise<unknown>): Promise<AdminError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

describe('put', () => {
  it('creates a brand at version 1, stamped from the clock, with its audit record', async () => {
    const config = newBrand();

    const { stored, diff } = await store.put(config, undefined, 'ops');

    expect(stored).toEqual({ config, version: 1, updatedAt: AT, updatedBy: 'ops' });
    expect(Object.keys(diff).sort()).toEqual(Object.keys(config).sort());
    expect(await storedItem(config.brandId)).toEqual({ ...config, version: 1, updatedAt: AT, updatedBy: 'ops' });
    // The item is what the authorizer's repository reads.
    expect(await new BrandConfigRepository(documentItemGetter(documents), tables.brands, POLICY).get(config.brandId)).toEqual(config);
    expect(await auditOf(config.brandId)).toEqual([{
      pk: `BRANDCONFIG#${config.brandId}`, sk: expect.stringMatching(new RegExp(`^${AT}#`)), brandId: config.brandId,
      action: 'brand_created', actor: 'ops', at: AT, version: 1, changedFields: Object.keys(diff), diff: JSON.parse(JSON.stringify(diff)),
      expiresAt: NOW / 1000 + RETENTION_DAYS * 86_400,
    }]);
  });

  it('replaces the version it is told, auditing only the fields that changed', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');

    const { stored, diff } = await store.put({ ...config, displayName: 'Renamed', status: 'disabled' }, version(1), 'ops-2');

    expect(stored.version).toBe(2);
    expect(diff).toEqual({ displayName: { before: 'Brand', after: 'Renamed' }, status: { before: 'active', after: 'disabled' } });
    expect(await storedItem(config.brandId)).toMatchObject({ displayName: 'Renamed', status: 'disabled', version: 2, updatedBy: 'ops-2' });
    expect((await auditOf(config.brandId)).map((r) => [r.action, r.version, r.changedFields])).toEqual([
      ['brand_created', 1, Object.keys(config)],
      ['brand_replaced', 2, ['displayName', 'status']],
    ]);
  });

  it('refuses to replace an existing brand without a version: VERSION_REQUIRED, naming the current one', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');
    await store.put({ ...config, displayName: 'Second' }, version(1), 'ops');

    const err = await refusal(store.put({ ...config, displayName: 'Third' }, undefined, 'ops'));

    expect(err).toMatchObject({ code: 'VERSION_REQUIRED', currentVersion: 2 });
    expect(await storedItem(config.brandId)).toMatchObject({ displayName: 'Second', version: 2 });
    expect(await auditOf(config.brandId)).toHaveLength(2);
  });

  it('refuses a stale version: VERSION_MISMATCH, naming the current one, and writes nothing', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');
    await store.put({ ...config, displayName: 'Second' }, version(1), 'ops');

    const err = await refusal(store.put({ ...config, displayName: 'Stale' }, version(1), 'ops'));

    expect(err).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
    expect(await storedItem(config.brandId)).toMatchObject({ displayName: 'Second', version: 2 });
    expect(await auditOf(config.brandId)).toHaveLength(2);
  });

  it('refuses an entity tag that never named a version (If-Match: "stale-version-0") as stale: VERSION_MISMATCH, writing nothing', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');
    for (const header of ['"stale-version-0"', 'W/"1"', '"01"']) {
      expect(await refusal(store.put({ ...config, displayName: 'Stale' }, parseIfMatch(header), 'ops'))).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 1 });
    }
    expect(await auditOf(config.brandId)).toHaveLength(1);
  });

  it('replaces whatever version is stored on If-Match: *, still under a version condition', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');
    await store.put({ ...config, displayName: 'Second' }, version(1), 'ops');
    const { stored } = await store.put({ ...config, displayName: 'Third' }, parseIfMatch('*'), 'ops');
    expect(stored.version).toBe(3);
    expect(await refusal(store.put(newBrand(), parseIfMatch('*'), 'ops'))).toMatchObject({ code: 'VERSION_MISMATCH' });
  });

  it('refuses a version of a brand that does not exist, creating nothing', async () => {
    const config = newBrand();
    const err = await refusal(store.put(config, version(1), 'ops'));
    expect(err.code).toBe('VERSION_MISMATCH');
    expect(err.currentVersion).toBeUndefined();
    expect(await storedItem(config.brandId)).toBeUndefined();
  });

  describe('losing a race between its read and its write', () => {
    /** A client that lets `competitor` write just before the store's own transaction. */
    function racingClient(competitor: () => Promise<unknown>): DynamoDBDocumentClient {
      let raced = false;
      return {
        send: async (command: unknown) => {
          if (command instanceof TransactWriteCommand && !raced) {
            raced = true;
            await competitor();
          }
          return documents.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient;
    }

    it('refuses a replace with VERSION_MISMATCH, naming the version that won, and writes nothing of its own', async () => {
      const config = newBrand();
      await store.put(config, undefined, 'ops');
      const loser = storeWith(racingClient(() => store.put({ ...config, displayName: 'Winner' }, version(1), 'winner')));

      const err = await refusal(loser.put({ ...config, displayName: 'Loser' }, version(1), 'loser'));

      expect(err).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
      expect(await storedItem(config.brandId)).toMatchObject({ displayName: 'Winner', version: 2 });
      expect((await auditOf(config.brandId)).map((r) => r.actor)).toEqual(['ops', 'winner']);
    });

    it('refuses a create with VERSION_REQUIRED when another create won', async () => {
      const config = newBrand();
      const loser = storeWith(racingClient(() => store.put(config, undefined, 'winner')));

      const err = await refusal(loser.put({ ...config, displayName: 'Loser' }, undefined, 'loser'));

      expect(err).toMatchObject({ code: 'VERSION_REQUIRED', currentVersion: 1 });
      expect(await storedItem(config.brandId)).toMatchObject({ displayName: 'Brand', updatedBy: 'winner' });
    });
  });

  it('writes the change and its audit record together or not at all', async () => {
    const config = newBrand();
    const noAuditTable = new AuditTrail(documents, `missing-${randomUUID()}`, RETENTION_DAYS);

    const failed = storeWith(documents, noAuditTable).put(config, undefined, 'ops');

    await expect(failed).rejects.toBeInstanceOf(UpstreamError);
    await expect(failed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await storedItem(config.brandId)).toBeUndefined();
  });
});

describe('preview', () => {
  it('shows every field of a brand that does not exist yet, and writes nothing', async () => {
    const config = newBrand();

    const preview = await store.preview(config);

    expect(preview.currentVersion).toBeUndefined();
    expect(Object.keys(preview.changes).sort()).toEqual(Object.keys(config).sort());
    expect(await storedItem(config.brandId)).toBeUndefined();
    expect(await auditOf(config.brandId)).toEqual([]);
  });

  it('diffs against the stored config, status included, and writes nothing', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');

    const preview = await store.preview({ ...config, status: 'disabled', requiredScopes: ['loyalty'] });

    expect(preview).toEqual({
      currentVersion: 1,
      changes: { status: { before: 'active', after: 'disabled' }, requiredScopes: { before: [], after: ['loyalty'] } },
    });
    expect(await storedItem(config.brandId)).toMatchObject({ status: 'active', version: 1 });
    expect(await auditOf(config.brandId)).toHaveLength(1);
  });
});

describe('disable', () => {
  it('disables and keeps the brand at the next version, audited', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');

    const stored = await store.setStatus(config.brandId, 'disabled', 'ops-2');

    expect(stored).toEqual({ config: { ...config, status: 'disabled' }, version: 2, updatedAt: AT, updatedBy: 'ops-2' });
    expect(await storedItem(config.brandId)).toMatchObject({ status: 'disabled', version: 2 });
    expect((await auditOf(config.brandId)).at(-1)).toMatchObject({ action: 'brand_disabled', changedFields: ['status'], diff: { status: { before: 'active', after: 'disabled' } } });
  });

  it('enables a disabled brand again at the next version, audited', async () => {
    const config = newBrand();
    await store.put(config, undefined, 'ops');
    await store.setStatus(config.brandId, 'disabled', 'ops');

    expect(await store.setStatus(config.brandId, 'active', 'ops-3')).toEqual({ config, version: 3, updatedAt: AT, updatedBy: 'ops-3' });
    expect((await auditOf(config.brandId)).at(-1)).toMatchObject({ action: 'brand_enabled', diff: { status: { before: 'disabled', after: 'active' } } });
  });

  it('refuses a brand that does not exist with BRAND_NOT_FOUND', async () => {
    const err = await refusal(store.setStatus('no-such-brand', 'disabled', 'ops'));
    expect(err.code).toBe('BRAND_NOT_FOUND');
  });
});

describe('get and list', () => {
  it('reads what put wrote, and lists brands sorted by id', async () => {
    const b = newBrand();
    const a = parseBrandConfig({ ...b, brandId: `${b.brandId}-a` }, POLICY);
    await store.put(b, undefined, 'ops');
    await store.put(a, undefined, 'ops');

    expect(await store.get(b.brandId)).toEqual({ config: b, version: 1, updatedAt: AT, updatedBy: 'ops' });
    const ids = (await store.list()).map((s) => s.config.brandId);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining([a.brandId, b.brandId]));
  });
});
