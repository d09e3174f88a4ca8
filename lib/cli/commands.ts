import { PRESETS } from '../../lambdas/core/provider-presets';
import { cloudWatchClient, cloudWatchMetrics } from '../console/cloudwatch-metrics';
import { startConsole } from '../console/console-server';
import { emulatorMetrics } from '../console/metrics-view';
import { LOCAL_DEFAULTS } from '../local-mode-defaults';
import { executeApiRegion, requestAdmin, type AdminTarget } from './admin-client';
import { brandToPut, type BrandSource } from './brand-to-put';
import { CliError, EXIT, UsageError } from './cli-error';
import type { OptionName, OptionValues } from './options';
import { auditLines, brandList, checkSteps, diffLines, disableResult, enableResult, flushResult, keySyncLines, keySyncWarning, presetList, putResult } from './render';

/**
 * The CLI's commands, declared once: this table drives dispatch, usage lines and every help text.
 */

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths start when INIT_CWD is not set. @default process.cwd() */
  readonly cwd?: string;
  /** Resolves when a command that runs until stopped (`console`) should stop. @default on SIGINT or SIGTERM */
  readonly stopped?: Promise<void>;
}

export interface CommandContext {
  /** The command's arguments by name. */
  readonly args: Readonly<Record<string, string | undefined>>;
  readonly options: OptionValues;
  readonly io: CliIo;
  /** Prints the text, or `data` as JSON with `--json`. */
  print(human: string, data: unknown): void;
}

export interface Argument {
  readonly name: string;
  readonly help: string;
  readonly required: boolean;
}

export interface Command {
  /** The words that name it: `brands put`. */
  readonly name: string;
  /** One line, in the program's command list. */
  readonly summary: string;
  /** What the command's own help says beyond the summary. */
  readonly details?: string;
  readonly args: readonly Argument[];
  /** Usage lines after the name when the arguments alone do not say it (a command with two forms). */
  readonly forms?: readonly string[];
  /** The options it takes besides --json and --help. */
  readonly options: readonly OptionName[];
  /** It calls the admin API, so it takes --endpoint, --admin-key and --region. */
  readonly admin: boolean;
  readonly examples: readonly string[];
  run(context: CommandContext): Promise<number>;
}

const BRAND_ID: Argument = { name: 'brandId', help: 'the brand, as in X-Brand-Id', required: true };

export const COMMANDS: readonly Command[] = [
  {
    name: 'presets',
    summary: 'list the provider presets and the inputs each needs',
    args: [{ name: 'provider', help: `one of ${Object.keys(PRESETS).join(', ')} (default: all)`, required: false }],
    options: [],
    admin: false,
    examples: ['ciam-gateway presets cognito'],
    run: async ({ args, print }) => {
      const presets = Object.values(PRESETS).filter((p) => args.provider === undefined || p.provider === args.provider);
      if (presets.length === 0) throw new UsageError(`unknown provider ${args.provider}: one of ${Object.keys(PRESETS).join(', ')}`);
      print(presetList(presets), presets.map(({ provider, inputs, notes }) => ({ provider, inputs, notes })));
      return EXIT.ok;
    },
  },
  {
    name: 'brands list',
    summary: 'list every brand: id, status, provider, version, display name',
    args: [],
    options: [],
    admin: true,
    examples: ['ciam-gateway brands list --endpoint http://127.0.0.1:3000 --admin-key local-admin-key'],
    run: async (context) => {
      const { body } = await requestAdmin(targetOf(context), 'GET', '/v1/admin/brands');
      context.print(brandList(body), body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands get',
    summary: 'print a brand\'s config and the version you read',
    details: 'With --json, the output is a file `brands put --file` and `brands diff --file` take back.',
    args: [BRAND_ID],
    options: [],
    admin: true,
    examples: ['ciam-gateway brands get acme --json > acme.json'],
    run: async (context) => {
      const brandId = context.args.brandId ?? '';
      const { body } = await requestAdmin(targetOf(context), 'GET', brandPath(brandId), { about: { brandId } });
      context.print(JSON.stringify(body, null, 2), body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands put',
    summary: 'create a brand, or replace the version you read',
    details:
      'Replacing needs the version you read: the file\'s "version" (as `brands get --json` writes it), or --if-match.\n' +
      'The server fills issuer, jwksUri and userinfoEndpoint from OIDC discovery where the config leaves them out\n' +
      '(userinfoEndpoint only unless "profileSource" is "id_token"), checks the whole config, and refuses it with\n' +
      'every problem listed. The cognito preset fills in both of Cognito\'s issuer forms. A replace that changes what\n' +
      'the authorizer decides (status, issuer, keys, audiences…) flushes the authorizer result caches, as\n' +
      '--flush-authorizer-cache does for any change; a warning on stderr says when a flush fell short (the change is\n' +
      'stored all the same).',
    args: [{ ...BRAND_ID, help: 'the brand; with --file, the file\'s brandId', required: false }],
    forms: ['--file <brand.json> [options]', '<brandId> --preset <provider> --input <key=value>... [options]'],
    options: ['file', 'if-match', 'preset', 'input', 'display-name', 'application-id', 'flush-authorizer-cache'],
    admin: true,
    examples: [
      'ciam-gateway brands get acme --json > acme.json    # edit acme.json, then',
      'ciam-gateway brands put --file acme.json',
      'ciam-gateway brands put shop --preset cognito --input region=eu-west-1 --input userPoolId=eu-west-1_AbC123xyz --input appClientId=1example --display-name Shop',
    ],
    run: async (context) => {
      const { brandId, config, version: sentVersion, versionFrom } = await brandToPut({
        ...brandSource(context),
        ifMatch: optionString(context, 'if-match'),
        preset: {
          name: optionString(context, 'preset'), inputs: optionList(context, 'input'),
          displayName: optionString(context, 'display-name'), applicationId: optionString(context, 'application-id'),
        },
      });
      const { status, body } = await requestAdmin(targetOf(context), 'PUT', brandPath(brandId, flushQuery(context)), {
        body: config,
        ...(sentVersion === undefined ? {} : { headers: { 'if-match': `"${sentVersion}"` } }),
        about: { brandId, ...(sentVersion === undefined ? {} : { sentVersion }), versionFrom },
      });
      printStored(context, putResult(brandId, status === 201, body), brandId, body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands diff',
    summary: 'show every field a put of the file would change (status included), writing nothing',
    details: 'The server completes and checks the config exactly as a put would (a dry run), then compares it with the stored one.',
    args: [{ ...BRAND_ID, help: 'the brand (default: the file\'s brandId)', required: false }],
    forms: ['[brandId] --file <brand.json> [options]'],
    options: ['file'],
    admin: true,
    examples: ['ciam-gateway brands diff acme --file acme.json'],
    run: async (context) => {
      const { brandId, config } = await brandToPut(brandSource(context));
      const { body } = await requestAdmin(targetOf(context), 'PUT', brandPath(brandId, '?dryRun=true'), { body: config, about: { brandId } });
      // A gateway older than the dry run would have taken it for a real put.
      if (body.dryRun !== true) throw new CliError('unavailable', `the gateway does not know dry runs (it is older than this CLI) and may have applied the file: run brands get ${brandId}`);
      context.print(diffLines(body), body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands disable',
    summary: 'disable a brand: it is kept, and its tokens are refused',
    details:
      'A disable flushes the authorizer result caches of every registered API stage, now and again once the\n' +
      'authorizers\' brand caches have run out, so tokens in use are refused within the brand-cache TTL + 10 s.\n' +
      'A warning on stderr says when a flush fell short; the brand is disabled all the same.',
    args: [BRAND_ID],
    options: ['flush-authorizer-cache'],
    admin: true,
    examples: ['ciam-gateway brands disable acme'],
    run: async (context) => {
      const brandId = context.args.brandId ?? '';
      const { body } = await requestAdmin(targetOf(context), 'DELETE', brandPath(brandId, flushQuery(context)), { about: { brandId } });
      printStored(context, disableResult(brandId, body), brandId, body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands enable',
    summary: 'enable a disabled brand again: its tokens are accepted once caches refresh',
    details: 'Like a disable, it flushes the authorizer result caches of every registered API stage.',
    args: [BRAND_ID],
    options: [],
    admin: true,
    examples: ['ciam-gateway brands enable acme'],
    run: async (context) => {
      const brandId = context.args.brandId ?? '';
      const { body } = await requestAdmin(targetOf(context), 'POST', brandPath(brandId, '/enable'), { about: { brandId } });
      printStored(context, enableResult(brandId, body), brandId, body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands sync-keys',
    summary: "make every brand's API key agree with its config: enabled while active, in its tier's usage plan",
    details:
      'The admin API keeps each brand\'s API key in sync when the brand is saved; when that fell short (a warning\n' +
      'said so), this reconciles every brand. Exits 1 when a brand\'s key could not be synced. Key values are never shown.',
    args: [],
    options: [],
    admin: true,
    examples: ['ciam-gateway brands sync-keys'],
    run: async (context) => {
      const { body } = await requestAdmin(targetOf(context), 'POST', '/v1/admin/api-keys/sync');
      context.print(keySyncLines(body), body);
      return body.ok === true ? EXIT.ok : EXIT.refused;
    },
  },
  {
    name: 'brands check',
    summary: 'check a brand\'s discovery, JWKS, userinfo and, if given, a sample token; or a config file before it is saved',
    details:
      'With --file, the file is checked as a put would store it (completed by discovery), and nothing is saved.\n' +
      'Exits 1 when a step fails.',
    args: [{ ...BRAND_ID, help: 'the stored brand to check (not with --file)', required: false }],
    forms: ['<brandId> [--sample-token <jwt>] [options]', '--file <brand.json> [--sample-token <jwt>] [options]'],
    options: ['file', 'sample-token'],
    admin: true,
    examples: ['ciam-gateway brands check acme --sample-token "$(npm run -s token)"', 'ciam-gateway brands check --file acme.json'],
    run: async (context) => {
      const token = optionString(context, 'sample-token');
      const sample = token === undefined ? {} : { sampleToken: token };
      let body: Readonly<Record<string, unknown>>;
      if (optionString(context, 'file') !== undefined) {
        if (context.args.brandId !== undefined) throw new UsageError('name a stored brand or a --file, not both');
        const { brandId, config } = await brandToPut(brandSource(context));
        ({ body } = await requestAdmin(targetOf(context), 'POST', '/v1/admin/checks', { body: { ...config, ...sample }, about: { brandId } }));
      } else {
        const brandId = context.args.brandId;
        if (brandId === undefined) throw new UsageError('name the brand to check, or a --file');
        ({ body } = await requestAdmin(targetOf(context), 'POST', brandPath(brandId, '/check'), { body: sample, about: { brandId } }));
      }
      context.print(checkSteps(body), body);
      return body.ok === true ? EXIT.ok : EXIT.refused;
    },
  },
  {
    name: 'brands audit',
    summary: 'print a brand\'s audit trail, newest first: config changes, revocations and customer changes',
    details: 'A page at a time (--limit, 25 by default); the last line names the --cursor of the next page, if any.',
    args: [BRAND_ID],
    options: ['limit', 'cursor'],
    admin: true,
    examples: ['ciam-gateway brands audit acme --limit 50'],
    run: async (context) => {
      const brandId = context.args.brandId ?? '';
      const query = new URLSearchParams();
      for (const name of ['limit', 'cursor'] as const) {
        const value = optionString(context, name);
        if (value !== undefined) query.set(name, value);
      }
      const suffix = query.size === 0 ? '/audit' : `/audit?${query.toString()}`;
      const { body } = await requestAdmin(targetOf(context), 'GET', brandPath(brandId, suffix), { about: { brandId } });
      context.print(auditLines(body), body);
      return EXIT.ok;
    },
  },
  {
    name: 'brands revoke',
    summary: 'revoke every token of a subject issued until now, or every token of a session',
    details:
      'A subject (--sub) loses every token issued until now; a session (--sid) every token carrying that sid. Tokens\n' +
      'without a sid are revoked only through their subject. The revocation is audited with your identity.',
    forms: ['<brandId> --sub <sub>', '<brandId> --sid <sid>'],
    args: [BRAND_ID],
    options: ['sub', 'sid'],
    admin: true,
    examples: ['ciam-gateway brands revoke acme --sub 0f7c2a', 'ciam-gateway brands revoke acme --sid 5d1e9b'],
    run: async (context) => {
      const brandId = context.args.brandId ?? '';
      const sub = optionString(context, 'sub');
      const sid = optionString(context, 'sid');
      if ((sub === undefined) === (sid === undefined)) throw new UsageError('name exactly one of --sub and --sid');
      const { body } = await requestAdmin(targetOf(context), 'POST', brandPath(brandId, '/revocations'), { body: sub === undefined ? { sid } : { sub }, about: { brandId } });
      context.print(`revoked ${body.revoked === 'session' ? `session ${String(sid)}` : `subject ${String(sub)}`} of ${brandId}`, body);
      return EXIT.ok;
    },
  },
  {
    name: 'console',
    summary: 'start the operator console: a web app on 127.0.0.1 to onboard, check, change, disable and watch brands',
    details:
      'Without --endpoint or CIAM_GATEWAY_ENDPOINT, it manages local mode (npm start) on 127.0.0.1:3000.\n' +
      'Prints the URL to open (it carries a session token; keep it to yourself) and runs until Ctrl-C. The console\'s\n' +
      'server calls the admin API as the other commands do (your AWS credentials, or local mode\'s admin key); the\n' +
      'browser never gets them. The charts read CloudWatch with the same credentials (see grantConsole), or in local\n' +
      'mode the emulator\'s metrics.',
    args: [],
    options: ['port'],
    admin: true,
    examples: ['ciam-gateway console    # local mode (npm start) on its default port', 'ciam-gateway console --endpoint https://abc123.execute-api.eu-west-1.amazonaws.com/prod'],
    run: async (context) => {
      const target = targetOf(context, { localByDefault: true });
      const port = optionString(context, 'port') ?? '0';
      if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError('--port must be a port number');
      // Local mode (the admin key) keeps its decisions in the emulator; a deployed stage in CloudWatch.
      const metrics = target.adminKey ? emulatorMetrics(target.endpoint) : cloudWatchMetrics(cloudWatchClient(target.region));
      const running = await startConsole({ target, port: Number(port), metrics });
      context.io.out(`console for ${target.endpoint}: open ${running.url}`);
      await (context.io.stopped ?? new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }));
      await running.close();
      return EXIT.ok;
    },
  },
];

/** A stored change: what it did, what its authorizer-cache flush did, and a warning on stderr when the flush fell short. */
function printStored(context: CommandContext, human: string, brandId: string, body: Readonly<Record<string, unknown>>): void {
  const { info, warning } = flushResult(brandId, body);
  context.print(info === undefined ? human : `${human}\n${info}`, body);
  if (warning !== undefined) context.io.err(warning);
  const keyWarning = keySyncWarning(brandId, body);
  if (keyWarning !== undefined) context.io.err(keyWarning);
}

/**
 * Where the admin API is and how to authenticate: options first, then the environment; with `localByDefault`, local
 * mode's gateway and admin key on their default port and value.
 */
function targetOf({ options, io }: CommandContext, { localByDefault = false } = {}): AdminTarget {
  const named = optionString({ options }, 'endpoint') ?? io.env.CIAM_GATEWAY_ENDPOINT;
  const local = !named && localByDefault;
  const endpoint = local ? `http://127.0.0.1:${LOCAL_DEFAULTS.port}` : named;
  if (!endpoint) throw new UsageError('no endpoint: pass --endpoint or set CIAM_GATEWAY_ENDPOINT');
  const adminKey = optionString({ options }, 'admin-key') ?? io.env.LOCAL_ADMIN_KEY ?? (local ? LOCAL_DEFAULTS.adminKey : undefined);
  const region = optionString({ options }, 'region') ?? executeApiRegion(endpoint) ?? io.env.AWS_REGION;
  return { endpoint, ...(adminKey ? { adminKey } : {}), ...(region ? { region } : {}) };
}

/** What every put source has: the brandId argument, --file, and the directory the person ran the command in. */
function brandSource({ args, options, io }: CommandContext): BrandSource {
  // `npm run` moves to the package root, and says where it was called from in INIT_CWD.
  return { brandId: args.brandId, file: optionString({ options }, 'file'), baseDir: io.env.INIT_CWD ?? io.cwd ?? process.cwd() };
}

function optionString({ options }: Pick<CommandContext, 'options'>, name: OptionName): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function optionList({ options }: Pick<CommandContext, 'options'>, name: OptionName): readonly string[] {
  const value = options[name];
  return Array.isArray(value) ? value : [];
}

const flushQuery = (context: CommandContext) => (context.options['flush-authorizer-cache'] === true ? '?flushAuthorizerCache=true' : '');

const brandPath = (brandId: string, suffix = '') => `/v1/admin/brands/${encodeURIComponent(brandId)}${suffix}`;
