import { Duration } from 'aws-cdk-lib';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CIAM_AUTHORIZER_DEFAULTS, revocationDelay } from '../../lib/ciam-authorizer-defaults';
import { AuthorizerDecisions } from '../../lib/local/authorizer-decisions';

/**
 * `authorizerInvocationsPer1000` (shared/BENCH.md), and what each way of meeting the revocation budget costs. The
 * typical mix (100 users, each with one token, 10 requests each at random times over 5 minutes; 10 of them log out
 * at a random time) is replayed on a simulated clock through local mode's emulation of API Gateway's decision cache
 * (`AuthorizerDecisions`: keyed on the identity sources, the TTL, stage-wide flushes) in front of the shipped
 * authorizer, whose calls are counted. The random times come from a fixed seed, so every run replays the same mix.
 */
type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

const USERS = 100;
const REQUESTS_PER_USER = 10;
const WINDOW_SECONDS = 300;
const LOGOUTS = 10;

/** One way to keep a revoked token's delay within the budget, or not. */
interface BudgetOption {
  readonly resultsCacheTtlSeconds: number;
  /**
   * Flush the stage's decision cache on each revocation, at most once per `coalesceSeconds`, and once more when the
   * authorizer instances' revocation caches have run out (+ `marginSeconds`): a flush made while an instance still
   * holds the old state lets it cache its Allow again.
   */
  readonly flush?: { readonly coalesceSeconds: number; readonly marginSeconds: number };
}

const REVOCATION_CACHE_TTL_SECONDS = CIAM_AUTHORIZER_DEFAULTS.revocationCacheTtl.toSeconds();

/** The option the defaults choose: a short decision TTL. */
export const DEFAULT_OPTION = 'decisionTtl5';

/** The options compared: the default, the old default (300 s) with nothing to meet the budget, and flushes instead. */
export const BUDGET_OPTIONS: Readonly<Record<string, BudgetOption>> = {
  [DEFAULT_OPTION]: { resultsCacheTtlSeconds: CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl.toSeconds() },
  decisionTtl300: { resultsCacheTtlSeconds: 300 },
  decisionTtl300WithFlushes: { resultsCacheTtlSeconds: 300, flush: { coalesceSeconds: 5, marginSeconds: 5 } },
};

export interface OptionCost {
  readonly invocationsPer1000: number;
  /** FlushStageAuthorizersCache calls per API stage over the 5 minutes. */
  readonly flushesPerStage: number;
  /** How long a revoked token may still get through, in seconds. */
  readonly revocationDelaySeconds: number;
}

/** Park–Miller: a fixed sequence in [0, 1) for a seed, so the mix is the same in every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return (state - 1) / 2_147_483_646;
  };
}

interface Mix {
  /** Request times (ms) and who sends them, in time order. */
  readonly requests: readonly { readonly atMs: number; readonly user: number }[];
  readonly logoutsAtMs: readonly number[];
}

function typicalMix(): Mix {
  const random = seededRandom(20_261_203);
  const at = () => Math.floor(random() * WINDOW_SECONDS * 1000);
  const requests = Array.from({ length: USERS * REQUESTS_PER_USER }, (_, i) => ({ atMs: at(), user: i % USERS }));
  return { requests: requests.sort((a, b) => a.atMs - b.atMs), logoutsAtMs: Array.from({ length: LOGOUTS }, at).sort((a, b) => a - b) };
}

/** The flush times of `option` for revocations at `revocationsAtMs`. */
function flushTimes(option: BudgetOption, revocationsAtMs: readonly number[]): number[] {
  if (!option.flush) return [];
  const { coalesceSeconds, marginSeconds } = option.flush;
  const wanted = revocationsAtMs.flatMap((at) => [at, at + (REVOCATION_CACHE_TTL_SECONDS + marginSeconds) * 1000]).sort((a, b) => a - b);
  const flushes: number[] = [];
  for (const at of wanted) {
    const last = flushes.at(-1);
    // A flush already due at or after this time covers it; otherwise the next one runs once the coalescing window allows.
    if (last !== undefined && last >= at) continue;
    flushes.push(last === undefined ? at : Math.max(at, last + coalesceSeconds * 1000));
  }
  return flushes.filter((at) => at < WINDOW_SECONDS * 1000);
}

function delayOf(option: BudgetOption): number {
  if (!option.flush) return revocationDelay(Duration.seconds(option.resultsCacheTtlSeconds), CIAM_AUTHORIZER_DEFAULTS.revocationCacheTtl).toSeconds();
  // The follow-up flush ends what the first could not, and may wait a coalescing window behind another.
  return REVOCATION_CACHE_TTL_SECONDS + option.flush.marginSeconds + option.flush.coalesceSeconds;
}

/**
 * Replays the mix under `option`: `tokens[user]` is that user's token, `event` the authorizer event API Gateway would
 * build for it, and `authorizer` the shipped handler (one instance, as one warm Lambda).
 */
async function replay(
  option: BudgetOption,
  mix: Mix,
  subject: { readonly authorizer: Authorizer; readonly tokens: readonly string[]; readonly event: (token: string) => APIGatewayRequestAuthorizerEvent },
): Promise<OptionCost> {
  let nowMs = 0;
  let invocations = 0;
  const decisions = new AuthorizerDecisions({
    authorizer: async (event) => {
      invocations += 1;
      return subject.authorizer(event);
    },
    resultsCacheTtlSeconds: option.resultsCacheTtlSeconds,
    now: () => nowMs,
  });
  const flushes = flushTimes(option, mix.logoutsAtMs);
  let nextFlush = 0;
  for (const request of mix.requests) {
    for (; nextFlush < flushes.length && (flushes[nextFlush] as number) <= request.atMs; nextFlush += 1) decisions.flush();
    nowMs = request.atMs;
    await decisions.decide(subject.event(subject.tokens[request.user] as string));
  }
  return { invocationsPer1000: (invocations * 1000) / mix.requests.length, flushesPerStage: flushes.length, revocationDelaySeconds: delayOf(option) };
}

/** Each option's cost over the same mix; `authorizerInvocationsPer1000` is the default's. */
export async function measureDecisionCacheMix(subject: Parameters<typeof replay>[2]): Promise<Record<string, OptionCost>> {
  if (subject.tokens.length !== USERS) throw new Error(`the mix needs ${USERS} tokens, one per user`);
  const mix = typicalMix();
  const costs: Record<string, OptionCost> = {};
  for (const [name, option] of Object.entries(BUDGET_OPTIONS)) costs[name] = await replay(option, mix, subject);
  return costs;
}

export const MIX_USERS = USERS;
