import { settleWithConcurrency } from '../../lambdas/core/settle-with-concurrency';

/** A task whose calls stay pending until released, recording how many ran at once. */
function gatedTask() {
  const pending: { item: number; release: () => void; fail: (err: Error) => void }[] = [];
  let running = 0;
  let maxRunning = 0;
  const task = (item: number) =>
    new Promise<number>((resolve, reject) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      const done = () => (running -= 1);
      pending.push({ item, release: () => (done(), resolve(item * 10)), fail: (err) => (done(), reject(err)) });
    });
  return { task, pending, maxRunning: () => maxRunning };
}

/** Lets every promise callback queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('settleWithConcurrency', () => {
  test('runs at most `limit` tasks at once and starts the next as one settles', async () => {
    const { task, pending, maxRunning } = gatedTask();
    const all = settleWithConcurrency([1, 2, 3, 4, 5], 2, task);
    await settle();
    expect(pending.map(({ item }) => item)).toEqual([1, 2]);
    pending[0]?.release();
    await settle();
    expect(pending.map(({ item }) => item)).toEqual([1, 2, 3]);
    for (let i = 1; i < 5; i += 1) {
      pending[i]?.release();
      await settle();
    }
    expect((await all).map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));
    expect(maxRunning()).toBe(2);
  });

  test('settles every item in order, a failure included, without stopping the others', async () => {
    const failure = new Error('no');
    const results = await settleWithConcurrency([1, 2, 3], 2, async (item) => {
      if (item === 2) throw failure;
      return item * 10;
    });
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 30 },
    ]);
  });

  test('settles nothing for no items', async () => {
    expect(await settleWithConcurrency([], 3, async () => 1)).toEqual([]);
  });

  test.each([0, 1.5, -1])('refuses a limit of %p', async (limit) => {
    await expect(settleWithConcurrency([1], limit, async () => 1)).rejects.toThrow(RangeError);
  });
});
