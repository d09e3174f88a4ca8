/** `--help` for the program, each group and every command, written from the command table; usage errors exit 2. */
import { COMMANDS } from '../../../lib/cli/commands';
import { EXIT } from '../../../lib/cli/run-cli';
import { captureCli } from './captured-cli';

const EXIT_LINE = 'exit codes: 0 done, 1 refused (or a check failed), 2 usage, 3 unavailable (network, 5xx)';

it.each(['--help', '-h'])('prints the program help on stdout with %s, listing every command', async (flag) => {
  const { code, out, err } = await captureCli([flag]);
  expect({ code, err }).toEqual({ code: EXIT.ok, err: '' });
  expect(out).toMatch(/^usage: ciam-gateway <command> \[options\]\n/);
  for (const command of COMMANDS) expect(out).toContain(`\n  ${command.name}`);
  expect(out).toContain('\nexamples:\n  ciam-gateway brands list --endpoint http://127.0.0.1:3000');
  expect(out).toContain(EXIT_LINE);
});

it('prints the brands group help: its commands and the target options', async () => {
  const { code, out } = await captureCli(['brands', '--help']);
  expect(code).toBe(EXIT.ok);
  expect(out).toMatch(/^usage: ciam-gateway brands <command> \[options\]\n/);
  expect(out).toContain('  brands get <brandId>  ');
  expect(out).not.toContain('presets [provider]');
  expect(out).toMatch(/\n {2}--endpoint <url> +the gateway: .*\(default: CIAM_GATEWAY_ENDPOINT\)\n/);
});

describe.each(COMMANDS.map((command) => [command.name, command] as const))('%s --help', (name, command) => {
  it('prints its usage, arguments, options, example and exit codes on stdout, and exits 0', async () => {
    const { code, out, err } = await captureCli([...name.split(' '), '--help']);
    expect({ code, err }).toEqual({ code: EXIT.ok, err: '' });
    expect(out).toMatch(new RegExp(`^usage: ciam-gateway ${name} `));
    for (const arg of command.args) expect(out).toMatch(new RegExp(`\\n {2}${arg.name} +\\S`));
    for (const option of command.options) expect(out).toContain(`--${option}`);
    expect(out).toContain(command.admin ? '--endpoint <url>' : '-h, --help');
    expect(out).toMatch(/\nexamples?:\n {2}ciam-gateway /);
    expect(out.endsWith(EXIT_LINE)).toBe(true);
  });

  it('prints the same help with -h, wherever it stands', async () => {
    const words = name.split(' ');
    expect((await captureCli(['-h', ...words])).out).toBe((await captureCli([...words, '--help'])).out);
  });
});

it('shows both forms of brands put and only the options presets takes', async () => {
  const put = await captureCli(['brands', 'put', '--help']);
  expect(put.out.split('\n').slice(0, 2)).toEqual([
    'usage: ciam-gateway brands put --file <brand.json> [options]',
    '       ciam-gateway brands put <brandId> --preset <provider> --input <key=value>... [options]',
  ]);
  const presets = await captureCli(['presets', '--help']);
  expect(presets.out).toContain('\noptions:\n  --json      print JSON instead of text\n  -h, --help  print this help\n');
  expect(presets.out).not.toContain('--endpoint');
});

it('answers help even when the rest of the command line is wrong', async () => {
  expect(await captureCli(['brands', 'get', '--nope', '--help'])).toMatchObject({ code: EXIT.ok, err: '' });
});

describe('usage errors: one line, the usage, where to read more; exit 2 on stderr', () => {
  it.each([
    [[], 'missing command', 'usage: ciam-gateway <command> [options]', "run 'ciam-gateway --help' for more"],
    [['brands'], 'missing command', 'usage: ciam-gateway brands <command> [options]', "run 'ciam-gateway brands --help' for more"],
    [['brands', 'frobnicate'], 'unknown command brands frobnicate', 'usage: ciam-gateway brands <command> [options]', "run 'ciam-gateway brands --help' for more"],
    [['frobnicate'], 'unknown command frobnicate', 'usage: ciam-gateway <command> [options]', "run 'ciam-gateway --help' for more"],
    [['brands', 'get'], 'missing <brandId>', 'usage: ciam-gateway brands get <brandId> [options]', "run 'ciam-gateway brands get --help' for more"],
    [['brands', 'get', 'a', 'b'], 'unexpected argument b', 'usage: ciam-gateway brands get <brandId> [options]', "run 'ciam-gateway brands get --help' for more"],
    [['brands', 'list', '--file', 'x.json'], 'brands list does not take --file', 'usage: ciam-gateway brands list [options]', "run 'ciam-gateway brands list --help' for more"],
    [['brands', 'list', '--fil'], 'unknown option --fil', 'usage: ciam-gateway brands list [options]', "run 'ciam-gateway brands list --help' for more"],
    [['brands', 'diff', 'acme', '--file'], '--file needs a value', 'usage: ciam-gateway brands diff [brandId] --file <brand.json> [options]', "run 'ciam-gateway brands diff --help' for more"],
    [['brands', 'list', '--json=yes'], '--json takes no value', 'usage: ciam-gateway brands list [options]', "run 'ciam-gateway brands list --help' for more"],
    [['presets', 'okta'], 'unknown provider okta: one of generic-oidc, auth0, cognito, keycloak, janrain, nextreason', 'usage: ciam-gateway presets [provider] [options]', "run 'ciam-gateway presets --help' for more"],
    [['brands', 'list'], 'no endpoint: pass --endpoint or set CIAM_GATEWAY_ENDPOINT', 'usage: ciam-gateway brands list [options]', "run 'ciam-gateway brands list --help' for more"],
  ])('%j', async (args, ...lines) => {
    expect(await captureCli(args)).toEqual({ code: EXIT.usage, out: '', err: lines.join('\n') });
  });
});
