/**
 * Ties local mode's lifetime to whoever started it: it stops everything it started (Java included) on SIGINT,
 * SIGTERM and SIGHUP, and when its parent process dies without passing a signal on. npm forwards only SIGINT
 * and SIGTERM to a script, so a SIGHUP sent to `npm start` shows here only as a new parent (`process.ppid`).
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function stopWithParent(stop: () => Promise<void>, pollMs = 250): void {
  const parent = process.ppid;
  let exiting = false;
  const shutdown = () => {
    if (exiting) return;
    exiting = true;
    clearInterval(watch);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A terminal that closed (SIGHUP) makes writes fail; that must not end the process before its children.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  for (const signal of SIGNALS) process.on(signal, shutdown);
  // unref: the watch alone never keeps the process alive.
  const watch = setInterval(() => {
    if (process.ppid !== parent) shutdown();
  }, pollMs).unref();
}
