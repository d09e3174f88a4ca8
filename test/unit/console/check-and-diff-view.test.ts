import { checkView } from '../../../lib/console/check-view';
import { chartSeries } from '../../../lib/console/console-views';
import { diffRows } from '../../../lib/console/diff-view';

it('shows every check step, and each failed one at the field it tests', () => {
  const view = checkView({
    ok: false,
    steps: [
      { step: 'discovery', ok: false, detail: 'FETCH_URL_REFUSED: loopback address' },
      { step: 'jwks', ok: true, detail: '1 usable signing key(s): RS256' },
      { step: 'sample_token', ok: false, detail: 'TOKEN_EXPIRED: expired' },
      { step: 'later', ok: false, detail: 'a step this console does not know' },
    ],
  });
  expect(view.ok).toBe(false);
  expect(view.steps.map((s) => `${s.label} ${s.ok}`)).toEqual(['Discovery false', 'JWKS true', 'Sample token false', 'later false']);
  expect(view.problems).toEqual({
    issuer: ['Discovery check failed: FETCH_URL_REFUSED: loopback address'],
    sampleToken: ['Sample token check failed: TOKEN_EXPIRED: expired'],
    '': ['later check failed: a step this console does not know'],
  });
});

it('reads an answer without steps as a failed check with none', () => {
  expect(checkView({})).toEqual({ ok: false, steps: [], problems: {} });
});

it('shows a diff as text rows in field order: strings as they are, the rest as JSON, absent as nothing', () => {
  expect(diffRows({
    displayName: { before: 'Old', after: 'New' },
    audiences: { before: ['a'], after: ['a', 'b'] },
    userinfoEndpoint: { before: null, after: 'https://id.example/userinfo' },
  })).toEqual([
    { field: 'audiences', before: '["a"]', after: '["a","b"]' },
    { field: 'displayName', before: 'Old', after: 'New' },
    { field: 'userinfoEndpoint', before: '', after: 'https://id.example/userinfo' },
  ]);
  expect(diffRows(undefined)).toEqual([]);
});

it('charts the hour up to the last minute with decisions, zero in the minutes without', () => {
  const series = chartSeries([{ at: 6000, allowed: 2, denied: {}, deniedTotal: 0 }, { at: 6120, allowed: 1, denied: { TOKEN_EXPIRED: 3 }, deniedTotal: 3 }]);
  expect(series.at).toHaveLength(60);
  expect([series.at[0], series.at.at(-1)]).toEqual([6120 - 59 * 60, 6120]);
  expect(series.allowed.slice(-3)).toEqual([2, 0, 1]);
  expect(series.denied.slice(-3)).toEqual([0, 0, 3]);
  expect(series.allowed.slice(0, -3).every((n) => n === 0)).toBe(true);
});
