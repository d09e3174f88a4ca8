import { CliError, EXIT, UsageError } from './cli-error';
import { COMMANDS, type CliIo, type Command } from './commands';
import { messageOf, oneLine } from './explain-failure';
import { GROUPS, helpText, usageText, type Scope } from './help';
import { COMMON_OPTIONS, TARGET_OPTIONS, parseCommandLine, type OptionName, type OptionValues } from './options';

export { EXIT } from './cli-error';
export type { CliIo } from './commands';

/**
 * `ciam-gateway`: onboard and manage brands through the admin API. Reads the command line, prints help or runs
 * the command, and turns every failure into one line on stderr and a documented exit code (never a stack trace).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const line = parseCommandLine(argv);
  const { scope, rest } = scopeOf(line.positionals);
  try {
    if (line.values.help === true) {
      io.out(helpText(scope));
      return EXIT.ok;
    }
    if (line.error) throw line.error;
    if (scope.kind !== 'command') throw new UsageError(line.positionals.length <= (scope.kind === 'group' ? 1 : 0) ? 'missing command' : `unknown command ${line.positionals.join(' ')}`);
    const { command } = scope;
    return await command.run({
      args: argumentsOf(command, rest),
      options: checkedOptions(command, line.values),
      io,
      print: (human, data) => io.out(line.values.json === true ? JSON.stringify(data, null, 2) : human),
    });
  } catch (err) {
    return reportFailure(err, scope, io);
  }
}

/** The command the words name (the longest match), else the group or the program they fall under. */
function scopeOf(positionals: readonly string[]): { scope: Scope; rest: readonly string[] } {
  const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => positionals[i] === word));
  if (command) return { scope: { kind: 'command', command }, rest: positionals.slice(command.name.split(' ').length) };
  const group = GROUPS.find((g) => g === positionals[0]);
  return { scope: group ? { kind: 'group', group } : { kind: 'program' }, rest: [] };
}

function argumentsOf(command: Command, words: readonly string[]): Record<string, string | undefined> {
  if (words.length > command.args.length) throw new UsageError(`unexpected argument ${words[command.args.length]}`);
  const missing = command.args.find((a, i) => a.required && words[i] === undefined);
  if (missing) throw new UsageError(`missing <${missing.name}>`);
  return Object.fromEntries(command.args.map((a, i) => [a.name, words[i]]));
}

function checkedOptions(command: Command, values: OptionValues): OptionValues {
  const allowed = new Set<OptionName>([...command.options, ...(command.admin ? TARGET_OPTIONS : []), ...COMMON_OPTIONS]);
  const stray = (Object.keys(values) as OptionName[]).find((name) => !allowed.has(name));
  if (stray) throw new UsageError(`${command.name} does not take --${stray}`);
  return values;
}

function reportFailure(err: unknown, scope: Scope, io: CliIo): number {
  if (err instanceof UsageError) {
    io.err(`${err.message}\n${usageText(scope)}`);
  } else if (err instanceof CliError) {
    io.err([err.message, ...err.problems.map((p) => `  - ${p}`)].join('\n'));
  } else {
    // A bug of ours: still one line, and no stack trace.
    io.err(`unexpected error: ${oneLine(messageOf(err))}`);
    return EXIT.unavailable;
  }
  return err.exitCode;
}
