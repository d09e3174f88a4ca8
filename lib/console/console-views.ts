import htm from 'htm';
import { h, type VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { PROVIDERS } from '../../lambdas/core/brand-config';
import { DERIVED_FIELDS, OWN_FIELDS, presetOf, type FieldProblems, type FieldSpec, type FormValues } from './brand-form';
import type { CheckStepView } from './check-view';
import { CSRF_FIELD } from './console-session';
import type { DiffRow } from './diff-view';
import type { ActivityMinute, BrandActivity } from './metrics-view';

/**
 * The console's pages, server-rendered from tagged templates: every value is text or an attribute value, escaped
 * by the renderer, never HTML. Plain forms; the only script draws the charts from data the page already shows.
 */

const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

export function page(title: string, body: VNode, notice?: { kind: 'ok' | 'error'; text: string }): string {
  return `<!doctype html>${render(html`
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ciam-gateway console</title>
        <link rel="stylesheet" href="/static/console.css" />
        <link rel="stylesheet" href="/static/uPlot.min.css" />
      </head>
      <body>
        <header>
          <nav aria-label="Main"><a href="/">Brands</a> <a href="/brands/new">New brand</a></nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${notice && html`<p class=${`notice ${notice.kind}`} role=${notice.kind === 'error' ? 'alert' : 'status'}>${notice.text}</p>`}
          ${body}
        </main>
        <script src="/static/uPlot.iife.min.js" defer></script>
        <script src="/static/charts.js" defer></script>
      </body>
    </html>`)}`;
}

const csrfField = (csrf: string) => html`<input type="hidden" name=${CSRF_FIELD} value=${csrf} />`;

export interface BrandRow {
  readonly brandId: string;
  readonly displayName: string;
  readonly status: string;
  readonly provider: string;
  readonly tier?: string;
  readonly health: string;
}

export function brandsList(rows: readonly BrandRow[]): VNode {
  if (rows.length === 0) return html`<p>No brands yet. <a href="/brands/new">Onboard one</a>.</p>`;
  return html`
    <table>
      <thead><tr><th scope="col">Brand</th><th scope="col">Display name</th><th scope="col">Status</th><th scope="col">Provider</th><th scope="col">Tier</th><th scope="col">Health</th></tr></thead>
      <tbody>
        ${rows.map((row) => html`
          <tr>
            <td><a href=${`/brands/${encodeURIComponent(row.brandId)}`}>${row.brandId}</a></td>
            <td>${row.displayName}</td>
            <td>${row.status}</td>
            <td>${row.provider}</td>
            <td>${row.tier ?? '—'}</td>
            <td>${row.health}</td>
          </tr>`)}
      </tbody>
    </table>`;
}

/** Step 1: the provider; step 2 (once chosen): the preset's inputs and the operator's own fields. */
export function presetStep(provider: string | undefined, inputs: FormValues, problems: FieldProblems, csrf: string): VNode {
  const preset = presetOf(provider);
  return html`
    <form method="get" action="/brands/new">
      <label for="provider">Provider</label>
      <select id="provider" name="provider">
        ${PROVIDERS.map((p) => html`<option value=${p} selected=${p === provider}>${p}</option>`)}
      </select>
      <button type="submit">Choose</button>
    </form>
    ${preset && html`
      <form method="post" action="/brands/new">
        ${csrfField(csrf)}
        <input type="hidden" name="provider" value=${preset.provider} />
        <p>${preset.notes}</p>
        ${generalProblems(problems)}
        <fieldset>
          <legend>Your brand</legend>
          ${OWN_FIELDS.map((f) => field(f, inputs, problems))}
        </fieldset>
        <fieldset>
          <legend>${preset.provider} inputs</legend>
          ${preset.inputs.map((input) => field({ name: `input.${input.name}`, label: `${input.name}${input.required ? '' : ' (optional)'}`, kind: 'text', help: input.help }, inputs, problems))}
        </fieldset>
        <button type="submit">Derive the config</button>
      </form>`}`;
}

export interface BrandFormState {
  readonly values: FormValues;
  readonly problems: FieldProblems;
  /** The version the form was read at: save sends it as If-Match. Absent for a new brand. */
  readonly version?: string;
  readonly check?: { readonly ok: boolean; readonly steps: readonly CheckStepView[] };
  readonly diff?: { readonly rows: readonly DiffRow[]; readonly against?: string };
}

/** The whole config: derived fields editable, then check, review the diff, save. */
export function brandForm(state: BrandFormState, csrf: string): VNode {
  const { values, problems } = state;
  return html`
    <form method="post" action="/brands/save" novalidate>
      ${csrfField(csrf)}
      <input type="hidden" name="provider" value=${values.provider ?? ''} />
      <input type="hidden" name="status" value=${values.status ?? ''} />
      <input type="hidden" name="version" value=${state.version ?? ''} />
      <p>Provider: <strong>${values.provider}</strong>${state.version ? ` · editing version ${state.version}` : ' · new brand'}</p>
      ${generalProblems(problems)}
      <fieldset>
        <legend>Brand</legend>
        ${OWN_FIELDS.map((f) => field(f, values, problems, f.name === 'brandId' && state.version !== undefined))}
      </fieldset>
      <fieldset>
        <legend>Derived fields</legend>
        ${DERIVED_FIELDS.map((f) => field(f, values, problems))}
      </fieldset>
      <fieldset>
        <legend>Check</legend>
        ${field({ name: 'sampleToken', label: 'Sample access token (optional, never stored or shown again)', kind: 'json' }, {}, problems)}
        ${state.check && checkResult(state.check)}
      </fieldset>
      ${state.diff && diffTable(state.diff)}
      <div class="actions">
        <button type="submit" name="action" value="check">Check</button>
        <button type="submit" name="action" value="review">Review changes</button>
        <button type="submit" name="action" value="save">Save</button>
      </div>
    </form>`;
}

function checkResult(check: { readonly ok: boolean; readonly steps: readonly CheckStepView[] }): VNode {
  return html`
    <section aria-labelledby="check-title" class="check">
      <h2 id="check-title">Check ${check.ok ? 'passed' : 'failed'}</h2>
      <ol>
        ${check.steps.map((s) => html`<li class=${s.ok ? 'ok' : 'failed'}><strong>${s.label}: ${s.ok ? 'ok' : 'failed'}</strong> — ${s.detail}</li>`)}
      </ol>
    </section>`;
}

function diffTable(diff: { readonly rows: readonly DiffRow[]; readonly against?: string }): VNode {
  return html`
    <section aria-labelledby="diff-title" class="diff">
      <h2 id="diff-title">Changes ${diff.against ? `against version ${diff.against}` : 'to save'}</h2>
      ${diff.rows.length === 0
        ? html`<p>No change.</p>`
        : html`<table>
            <thead><tr><th scope="col">Field</th><th scope="col">Stored</th><th scope="col">After saving</th></tr></thead>
            <tbody>${diff.rows.map((r) => html`<tr><th scope="row">${r.field}</th><td><del>${r.before}</del></td><td><ins>${r.after}</ins></td></tr>`)}</tbody>
          </table>`}
    </section>`;
}

function generalProblems(problems: FieldProblems): VNode | undefined {
  const general = problems[''] ?? [];
  if (general.length === 0) return undefined;
  return html`<ul class="problems" role="alert">${general.map((p) => html`<li>${p}</li>`)}</ul>`;
}

function field(spec: FieldSpec, values: FormValues, problems: FieldProblems, readOnly = false): VNode {
  const id = `field-${spec.name.replace(/[^A-Za-z0-9]/g, '-')}`;
  const own = problems[spec.name] ?? [];
  const describedBy = [spec.help ? `${id}-help` : '', own.length > 0 ? `${id}-problems` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: spec.name, 'aria-describedby': describedBy, 'aria-invalid': own.length > 0 ? 'true' : undefined };
  return html`
    <div class=${own.length > 0 ? 'field invalid' : 'field'}>
      <label for=${id}>${spec.label}</label>
      ${spec.kind === 'json'
        ? html`<textarea ...${common} rows="3">${values[spec.name] ?? ''}</textarea>`
        : html`<input type="text" ...${common} value=${values[spec.name] ?? ''} readonly=${readOnly} />`}
      ${spec.help && html`<p class="help" id=${`${id}-help`}>${spec.help}</p>`}
      ${own.length > 0 && html`<ul class="problems" id=${`${id}-problems`}>${own.map((p) => html`<li>${p}</li>`)}</ul>`}
    </div>`;
}

export interface BrandDetail {
  readonly brandId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly audit: readonly { readonly at: string; readonly actor: string; readonly what: string }[];
  readonly nextCursor?: string;
  readonly activity: BrandActivity;
}

export function brandDetail(brand: BrandDetail, csrf: string): VNode {
  const path = `/brands/${encodeURIComponent(brand.brandId)}`;
  const status = String(brand.config.status ?? '');
  return html`
    <dl class="summary">
      <dt>Display name</dt><dd>${String(brand.config.displayName ?? '')}</dd>
      <dt>Status</dt><dd>${status}</dd>
      <dt>Provider</dt><dd>${String(brand.config.provider ?? '')}</dd>
      <dt>Issuer</dt><dd>${String(brand.config.issuer ?? '')}</dd>
      <dt>Version</dt><dd>${String(brand.config.version ?? '')}</dd>
    </dl>
    <p><a href=${`${path}/edit`}>Edit, check and save</a></p>
    <form method="post" action=${`${path}/${status === 'disabled' ? 'enable' : 'disable'}`}>
      ${csrfField(csrf)}
      <button type="submit">${status === 'disabled' ? 'Enable' : 'Disable'} ${brand.brandId}</button>
    </form>
    <section aria-labelledby="revoke-title">
      <h2 id="revoke-title">Revoke</h2>
      <form method="post" action=${`${path}/revoke`}>
        ${csrfField(csrf)}
        <div class="field">
          <label for="revoke-kind">What</label>
          <select id="revoke-kind" name="kind"><option value="sub">every token of a subject (sub)</option><option value="sid">every token of a session (sid)</option></select>
        </div>
        <div class="field">
          <label for="revoke-value">Value</label>
          <input type="text" id="revoke-value" name="value" required />
        </div>
        <button type="submit">Revoke</button>
      </form>
    </section>
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Recent decisions</h2>
      ${activity(brand.activity)}
    </section>
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      ${brand.audit.length === 0
        ? html`<p>No records.</p>`
        : html`<table>
            <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
            <tbody>${brand.audit.map((r) => html`<tr><td>${r.at}</td><td>${r.actor}</td><td>${r.what}</td></tr>`)}</tbody>
          </table>`}
      ${brand.nextCursor !== undefined && html`<p><a href=${`${path}?cursor=${encodeURIComponent(brand.nextCursor)}`}>Older records</a></p>`}
    </section>`;
}

/** The chart (drawn by uPlot from the table's data) and the table itself, which is the fallback without script. */
function activity(data: BrandActivity): VNode {
  if (data.unavailable) return html`<p>${data.unavailable}</p>`;
  if (data.minutes.length === 0) return html`<p>No decisions in the last hour.</p>`;
  return html`
    <div class="chart" data-series=${JSON.stringify(chartSeries(data.minutes))}></div>
    <table class="decisions">
      <thead><tr><th scope="col">Minute (UTC)</th><th scope="col">Allowed</th><th scope="col">Denied</th><th scope="col">Denied by reason</th></tr></thead>
      <tbody>${data.minutes.map((m) => html`<tr><td>${new Date(m.at * 1000).toISOString().slice(0, 16).replace('T', ' ')}</td><td>${m.allowed}</td><td>${m.deniedTotal}</td><td>${Object.entries(m.denied).map(([reason, n]) => `${reason} ${n}`).join(', ')}</td></tr>`)}</tbody>
    </table>`;
}

/** The hour up to the last minute with decisions, every minute in it (zero where nothing was decided), for the chart. */
export function chartSeries(minutes: readonly ActivityMinute[]): { at: number[]; allowed: number[]; denied: number[] } {
  const last = minutes.at(-1)?.at ?? 0;
  const byMinute = new Map(minutes.map((m) => [m.at, m]));
  const at = Array.from({ length: CHART_MINUTES }, (_, i) => last - (CHART_MINUTES - 1 - i) * 60);
  return { at, allowed: at.map((t) => byMinute.get(t)?.allowed ?? 0), denied: at.map((t) => byMinute.get(t)?.deniedTotal ?? 0) };
}

const CHART_MINUTES = 60;

/** An error page's body: what went wrong, as one line of text. */
export const messageBody = (text: string): VNode => html`<p role="alert">${text}</p>`;
