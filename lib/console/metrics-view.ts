import { EMULATOR_METRICS_PATH, type DecisionMetricsSnapshot, type MinuteOfDecisions } from '../emulator-metrics';

/**
 * A brand's recent decisions as the console shows them (chart, table, and the health column of the list), from
 * wherever the gateway keeps them: local mode's emulator, or CloudWatch for a deployed stage.
 */
export interface ActivityMinute extends MinuteOfDecisions {
  readonly deniedTotal: number;
}

export interface BrandActivity {
  readonly minutes: readonly ActivityMinute[];
  /** Why there is nothing to show (the metrics could not be read). */
  readonly unavailable?: string;
}

/** Recent decisions of every brand that had any. */
export type MetricsSource = () => Promise<Readonly<Record<string, BrandActivity>>>;

const REQUEST_TIMEOUT_MS = 5000;

/** Local mode: the emulator's in-memory counts, from the gateway the console talks to. */
export function emulatorMetrics(endpoint: string): MetricsSource {
  return async () => {
    const response = await fetch(`${endpoint.replace(/\/+$/, '')}${EMULATOR_METRICS_PATH}`, { redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`the emulator answered ${response.status}`);
    const snapshot = (await response.json()) as DecisionMetricsSnapshot;
    return Object.fromEntries(Object.entries(snapshot.brands ?? {}).map(([brand, minutes]) => [brand, activityOf(minutes)]));
  };
}

export function activityOf(minutes: readonly MinuteOfDecisions[]): BrandActivity {
  return { minutes: minutes.map((m) => ({ ...m, deniedTotal: Object.values(m.denied).reduce((sum, n) => sum + n, 0) })) };
}

/** The list's health column: the share of denials over the window, or why it is unknown. */
export function healthOf(activity: BrandActivity, lastCheck: boolean | undefined): string {
  const check = lastCheck === undefined ? '' : `; last check ${lastCheck ? 'passed' : 'failed'}`;
  if (activity.unavailable) return `metrics unavailable${check}`;
  const allowed = activity.minutes.reduce((sum, m) => sum + m.allowed, 0);
  const denied = activity.minutes.reduce((sum, m) => sum + m.deniedTotal, 0);
  if (allowed + denied === 0) return `no recent decisions${check}`;
  return `${Math.round((denied / (allowed + denied)) * 100)}% denied of ${allowed + denied}${check}`;
}
