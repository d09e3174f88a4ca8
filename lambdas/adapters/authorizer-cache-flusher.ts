import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { SSMClient } from '@aws-sdk/client-ssm';
import { flushReport, followUpTimes, type FlushReport, type StagesFlushOutcome } from '../core/authorizer-cache-flush';
import type { CiamGatewayError, ErrorCode } from '../core/errors';
import { settleWithConcurrency } from '../core/settle-with-concurrency';
import type { ApiStage } from '../core/ssm-parameter-names';
import { readApiStageRegistry, ssmParameterPages } from './api-stage-registry-reader';
import { translateError } from './library-errors';
import { logger } from './observability';

/** One flush of every registered API stage, and the stages the registry named (for their brand-cache TTLs). */
export interface StagesFlushResult extends StagesFlushOutcome {
  readonly stages: readonly ApiStage[];
}

/**
 * Empties API Gateway's authorizer result cache of every API stage that uses the gateway's authorizer. In AWS that is
 * FlushStageAuthorizersCache on each stage of the registry; in local mode the emulator offers the same on loopback.
 * Never throws: what it could not flush is in the result.
 */
export type RegisteredStagesFlush = () => Promise<StagesFlushResult>;

/**
 * What the admin API runs after storing a brand change: a flush now and follow-up flushes once the authorizers'
 * brand caches have run out (`lambdas/core/authorizer-cache-flush.ts`). Never throws: the change is stored whatever
 * happens here, and the report says what did not.
 */
export type AuthorizerCacheFlusher = () => Promise<FlushReport>;

/** The two calls a flush of the registered stages makes, so tests can fake them without mocking the SDK. */
export interface RegisteredStagesFlushing {
  /** Every API stage registered for the gateway stage. */
  readonly registeredStages: () => Promise<readonly ApiStage[]>;
  /** Empties one stage's authorizer cache; whatever it throws is translated (`translateError`, origin http). */
  readonly flushStage: (stage: ApiStage) => Promise<void>;
  /** Told of each stage that could not be flushed, and of the registry failing, with the full error. */
  readonly onFailure: (what: string, error: CiamGatewayError) => void;
  /**
   * How many stages are flushed at once: API Gateway's control plane allows about 10 calls a second per account,
   * shared with every deployment, so a few at a time finish quickly without being throttled.
   * @default 4
   */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 4;

/** Each API Gateway call is bounded, so one slow stage cannot eat the function's whole timeout. */
const FLUSH_CALL_TIMEOUT_MS = 3000;

/**
 * Flushes every registered stage, a few at a time. One stage failing (an API deleted since it registered, a throttled
 * call) is reported and the others are still flushed; the registry failing to be read is reported too.
 */
export function flushRegisteredStages(deps: RegisteredStagesFlushing): RegisteredStagesFlush {
  return async () => {
    let stages: readonly ApiStage[];
    try {
      stages = await deps.registeredStages();
    } catch (err) {
      const error = translateError(err, 'http');
      deps.onFailure('the API stage registry', error);
      return { flushed: [], failed: [], registryError: error.code, stages: [] };
    }
    const settled = await settleWithConcurrency(stages, deps.concurrency ?? DEFAULT_CONCURRENCY, deps.flushStage);
    const flushed: string[] = [];
    const failed: { stage: string; code: ErrorCode }[] = [];
    settled.forEach((outcome, index) => {
      const stage = stageLabel(stages[index] as ApiStage);
      if (outcome.status === 'fulfilled') {
        flushed.push(stage);
        return;
      }
      const error = translateError(outcome.reason, 'http');
      deps.onFailure(stage, error);
      failed.push({ stage, code: error.code });
    });
    return { flushed, failed, stages };
  };
}

/** Where and when the follow-up flushes of a brand change are scheduled. */
export interface FollowUpFlushing {
  /** Schedules one more flush of every registered stage at `dueAtMs` (epoch ms). */
  readonly scheduleFollowUp: (dueAtMs: number) => Promise<void>;
  /** The brand-cache TTL of the gateway's own authorizer: for stages whose registration names none. */
  readonly brandCacheTtlSeconds: number;
  /** Epoch ms. */
  readonly now: () => number;
}

/**
 * The admin API's flusher: `flushNow`, then a follow-up for each distinct brand-cache TTL of the registered stages'
 * authorizers (the gateway's own always among them, so a registry that could not be read still gets one).
 */
export function flushNowAndAfterBrandCaches(flushNow: RegisteredStagesFlush, followUps: FollowUpFlushing): AuthorizerCacheFlusher {
  return async () => {
    const changedAt = followUps.now();
    const now = await flushNow();
    const ttls = [followUps.brandCacheTtlSeconds, ...now.stages.map((stage) => stage.brandCacheTtlSeconds ?? followUps.brandCacheTtlSeconds)];
    const scheduled: number[] = [];
    let error: ErrorCode | undefined;
    for (const at of followUpTimes(changedAt, ttls)) {
      try {
        await followUps.scheduleFollowUp(at);
        scheduled.push(at);
      } catch (err) {
        const translated = translateError(err, 'http');
        logger.warn('follow-up authorizer cache flush not scheduled', { dueAt: new Date(at).toISOString(), code: translated.code, reason: translated.message });
        error = translated.code;
      }
    }
    const { stages: _stages, ...outcome } = now;
    return flushReport(outcome, { at: scheduled, ...(error === undefined ? {} : { error }) });
  };
}

/** The SDK clients a flush in AWS uses; tests point them at a loopback server. */
export interface FlushClients {
  readonly ssm?: SSMClient;
  readonly apiGateway?: APIGatewayClient;
}

/** One flush of the local emulator's cache in local mode, else of every stage registered for `env.stage`. */
export function createRegisteredStagesFlush(env: { readonly stage: string; readonly localGatewayUrl?: string }, clients: FlushClients = {}): RegisteredStagesFlush {
  const onFailure = (what: string, error: CiamGatewayError): void => logger.warn('authorizer cache flush failed', { stage: what, code: error.code, reason: error.message });
  const { localGatewayUrl } = env;
  if (localGatewayUrl) {
    return flushRegisteredStages({
      // The emulator serves one API (`local` in its method ARNs) with one authorizer cache.
      registeredStages: async () => [{ restApiId: 'local', stageName: env.stage }],
      flushStage: async () => {
        const response = await fetch(`${localGatewayUrl}/_emulator/authorizer-cache`, { method: 'DELETE', signal: AbortSignal.timeout(FLUSH_CALL_TIMEOUT_MS) });
        if (!response.ok) throw new Error(`local gateway answered ${response.status}`);
      },
      onFailure,
    });
  }
  const ssm = clients.ssm ?? new SSMClient({ maxAttempts: 2 });
  const apiGateway = clients.apiGateway ?? new APIGatewayClient({ maxAttempts: 2 });
  return flushRegisteredStages({
    registeredStages: () => readApiStageRegistry(ssmParameterPages(ssm), env.stage),
    flushStage: async ({ restApiId, stageName }) => {
      await apiGateway.send(new FlushStageAuthorizersCacheCommand({ restApiId, stageName }), { abortSignal: AbortSignal.timeout(FLUSH_CALL_TIMEOUT_MS) });
    },
    onFailure,
  });
}

function stageLabel({ restApiId, stageName }: ApiStage): string {
  return `${restApiId}/${stageName}`;
}
