/**
 * The authorizer's lean DynamoDB client against DynamoDB Local, through a proxy that can throttle, fail, refuse the
 * credentials, drop the connection or hang: what it reads must equal what the SDK reads, its signature must be the
 * one the SDK's own signer computes, and it must retry exactly what the SDK's standard mode retries.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { documentItemGetter } from '../../lambdas/adapters/dynamodb-client';
import { AwsCallError } from '../../lambdas/adapters/lean-aws-json';
import { LeanDynamoDb, type LeanDynamoDbOptions } from '../../lambdas/adapters/lean-dynamodb';
import { translateError } from '../../lambdas/adapters/library-errors';
import { UpstreamError } from '../../lambdas/core/errors';
import { BRAND_CONFIG_TABLE } from '../../lib/table-definitions';
import { toCreateTableInput } from '../../lib/local/local-tables';
import { CountingProxy } from '../support/counting-proxy';

const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLEROLE', secretAccessKey: 'role-secret', sessionToken: 'role-session-token' };
const REGION = 'eu-west-1';
const table = `lean-${randomUUID()}`;
const ITEM = {
  brandId: 'lean-brand', version: 7, status: 'active', audiences: ['loyalty-api', 'other'], nested: { on: true, ratio: 0.5, none: null },
};

let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let proxy: CountingProxy;

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the jest global setup starts DynamoDB Local');
  client = new DynamoDBClient({ endpoint });
  documents = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand(toCreateTableInput(BRAND_CONFIG_TABLE, table)));
  await documents.send(new PutCommand({ TableName: table, Item: ITEM }));
  proxy = await CountingProxy.start(endpoint);
});

afterAll(async () => {
  await proxy?.stop();
  await client?.send(new DeleteTableCommand({ TableName: table }));
  client?.destroy();
});

beforeEach(() => {
  proxy.requests.length = 0;
  proxy.failure = 'none';
});

/** No backoff waits (`random` is 0), so a retry test takes no time. */
const lean = (options: Partial<LeanDynamoDbOptions> = {}) =>
  new LeanDynamoDb({ region: REGION, credentials: CREDENTIALS, endpoint: proxy.endpoint, random: () => 0, ...options });

async function failure(promise: Promise<unknown>): Promise<AwsCallError> {
  const outcome = await promise.then(() => undefined, (err: unknown) => err);
  expect(outcome).toBeInstanceOf(AwsCallError);
  return outcome as AwsCallError;
}

describe('LeanDynamoDb.getItem', () => {
  it('reads an item exactly as the SDK document client reads it', async () => {
    const viaSdk = await documentItemGetter(documents).getItem(table, { brandId: 'lean-brand' });
    expect(await lean().getItem(table, { brandId: 'lean-brand' })).toEqual(viaSdk);
    expect(viaSdk).toEqual(ITEM);
  });

  it('answers undefined for a missing item', async () => {
    expect(await lean().getItem(table, { brandId: 'nobody' })).toBeUndefined();
  });

  it("signs with the runtime's credentials, session token included, as the SDK's own signer would", async () => {
    await lean().getItem(table, { brandId: 'lean-brand' });
    const [sent] = proxy.requests;
    const headers = Object.fromEntries(Object.entries(sent?.headers ?? {}).map(([name, value]) => [name, String(value)]));
    expect(headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    const authorization = headers.authorization ?? '';
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/dynamodb/aws4_request, `));

    // The SDK signs the same request, same headers and time, independently; the signatures must agree.
    const signedHeaders = new Set(/SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';'));
    const amzDate = headers['x-amz-date'] ?? '';
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const { authorization: _signature, ...unsigned } = headers;
    const url = new URL(proxy.endpoint);
    const signer = new SignatureV4({ service: 'dynamodb', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
    const resigned = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: unsigned, body: sent?.body },
      { signingDate, signableHeaders: signedHeaders, unsignableHeaders: new Set(Object.keys(unsigned).filter((name) => !signedHeaders.has(name))) },
    );
    expect(authorization).toBe(resigned.headers.authorization);
  });
});

describe('LeanDynamoDb retries', () => {
  it('retries a throttle (400 ThrottlingException) and a 500, then reads the item', async () => {
    proxy.failNext('throttle', 'server-error');
    expect(await lean().getItem(table, { brandId: 'lean-brand' })).toEqual(ITEM);
    expect(proxy.requests).toHaveLength(3);
  });

  it('retries a dropped connection and an attempt that outlives its deadline', async () => {
    proxy.failNext('reset', 'hang');
    expect(await lean({ attemptTimeoutMs: 200 }).getItem(table, { brandId: 'lean-brand' })).toEqual(ITEM);
    expect(proxy.requests).toHaveLength(3);
  });

  it('gives up after three attempts, and the error adapter makes it STORE_UNAVAILABLE', async () => {
    proxy.failure = 'throttle';
    const error = await failure(lean().getItem(table, { brandId: 'lean-brand' }));
    expect(error).toMatchObject({ name: 'ThrottlingException', status: 400 });
    expect(proxy.requests).toHaveLength(3);
    const translated = translateError(error, 'dynamodb');
    expect(translated).toBeInstanceOf(UpstreamError);
    expect(translated).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('ThrottlingException') });
  });

  it('does not retry expired credentials: another try cannot change the answer', async () => {
    proxy.failNext('expired-credentials');
    const error = await failure(lean().getItem(table, { brandId: 'lean-brand' }));
    expect(error).toMatchObject({ name: 'ExpiredTokenException', status: 400 });
    expect(proxy.requests).toHaveLength(1);
    expect(translateError(error, 'dynamodb')).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('ExpiredTokenException') });
  });

  it('draws its backoff from the injected random source, once per retry', async () => {
    proxy.failNext('throttle', 'throttle');
    const draws: number[] = [];
    // A zero draw waits nothing, whatever the base: one draw per retry.
    await lean({ random: () => (draws.push(0), 0), baseDelayMs: 10_000, maxDelayMs: 20_000 }).getItem(table, { brandId: 'lean-brand' });
    expect(draws).toHaveLength(2);
  });
});
