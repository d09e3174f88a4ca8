import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { LocalTimers } from '../../lib/local/local-timers';

/**
 * Local mode for one e2e file: free ports (so it runs beside `npm start` and other files), its own DynamoDB Local,
 * local mode's default settings otherwise, and a clock the test moves instead of waiting.
 */
export interface E2eLocalMode {
  readonly local: LocalMode;
  /**
   * Moves the clock of the emulator and every function forward, and runs what local mode had scheduled up to then (the
   * follow-up authorizer-cache flushes); resolves once that has run.
   */
  advance(seconds: number): Promise<void>;
}

export async function startE2eLocalMode(overrides: Partial<LocalModeOptions> = {}): Promise<E2eLocalMode> {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const timers = new LocalTimers(now);
  const local = await startLocalMode({
    ...readLocalSettings({ PORT: '0', CIAM_PORT: '0' }),
    now,
    timers,
    ...overrides,
  });
  return {
    local,
    advance: async (seconds) => {
      offsetMs += seconds * 1000;
      await timers.runDue();
    },
  };
}
