import {
  flushNowAndAfterBrandCaches, flushRegisteredStages, type RegisteredStagesFlushing, type StagesFlushResult,
} from '../../lambdas/adapters/authorizer-cache-flusher';
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
    onFailure: (stage, error) => failures.push({ stage, error }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  return { flush: flushRegisteredStages(deps), flushCalls, failures, maxRunning: () => maxRunning };
}

describe('flushRegisteredStages', () => {
  test('flushes every registered stage, its own included, and names them', async () => {
    const { flush, flushCalls } = fakes();
    expect(await flush()).toEqual({ flushed: ['own/dev', 'orders/v1', 'gone/prod', 'loyalty/live'], failed: [], stages: STAGES });
    expect(flushCalls.sort()).toEqual(['gone/prod', 'loyalty/live', 'orders/v1', 'own/dev']);
  });

  test('reports a failing stage by its stable code and still flushes the others', async () => {
    const notFound = Object.assign(new Error('Invalid stage identifier specified'), { name: 'NotFoundException' });
    const { flush, failures } = fakes({ failing: { gone: notFound } });
    expect(await flush()).toMatchObject({ flushed: ['own/dev', 'orders/v1', 'loyalty/live'], failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }] });
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
    expect(await flush()).toEqual({ flushed: [], failed: [], stages: [] });
    expect(flushCalls).toEqual([]);
  });

  test('reports, and does not throw, when the registry cannot be read: no stage is known, so none is flushed', async () => {
    const unavailable = new UpstreamError('STORE_UNAVAILABLE', 'ssm down');
    const failures: string[] = [];
    const flush = flushRegisteredStages({
      registeredStages: async () => {
        throw unavailable;
      },
      flushStage: async () => {
        throw new Error('no stage is known');
      },
      onFailure: (what, error) => failures.push(`${what}: ${error.code}`),
    });
    expect(await flush()).toEqual({ flushed: [], failed: [], registryError: 'STORE_UNAVAILABLE', stages: [] });
    expect(failures).toEqual(['the API stage registry: STORE_UNAVAILABLE']);
  });
});

describe('flushNowAndAfterBrandCaches', () => {
  const CHANGED_AT = Date.UTC(2030, 0, 2, 3, 4, 5);
  const at = (seconds: number) => new Date(CHANGED_AT + seconds * 1000).toISOString();

  function flusher(now: Partial<StagesFlushResult>, options: { failScheduling?: boolean } = {}) {
    const scheduled: number[] = [];
    const flush = flushNowAndAfterBrandCaches(async () => ({ flushed: [], failed: [], stages: [], ...now }), {
      scheduleFollowUp: async (dueAtMs) => {
        if (options.failScheduling) throw Object.assign(new Error('queue gone'), { name: 'QueueDoesNotExist' });
        scheduled.push(dueAtMs);
      },
      brandCacheTtlSeconds: 60,
      now: () => CHANGED_AT,
    });
    return { flush, scheduled };
  }

  test("schedules one follow-up per brand-cache TTL of the stages' authorizers, the gateway's own for stages that name none", async () => {
    const stages = [
      { restApiId: 'own', stageName: 'prod', brandCacheTtlSeconds: 60 },
      { restApiId: 'orders', stageName: 'v1', brandCacheTtlSeconds: 30 },
      { restApiId: 'offers', stageName: 'v1' },
    ];
    const { flush, scheduled } = flusher({ flushed: ['own/prod', 'orders/v1', 'offers/v1'], stages });
    expect(await flush()).toEqual({ ok: true, flushed: ['own/prod', 'orders/v1', 'offers/v1'], failed: [], followUpAt: [at(35), at(65)] });
    expect(scheduled).toEqual([CHANGED_AT + 35_000, CHANGED_AT + 65_000]);
  });

  test("still schedules the gateway's own follow-up when the registry cannot be read, and says why nothing was flushed", async () => {
    const { flush, scheduled } = flusher({ registryError: 'FETCH_FAILED' });
    expect(await flush()).toEqual({
      ok: false, reason: 'the registry of API stages could not be read (FETCH_FAILED), so no stage was flushed now',
      flushed: [], failed: [], registryError: 'FETCH_FAILED', followUpAt: [at(65)],
    });
    expect(scheduled).toEqual([CHANGED_AT + 65_000]);
  });

  test('reports a follow-up it could not schedule, with the stable code only', async () => {
    const { flush } = flusher({ flushed: ['own/prod'] }, { failScheduling: true });
    expect(await flush()).toEqual({
      ok: false, reason: 'the follow-up flush after the brand-cache TTL could not be scheduled (FETCH_FAILED)', flushed: ['own/prod'], failed: [], followUpAt: [],
    });
  });
});
