import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CiamGatewayError, ErrorCode } from '../core/errors';
import { settleWithConcurrency } from '../core/settle-with-concurrency';
import type { ApiStage } from '../core/ssm-parameter-names';
import { readApiStageRegistry, ssmParameterPages } from './api-stage-registry-reader';
import { translateError } from './library-errors';
import { logger } from './observability';

/** What a flush reached: each stage as `<restApiId>/<stageName>`, as in an execute-api ARN. */
export interface AuthorizerCacheFlushResult {
  readonly flushed: readonly string[];
  /** The stages whose flush failed, with the stable code of why (the reason is logged, not answered). */
  readonly failed: readonly { readonly stage: string; readonly code: ErrorCode }[];
}

/**
 * Empties API Gateway's authorizer result cache of every API stage that uses the gateway's authorizer, so a brand
 * change reaches tokens already seen at once instead of after the result-cache TTL. In AWS that is
 * FlushStageAuthorizersCache on each stage of the registry; in local mode the emulator offers the same on loopback.
 */
export type AuthorizerCacheFlusher = () => Promise<AuthorizerCacheFlushResult>;

/** The two calls a flush of the registered stages makes, so tests can fake them without mocking the SDK. */
export interface RegisteredStagesFlushing {
  /** Every API stage registered for the gateway stage. */
  readonly registeredStages: () => Promise<readonly ApiStage[]>;
  /** Empties one stage's authorizer cache; whatever it throws is translated (`translateError`, origin http). */
  readonly flushStage: (stage: ApiStage) => Promise<void>;
  /** Told of each stage that could not be flushed, with the full error. */
  readonly onStageFailure: (stage: string, error: CiamGatewayError) => void;
  /**
   * How many stages are flushed at once: API Gateway's control plane allows about 10 calls a second per account,
   * shared with every deployment, so a few at a time finish quickly without being throttled.
   * @default 4
   */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 4;

/** Each API Gateway call is bounded, so one slow stage cannot eat the admin function's whole timeout. */
const FLUSH_CALL_TIMEOUT_MS = 3000;

/**
 * Flushes every registered stage, a few at a time. One stage failing (an API deleted since it registered, a
 * throttled call) is reported and the others are still flushed; only failing to read the registry at all throws.
 */
export function flushRegisteredStages(deps: RegisteredStagesFlushing): AuthorizerCacheFlusher {
  return async () => {
    const stages = await deps.registeredStages();
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
      deps.onStageFailure(stage, error);
      failed.push({ stage, code: error.code });
    });
    return { flushed, failed };
  };
}

/** The SDK clients a flush in AWS uses; tests point them at a loopback server. */
export interface FlushClients {
  readonly ssm?: SSMClient;
  readonly apiGateway?: APIGatewayClient;
}

/** The admin API's flusher: the local emulator's cache in local mode, else every stage registered for `env.stage`. */
export function createAuthorizerCacheFlusher(env: { readonly stage: string; readonly localGatewayUrl?: string }, clients: FlushClients = {}): AuthorizerCacheFlusher {
  const onStageFailure = (stage: string, error: CiamGatewayError): void => logger.warn('authorizer cache flush failed', { stage, code: error.code, reason: error.message });
  const { localGatewayUrl } = env;
  if (localGatewayUrl) {
    return flushRegisteredStages({
      // The emulator serves one API (`local` in its method ARNs) with one authorizer cache.
      registeredStages: async () => [{ restApiId: 'local', stageName: env.stage }],
      flushStage: async () => {
        const response = await fetch(`${localGatewayUrl}/_emulator/authorizer-cache`, { method: 'DELETE', signal: AbortSignal.timeout(FLUSH_CALL_TIMEOUT_MS) });
        if (!response.ok) throw new Error(`local gateway answered ${response.status}`);
      },
      onStageFailure,
    });
  }
  const ssm = clients.ssm ?? new SSMClient({ maxAttempts: 2 });
  const apiGateway = clients.apiGateway ?? new APIGatewayClient({ maxAttempts: 2 });
  return flushRegisteredStages({
    registeredStages: () => readApiStageRegistry(ssmParameterPages(ssm), env.stage),
    flushStage: async ({ restApiId, stageName }) => {
      await apiGateway.send(new FlushStageAuthorizersCacheCommand({ restApiId, stageName }), { abortSignal: AbortSignal.timeout(FLUSH_CALL_TIMEOUT_MS) });
    },
    onStageFailure,
  });
}

function stageLabel({ restApiId, stageName }: ApiStage): string {
  return `${restApiId}/${stageName}`;
}
