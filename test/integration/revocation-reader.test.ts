/**
 * The authorizer's revocation reads against DynamoDB Local, through the lean client and a counting proxy: one
 * batched read per (brand, subject, session), kept for the cache TTL on an injected clock, failures not kept.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LeanDynamoDb } from '../../lambdas/adapters/lean-dynamodb';
import { cachedRevocationLookup } from '../../lambdas/adapters/revocation-reader';
import { revocationKey } from '../../lambdas/core/revocation';
import { REVOCATIONS_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { CountingProxy } from '../support/counting-proxy';

const table = `revocations-${randomUUID()}`;
const TTL_MS = 10_000;
let client: DynamoDBClient;
let proxy: CountingProxy;
let lean: LeanDynamoDb;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  await client.send(new CreateTableCommand(toCreateTableInput(REVOCATIONS_TABLE, table)));
  const documents = DynamoDBDocumentClient.from(client);
  await documents.send(new PutCommand({ TableName: table, Item: { pk: revocationKey({ kind: 'sub', brandId: 'acme', sub: 'alice' }), revokedBefore: 1_000 } }));
  await documents.send(new PutCommand({ TableName: table, Item: { pk: revocationKey({ kind: 'sid', brandId: 'acme', sid: 's-1' }), revokedAt: 900 } }));
  proxy = await CountingProxy.start(endpoint);
  lean = new LeanDynamoDb({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: proxy.endpoint, random: () => 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await client?.send(new DeleteTableCommand({ TableName: table }));
  client?.destroy();
});

function setup() {
  let nowMs = 0;
  const lookup = cachedRevocationLookup(lean, table, TTL_MS, () => nowMs);
  const reads = proxy.count('BatchGetItem');
  return { lookup, readsSince: () => proxy.count('BatchGetItem') - reads, advance: (ms: number) => (nowMs += ms) };
}

it("reads a subject's watermark and its session's revocation in one batched read", async () => {
  const { lookup, readsSince } = setup();
  expect(await lookup('acme', 'alice', 's-1')).toEqual({ subRevokedBefore: 1_000, sidRevokedAt: 900 });
  expect(await lookup('acme', 'alice', undefined)).toEqual({ subRevokedBefore: 1_000, sidRevokedAt: undefined });
  expect(await lookup('acme', 'bob', 's-2')).toEqual({ subRevokedBefore: undefined, sidRevokedAt: undefined });
  expect(readsSince()).toBe(3);
});

it('keeps what it read, "nothing revoked" included, for the cache TTL: a warm decision reads nothing', async () => {
  const { lookup, readsSince, advance } = setup();
  for (let i = 0; i < 10; i += 1) await lookup('acme', 'carol', undefined);
  expect(readsSince()).toBe(1);
  advance(TTL_MS - 1);
  await lookup('acme', 'carol', undefined);
  expect(readsSince()).toBe(1);
  advance(1);
  await lookup('acme', 'carol', undefined);
  expect(readsSince()).toBe(2);
});

it('fails closed on a store that cannot answer, and does not keep the failure', async () => {
  const { lookup, readsSince } = setup();
  proxy.failure = 'throttle';
  try {
    await expect(lookup('acme', 'dave', undefined)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  } finally {
    proxy.failure = 'none';
  }
  expect(await lookup('acme', 'dave', undefined)).toEqual({ subRevokedBefore: undefined, sidRevokedAt: undefined });
  expect(readsSince()).toBe(4); // three attempts, then one read once it answers
});

it('reads strongly consistent, and sees a revocation written after its last read once the TTL has passed', async () => {
  const { lookup, advance } = setup();
  expect(await lookup('acme', 'erin', undefined)).toEqual({ subRevokedBefore: undefined, sidRevokedAt: undefined });
  const read = proxy.requests.filter((request) => request.operation === 'BatchGetItem').at(-1);
  expect(JSON.parse(read?.body ?? '{}')).toMatchObject({ RequestItems: { [table]: { ConsistentRead: true } } });
  await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: table, Item: { pk: revocationKey({ kind: 'sub', brandId: 'acme', sub: 'erin' }), revokedBefore: 2_000 } }));
  advance(TTL_MS - 1);
  expect(await lookup('acme', 'erin', undefined)).toEqual({ subRevokedBefore: undefined, sidRevokedAt: undefined });
  advance(1);
  expect(await lookup('acme', 'erin', undefined)).toEqual({ subRevokedBefore: 2_000, sidRevokedAt: undefined });
});
