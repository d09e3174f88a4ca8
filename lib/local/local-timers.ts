/**
 * Local mode's stand-in for SQS's delayed messages: each task runs once local mode's clock reaches its time. That clock
 * may be a test's, moved forward instead of waited for, so a task runs from a real timer set for the time left on it,
 * or when the clock is moved past it and `runDue` is called, whichever comes first, and only once.
 */
interface Pending {
  readonly dueAtMs: number;
  readonly task: () => Promise<void>;
  timer?: NodeJS.Timeout;
}

export class LocalTimers {
  private readonly pending = new Set<Pending>();
  /** Tasks started and not yet finished, by either way in. */
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  /** @param now epoch ms: the clock of local mode and its functions */
  constructor(private readonly now: () => number) {}

  /** Runs `task` once the clock reaches `dueAtMs`. Its failures are its own to report. */
  at(dueAtMs: number, task: () => Promise<void>): void {
    if (this.stopped) return;
    const entry: Pending = { dueAtMs, task };
    entry.timer = this.timerFor(entry);
    this.pending.add(entry);
  }

  /** Runs every task the clock has reached, earliest first, and resolves once they (and any already running) have finished. */
  async runDue(): Promise<void> {
    const due = [...this.pending].filter((entry) => entry.dueAtMs <= this.now()).sort((a, b) => a.dueAtMs - b.dueAtMs);
    for (const entry of due) await this.run(entry);
    await Promise.all(this.running);
  }

  /** Drops every task not yet run: local mode is stopping. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.pending) clearTimeout(entry.timer);
    this.pending.clear();
  }

  /** A real timer for the time left; when it fires early on this clock (a clock that stands still), it waits again. */
  private timerFor(entry: Pending): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.now() >= entry.dueAtMs) void this.run(entry);
      else entry.timer = this.timerFor(entry);
    }, Math.max(0, entry.dueAtMs - this.now()));
    // Local mode's servers keep the process alive; a pending follow-up alone must not.
    timer.unref();
    return timer;
  }

  private async run(entry: Pending): Promise<void> {
    if (!this.pending.delete(entry)) return;
    clearTimeout(entry.timer);
    const running = entry.task().catch(() => undefined);
    this.running.add(running);
    await running;
    this.running.delete(running);
  }
}
