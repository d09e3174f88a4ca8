import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callAdminApi, type AdminResponse, type AdminTarget } from '../cli/admin-client';
import { CliError } from '../cli/cli-error';
import { draftFromForm, formFromConfig, formFromPreset, mergeProblems, presetOf, problemsByField, type FieldProblems } from './brand-form';
import { checkView } from './check-view';
import { consoleAssets } from './console-assets';
import { CSRF_FIELD, ConsoleSession } from './console-session';
import { brandDetail, brandForm, brandsList, messageBody, page, presetStep, type BrandFormState } from './console-views';
import { diffRows } from './diff-view';
import { healthOf, type BrandActivity, type MetricsSource } from './metrics-view';

/**
 * The operator console: a web app on 127.0.0.1 that talks only to the admin API, through the CLI's admin client
 * (so it signs with the operator's credentials, or sends local mode's admin key); the browser gets neither. Every
 * request needs the session cookie, every POST the session's CSRF token; every page is server-rendered with
 * escaping, under a CSP that lets in nothing but the console's own files.
 */
export interface ConsoleOptions {
  readonly target: AdminTarget;
  /** Where the charts' numbers come from. */
  readonly metrics: MetricsSource;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface RunningConsole {
  /** The URL to open: it carries the session token once, which the console exchanges for a cookie. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 64 * 1024;
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it, browsers send `Origin: null` on the console's own forms.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const NOTICES: Readonly<Record<string, string>> = {
  saved: 'Saved.',
  disabled: 'Disabled: its tokens are refused once caches refresh.',
  enabled: 'Enabled: its tokens are accepted once caches refresh.',
  revoked: 'Revoked.',
};

type Form = Readonly<Record<string, string>>;

class PageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const session = new ConsoleSession();
  const assets = consoleAssets();
  const lastChecks = new Map<string, boolean>();
  let origin = '';

  const admin = (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<AdminResponse> =>
    callAdminApi(options.target, method, path, init);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const [status, text] = err instanceof PageError ? [err.status, err.message] : err instanceof CliError ? [502, err.message] : [500, 'the console failed; see its terminal'];
      if (!(err instanceof PageError) && !(err instanceof CliError)) console.error('console error:', err instanceof Error ? err.message : String(err));
      send(res, status, page(`Error ${status}`, messageBody(text)));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Another host name pointing at 127.0.0.1 (DNS rebinding) is another origin: refused.
    if (req.headers.host !== new URL(origin).host) throw new PageError(421, 'this console answers only at its own address');
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && url.pathname === '/' && url.searchParams.has('token')) {
      if (!session.opensWith(url.searchParams.get('token'))) throw new PageError(401, 'this token is not the one the console printed');
      res.writeHead(303, { ...SECURITY_HEADERS, location: '/', 'set-cookie': session.cookie() }).end();
      return;
    }
    if (!session.holds(req)) throw new PageError(401, 'open the URL `ciam-gateway console` printed');
    const asset = assets.get(url.pathname);
    if (req.method === 'GET' && asset) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.contentType }).end(asset.body);
      return;
    }
    if (req.method === 'POST') {
      const requestOrigin = req.headers.origin;
      if (requestOrigin !== undefined && requestOrigin !== origin) throw new PageError(403, 'a form from another site');
      const form = await readForm(req);
      if (!session.csrfMatches(form[CSRF_FIELD])) throw new PageError(403, 'the form is missing this session\'s CSRF token: reload the page');
      return post(url, form, res);
    }
    if (req.method !== 'GET') throw new PageError(405, 'method not allowed');
    return get(url, res);
  }

  async function get(url: URL, res: ServerResponse): Promise<void> {
    const path = url.pathname;
    if (path === '/') return send(res, 200, page('Brands', brandsList(await brandRows())));
    if (path === '/brands/new') return send(res, 200, page('New brand', presetStep(url.searchParams.get('provider') ?? undefined, {}, {}, session.csrfToken)));
    const brand = /^\/brands\/([^/]+)(\/edit)?$/.exec(path);
    if (brand?.[1] !== undefined) {
      const brandId = decodedSegment(brand[1]);
      const stored = await admin('GET', brandPath(brandId));
      if (stored.status === 404) throw new PageError(404, `no brand ${brandId}`);
      expectOk(stored);
      if (brand[2]) {
        const { version, ...config } = configOf(stored.body);
        return send(res, 200, page(`Edit ${brandId}`, brandForm({ values: formFromConfig(config), problems: {}, version: String(version) }, session.csrfToken)));
      }
      const cursor = url.searchParams.get('cursor');
      const audit = await admin('GET', brandPath(brandId, `/audit${cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`}`));
      expectOk(audit);
      const notice = NOTICES[url.searchParams.get('notice') ?? ''];
      return send(res, 200, page(brandId, brandDetail({
        brandId, config: stored.body, audit: auditRows(audit.body.entries), activity: (await activities())(brandId),
        ...(typeof audit.body.next === 'string' ? { nextCursor: audit.body.next } : {}),
      }, session.csrfToken), notice ? { kind: 'ok', text: notice } : undefined));
    }
    throw new PageError(404, 'no such page');
  }

  async function post(url: URL, form: Form, res: ServerResponse): Promise<void> {
    const path = url.pathname;
    if (path === '/brands/new') {
      const preset = presetOf(form.provider);
      if (!preset) throw new PageError(400, 'choose a provider');
      const inputs = Object.fromEntries(Object.entries(form).filter(([key]) => key.startsWith('input.')).map(([key, value]) => [key.slice('input.'.length), value]));
      const derived = formFromPreset(preset, inputs, { brandId: form.brandId ?? '', displayName: form.displayName ?? '' });
      if ('problems' in derived) return send(res, 400, page('New brand', presetStep(preset.provider, form, derived.problems, session.csrfToken)));
      return send(res, 200, page('New brand', brandForm({ values: { ...derived.values, provider: preset.provider }, problems: {} }, session.csrfToken)));
    }
    if (path === '/brands/save') return save(form, res);
    const action = /^\/brands\/([^/]+)\/(disable|enable|revoke)$/.exec(path);
    if (action?.[1] !== undefined) {
      const brandId = decodedSegment(action[1]);
      const [method, suffix, body] =
        action[2] === 'disable' ? ['DELETE', '', undefined]
          : action[2] === 'enable' ? ['POST', '/enable', undefined]
            : ['POST', '/revocations', form.kind === 'sid' ? { sid: form.value ?? '' } : { sub: form.value ?? '' }];
      const answer = await admin(method, brandPath(brandId, suffix), body === undefined ? {} : { body });
      expectOk(answer);
      res.writeHead(303, { ...SECURITY_HEADERS, location: `${brandPath(brandId).replace('/v1/admin', '')}?notice=${action[2] === 'revoke' ? 'revoked' : `${action[2]}d`}` }).end();
      return;
    }
    throw new PageError(404, 'no such form');
  }

  /** The brand form's three actions: check the draft, review its diff, save it with If-Match. */
  async function save(form: Form, res: ServerResponse): Promise<void> {
    const values = Object.fromEntries(Object.entries(form).filter(([key]) => ![CSRF_FIELD, 'action', 'version', 'sampleToken'].includes(key)));
    const version = form.version === '' ? undefined : form.version;
    const title = version === undefined ? 'New brand' : `Edit ${values.brandId ?? ''}`;
    const state: BrandFormState = { values, problems: {}, ...(version === undefined ? {} : { version }) };
    const show = (status: number, more: Partial<BrandFormState>, notice?: { kind: 'ok' | 'error'; text: string }) =>
      send(res, status, page(title, brandForm({ ...state, ...more }, session.csrfToken), notice));
    const { draft, problems } = draftFromForm(values);
    if (Object.keys(problems).length > 0) return show(400, { problems });
    const brandId = typeof draft.brandId === 'string' ? draft.brandId : '';
    if (brandId === '') return show(400, { problems: { brandId: ['required'] } });

    if (form.action === 'check') {
      const sampleToken = (form.sampleToken ?? '').trim();
      const answer = await admin('POST', '/v1/admin/checks', { body: { ...draft, ...(sampleToken === '' ? {} : { sampleToken }) } });
      if (answer.status !== 200) return show(400, { problems: refusalProblems(answer) });
      const check = checkView(answer.body);
      lastChecks.set(brandId, check.ok);
      return show(200, { check, problems: check.problems });
    }
    const review = async () => {
      const dryRun = await admin('PUT', brandPath(brandId, '?dryRun=true'), { body: draft });
      if (dryRun.status !== 200) return { problems: refusalProblems(dryRun) };
      const current = dryRun.body.currentVersion;
      return { diff: { rows: diffRows(dryRun.body.changes), ...(typeof current === 'number' ? { against: String(current) } : {}) } };
    };
    if (form.action === 'review') {
      const reviewed = await review();
      return show('problems' in reviewed ? 400 : 200, reviewed);
    }
    if (form.action !== 'save') throw new PageError(400, 'unknown action');
    const stored = await admin('PUT', brandPath(brandId), { body: draft, ...(version === undefined ? {} : { headers: { 'if-match': `"${version}"` } }) });
    if (stored.status === 200 || stored.status === 201) {
      res.writeHead(303, { ...SECURITY_HEADERS, location: `/brands/${encodeURIComponent(brandId)}?notice=saved` }).end();
      return;
    }
    if (stored.status === 412 || stored.status === 428) {
      // Someone saved since this form was read (or the brand exists already): the diff against what is stored now.
      const reviewed = await review();
      const now = 'diff' in reviewed ? reviewed.diff?.against : undefined;
      return send(res, 409, page(title, brandForm({ ...state, ...reviewed, ...(now === undefined ? {} : { version: now }) }, session.csrfToken), {
        kind: 'error',
        text: stored.status === 412
          ? `Changed underneath: ${brandId} was saved by someone else since you read version ${version ?? ''}. Review the changes against version ${now ?? '?'} below, then save again.`
          : `${brandId} exists already (version ${now ?? '?'}). Review the changes against it below, then save again to replace it.`,
      }));
    }
    return show(400, { problems: refusalProblems(stored) });
  }

  async function brandRows() {
    const listed = await admin('GET', '/v1/admin/brands');
    expectOk(listed);
    const activity = await activities();
    return (Array.isArray(listed.body.brands) ? (listed.body.brands as Record<string, unknown>[]) : []).map((b) => {
      const brandId = String(b.brandId);
      return {
        brandId, displayName: String(b.displayName ?? ''), status: String(b.status ?? ''), provider: String(b.provider ?? ''),
        ...(typeof b.tier === 'string' ? { tier: b.tier } : {}),
        health: healthOf(activity(brandId), lastChecks.get(brandId)),
      };
    });
  }

  /** Each brand's recent decisions; when the metrics cannot be read, every brand's say why. */
  async function activities(): Promise<(brandId: string) => BrandActivity> {
    try {
      const byBrand = await options.metrics();
      return (brandId) => byBrand[brandId] ?? { minutes: [] };
    } catch (err) {
      const unavailable: BrandActivity = { minutes: [], unavailable: `metrics unavailable: ${err instanceof Error ? err.message : String(err)}` };
      return () => unavailable;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/?token=${session.token}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A refusal's problems, each at its field; a refusal without problems is one general problem. */
function refusalProblems(answer: AdminResponse): FieldProblems {
  const problems = Array.isArray(answer.body.problems) ? answer.body.problems.map(String) : [];
  const message = typeof answer.body.message === 'string' ? answer.body.message : `the admin API answered ${answer.status}`;
  return problems.length > 0 ? mergeProblems(problemsByField(problems)) : { '': [message] };
}

function expectOk(answer: AdminResponse): void {
  if (answer.status < 200 || answer.status >= 300) {
    throw new PageError(502, `the admin API answered ${answer.status}${typeof answer.body.message === 'string' ? `: ${answer.body.message}` : ''}`);
  }
}

/** A stored brand's config and version, without what the answer adds about the write. */
function configOf(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { updatedAt: _updatedAt, updatedBy: _updatedBy, changedFields: _changed, flush: _flush, ...config } = body;
  return config;
}

function auditRows(entries: unknown): { at: string; actor: string; what: string }[] {
  return (Array.isArray(entries) ? (entries as Record<string, unknown>[]) : []).map((e) => ({
    at: String(e.at ?? ''),
    actor: String(e.actor ?? e.source ?? ''),
    what: [e.kind, e.action, e.version === undefined ? undefined : `v${String(e.version)}`, e.sid === undefined ? undefined : `sid ${String(e.sid)}`]
      .filter((part) => part !== undefined).map(String).join(' '),
  }));
}

async function readForm(req: IncomingMessage): Promise<Form> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new PageError(415, 'forms only');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new PageError(413, 'form too large');
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/** A path segment as the brand id it encodes; a malformed escape is a bad request, not a failure of the console. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PageError(400, 'a malformed brand id in the address');
  }
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(html);
}

const brandPath = (brandId: string, suffix = '') => `/v1/admin/brands/${encodeURIComponent(brandId)}${suffix}`;
