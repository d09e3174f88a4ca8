import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigValidationError } from '../core/errors';
import type { AdminClients } from './admin-runtime';
import { createRegisteredStagesFlush, type RegisteredStagesFlush } from './authorizer-cache-flusher';
import { followUpFlushSender } from './follow-up-flush-queue';
import { environmentVariableName, type FunctionEnvironment } from './function-environment';

/** What the cache-flush function (the follow-up flushes' SQS consumer) runs on. */
export interface CacheFlushDependencies {
  /** One flush of every API stage registered for the gateway stage. */
  readonly flush: RegisteredStagesFlush;
  /** Sends a follow-up due at `dueAtMs` (epoch ms) back to the queue, delayed by what is left of the wait. */
  readonly sendBack: (dueAtMs: number) => Promise<void>;
  /** Epoch ms. */
  readonly now: () => number;
}

/** Wires the cache-flush function once per container. */
export function cacheFlushDependencies(env: FunctionEnvironment<'cache-flush'>, clients: AdminClients = {}): CacheFlushDependencies {
  const queueUrl = env.authorizerCacheFlushQueueUrl;
  // The contract requires it outside local mode, and local mode runs follow-ups from a timer, not this function.
  if (!queueUrl) throw new ConfigValidationError('ENVIRONMENT_INVALID', [`${environmentVariableName('authorizerCacheFlushQueueUrl')} is required`]);
  return {
    flush: createRegisteredStagesFlush(env, clients),
    sendBack: followUpFlushSender(clients.sqs ?? new SQSClient({ maxAttempts: 2 }), queueUrl, Date.now),
    now: Date.now,
  };
}
