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
