import { InternalError, TokenError, UpstreamError } from '../../lambdas/core/errors';
import { countMetric, flushMetrics, observability, powertools, recordRefusal } from '../../lambdas/adapters/observability';

describe('metric counts', () => {
  let published: Record<string, number>[];

  beforeEach(() => {
    const { metrics } = powertools();
    published = [];
    let pending: Record<string, number> = {};
    jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      pending[name] = value;
      return metrics;
    });
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      published.push(pending);
      pending = {};
      return metrics;
    });
    flushMetrics({ force: true });
    published = [];
  });

  afterEach(() => jest.restoreAllMocks());

  it('publishes one aggregated line per interval, not one per call', () => {
    const start = Date.now() + 10_000;
    countMetric('Authorized');
    flushMetrics({ force: true, now: start });
    published = [];
    for (let i = 0; i < 5; i += 1) {
      countMetric('Authorized');
      flushMetrics({ now: start + 100 * i });
    }
    expect(published).toEqual([]);
    countMetric('Refused_TOKEN_EXPIRED');
    flushMetrics({ now: start + 1000 });
    expect(published).toEqual([{ Authorized: 5, Refused_TOKEN_EXPIRED: 1 }]);
    flushMetrics({ now: start + 5000 });
    expect(published).toHaveLength(1); // nothing counted since: nothing published
  });

  it('publishes a dependency failure at once, and only counts a token refusal', () => {
    recordRefusal(new TokenError('ALG_NOT_ALLOWED', 'alg none'), {});
    expect(published).toEqual([]);
    recordRefusal(new UpstreamError('STORE_UNAVAILABLE', 'throttled'), {});
    expect(published).toEqual([{ Refused_ALG_NOT_ALLOWED: 1, Refused_STORE_UNAVAILABLE: 1 }]);
  });

  it('publishes an internal failure at once too: a dependency failure is an UpstreamError or an InternalError', () => {
    recordRefusal(new InternalError('bug'), {});
    expect(published).toEqual([{ Refused_INTERNAL: 1 }]);
  });

  it('counts missing brand scopes as a refusal and a decision, published with the next flush', () => {
    observability.recordMissingScopes({ brandId: 'acme', missing: ['loyalty'] });
    observability.recordAuthorized();
    flushMetrics({ force: true });
    expect(published).toEqual([{ Refused_INSUFFICIENT_SCOPE: 1, Authorized: 1 }]);
  });
});

describe('refusal log lines', () => {
  let lines: { message: string; fields: Record<string, unknown> }[];
  let counted: Record<string, number>;

  beforeEach(() => {
    lines = [];
    counted = {};
    const { logger, metrics } = powertools();
    jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      counted[name] = (counted[name] ?? 0) + value;
      return metrics;
    });
    for (const level of ['warn', 'error'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
        lines.push({ message: String(args[0]), fields: args[1] as Record<string, unknown> });
      });
    }
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    flushMetrics({ force: true });
    counted = {};
  });

  afterEach(() => jest.restoreAllMocks());

  it('logs at most 10 refusals a second per code, then says how many were left out; every one is still counted', () => {
    const start = Date.UTC(2030, 0, 1);
    const expired = new TokenError('TOKEN_EXPIRED', 'exp has passed');
    for (let i = 0; i < 25; i += 1) recordRefusal(expired, { brandId: 'acme' }, start + i);
    recordRefusal(new TokenError('ALG_NOT_ALLOWED', 'alg none'), {}, start + 30); // another code has its own allowance
    expect(lines.filter((line) => line.fields.code === 'TOKEN_EXPIRED')).toHaveLength(10);
    expect(lines.filter((line) => line.fields.code === 'ALG_NOT_ALLOWED')).toHaveLength(1);

    lines = [];
    recordRefusal(expired, { brandId: 'acme' }, start + 1000);
    expect(lines).toEqual([
      { message: 'refusals not logged', fields: { code: 'TOKEN_EXPIRED', leftOut: 15, since: new Date(start).toISOString() } },
      { message: 'request refused', fields: { code: 'TOKEN_EXPIRED', reason: 'exp has passed', brandId: 'acme' } },
    ]);
    flushMetrics({ force: true, now: start + 1000 });
    expect(counted).toEqual({ Refused_TOKEN_EXPIRED: 26, Refused_ALG_NOT_ALLOWED: 1 });
  });
});
