import { BRAND_ID_PATTERN } from '../../lambdas/core/brand-config';
import type { DecisionMetricsSnapshot, MinuteOfDecisions } from '../emulator-metrics';

/**
 * What the emulator's `GET /_emulator/metrics` answers: the authorizer's recent decisions per brand, per minute, allowed or denied
 * by reason (the stable code), as the console's charts read them. Kept in memory and bounded: the last hour of
 * minutes, and at most MAX_BRANDS brand ids (the header is the caller's to choose; the rest is counted under
 * OTHER_BRANDS).
 */
const BUCKET_SECONDS = 60;
const BUCKETS = 60;
const MAX_BRANDS = 100;
/** Where a brand id that is malformed, absent, or one too many is counted: never a valid brand id. */
const OTHER_BRANDS = '-';

interface Minute {
  readonly at: number;
  allowed: number;
  readonly denied: Map<string, number>;
}

export class DecisionMetrics {
  private readonly brands = new Map<string, Minute[]>();

  constructor(private readonly now: () => number) {}

  /** One decision: `reason` undefined for an allow. */
  record(brandHeader: string | undefined, reason: string | undefined): void {
    const at = Math.floor(this.now() / 1000 / BUCKET_SECONDS) * BUCKET_SECONDS;
    const minutes = this.minutesOf(brandHeader);
    let minute = minutes.at(-1);
    if (minute?.at !== at) {
      minute = { at, allowed: 0, denied: new Map() };
      minutes.push(minute);
    }
    if (reason === undefined) minute.allowed += 1;
    else minute.denied.set(reason, (minute.denied.get(reason) ?? 0) + 1);
  }

  snapshot(): DecisionMetricsSnapshot {
    const since = this.now() / 1000 - BUCKETS * BUCKET_SECONDS;
    const brands: Record<string, MinuteOfDecisions[]> = {};
    for (const [brand, minutes] of this.brands) {
      const recent = minutes.filter((m) => m.at > since);
      minutes.splice(0, minutes.length - recent.length);
      if (recent.length === 0) this.brands.delete(brand);
      else brands[brand] = recent.map(({ at, allowed, denied }) => ({ at, allowed, denied: Object.fromEntries(denied) }));
    }
    return { bucketSeconds: BUCKET_SECONDS, brands };
  }

  private minutesOf(brandHeader: string | undefined): Minute[] {
    const named = brandHeader !== undefined && BRAND_ID_PATTERN.test(brandHeader) ? brandHeader : OTHER_BRANDS;
    const brand = this.brands.has(named) || this.brands.size < MAX_BRANDS ? named : OTHER_BRANDS;
    let minutes = this.brands.get(brand);
    if (!minutes) {
      minutes = [];
      this.brands.set(brand, minutes);
    }
    // Older minutes than the window are dropped as new ones come, so a brand holds BUCKETS minutes at most.
    if (minutes.length > BUCKETS) minutes.splice(0, minutes.length - BUCKETS);
    return minutes;
  }
}
