import { flushRegisteredStages, type RegisteredStagesFlushing } from '../../lambdas/adapters/authorizer-cache-flusher';
import { UpstreamError, type CiamGatewayError } from '../../lambdas/core/errors';
import type { ApiStage } from '../../lambdas/core/ssm-parameter-names';

const STAGES: ApiStage[] = [
  { restApiId: 'own', stageName: 'dev' },
  { restApiId: 'orders', stageName: 'v1' },
  { restApiId: 'gone', stageName: 'prod' },
  { restApiId: 'loyalty', stageName: 'live' },
];

/** A registry of `stages` and an API Gateway that fails the stages of `failing`, recording every call. */
function fakes(options: { stages?: readonly ApiStage[]; failing?: Readonly<Record<string, unknown>>; concurrency?: number } = {}) {
  const flushCalls: string[] = [];
  const failures: { stage: string; error: CiamGatewayError }[] = [];
  let running = 0;
  let maxRunning = 0;
  const deps: RegisteredStagesFlushing = {
    registeredStages: async () => options.stages ?? STAGES,
    flushStage: async ({ restApiId, stageName }) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      flushCalls.push(`${restApiId}/${stageName}`);
      await Promise.resolve();
      running -= 1;
      const failure = options.failing?.[restApiId];
      if (failure !== undefined) throw failure;
    },
    onStageFailure: (stage, error) => failures.push({ stage, error }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  return { flush: flushRegisteredStages(deps), flushCalls, failures, maxRunning: () => maxRunning };
}

describe('flushRegisteredStages', () => {
  test('flushes every registered stage, its own included, and names them', async () => {
    const { flush, flushCalls } = fakes();
    expect(await flush()).toEqual({ flushed: ['own/dev', 'orders/v1', 'gone/prod', 'loyalty/live'], failed: [] });
    expect(flushCalls.sort()).toEqual(['gone/prod', 'loyalty/live', 'orders/v1', 'own/dev']);
  });

  test('reports a failing stage by its stable code and still flushes the others', async () => {
    const notFound = Object.assign(new Error('Invalid stage identifier specified'), { name: 'NotFoundException' });
    const { flush, failures } = fakes({ failing: { gone: notFound } });
    expect(await flush()).toEqual({ flushed: ['own/dev', 'orders/v1', 'loyalty/live'], failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }] });
    // The reason goes to the failure hook (the logs), with the SDK error as its cause: never into the answer.
    expect(failures).toEqual([{ stage: 'gone/prod', error: expect.objectContaining({ code: 'FETCH_FAILED', cause: notFound }) }]);
  });

  test('keeps an error that is already ours as it is', async () => {
    const timeout = new UpstreamError('FETCH_TIMEOUT', 'slow');
    const { flush } = fakes({ failing: { orders: timeout } });
    expect((await flush()).failed).toEqual([{ stage: 'orders/v1', code: 'FETCH_TIMEOUT' }]);
  });

  test('flushes at most four stages at once by default', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ restApiId: `api${i}`, stageName: 's' }));
    const { flush, maxRunning } = fakes({ stages: many });
    expect((await flush()).flushed).toHaveLength(12);
    expect(maxRunning()).toBe(4);
  });

  test('flushes at most `concurrency` stages at once when told', async () => {
    const { flush, maxRunning } = fakes({ concurrency: 1 });
    await flush();
    expect(maxRunning()).toBe(1);
  });

  test('flushes nothing, and says so, when no stage is registered', async () => {
    const { flush, flushCalls } = fakes({ stages: [] });
    expect(await flush()).toEqual({ flushed: [], failed: [] });
    expect(flushCalls).toEqual([]);
  });

  test('throws when the registry cannot be read: no stage is known, so none is reported', async () => {
    const unavailable = new UpstreamError('FETCH_FAILED', 'ssm down');
    const flush = flushRegisteredStages({
      registeredStages: async () => {
        throw unavailable;
      },
      flushStage: async () => undefined,
      onStageFailure: () => undefined,
    });
    await expect(flush()).rejects.toBe(unavailable);
  });
});
