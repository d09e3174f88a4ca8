import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateError } from './library-errors';

/**
 * Follow-up authorizer-cache flushes as SQS messages: `{"flushAt":"<ISO 8601>"}`, sent with the delay that brings them
 * back when due. SQS delays a message by 15 minutes at most, so one due later (a brand-cache TTL up to an hour) is sent
 * back by the cache-flush function, with the delay left, until it is due.
 */

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

/** Each SQS call is bounded, so a slow SQS cannot eat the function's whole timeout. */
const SEND_TIMEOUT_MS = 3000;

/** Whole seconds from `nowMs` until `dueAtMs`, rounded up (never early), within what SQS accepts. */
export function delaySecondsUntil(dueAtMs: number, nowMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAtMs - nowMs) / 1000)));
}

/** Sends a follow-up flush due at `dueAtMs` (epoch ms) to `queueUrl`; SDK errors are translated. */
export function followUpFlushSender(client: SQSClient, queueUrl: string, now: () => number): (dueAtMs: number) => Promise<void> {
  return async (dueAtMs) => {
    try {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ flushAt: new Date(dueAtMs).toISOString() }), DelaySeconds: delaySecondsUntil(dueAtMs, now()) }),
        { abortSignal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
      );
    } catch (err) {
      throw translateError(err, 'http');
    }
  };
}

/** When a message's flush is due (epoch ms), or undefined for a body that is not a follow-up flush. */
export function followUpFlushDueAt(body: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const flushAt = typeof parsed === 'object' && parsed !== null ? (parsed as { flushAt?: unknown }).flushAt : undefined;
  const dueAt = typeof flushAt === 'string' ? Date.parse(flushAt) : Number.NaN;
  return Number.isFinite(dueAt) ? dueAt : undefined;
}
