import { activityOf, healthOf } from '../../../lib/console/metrics-view';

it('totals each minute\'s denials over their reasons', () => {
  expect(activityOf([{ at: 60, allowed: 4, denied: { TOKEN_EXPIRED: 2, SIGNATURE_INVALID: 1 } }]).minutes).toEqual([
    { at: 60, allowed: 4, denied: { TOKEN_EXPIRED: 2, SIGNATURE_INVALID: 1 }, deniedTotal: 3 },
  ]);
});

it('sums up a brand\'s health: the share denied over the window, and how its last check went', () => {
  const activity = activityOf([{ at: 60, allowed: 3, denied: { TOKEN_EXPIRED: 1 } }, { at: 120, allowed: 5, denied: { SIGNATURE_INVALID: 1 } }]);
  expect(healthOf(activity, undefined)).toBe('20% denied of 10');
  expect(healthOf(activity, false)).toBe('20% denied of 10; last check failed');
  expect(healthOf({ minutes: [] }, true)).toBe('no recent decisions; last check passed');
  expect(healthOf({ minutes: [], unavailable: 'metrics unavailable: the emulator answered 403' }, undefined)).toBe('metrics unavailable');
});
