import { delaySecondsUntil, followUpFlushDueAt, MAX_DELAY_SECONDS } from '../../lambdas/adapters/follow-up-flush-queue';

describe('follow-up flush messages', () => {
  const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);

  test('are delayed by the whole seconds left, rounded up so never early, and by SQS\'s 15 minutes at most', () => {
    expect([65_000, 64_001, 0, -5_000, 3_600_000].map((ms) => delaySecondsUntil(NOW + ms, NOW))).toEqual([65, 65, 0, 0, MAX_DELAY_SECONDS]);
    expect(MAX_DELAY_SECONDS).toBe(900);
  });

  test('carry their due time as ISO 8601', () => {
    expect(followUpFlushDueAt(JSON.stringify({ flushAt: new Date(NOW).toISOString() }))).toBe(NOW);
    expect([followUpFlushDueAt('{"flushAt":42}'), followUpFlushDueAt('"x"'), followUpFlushDueAt('{')]).toEqual([undefined, undefined, undefined]);
  });
});
