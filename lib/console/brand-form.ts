import type { Provider } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { PRESETS, type ProviderPreset } from '../../lambdas/core/provider-presets';

/**
 * The brand form's view model: which fields it shows and how each is written in a text box, the form built from a
 * preset's derived draft or from a stored config, the draft config a submitted form stands for, and every problem
 * (the admin API's, a preset's, a check step's) placed at its field.
 */

type FieldKind = 'text' | 'list' | 'integer' | 'json';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly help?: string;
}

/** The operator's own fields, then what a preset derives (or discovery fills when left empty). */
export const OWN_FIELDS: readonly FieldSpec[] = [
  { name: 'brandId', label: 'Brand id', kind: 'text', help: 'as clients send it in X-Brand-Id: a-z, 0-9 and -' },
  { name: 'displayName', label: 'Display name', kind: 'text' },
  // A save replaces the whole config: a field missing here would be reset on every edit.
  { name: 'tier', label: 'Quota tier', kind: 'text', help: 'e.g. standard or premium; left empty: standard' },
];

export const DERIVED_FIELDS: readonly FieldSpec[] = [
  { name: 'issuer', label: 'Issuer', kind: 'text', help: 'left empty: discovery fills it' },
  { name: 'additionalIssuers', label: 'Additional issuers', kind: 'list', help: 'comma-separated' },
  { name: 'discoveryUrl', label: 'Discovery URL', kind: 'text' },
  { name: 'jwksUri', label: 'JWKS URI', kind: 'text', help: 'left empty: discovery fills it' },
  { name: 'userinfoEndpoint', label: 'Userinfo endpoint', kind: 'text', help: 'left empty: discovery fills it' },
  { name: 'profileSource', label: 'Profile source', kind: 'text', help: 'userinfo or id_token' },
  { name: 'endSessionEndpoint', label: 'End-session endpoint', kind: 'text' },
  { name: 'applicationId', label: 'Application id', kind: 'text' },
  { name: 'clientId', label: 'Client id', kind: 'text' },
  { name: 'audiences', label: 'Audiences', kind: 'list', help: 'comma-separated' },
  { name: 'acceptedTokenTypes', label: 'Accepted token types', kind: 'list', help: 'access, id' },
  { name: 'algorithms', label: 'Algorithms', kind: 'list', help: 'comma-separated, e.g. RS256' },
  { name: 'requiredScopes', label: 'Required scopes', kind: 'list', help: 'comma-separated' },
  { name: 'clockToleranceSeconds', label: 'Clock tolerance (seconds)', kind: 'integer' },
  { name: 'maxTokenAgeSeconds', label: 'Maximum token age (seconds)', kind: 'integer' },
  { name: 'fieldMappings', label: 'Field mappings', kind: 'json', help: 'JSON: customer field → claim' },
  { name: 'registrationFields', label: 'Registration fields', kind: 'json', help: 'JSON' },
  { name: 'tokenFormat', label: 'Token format', kind: 'text', help: 'jwt, opaque or auto' },
  { name: 'opaqueValidation', label: 'Opaque validation', kind: 'text', help: 'introspection or userinfo' },
  { name: 'introspection', label: 'Introspection', kind: 'json', help: 'JSON: endpoint, clientId, clientSecretRef, authMethod' },
  { name: 'introspectionCacheTtlSeconds', label: 'Introspection cache TTL (seconds)', kind: 'integer' },
];

const FIELDS = [...OWN_FIELDS, ...DERIVED_FIELDS];
const KIND_OF = new Map(FIELDS.map((f) => [f.name, f.kind]));

/** The form's text, by field name; `provider` and `status` ride along as hidden fields. */
export type FormValues = Readonly<Record<string, string>>;

/** Problems by field name (`input.<name>` for a preset input, `sampleToken`); `''` for those of no field. */
export type FieldProblems = Readonly<Record<string, readonly string[]>>;

export const presetOf = (provider: string | undefined): ProviderPreset | undefined =>
  provider !== undefined && Object.hasOwn(PRESETS, provider) ? PRESETS[provider as Provider] : undefined;

/** A config (stored, or a preset's draft) as the form shows it: lists comma-separated, objects as JSON. */
export function formFromConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined || value === null) continue;
    const kind = KIND_OF.get(name) ?? 'text';
    if (kind === 'list' && Array.isArray(value)) values[name] = value.join(', ');
    else if (typeof value === 'object') values[name] = JSON.stringify(value, null, 2);
    else values[name] = String(value);
  }
  return values;
}

/**
 * The form a preset derives from its inputs, with the operator's own fields; or the problems of the inputs, each at
 * its input (`input.<name>`).
 */
export function formFromPreset(
  preset: ProviderPreset, inputs: Readonly<Record<string, string>>, own: { brandId: string; displayName: string },
): { values: Record<string, string> } | { problems: FieldProblems } {
  const given = Object.fromEntries(Object.entries(inputs).filter(([, value]) => value.trim() !== ''));
  try {
    const draft = preset.derive(given);
    return {
      values: formFromConfig({ ...draft, ...own, displayName: own.displayName || own.brandId, applicationId: draft.applicationId ?? draft.clientId }),
    };
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return { problems: problemsByField(err.problems, preset.inputs.map((i) => i.name), 'input.') };
  }
}

/**
 * The draft config a submitted form stands for: empty fields left out (discovery fills what it can), lists split,
 * integers and JSON parsed. What cannot be parsed here is a problem at its field; the rest is the admin API's to judge.
 */
export function draftFromForm(values: FormValues): { draft: Record<string, unknown>; problems: FieldProblems } {
  const draft: Record<string, unknown> = {};
  const problems: Record<string, string[]> = {};
  for (const name of ['provider', 'status', ...FIELDS.map((f) => f.name)]) {
    const text = (values[name] ?? '').trim();
    if (text === '') continue;
    const kind = KIND_OF.get(name) ?? 'text';
    if (kind === 'list') draft[name] = text.split(/[,\n]/).map((item) => item.trim()).filter((item) => item !== '');
    else if (kind === 'integer') draft[name] = /^-?\d+$/.test(text) ? Number(text) : text;
    else if (kind === 'json') {
      try {
        draft[name] = JSON.parse(text);
      } catch {
        problems[name] = ['is not valid JSON'];
      }
    } else draft[name] = text;
  }
  return { draft, problems };
}

/**
 * Places each `field: problem` (as the admin API and the presets word them) at its field: `fieldMappings.email: …`
 * and `audiences[0]: …` at their top-level field. A problem naming no field in `fields` goes under `''`.
 */
export function problemsByField(problems: readonly string[], fields: readonly string[] = FIELDS.map((f) => f.name), prefix = ''): FieldProblems {
  const byField: Record<string, string[]> = {};
  for (const problem of problems) {
    const match = /^([A-Za-z][A-Za-z0-9]*)[^:\s]*: (.*)$/s.exec(problem);
    const field = match?.[1] !== undefined && fields.includes(match[1]) ? `${prefix}${match[1]}` : '';
    (byField[field] ??= []).push(field === '' ? problem : problem.slice(problem.indexOf(':') + 2));
  }
  return byField;
}

/** Every list of problems, merged field by field. */
export function mergeProblems(...lists: readonly FieldProblems[]): FieldProblems {
  const merged: Record<string, string[]> = {};
  for (const list of lists) for (const [field, problems] of Object.entries(list)) (merged[field] ??= []).push(...problems);
  return merged;
}
