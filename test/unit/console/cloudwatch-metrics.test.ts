import { activityFromSeries } from '../../../lib/console/cloudwatch-metrics';

it('reads Insights series labelled "<brand> <outcome>" as each brand\'s minutes, allowed and denied by reason', () => {
  const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, n));
  const at = (n: number) => minute(n).getTime() / 1000;
  expect(activityFromSeries([
    { Label: 'shop allow', Timestamps: [minute(1), minute(0)], Values: [5, 3] },
    { Label: 'shop deny_token', Timestamps: [minute(1)], Values: [2] },
    { Label: 'shop deny_revoked', Timestamps: [minute(1)], Values: [1] },
    { Label: '- deny_brand_unknown', Timestamps: [minute(0)], Values: [7] },
    { Label: 'unlabelled', Timestamps: [minute(0)], Values: [1] },
  ])).toEqual({
    shop: { minutes: [
      { at: at(0), allowed: 3, denied: {}, deniedTotal: 0 },
      { at: at(1), allowed: 5, denied: { deny_token: 2, deny_revoked: 1 }, deniedTotal: 3 },
    ] },
    '-': { minutes: [{ at: at(0), allowed: 0, denied: { deny_brand_unknown: 7 }, deniedTotal: 7 }] },
  });
});
