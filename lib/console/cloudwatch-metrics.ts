import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { METRICS_NAMESPACE } from '../../lambdas/adapters/function-environment';
import type { MinuteOfDecisions } from '../emulator-metrics';
import { activityOf, type BrandActivity, type MetricsSource } from './metrics-view';

/**
 * A deployed stage's recent decisions, from the authorizer's per-brand `Decisions` metric (EMF, dimensions brand,
 * outcome and service: lambdas/adapters/observability.ts), read by the console's server with the operator's
 * credentials (`grantConsole`): one Metrics Insights query over the last hour, minute by minute.
 */
const WINDOW_SECONDS = 3600;
const PERIOD_SECONDS = 60;
const QUERY = `SELECT SUM(Decisions) FROM SCHEMA("${METRICS_NAMESPACE}", brand, outcome, service) GROUP BY brand, outcome`;

export function cloudWatchMetrics(client: CloudWatchClient, now: () => number = Date.now): MetricsSource {
  return async () => {
    const end = Math.floor(now() / 1000 / PERIOD_SECONDS) * PERIOD_SECONDS;
    const results: MetricDataResult[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new GetMetricDataCommand({
        StartTime: new Date((end - WINDOW_SECONDS) * 1000), EndTime: new Date(end * 1000), ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'decisions', Expression: QUERY, Period: PERIOD_SECONDS }],
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }));
      results.push(...(page.MetricDataResults ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return activityFromSeries(results);
  };
}

/** The console's client for the stage's region; credentials from the standard chain unless given. */
export function cloudWatchClient(region: string | undefined, credentials?: CloudWatchClient['config']['credentials']): CloudWatchClient {
  return new CloudWatchClient({ ...(region === undefined ? {} : { region }), ...(credentials === undefined ? {} : { credentials }) });
}

/**
 * Insights series labelled `<brand> <outcome>` (the GROUP BY values; neither has spaces) as each brand's minutes:
 * `allow` counted as allowed, every other outcome as a denial by that reason class.
 */
export function activityFromSeries(series: readonly Pick<MetricDataResult, 'Label' | 'Timestamps' | 'Values'>[]): Readonly<Record<string, BrandActivity>> {
  const brands = new Map<string, Map<number, { allowed: number; denied: Record<string, number> }>>();
  for (const { Label: label = '', Timestamps: timestamps = [], Values: values = [] } of series) {
    const [brand, outcome] = label.split(' ');
    if (!brand || !outcome) continue;
    let minutes = brands.get(brand);
    if (!minutes) brands.set(brand, (minutes = new Map()));
    timestamps.forEach((timestamp, i) => {
      const at = Math.floor(timestamp.getTime() / 1000);
      const minute = minutes.get(at) ?? { allowed: 0, denied: {} };
      const count = values[i] ?? 0;
      if (outcome === 'allow') minute.allowed += count;
      else minute.denied[outcome] = (minute.denied[outcome] ?? 0) + count;
      minutes.set(at, minute);
    });
  }
  return Object.fromEntries([...brands].map(([brand, minutes]) => {
    const sorted: MinuteOfDecisions[] = [...minutes].sort(([a], [b]) => a - b).map(([at, m]) => ({ at, ...m }));
    return [brand, activityOf(sorted)];
  }));
}
