import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { StagesFlushResult } from '../../../lambdas/adapters/authorizer-cache-flusher';
import { UpstreamError } from '../../../lambdas/core/errors';
import { createAuthorizerCacheFlushHandler } from '../../../lambdas/handlers/authorizer-cache-flush';

const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);
const FLUSHED: StagesFlushResult = { flushed: ['own/prod', 'orders/v1'], failed: [], stages: [] };

const message = (messageId: string, body: unknown): SQSRecord => ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;
const followUp = (messageId: string, secondsFromNow: number) => message(messageId, { flushAt: new Date(NOW + secondsFromNow * 1000).toISOString() });
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

function setup(options: { flush?: StagesFlushResult; sendBackFails?: boolean } = {}) {
  let flushes = 0;
  const sentBack: number[] = [];
  const handle = createAuthorizerCacheFlushHandler({
    flush: async () => {
      flushes += 1;
      return options.flush ?? FLUSHED;
    },
    sendBack: async (dueAtMs) => {
      if (options.sendBackFails) throw new UpstreamError('FETCH_FAILED', 'sqs down');
      sentBack.push(dueAtMs);
    },
    now: () => NOW,
  });
  return { handle, flushes: () => flushes, sentBack };
}

describe('the follow-up authorizer-cache flush function', () => {
  test('flushes every registered stage once for all the due messages of a batch', async () => {
    const { handle, flushes, sentBack } = setup();
    expect(await handle(batch(followUp('a', 0), followUp('b', -3)))).toEqual({ batchItemFailures: [] });
    expect([flushes(), sentBack]).toEqual([1, []]);
  });

  test('sends a message that is not due yet back with its own due time, and flushes nothing for it', async () => {
    const { handle, flushes, sentBack } = setup();
    expect(await handle(batch(followUp('later', 1800)))).toEqual({ batchItemFailures: [] });
    expect([flushes(), sentBack]).toEqual([0, [NOW + 1_800_000]]);
  });

  test.each([
    ['a stage is not flushed', { ...FLUSHED, failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' as const }] }],
    ['the registry cannot be read', { flushed: [], failed: [], registryError: 'FETCH_FAILED' as const, stages: [] }],
  ])('fails the due messages when %s, so SQS delivers them again', async (_case, flush) => {
    const { handle } = setup({ flush });
    expect(await handle(batch(followUp('a', 0), followUp('b', 0), followUp('later', 600)))).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }] });
  });

  test('fails a message it could not send back, so it is not lost', async () => {
    const { handle } = setup({ sendBackFails: true });
    expect(await handle(batch(followUp('later', 600)))).toEqual({ batchItemFailures: [{ itemIdentifier: 'later' }] });
  });

  test.each(['not json', '{}', '{"flushAt":"tomorrow"}', '[]', 'null'])('drops a body that is not a follow-up (%s) without flushing', async (body) => {
    const { handle, flushes } = setup();
    expect(await handle(batch(message('junk', body)))).toEqual({ batchItemFailures: [] });
    expect(flushes()).toBe(0);
  });
});
