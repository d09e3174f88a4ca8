import { EXIT_CODES_HELP } from './cli-error';
import { COMMANDS, type Command } from './commands';
import { COMMON_OPTIONS, OPTIONS, TARGET_OPTIONS, optionSynopsis, type OptionName } from './options';

/**
 * Usage lines and help texts, all written from the command table: the program's, a group's (`brands`) and
 * each command's.
 */

export const PROGRAM = 'ciam-gateway';

/** What help is asked for or a usage error is about: the whole program, a group of commands, or one command. */
export type Scope = { readonly kind: 'program' } | { readonly kind: 'group'; readonly group: string } | { readonly kind: 'command'; readonly command: Command };

export const GROUPS: readonly string[] = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] ?? ''))];

const scopeName = (scope: Scope): string => [PROGRAM, scope.kind === 'command' ? scope.command.name : scope.kind === 'group' ? scope.group : ''].filter(Boolean).join(' ');

/** `brands get <brandId>`: the command with its arguments, as the command lists show it. */
const synopsis = (command: Command): string => [command.name, ...command.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`))].join(' ');

function usageLines(scope: Scope): string[] {
  if (scope.kind !== 'command') return [`${scopeName(scope)} <command> [options]`];
  return (scope.command.forms ?? [synopsis(scope.command).slice(scope.command.name.length + 1) + ' [options]']).map((form) => `${PROGRAM} ${scope.command.name} ${form.trim()}`);
}

/** The usage line(s) and where to read more, shown under a usage error. */
export function usageText(scope: Scope): string {
  return `${formatUsage(usageLines(scope))}\nrun '${scopeName(scope)} --help' for more`;
}

export function helpText(scope: Scope): string {
  const sections = scope.kind === 'command' ? commandSections(scope.command) : listSections(scope);
  return [formatUsage(usageLines(scope)), ...sections, EXIT_CODES_HELP].join('\n\n');
}

function commandSections(command: Command): string[] {
  const options: OptionName[] = [...command.options, ...(command.admin ? TARGET_OPTIONS : []), ...COMMON_OPTIONS];
  return [
    [`${capitalized(command.summary)}.`, ...(command.details ? [command.details] : [])].join('\n'),
    ...(command.args.length > 0 ? [`arguments:\n${table(command.args.map((a) => [a.name, a.help]))}`] : []),
    `options:\n${table(options.map((name) => [optionSynopsis(name), OPTIONS[name].help]))}`,
    `example${command.examples.length > 1 ? 's' : ''}:\n${command.examples.map((e) => `  ${e}`).join('\n')}`,
  ];
}

function listSections(scope: Scope): string[] {
  const commands = COMMANDS.filter((c) => scope.kind !== 'group' || c.name.startsWith(`${scope.group} `));
  return [
    `Onboard and manage brands through the ciam-gateway admin API: SigV4-signed with your AWS credentials, or with\nthe admin key in local mode.`,
    `commands:\n${table(commands.map((c) => [synopsis(c), c.summary]))}`,
    `options:\n${table([...TARGET_OPTIONS, ...COMMON_OPTIONS].map((name) => [optionSynopsis(name), OPTIONS[name].help]))}`,
    `examples:\n  ${PROGRAM} brands list --endpoint http://127.0.0.1:3000 --admin-key local-admin-key\n  ${PROGRAM} brands put --help`,
    `Run '${PROGRAM} <command> --help' for a command's arguments, options and examples.`,
  ];
}

function formatUsage(lines: readonly string[]): string {
  return lines.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`).join('\n');
}

/** Two columns, the second aligned. */
function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
