import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Provider } from '../../lambdas/core/brand-config';
import { PRESETS } from '../../lambdas/core/provider-presets';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { callAdminApi, type AdminResponse, type AdminTarget } from './admin-client';

/**
 * `ciam-gateway`: onboard and manage brands through the admin API. Human-readable output, or JSON with
 * `--json`. Exit codes: 0 done, 1 refused (4xx, or a failed check), 2 usage, 3 unavailable (5xx, network).
 */
export const USAGE = `usage: ciam-gateway <command> [options]

  presets [provider]                      list provider presets and the inputs each needs
  brands list
  brands get <brandId>
  brands put --file <brand.json>          create, or replace with --if-match <version>
                                          (put and disable take --flush-authorizer-cache)
  brands put <brandId> --preset <provider> --display-name <name> --input key=value ... [--application-id ..] [--if-match ..]
  brands disable <brandId>
  brands check <brandId> [--sample-token <jwt>]
  brands diff <brandId> --file <brand.json>   what put would change

target: --endpoint <url> (or CIAM_GATEWAY_ENDPOINT); local mode: --admin-key <key> (or LOCAL_ADMIN_KEY);
        otherwise requests are SigV4-signed with the standard AWS credential chain (--region or AWS_REGION)
output: --json`;

export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigValidationError) {
      io.err(`invalid brand config:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
      return EXIT.refused;
    }
    io.err(`unavailable: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.unavailable;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        endpoint: { type: 'string' }, 'admin-key': { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean', default: false },
        file: { type: 'string' }, 'if-match': { type: 'string' }, preset: { type: 'string' }, input: { type: 'string', multiple: true },
        'display-name': { type: 'string' }, 'application-id': { type: 'string' }, 'sample-token': { type: 'string' },
        'flush-authorizer-cache': { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [group, command, brandId] = positionals;
  const print = (human: string, data: unknown) => io.out(values.json ? JSON.stringify(data, null, 2) : human);

  if (group === 'presets') return listPresets(command, print);
  if (group !== 'brands' || !command) throw new UsageError('unknown command');

  const endpoint = values.endpoint ?? io.env.CIAM_GATEWAY_ENDPOINT;
  if (!endpoint) throw new UsageError('no endpoint: pass --endpoint or set CIAM_GATEWAY_ENDPOINT');
  const adminKey = values['admin-key'] ?? io.env.LOCAL_ADMIN_KEY;
  const target: AdminTarget = { endpoint, ...(adminKey ? { adminKey } : {}), ...(values.region ? { region: values.region } : {}) };
  const needId = (): string => {
    if (!brandId) throw new UsageError(`brands ${command} needs a brandId`);
    return brandId;
  };
  const path = (id: string, suffix = '') => `/v1/admin/brands/${encodeURIComponent(id)}${suffix}`;
  const flush = values['flush-authorizer-cache'] ? '?flushAuthorizerCache=true' : '';

  switch (command) {
    case 'list': {
      const response = await callAdminApi(target, 'GET', '/v1/admin/brands');
      return report(response, io, print, (body) => {
        const brands = (body.brands ?? []) as Record<string, unknown>[];
        return brands.length === 0 ? 'no brands' : brands.map((b) => `${b.brandId}\t${b.status}\t${b.provider}\tv${b.version}\t${b.displayName}`).join('\n');
      });
    }
    case 'get':
      return report(await callAdminApi(target, 'GET', path(needId())), io, print, (body) => JSON.stringify(body, null, 2));
    case 'put': {
      const config = values.file ? await readConfigFile(values.file) : presetConfig(needId(), values);
      const id = String(config.brandId ?? brandId ?? '');
      if (!id) throw new UsageError('the brand config needs a brandId');
      const headers = values['if-match'] ? { 'if-match': `"${values['if-match']}"` } : undefined;
      const response = await callAdminApi(target, 'PUT', path(id, flush), { body: config, ...(headers ? { headers } : {}) });
      return report(response, io, print, (body) => `${response.status === 201 ? 'created' : 'replaced'} ${id} at version ${body.version}; changed: ${((body.changedFields ?? []) as string[]).join(', ') || 'nothing'}`);
    }
    case 'disable': {
      const response = await callAdminApi(target, 'DELETE', path(needId(), flush));
      return report(response, io, print, (body) => `disabled ${brandId} (version ${body.version}); its tokens are refused once caches refresh`);
    }
    case 'check': {
      const token = values['sample-token'];
      const response = await callAdminApi(target, 'POST', path(needId(), '/check'), { body: token ? { sampleToken: token } : {} });
      const code = report(response, io, print, (body) =>
        ((body.steps ?? []) as { step: string; ok: boolean; detail: string }[]).map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step}: ${s.detail}`).join('\n'));
      return code === EXIT.ok && response.body.ok !== true ? EXIT.refused : code;
    }
    case 'diff': {
      if (!values.file) throw new UsageError('brands diff needs --file');
      const wanted = await readConfigFile(values.file);
      const current = await callAdminApi(target, 'GET', path(needId()));
      if (current.status !== 200 && current.status !== 404) return report(current, io, print, () => '');
      const stored = current.status === 200 ? current.body : {};
      const changes = Object.keys(wanted)
        .filter((key) => key !== 'brandId' && JSON.stringify(stored[key]) !== JSON.stringify(wanted[key]))
        .map((key) => ({ field: key, stored: stored[key] ?? null, file: wanted[key] }));
      print(changes.length === 0 ? 'no differences' : changes.map((c) => `${c.field}: ${JSON.stringify(c.stored)} -> ${JSON.stringify(c.file)}`).join('\n'), { brandId, changes });
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command brands ${command}`);
  }
}

function listPresets(provider: string | undefined, print: (human: string, data: unknown) => void): number {
  const presets = Object.values(PRESETS).filter((p) => provider === undefined || p.provider === provider);
  if (presets.length === 0) throw new UsageError(`unknown provider ${provider}`);
  print(
    presets.map((p) => `${p.provider}\n  ${p.notes}\n${p.inputs.map((i) => `  --input ${i.name}=…${i.required ? '' : ' (optional)'}  ${i.help}`).join('\n')}`).join('\n\n'),
    presets.map(({ provider: name, inputs, notes }) => ({ provider: name, inputs, notes })),
  );
  return EXIT.ok;
}

/** A brand config from preset inputs plus the operator's own fields; discovery on the server fills the rest. */
function presetConfig(brandId: string, values: { preset?: string; input?: string[]; 'display-name'?: string; 'application-id'?: string }): Record<string, unknown> {
  const preset = PRESETS[values.preset as Provider];
  if (!preset) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const inputs = Object.fromEntries((values.input ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--input ${pair}: expected key=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
  const draft = preset.derive(inputs);
  return {
    ...draft,
    brandId,
    displayName: values['display-name'] ?? brandId,
    applicationId: values['application-id'] ?? draft.applicationId ?? draft.clientId,
  };
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${file} must hold one JSON object`);
  return parsed as Record<string, unknown>;
}

/** Prints a success, or the API's stable code and every problem it listed; returns the exit code. */
function report(response: AdminResponse, io: CliIo, print: (human: string, data: unknown) => void, human: (body: Record<string, unknown>) => string): number {
  if (response.status < 300) {
    print(human(response.body), response.body);
    return EXIT.ok;
  }
  const problems = (response.body.problems ?? []) as string[];
  io.err(`${response.status} ${String(response.body.code ?? response.body.message ?? 'error')}${problems.length ? `\n${problems.map((p) => `  - ${p}`).join('\n')}` : ''}`);
  return response.status >= 500 ? EXIT.unavailable : EXIT.refused;
}
