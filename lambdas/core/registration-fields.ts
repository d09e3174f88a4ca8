import { REGISTRATION_FIELD_GROUPS, type RegistrationFieldGroup } from './customer';
import { compileFieldPattern } from './field-pattern';

/**
 * A brand's declaration of the registration fields `POST /v1/customers/register` takes (`registrationFields` in
 * its config): per group, field name → rule. A brand without one gets DEFAULT_REGISTRATION_FIELDS. Every bound
 * here keeps one brand's declaration from costing the gateway more than a small, known amount per request.
 */

export const REGISTRATION_FIELD_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type RegistrationFieldType = (typeof REGISTRATION_FIELD_TYPES)[number];

export interface RegistrationFieldRule {
  /** `date` is a calendar date written `YYYY-MM-DD`. */
  readonly type: RegistrationFieldType;
  /** The customer must hold the field once a registration is merged: given in that request or an earlier one. */
  readonly required?: boolean;
  /** Strings only: at most this many characters (DEFAULT_MAX_LENGTH when absent). */
  readonly maxLength?: number;
  /** Strings only: the whole value must match (the subset of field-pattern.ts). */
  readonly pattern?: string;
  /** Strings only: the values allowed. */
  readonly enum?: readonly string[];
}

export type RegistrationFieldsDeclaration = { readonly [G in RegistrationFieldGroup]: Readonly<Record<string, RegistrationFieldRule>> };

export const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const DEFAULT_MAX_LENGTH = 256;
const MAX_FIELDS_PER_GROUP = 32;
const MAX_LENGTH_LIMIT = 1024;
const MAX_ENUM_VALUES = 64;
const MAX_ENUM_VALUE_LENGTH = 128;
const RULE_KEYS: readonly string[] = ['type', 'required', 'maxLength', 'pattern', 'enum'];
const STRING_ONLY_KEYS = ['maxLength', 'pattern', 'enum'] as const;

/** What every brand took before brands declared their own: today's fields, each with the rule it had. */
export const DEFAULT_REGISTRATION_FIELDS: RegistrationFieldsDeclaration = {
  extendedFields: {
    dateOfBirth: { type: 'date' },
    gender: { type: 'string', enum: ['female', 'male', 'non-binary', 'undisclosed'] },
    city: { type: 'string', maxLength: 64 },
    postalCode: { type: 'string', pattern: '[A-Za-z0-9 -]{2,12}' },
    country: { type: 'string', pattern: '[A-Z]{2}' },
    preferredStoreId: { type: 'string', pattern: '[A-Za-z0-9-]{1,32}' },
    marketingOptIn: { type: 'boolean' },
  },
  customFields: {},
};

/** The brand's declaration, or the default one. A declaration replaces the default whole, groups included. */
export function registrationFieldsOf(brand: { readonly registrationFields?: RegistrationFieldsDeclaration }): RegistrationFieldsDeclaration {
  return brand.registrationFields ?? DEFAULT_REGISTRATION_FIELDS;
}

/** Validates a brand config's `registrationFields`, adding every problem to `problems`; a group left out is empty. */
export function parseRegistrationFields(input: unknown, problems: string[]): RegistrationFieldsDeclaration {
  const at = 'registrationFields';
  if (!isObject(input)) {
    problems.push(`${at}: must be an object of extendedFields and customFields`);
    return { extendedFields: {}, customFields: {} };
  }
  for (const key of Object.keys(input)) {
    if (!(REGISTRATION_FIELD_GROUPS as readonly string[]).includes(key)) problems.push(`${at}.${key}: unknown group (allowed: ${REGISTRATION_FIELD_GROUPS.join(', ')})`);
  }
  const group = (name: RegistrationFieldGroup): Record<string, RegistrationFieldRule> => {
    const fields = input[name] ?? {};
    if (!isObject(fields)) {
      problems.push(`${at}.${name}: must be an object of field name → rule`);
      return {};
    }
    const names = Object.keys(fields);
    if (names.length > MAX_FIELDS_PER_GROUP) problems.push(`${at}.${name}: at most ${MAX_FIELDS_PER_GROUP} fields`);
    return Object.fromEntries(names.map((field) => [field, parseRule(`${at}.${name}.${field}`, field, fields[field], problems)]));
  };
  return { extendedFields: group('extendedFields'), customFields: group('customFields') };
}

function parseRule(at: string, name: string, input: unknown, problems: string[]): RegistrationFieldRule {
  if (!FIELD_NAME_PATTERN.test(name)) problems.push(`${at}: a field name must match ${FIELD_NAME_PATTERN.source}`);
  if (!isObject(input)) {
    problems.push(`${at}: must be an object with a type`);
    return { type: 'string' };
  }
  for (const key of Object.keys(input)) if (!RULE_KEYS.includes(key)) problems.push(`${at}.${key}: unknown (allowed: ${RULE_KEYS.join(', ')})`);
  const { type, required, maxLength, pattern, enum: values } = input;
  if (!(REGISTRATION_FIELD_TYPES as readonly unknown[]).includes(type)) problems.push(`${at}.type: must be one of ${REGISTRATION_FIELD_TYPES.join(', ')}`);
  if (required !== undefined && typeof required !== 'boolean') problems.push(`${at}.required: must be true or false`);
  if (type !== 'string') {
    for (const key of STRING_ONLY_KEYS) if (input[key] !== undefined) problems.push(`${at}.${key}: only for type string`);
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && (maxLength as number) >= 1 && (maxLength as number) <= MAX_LENGTH_LIMIT)) {
    problems.push(`${at}.maxLength: must be an integer from 1 to ${MAX_LENGTH_LIMIT}`);
  }
  if (pattern !== undefined) {
    const compiled = typeof pattern === 'string' ? compileFieldPattern(pattern) : { ok: false as const, problem: 'must be a string' };
    if (!compiled.ok) problems.push(`${at}.pattern: ${compiled.problem}`);
  }
  if (values !== undefined && !isEnum(values)) {
    problems.push(`${at}.enum: must be a list of 1 to ${MAX_ENUM_VALUES} different strings of 1 to ${MAX_ENUM_VALUE_LENGTH} characters`);
  }
  return {
    type: type as RegistrationFieldType,
    ...(required === undefined ? {} : { required: required as boolean }),
    ...(maxLength === undefined ? {} : { maxLength: maxLength as number }),
    ...(pattern === undefined ? {} : { pattern: pattern as string }),
    ...(values === undefined ? {} : { enum: values as string[] }),
  };
}

function isEnum(values: unknown): boolean {
  return (
    Array.isArray(values) &&
    values.length >= 1 &&
    values.length <= MAX_ENUM_VALUES &&
    values.every((v) => typeof v === 'string' && v.length >= 1 && v.length <= MAX_ENUM_VALUE_LENGTH) &&
    new Set(values).size === values.length
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
