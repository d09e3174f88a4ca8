/**
 * Runs `task` over every item, at most `limit` at a time, and settles them all: one failure neither stops the others
 * nor hides their results. For fan-outs to a rate-limited API (API Gateway's control plane allows about 10 calls a
 * second per account), where all-at-once would be throttled and one-by-one too slow. Results keep the items' order.
 */
export async function settleWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of at least 1 (got ${limit})`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
