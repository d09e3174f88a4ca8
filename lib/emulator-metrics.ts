/**
 * Local mode's `GET /_emulator/metrics`, as the emulator serves it and the console reads it: the authorizer's recent
 * decisions per brand, minute by minute, allowed or denied by reason.
 */
export const EMULATOR_METRICS_PATH = '/_emulator/metrics';

export interface MinuteOfDecisions {
  /** The minute's start, epoch seconds. */
  readonly at: number;
  readonly allowed: number;
  /** Denials by reason. */
  readonly denied: Readonly<Record<string, number>>;
}

export interface DecisionMetricsSnapshot {
  readonly bucketSeconds: number;
  /** Brand id → its minutes with decisions, oldest first. */
  readonly brands: Readonly<Record<string, readonly MinuteOfDecisions[]>>;
}
