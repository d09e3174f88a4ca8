import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { DynamoRevocationStore } from '../../lambdas/adapters/revocation-store';
import { UpstreamError } from '../../lambdas/core/errors';
import { isRevoked, REVOCATION_LIFETIME_SECONDS, type RevocationTarget } from '../../lambdas/core/revocation';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { AUDIT_TABLE, REVOCATIONS_TABLE } from '../../lib/table-definitions';

/**
 * The revocation store against DynamoDB Local: the subject's watermark only moves forward, records expire after
 * every token they kill, a logout token is used once, concurrent logouts all land, and nothing holds a token.
 */
const T = 1_700_000_000;
const REQUEST = { requestId: 'req-1', actor: 'ops' };

let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let store: DynamoRevocationStore;
const tables = { revocations: `revocations-${randomUUID()}`, audit: `audit-${randomUUID()}` };

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  documents = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand(toCreateTableInput(REVOCATIONS_TABLE, tables.revocations)));
  await client.send(new CreateTableCommand(toCreateTableInput(AUDIT_TABLE, tables.audit)));
  store = new DynamoRevocationStore(documents, tables.revocations, new AuditTrail(documents, tables.audit, 30));
});

afterAll(async () => {
  for (const name of Object.values(tables)) await client.send(new DeleteTableCommand({ TableName: name }));
  client.destroy();
});

const subject = (sub: string): RevocationTarget => ({ kind: 'sub', brandId: 'brand-a', sub });
const session = (sid: string): RevocationTarget => ({ kind: 'sid', brandId: 'brand-a', sid });
const item = async (pk: string) => (await documents.send(new GetCommand({ TableName: tables.revocations, Key: { pk } }))).Item;
const auditOf = async (brandId: string) =>
  (await documents.send(new QueryCommand({ TableName: tables.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REVOCATIONS#${brandId}` } }))).Items ?? [];

describe('DynamoRevocationStore', () => {
  it("moves a subject's watermark forward only, auditing every request", async () => {
    const sub = `user-${randomUUID()}`;
    await store.revoke({ target: subject(sub), revokedAt: T, source: 'logout' }, REQUEST);
    await store.revoke({ target: subject(sub), revokedAt: T - 100, source: 'admin' }, REQUEST);
    expect(await store.stateOf('brand-a', sub)).toEqual({ subRevokedBefore: T });
    await store.revoke({ target: subject(sub), revokedAt: T + 50, source: 'admin' }, REQUEST);
    expect(await store.stateOf('brand-a', sub)).toEqual({ subRevokedBefore: T + 50 });
    const audit = (await auditOf('brand-a')).filter((record) => record.cuid === sub);
    expect(audit.map((record) => [record.action, record.source])).toEqual(
      expect.arrayContaining([['subject_revoked', 'logout'], ['subject_revoked', 'admin'], ['subject_revoked', 'admin']]),
    );
    expect(audit).toHaveLength(3);
  });

  it('keeps each record until every token it kills has expired (DynamoDB TTL on expiresAt)', async () => {
    const sub = `user-${randomUUID()}`;
    await store.revoke({ target: subject(sub), revokedAt: T, source: 'logout' }, REQUEST);
    await store.revoke({ target: session(`s-${sub}`), revokedAt: T, source: 'backchannel' }, REQUEST);
    expect(await item(`SUB#brand-a#${sub}`)).toEqual({ pk: `SUB#brand-a#${sub}`, brandId: 'brand-a', sub, source: 'logout', revokedBefore: T, expiresAt: T + REVOCATION_LIFETIME_SECONDS });
    expect(await item(`SID#brand-a#s-${sub}`)).toMatchObject({ revokedAt: T, expiresAt: T + REVOCATION_LIFETIME_SECONDS });
  });

  it('reads a subject and a session together, and a session of another subject or brand stays apart', async () => {
    const sub = `user-${randomUUID()}`;
    await store.revoke({ target: session(`s1-${sub}`), revokedAt: T, source: 'backchannel' }, REQUEST);
    const state = await store.stateOf('brand-a', sub, `s1-${sub}`);
    expect(state).toEqual({ sidRevokedAt: T });
    expect(isRevoked({ iat: T + 10, sid: `s1-${sub}` }, state)).toBe(true);
    expect(await store.stateOf('brand-a', sub, `s2-${sub}`)).toEqual({});
    expect(await store.stateOf('brand-b', sub, `s1-${sub}`)).toEqual({});
  });

  it('records a logout token once: a replay is refused until its record expires', async () => {
    const jti = `jti-${randomUUID()}`;
    expect(await store.firstUseOfLogoutToken('brand-a', jti, T + 120)).toBe(true);
    expect(await store.firstUseOfLogoutToken('brand-a', jti, T + 120)).toBe(false);
    expect(await store.firstUseOfLogoutToken('brand-b', jti, T + 120)).toBe(true);
    expect(await item(`JTI#brand-a#${jti}`)).toEqual({ pk: `JTI#brand-a#${jti}`, expiresAt: T + 120 });
  });

  it('lets one of two concurrent deliveries of a logout token through', async () => {
    const jti = `jti-${randomUUID()}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => store.firstUseOfLogoutToken('brand-a', jti, T + 120)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('loses none of 100 concurrent logouts', async () => {
    const subs = Array.from({ length: 100 }, (_, i) => `user-${i}-${randomUUID()}`);
    await Promise.all(subs.map((sub, i) => store.revoke({ target: i % 2 === 0 ? subject(sub) : session(sub), revokedAt: T + i, source: 'logout' }, REQUEST)));
    const states = await Promise.all(subs.map((sub, i) => (i % 2 === 0 ? store.stateOf('brand-a', sub) : store.stateOf('brand-a', 'anyone', sub))));
    expect(states).toEqual(subs.map((_, i) => (i % 2 === 0 ? { subRevokedBefore: T + i } : { sidRevokedAt: T + i })));
  });

  it('keeps the latest of 100 concurrent revocations of one subject', async () => {
    const sub = `user-${randomUUID()}`;
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.revoke({ target: subject(sub), revokedAt: T + i, source: 'logout' }, REQUEST)));
    expect(await store.stateOf('brand-a', sub)).toEqual({ subRevokedBefore: T + 99 });
  });

  it('finds what is recorded for the admin API', async () => {
    const sub = `user-${randomUUID()}`;
    expect(await store.find(subject(sub))).toBeUndefined();
    await store.revoke({ target: subject(sub), revokedAt: T, source: 'admin' }, REQUEST);
    expect(await store.find(subject(sub))).toEqual({ target: subject(sub), revokedAt: T, source: 'admin', expiresAt: T + REVOCATION_LIFETIME_SECONDS });
  });

  it('fails as STORE_UNAVAILABLE when the table is missing, never as an unknown error', async () => {
    const missing = new DynamoRevocationStore(documents, `missing-${randomUUID()}`, new AuditTrail(documents, tables.audit, 30));
    await expect(missing.stateOf('brand-a', 'u')).rejects.toEqual(expect.any(UpstreamError));
    await expect(missing.stateOf('brand-a', 'u')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
