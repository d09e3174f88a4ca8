/**
 * How the CLI ends: the documented exit codes, and the one error class every failure becomes before it is shown.
 * A CliError's message is one line a person can act on; it never holds a secret (admin key, token).
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

/** `refused`: the gateway said no (4xx) or a check failed; `usage`: the command line or local setup is incomplete; `unavailable`: network or 5xx. */
export type Failure = Exclude<keyof typeof EXIT, 'ok'>;

/** The exit codes as every help text lists them. */
export const EXIT_CODES_HELP = 'exit codes: 0 done, 1 refused (or a check failed), 2 usage, 3 unavailable (network, 5xx)';

export class CliError extends Error {
  constructor(
    readonly failure: Failure,
    message: string,
    /** Listed under the message, one per line (a refused config's problems). */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return EXIT[this.failure];
  }
}

/** The command line is wrong: shown with the command's usage and a pointer to its help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}
