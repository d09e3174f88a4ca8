import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { cacheFlushDependencies, type CacheFlushDependencies } from '../adapters/cache-flush-runtime';
import { followUpFlushDueAt } from '../adapters/follow-up-flush-queue';
import { handlerFromEnvironment } from '../adapters/handler-from-environment';
import { translateError } from '../adapters/library-errors';
import { logger } from '../adapters/observability';

/**
 * The follow-up authorizer-cache flushes the admin API schedules on its SQS queue, once the authorizers' brand caches
 * have run out after a brand change. The due messages of a batch share one flush of every registered API stage; one
 * not due yet (a brand-cache TTL beyond SQS's 15-minute delay) goes back with the delay left. When the flush misses a
 * stage, or the registry cannot be read, the due messages fail, so SQS delivers them again after the visibility
 * timeout and, after the last receive, keeps them in the dead-letter queue. A body that is not a follow-up is dropped.
 */
export function createAuthorizerCacheFlushHandler(deps: CacheFlushDependencies): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failed: string[] = [];
    const due: string[] = [];
    for (const { messageId, body } of event.Records) {
      const dueAt = followUpFlushDueAt(body);
      if (dueAt === undefined) {
        logger.warn('not a follow-up authorizer cache flush: dropped', { messageId });
      } else if (dueAt <= deps.now()) {
        due.push(messageId);
      } else {
        await deps.sendBack(dueAt).catch((err: unknown) => {
          logger.warn('follow-up authorizer cache flush not sent back', { messageId, code: translateError(err, 'http').code });
          failed.push(messageId);
        });
      }
    }
    if (due.length > 0) {
      const { registryError, failed: stages } = await deps.flush();
      if (registryError !== undefined || stages.length > 0) failed.push(...due);
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = handlerFromEnvironment('cache-flush', (env) => createAuthorizerCacheFlushHandler(cacheFlushDependencies(env)));
