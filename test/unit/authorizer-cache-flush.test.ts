import { changesDecisions, failedFlushReport, FOLLOW_UP_MARGIN_SECONDS, flushReport, followUpTimes } from '../../lambdas/core/authorizer-cache-flush';
import { diffBrandConfigs } from '../../lambdas/core/brand-config-diff';
import { brand } from './fixtures';

describe('changesDecisions', () => {
  const changed = (overrides: Record<string, unknown>) => changesDecisions(diffBrandConfigs(brand(), brand(overrides)));

  test.each([
    ['a disable', { status: 'disabled' }],
    ['a new issuer', { issuer: 'https://login.brand-b.example/' }],
    ['new keys', { jwksUri: 'https://keys.brand-a.example/jwks.json' }],
    ['other audiences', { audiences: ['loyalty-api', 'other-api'] }],
    ['other algorithms', { algorithms: ['RS256', 'ES256'] }],
    ['accepted token types', { acceptedTokenTypes: ['access', 'id'] }],
    ['required scopes', { requiredScopes: ['loyalty'] }],
    ['the client', { clientId: 'client-b' }],
    ['the clock tolerance', { clockToleranceSeconds: 0 }],
    ['the maximum token age', { maxTokenAgeSeconds: 3600 }],
  ])('is true for %s', (_case, overrides) => {
    expect(changed(overrides)).toBe(true);
  });

  test('is false for fields no decision reads, and for no change', () => {
    expect(changed({ displayName: 'B', userinfoEndpoint: 'https://login.brand-a.example/me', fieldMappings: { email: 'mail' } })).toBe(false);
    expect(changed({})).toBe(false);
  });

  test('is true for a field it does not know, so a new config field is flushed for until it is classed', () => {
    expect(changesDecisions({ someNewField: { before: null, after: 'x' } })).toBe(true);
  });
});

describe('followUpTimes: the budget', () => {
  const CHANGED_AT = 1_900_000_000_000;

  test('flushes again once each distinct brand-cache TTL and the margin have passed, earliest first', () => {
    expect(followUpTimes(CHANGED_AT, [60, 30, 60])).toEqual([CHANGED_AT + 35_000, CHANGED_AT + 65_000]);
    expect(followUpTimes(CHANGED_AT, [0])).toEqual([CHANGED_AT + 5_000]);
  });

  // A change reaches every token by the follow-up plus the flush's own few seconds: within the TTL + 10 s.
  test('leaves at least half of the 10 s over the TTL for the follow-up to be delivered and run', () => {
    expect(FOLLOW_UP_MARGIN_SECONDS).toBeLessThanOrEqual(5);
    for (const ttl of [0, 30, 60, 3600]) expect(followUpTimes(CHANGED_AT, [ttl])[0]).toBeLessThanOrEqual(CHANGED_AT + (ttl + 5) * 1000);
  });
});

describe('flushReport', () => {
  const followUps = { at: [Date.UTC(2030, 0, 2, 3, 5, 10)] };

  test('is ok with every stage flushed and the follow-up scheduled, and has no reason', () => {
    expect(flushReport({ flushed: ['a/dev'], failed: [] }, followUps)).toEqual({ ok: true, flushed: ['a/dev'], failed: [], followUpAt: ['2030-01-02T03:05:10.000Z'] });
  });

  test('names every shortfall in one reason, with stable codes only', () => {
    const report = flushReport({ flushed: ['a/dev'], failed: [{ stage: 'b/v1', code: 'FETCH_TIMEOUT' }] }, { at: [], error: 'FETCH_FAILED' });
    expect(report).toMatchObject({ ok: false, followUpAt: [] });
    expect(report.reason).toBe('1 of 2 API stages could not be flushed now; the follow-up flush after the brand-cache TTL could not be scheduled (FETCH_FAILED)');
  });

  test('says what happened when the flush itself failed', () => {
    expect(failedFlushReport('INTERNAL')).toEqual({ ok: false, reason: 'the authorizer caches could not be flushed (INTERNAL)', flushed: [], failed: [], followUpAt: [] });
  });
});
