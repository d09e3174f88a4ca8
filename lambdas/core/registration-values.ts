import { REGISTRATION_FIELD_GROUPS, type RegistrationFieldGroup, type RegistrationProfile, type RegistrationValue } from './customer';
import { RequestError } from './errors';
import { compileFieldPattern } from './field-pattern';
import { CONTROL } from './profile-values';
import { DEFAULT_MAX_LENGTH, type RegistrationFieldRule, type RegistrationFieldsDeclaration } from './registration-fields';

/** Registration field values as a request gives them: by group, then by name, not yet checked. */
export type UncheckedRegistration = { readonly [G in RegistrationFieldGroup]?: Readonly<Record<string, unknown>> };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks each given value against the brand's declaration: declared, of its type and within its rule. Strings are
 * trimmed. Throws one BODY_INVALID naming every problem (`customFields.shoe_size: not declared for this brand`).
 */
export function checkRegistrationValues(declaration: RegistrationFieldsDeclaration, given: UncheckedRegistration): RegistrationProfile {
  const problems: string[] = [];
  const checkGroup = (group: RegistrationFieldGroup): [string, RegistrationValue][] =>
    Object.entries(given[group] ?? {}).flatMap(([name, value]) => {
      const rule = Object.hasOwn(declaration[group], name) ? declaration[group][name] : undefined;
      const result = rule ? checkValue(rule, value) : 'not declared for this brand';
      if (typeof result === 'object') return [[name, result.value]];
      problems.push(`${group}.${name}: ${result}`);
      return [];
    });
  const checked = REGISTRATION_FIELD_GROUPS.flatMap((group) => {
    const values = checkGroup(group);
    return values.length > 0 ? [[group, Object.fromEntries(values)] as const] : [];
  });
  if (problems.length === 0 && checked.length === 0) problems.push('body: at least one field is required');
  if (problems.length > 0) throw new RequestError('BODY_INVALID', 'registration fields do not match the brand declaration', problems);
  return Object.fromEntries(checked);
}

/** The declared required fields `profile` lacks, as problems; the customer's merged fields are what counts. */
export function missingRequiredFields(declaration: RegistrationFieldsDeclaration, profile: RegistrationProfile): string[] {
  return REGISTRATION_FIELD_GROUPS.flatMap((group) =>
    Object.entries(declaration[group])
      .filter(([name, rule]) => rule.required === true && !Object.hasOwn(profile[group] ?? {}, name))
      .map(([name]) => `${group}.${name}: required`),
  );
}

/** The value to store, or what is wrong with it. */
function checkValue(rule: RegistrationFieldRule, value: unknown): { value: RegistrationValue } | string {
  switch (rule.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? { value } : 'must be true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? { value } : 'must be a date written YYYY-MM-DD';
    case 'string':
      return checkString(rule, value);
  }
}

function checkString(rule: RegistrationFieldRule, value: unknown): { value: string } | string {
  if (typeof value !== 'string') return 'must be a string';
  const text = value.trim();
  const maxLength = rule.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text === '') return 'must not be empty';
  if ([...text].length > maxLength) return `must be at most ${maxLength} characters`;
  if (CONTROL.test(text)) return 'must not hold control characters or line breaks';
  if (rule.enum && !rule.enum.includes(text)) return `must be one of ${rule.enum.join(', ')}`;
  if (rule.pattern !== undefined) {
    const compiled = compileFieldPattern(rule.pattern);
    // The declaration was validated when it was saved and again when it was read, so it compiles.
    if (!compiled.ok || !compiled.pattern.test(text)) return `must match ${rule.pattern}`;
  }
  return { value: text };
}

/** `YYYY-MM-DD` naming a day that exists (no 1990-02-31). */
function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
