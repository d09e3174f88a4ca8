import { UpstreamError } from './errors';

/**
 * Customer writes are optimistic: on a conflict the whole decision is taken again from fresh reads, a bounded
 * number of times. Enough for any realistic race (50 concurrent first logins settle in two); beyond it the
 * client retries.
 */
export const MAX_ATTEMPTS = 5;

/** Runs `attempt` until it returns a result; `undefined` means a write lost a race and the reads are stale. */
export async function retryOnConflict<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const result = await attempt();
    if (result !== undefined) return result;
  }
  throw new UpstreamError('STORE_UNAVAILABLE', `customer store: still conflicting after ${MAX_ATTEMPTS} attempts`);
}
