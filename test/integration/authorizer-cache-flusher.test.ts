/**
 * The authorizer-cache flushes with the real SDK clients, against a loopback server that answers as SSM
 * (GetParametersByPath, paged), API Gateway (FlushStageAuthorizersCache) and SQS (SendMessage) do, and as local
 * mode's emulator does: one flush of the registered stages, the follow-up sent to the queue, and the function that
 * runs the follow-ups.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createRegisteredStagesFlush } from '../../lambdas/adapters/authorizer-cache-flusher';
import { cacheFlushDependencies } from '../../lambdas/adapters/cache-flush-runtime';
import { followUpFlushSender } from '../../lambdas/adapters/follow-up-flush-queue';
import { readFunctionEnvironment } from '../../lambdas/adapters/function-environment';
import { createAuthorizerCacheFlushHandler } from '../../lambdas/handlers/authorizer-cache-flush';
import { FakeAwsControlPlane } from '../support/fake-aws-control-plane';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ciam-follow-ups';
/** The registry in two pages: this gateway's own API (its authorizer's TTL recorded), a consumer's, and one deleted since. */
const REGISTRY = [
  [
    { name: '/ciam-gateway/dev/apis/own', value: '{"stageName":"dev","brandCacheTtlSeconds":30}' },
    { name: '/ciam-gateway/dev/apis/gone', value: '{"stageName":"prod"}' },
  ],
  [{ name: '/ciam-gateway/dev/apis/orders', value: 'v1' }],
];

let plane: FakeAwsControlPlane;

beforeAll(async () => {
  plane = await FakeAwsControlPlane.start();
});

afterAll(async () => {
  await plane.stop();
});

describe('one flush of the registered stages, in AWS', () => {
  const flush = () => createRegisteredStagesFlush({ stage: 'dev' }, plane.clients())();

  test('reads every page of the registry, then flushes each stage; a stage that fails is reported, not thrown', async () => {
    plane.reset({ registry: REGISTRY, missingApis: ['gone'] });
    expect(await flush()).toEqual({
      flushed: ['own/dev', 'orders/v1'],
      failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }],
      stages: [{ restApiId: 'own', stageName: 'dev', brandCacheTtlSeconds: 30 }, { restApiId: 'gone', stageName: 'prod' }, { restApiId: 'orders', stageName: 'v1' }],
    });
    const registryReads = plane.requests.filter((request) => request.target === 'AmazonSSM.GetParametersByPath').map((request) => JSON.parse(request.body));
    expect(registryReads).toEqual([
      { Path: '/ciam-gateway/dev/apis', Recursive: false, MaxResults: 10 },
      { Path: '/ciam-gateway/dev/apis', Recursive: false, MaxResults: 10, NextToken: '1' },
    ]);
    expect(plane.flushes()).toEqual(['/restapis/gone/stages/prod/cache/authorizers', '/restapis/orders/stages/v1/cache/authorizers', '/restapis/own/stages/dev/cache/authorizers']);
  });

  test('reports, and does not throw, a registry it cannot read: no stage is flushed', async () => {
    plane.reset({ registryDenied: true });
    expect(await flush()).toEqual({ flushed: [], failed: [], registryError: 'FETCH_FAILED', stages: [] });
    expect(plane.flushes()).toEqual([]);
  });
});

describe('the follow-up on SQS', () => {
  const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);

  test('is a message delayed until it is due, naming when', async () => {
    plane.reset();
    const sender = followUpFlushSender(plane.clients().sqs, QUEUE_URL, () => NOW);
    await sender(NOW + 65_000);
    await sender(NOW + 3_600_000);
    expect(plane.sentMessages()).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ flushAt: '2030-01-02T03:05:10.000Z' }), DelaySeconds: 65 },
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ flushAt: '2030-01-02T04:04:05.000Z' }), DelaySeconds: 900 },
    ]);
  });

  test('fails with a stable code when SQS refuses it', async () => {
    plane.reset({ queueMissing: true });
    await expect(followUpFlushSender(plane.clients().sqs, QUEUE_URL, () => NOW)(NOW + 65_000)).rejects.toMatchObject({ name: 'UpstreamError', code: 'FETCH_FAILED' });
  });
});

describe('the function that runs the follow-ups, on its runtime wiring', () => {
  const handler = () =>
    createAuthorizerCacheFlushHandler(cacheFlushDependencies(readFunctionEnvironment('cache-flush', { STAGE: 'dev', AUTHORIZER_CACHE_FLUSH_QUEUE_URL: QUEUE_URL }), plane.clients()));
  const event = (...flushAt: number[]): SQSEvent => ({
    Records: flushAt.map((at, i) => ({ messageId: `m${i}`, body: JSON.stringify({ flushAt: new Date(at).toISOString() }) }) as SQSRecord),
  });

  test('flushes every registered stage once for the due messages, and sends one due beyond 15 minutes back', async () => {
    plane.reset({ registry: REGISTRY });
    const later = Date.now() + 3_000_000;
    expect(await handler()(event(Date.now() - 1000, Date.now() - 2000, later))).toEqual({ batchItemFailures: [] });
    expect(plane.flushes()).toHaveLength(3);
    expect(plane.sentMessages()).toEqual([{ QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ flushAt: new Date(later).toISOString() }), DelaySeconds: 900 }]);
  });

  test('fails the due messages, for SQS to deliver again, when a stage could not be flushed', async () => {
    plane.reset({ registry: REGISTRY, missingApis: ['gone'] });
    expect(await handler()(event(Date.now() - 1000))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});

describe('in local mode', () => {
  let emulator: Server;
  let status = 202;
  let calls: string[] = [];

  beforeAll(async () => {
    emulator = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => emulator.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => emulator.close(() => resolve()));
  });

  const flush = () => createRegisteredStagesFlush({ stage: 'local', localGatewayUrl: `http://127.0.0.1:${(emulator.address() as AddressInfo).port}` })();

  test("empties the emulator's cache", async () => {
    [status, calls] = [204, []];
    expect(await flush()).toEqual({ flushed: ['local/local'], failed: [], stages: [{ restApiId: 'local', stageName: 'local' }] });
    expect(calls).toEqual(['DELETE /_emulator/authorizer-cache']);
  });

  test('reports the emulator refusing, as a failed stage', async () => {
    [status, calls] = [500, []];
    expect(await flush()).toMatchObject({ flushed: [], failed: [{ stage: 'local/local', code: 'FETCH_FAILED' }] });
  });
});
