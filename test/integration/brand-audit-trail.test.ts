/**
 * A brand's audit trail against DynamoDB Local, as the admin API pages it: its config changes, revocations and
 * customer records merged newest first, page after page through the cursor with nothing skipped or repeated, other
 * brands' records left out.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditTrail } from '../../lambdas/adapters/audit-trail';
import { RequestError } from '../../lambdas/core/errors';
import { AUDIT_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';

const table = `audit-${randomUUID()}`;
let client: DynamoDBClient;
let trail: AuditTrail;

/** Minute `n` after a fixed start, as an ISO time. */
const minute = (n: number) => new Date(Date.UTC(2024, 0, 2, 3, n)).toISOString();

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  await client.send(new CreateTableCommand(toCreateTableInput(AUDIT_TABLE, table)));
  const documents = DynamoDBDocumentClient.from(client);
  trail = new AuditTrail(documents, table, 30);
  const items = [
    trail.toBrandChangeItem({ brandId: 'acme', action: 'brand_created', actor: 'ops', at: minute(1), version: 1, diff: {} }),
    trail.toItem({ brandId: 'acme', cuid: 'ada', customerId: 'c-1', requestId: 'r-1', at: minute(2), action: 'customer_created', changedFields: [], masked: {} }),
    trail.toRevocationItem({ brandId: 'acme', action: 'subject_revoked', source: 'admin', actor: 'ops', requestId: 'r-2', at: minute(3), cuid: 'ada' }),
    trail.toBrandChangeItem({ brandId: 'acme', action: 'brand_disabled', actor: 'ops', at: minute(4), version: 2, diff: {} }),
    trail.toBrandChangeItem({ brandId: 'acme', action: 'brand_enabled', actor: 'ops', at: minute(5), version: 3, diff: {} }),
    trail.toRevocationItem({ brandId: 'other', action: 'session_revoked', source: 'logout', actor: 'bob', requestId: 'r-3', at: minute(6), sid: 's-1' }),
  ];
  await documents.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
});

afterAll(async () => {
  await client?.send(new DeleteTableCommand({ TableName: table }));
  client?.destroy();
});

it('merges the three kinds of record newest first, and pages through them with the cursor', async () => {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await trail.brandTrail('acme', { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.entries.map((entry) => `${entry.kind}:${String(entry.action)}@${entry.at.slice(14, 16)}`));
    cursor = page.next;
  } while (cursor !== undefined && pages.length < 10);
  expect(pages.filter((page) => page.length > 0)).toEqual([
    ['config:brand_enabled@05', 'config:brand_disabled@04'],
    ['revocation:subject_revoked@03', 'customer:customer_created@02'],
    ['config:brand_created@01'],
  ]);
});

it('shows each record as written, without its keys or expiry', async () => {
  const { entries, next } = await trail.brandTrail('acme', { limit: 100 });
  expect(next).toBeUndefined();
  expect(entries).toHaveLength(5);
  expect(entries[2]).toEqual({ kind: 'revocation', brandId: 'acme', action: 'subject_revoked', source: 'admin', actor: 'ops', requestId: 'r-2', at: minute(3), cuid: 'ada' });
});

it.each([['not base64url of a sort key', 'bm9wZQ'], ['a sort key of another shape', Buffer.from('2024-01-02#x').toString('base64url')]])(
  'refuses a cursor that is %s with QUERY_INVALID',
  async (_case, cursor) => {
    await expect(trail.brandTrail('acme', { limit: 2, cursor })).rejects.toEqual(expect.objectContaining({ code: 'QUERY_INVALID' }));
    await expect(trail.brandTrail('acme', { limit: 2, cursor })).rejects.toBeInstanceOf(RequestError);
  },
);
