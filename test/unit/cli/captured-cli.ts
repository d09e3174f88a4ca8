import { runCli } from '../../../lib/cli/run-cli';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI as `ciam-gateway <args>` would, with the given environment, and captures what it prints. */
export async function captureCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, cwd?: string): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env, ...(cwd === undefined ? {} : { cwd }) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
