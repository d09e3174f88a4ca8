import { parseArgs } from 'node:util';
import { UsageError } from './cli-error';

/** Every option the CLI knows, declared once: the parser, the help texts and the commands all read this table. */
export const OPTIONS = {
  file: { type: 'string', value: '<brand.json>', help: 'the brand config, as `brands get <brandId> --json` writes it; relative to the directory you ran the command in' },
  'if-match': { type: 'string', value: '<version>', help: 'replace only this version of the brand (default: the file\'s "version")' },
  preset: { type: 'string', value: '<provider>', help: 'build the config from a provider preset (see `presets`)' },
  input: { type: 'string', multiple: true, value: '<key=value>', help: 'a preset input, repeated for each input the preset needs' },
  'display-name': { type: 'string', value: '<name>', help: 'the brand\'s display name (default: the brandId)' },
  'application-id': { type: 'string', value: '<id>', help: 'the application id (default: the preset\'s, else the client id)' },
  sub: { type: 'string', value: '<sub>', help: 'the subject (the CIAM user id, the tokens\' sub) whose tokens to revoke' },
  sid: { type: 'string', value: '<sid>', help: 'the session (the tokens\' sid) whose tokens to revoke' },
  limit: { type: 'string', value: '<n>', help: 'how many audit records a page holds, 1 to 100 (default 25)' },
  cursor: { type: 'string', value: '<cursor>', help: 'the page after the one whose last line named this cursor' },
  'sample-token': { type: 'string', value: '<jwt>', help: 'also verify this access token as the authorizer would' },
  'flush-authorizer-cache': { type: 'boolean', help: 'flush the authorizer result caches of every registered API stage for this change too (a disable, or a change of issuer, keys, audiences… always does)' },
  port: { type: 'string', value: '<port>', help: 'the console\'s port on 127.0.0.1 (default: a free one)' },
  endpoint: { type: 'string', value: '<url>', help: 'the gateway: the stage URL in AWS (ApiUrl without the trailing /), http://127.0.0.1:3000 in local mode (default: CIAM_GATEWAY_ENDPOINT)' },
  'admin-key': { type: 'string', value: '<key>', help: 'local mode: send this admin key instead of signing (default: LOCAL_ADMIN_KEY)' },
  region: { type: 'string', value: '<region>', help: 'AWS region to sign for (default: the execute-api endpoint\'s, else AWS_REGION)' },
  json: { type: 'boolean', help: 'print JSON instead of text' },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
} as const satisfies Readonly<Record<string, OptionSpec>>;

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The placeholder help shows after a string option. */
  readonly value?: string;
  readonly help: string;
}

export type OptionName = keyof typeof OPTIONS;

/** Options every admin API command takes: where the gateway is and how to authenticate. */
export const TARGET_OPTIONS: readonly OptionName[] = ['endpoint', 'admin-key', 'region'];
/** Options every command takes. */
export const COMMON_OPTIONS: readonly OptionName[] = ['json', 'help'];

export type OptionValues = Readonly<Partial<Record<OptionName, string | boolean | string[]>>>;

export interface CommandLine {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  /** What is wrong with the command line; the words and options are then a best reading, enough to pick the help to show. */
  readonly error?: UsageError;
}

/** Splits argv into words and known options; an unknown option or a missing value is a usage error. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    // (Not `instanceof Error`: node:util's errors come from another realm under Jest.)
    const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, options: OPTIONS });
    return { positionals, values: values as OptionValues, error: new UsageError(shorter(String((err as { message?: unknown }).message))) };
  }
}

/** parseArgs explains at length ("Unknown option '--x'. To specify a positional argument…"); a few words do. */
function shorter(message: string): string {
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (/^unknown option/i.test(message)) return `unknown option ${option}`;
  if (/argument missing/.test(message)) return `${option} needs a value`;
  if (/does not take an argument/.test(message)) return `${option} takes no value`;
  return message.split('. ')[0] ?? message;
}

/** `--file <brand.json>` or `-h, --help`, as usage lines and help tables show an option. */
export function optionSynopsis(name: OptionName): string {
  const spec: OptionSpec = OPTIONS[name];
  return `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
}
