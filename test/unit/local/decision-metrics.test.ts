import { DecisionMetrics } from '../../../lib/local/decision-metrics';

function clock() {
  let nowMs = Date.UTC(2026, 0, 1, 12, 0, 30);
  return { now: () => nowMs, move: (seconds: number) => { nowMs += seconds * 1000; } };
}

it('counts decisions per brand and minute, denials by reason', () => {
  const time = clock();
  const metrics = new DecisionMetrics(time.now);
  metrics.record('shop', undefined);
  metrics.record('shop', 'TOKEN_EXPIRED');
  metrics.record('shop', 'TOKEN_EXPIRED');
  time.move(60);
  metrics.record('shop', undefined);
  metrics.record('other', 'BRAND_DISABLED');
  const minute = Date.UTC(2026, 0, 1, 12, 0) / 1000;
  expect(metrics.snapshot()).toEqual({
    bucketSeconds: 60,
    brands: {
      shop: [{ at: minute, allowed: 1, denied: { TOKEN_EXPIRED: 2 } }, { at: minute + 60, allowed: 1, denied: {} }],
      other: [{ at: minute + 60, allowed: 0, denied: { BRAND_DISABLED: 1 } }],
    },
  });
});

it('keeps the last hour only, and forgets a brand with nothing in it', () => {
  const time = clock();
  const metrics = new DecisionMetrics(time.now);
  metrics.record('old', undefined);
  for (let minute = 0; minute < 90; minute += 1) {
    metrics.record('busy', undefined);
    time.move(60);
  }
  const { brands } = metrics.snapshot();
  expect(Object.keys(brands)).toEqual(['busy']);
  expect(brands.busy).toHaveLength(59);
});

it('counts a malformed or missing brand id, and brand ids beyond the bound, under "-"', () => {
  const metrics = new DecisionMetrics(clock().now);
  metrics.record('<script>', 'BRAND_HEADER_INVALID');
  metrics.record(undefined, 'identity source missing');
  for (let i = 0; i < 150; i += 1) metrics.record(`brand-${i}`, 'BRAND_UNKNOWN');
  const { brands } = metrics.snapshot();
  expect(Object.keys(brands)).toHaveLength(100);
  expect(brands['-']?.[0]?.denied).toEqual({ BRAND_HEADER_INVALID: 1, 'identity source missing': 1, BRAND_UNKNOWN: 51 });
});
