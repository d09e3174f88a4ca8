import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { DEFAULT_REGISTRATION_FIELDS, parseRegistrationFields, registrationFieldsOf } from '../../lambdas/core/registration-fields';
import { brand, minimalBrandInput } from './fixtures';

/** The problems a brand config with these registration fields gets (none: `[]`). */
function problemsOf(registrationFields: unknown): readonly string[] {
  try {
    parseBrandConfig(minimalBrandInput({ registrationFields }), { allowLoopbackHttp: false });
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as ConfigValidationError).problems;
  }
}

const CAPILLARY_LIKE = {
  extendedFields: {
    dateOfBirth: { type: 'date', required: true },
    gender: { type: 'string', enum: ['female', 'male'] },
  },
  customFields: {
    shoe_size: { type: 'number' },
    club_member: { type: 'boolean' },
    member_code: { type: 'string', maxLength: 8, pattern: '^[A-Z]{2}\\d{6}$' },
  },
};

describe('registrationFields in a brand config', () => {
  it('keeps a declaration as written, and leaves it out when the config has none', () => {
    expect(brand({ registrationFields: CAPILLARY_LIKE }).registrationFields).toEqual(CAPILLARY_LIKE);
    expect('registrationFields' in brand()).toBe(false);
  });

  it('fills a group left out with no fields', () => {
    expect(brand({ registrationFields: { customFields: { shoe_size: { type: 'number' } } } }).registrationFields).toEqual({
      extendedFields: {}, customFields: { shoe_size: { type: 'number' } },
    });
  });

  it('is refused with every problem named, under its own path', () => {
    expect(problemsOf({
      extendedFields: {
        '1st': { type: 'string' },
        'has-dash': { type: 'string' },
        noType: {},
        badType: { type: 'text' },
        notRule: 'string',
        extra: { type: 'string', min: 1 },
        required: { type: 'string', required: 'yes' },
        long: { type: 'string', maxLength: 1025 },
        short: { type: 'string', maxLength: 0 },
        fraction: { type: 'string', maxLength: 1.5 },
      },
      customFields: {
        count: { type: 'number', maxLength: 3, pattern: '\\d+', enum: ['1'] },
        evil: { type: 'string', pattern: '(a+)+$' },
        notText: { type: 'string', pattern: 42 },
        emptyEnum: { type: 'string', enum: [] },
        twice: { type: 'string', enum: ['a', 'a'] },
        mixed: { type: 'string', enum: ['a', 1] },
      },
      otherFields: {},
    })).toEqual([
      'registrationFields.otherFields: unknown group (allowed: extendedFields, customFields)',
      'registrationFields.extendedFields.1st: a field name must match ^[A-Za-z][A-Za-z0-9_]{0,63}$',
      'registrationFields.extendedFields.has-dash: a field name must match ^[A-Za-z][A-Za-z0-9_]{0,63}$',
      'registrationFields.extendedFields.noType.type: must be one of string, number, boolean, date',
      'registrationFields.extendedFields.badType.type: must be one of string, number, boolean, date',
      'registrationFields.extendedFields.notRule: must be an object with a type',
      'registrationFields.extendedFields.extra.min: unknown (allowed: type, required, maxLength, pattern, enum)',
      'registrationFields.extendedFields.required.required: must be true or false',
      'registrationFields.extendedFields.long.maxLength: must be an integer from 1 to 1024',
      'registrationFields.extendedFields.short.maxLength: must be an integer from 1 to 1024',
      'registrationFields.extendedFields.fraction.maxLength: must be an integer from 1 to 1024',
      'registrationFields.customFields.count.maxLength: only for type string',
      'registrationFields.customFields.count.pattern: only for type string',
      'registrationFields.customFields.count.enum: only for type string',
      'registrationFields.customFields.evil.pattern: groups and alternation are not supported',
      'registrationFields.customFields.notText.pattern: must be a string',
      'registrationFields.customFields.emptyEnum.enum: must be a list of 1 to 64 different strings of 1 to 128 characters',
      'registrationFields.customFields.twice.enum: must be a list of 1 to 64 different strings of 1 to 128 characters',
      'registrationFields.customFields.mixed.enum: must be a list of 1 to 64 different strings of 1 to 128 characters',
    ]);
  });

  it.each([
    ['not an object', 'fields', 'registrationFields: must be an object of extendedFields and customFields'],
    ['a list', [], 'registrationFields: must be an object of extendedFields and customFields'],
    ['a group that is a list', { customFields: [] }, 'registrationFields.customFields: must be an object of field name → rule'],
  ])('is refused when it is %s', (_case, input, problem) => {
    expect(problemsOf(input)).toEqual([problem]);
  });

  it('bounds the size of a declaration: 32 fields a group, enums of 64 values of 128 characters', () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, { type: 'boolean' }]));
    expect(problemsOf({ extendedFields: fields(32), customFields: fields(32) })).toEqual([]);
    expect(problemsOf({ customFields: fields(33) })).toEqual(['registrationFields.customFields: at most 32 fields']);
    const values = (n: number, length = 1) => Array.from({ length: n }, (_, i) => `${i}`.padStart(length, 'v'));
    expect(problemsOf({ customFields: { size: { type: 'string', enum: values(64, 128) } } })).toEqual([]);
    expect(problemsOf({ customFields: { size: { type: 'string', enum: values(65) } } })).toHaveLength(1);
    expect(problemsOf({ customFields: { size: { type: 'string', enum: values(1, 129) } } })).toHaveLength(1);
    expect(problemsOf({ customFields: { size: { type: 'string', pattern: 'a'.repeat(201) } } })).toEqual(['registrationFields.customFields.size.pattern: must be 1 to 200 characters']);
  });

  it('refuses __proto__ as a field name, and never lets it reach the prototype', () => {
    const declaration = JSON.parse('{"customFields":{"__proto__":{"type":"string"}}}') as unknown;
    expect(problemsOf(declaration)).toEqual(['registrationFields.customFields.__proto__: a field name must match ^[A-Za-z][A-Za-z0-9_]{0,63}$']);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});

describe('DEFAULT_REGISTRATION_FIELDS', () => {
  it('is what a brand without a declaration gets, and a declaration replaces it whole', () => {
    expect(registrationFieldsOf(brand())).toBe(DEFAULT_REGISTRATION_FIELDS);
    expect(registrationFieldsOf(brand({ registrationFields: { customFields: {} } }))).toEqual({ extendedFields: {}, customFields: {} });
  });

  it('holds the fields every brand took before brands declared their own, as extended fields', () => {
    expect(Object.keys(DEFAULT_REGISTRATION_FIELDS.extendedFields)).toEqual(['dateOfBirth', 'gender', 'city', 'postalCode', 'country', 'preferredStoreId', 'marketingOptIn']);
    expect(DEFAULT_REGISTRATION_FIELDS.customFields).toEqual({});
  });

  it('is itself a valid declaration', () => {
    const problems: string[] = [];
    expect(parseRegistrationFields(DEFAULT_REGISTRATION_FIELDS, problems)).toEqual(DEFAULT_REGISTRATION_FIELDS);
    expect(problems).toEqual([]);
  });
});
