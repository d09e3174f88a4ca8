import { LocalTimers } from '../../../lib/local/local-timers';

/** A clock that stands still unless moved, so only `runDue` (never a real timer) can find a task due. */
function stillClock() {
  let nowMs = 1_000_000;
  return { now: () => nowMs, move: (ms: number) => { nowMs += ms; } };
}

describe('LocalTimers', () => {
  test('runs a task only once the clock reaches its time, earliest first, and only once', async () => {
    const clock = stillClock();
    const timers = new LocalTimers(clock.now);
    const ran: string[] = [];
    timers.at(1_065_000, async () => { ran.push('at 65 s'); });
    timers.at(1_035_000, async () => { ran.push('at 35 s'); });
    try {
      clock.move(34_999);
      await timers.runDue();
      expect(ran).toEqual([]);
      clock.move(31_000);
      await timers.runDue();
      await timers.runDue();
      expect(ran).toEqual(['at 35 s', 'at 65 s']);
    } finally {
      timers.stop();
    }
  });

  test('awaits each task, and a failing task does not stop the others', async () => {
    const clock = stillClock();
    const timers = new LocalTimers(clock.now);
    const ran: string[] = [];
    timers.at(clock.now(), async () => { throw new Error('flush failed'); });
    timers.at(clock.now(), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      ran.push('second');
    });
    await timers.runDue();
    expect(ran).toEqual(['second']);
  });

  test('runs a task from a real timer when the time passes without the clock being moved by hand', async () => {
    const timers = new LocalTimers(Date.now);
    const ran = new Promise<string>((resolve) => timers.at(Date.now() + 20, async () => resolve('ran')));
    await expect(ran).resolves.toBe('ran');
  });

  test('drops what is pending when stopped, and takes nothing new', async () => {
    const clock = stillClock();
    const timers = new LocalTimers(clock.now);
    const ran: string[] = [];
    timers.at(clock.now() + 1000, async () => { ran.push('pending'); });
    timers.stop();
    timers.at(clock.now(), async () => { ran.push('after stop'); });
    clock.move(5000);
    await timers.runDue();
    expect(ran).toEqual([]);
  });
});
