import type { FieldProblems } from './brand-form';

/**
 * The onboarding check as the console shows it: every step with ok or failed and its explanation, and each failed
 * step also at the field it tests (discovery at the issuer, JWKS at the JWKS URI…), where the operator fixes it.
 */
export interface CheckStepView {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

const STEPS: Readonly<Record<string, { readonly label: string; readonly field: string }>> = {
  discovery: { label: 'Discovery', field: 'issuer' },
  jwks: { label: 'JWKS', field: 'jwksUri' },
  userinfo: { label: 'Userinfo', field: 'userinfoEndpoint' },
  introspection: { label: 'Introspection', field: 'introspection' },
  sample_token: { label: 'Sample token', field: 'sampleToken' },
};

export function checkView(body: Readonly<Record<string, unknown>>): { ok: boolean; steps: CheckStepView[]; problems: FieldProblems } {
  const steps = (Array.isArray(body.steps) ? body.steps : []).map((raw: unknown) => {
    const step = (raw ?? {}) as Record<string, unknown>;
    const known = typeof step.step === 'string' ? STEPS[step.step] : undefined;
    return { name: String(step.step), field: known?.field, label: known?.label ?? String(step.step), ok: step.ok === true, detail: String(step.detail ?? '') };
  });
  const problems: Record<string, string[]> = {};
  for (const step of steps) {
    if (!step.ok) (problems[step.field ?? ''] ??= []).push(`${step.label} check failed: ${step.detail}`);
  }
  return { ok: body.ok === true, steps: steps.map(({ label, ok, detail }) => ({ label, ok, detail })), problems };
}
