import { RequestError } from '../../lambdas/core/errors';
import { DEFAULT_REGISTRATION_FIELDS, type RegistrationFieldsDeclaration } from '../../lambdas/core/registration-fields';
import { checkRegistrationValues, missingRequiredFields, type UncheckedRegistration } from '../../lambdas/core/registration-values';

const DECLARATION: RegistrationFieldsDeclaration = {
  extendedFields: {
    dateOfBirth: { type: 'date', required: true },
    city: { type: 'string', maxLength: 8 },
  },
  customFields: {
    shoe_size: { type: 'number' },
    club_member: { type: 'boolean' },
    member_code: { type: 'string', pattern: '[A-Z]{2}\\d{4}' },
    tier: { type: 'string', enum: ['gold', 'silver'], required: true },
  },
};

/** The problems checkRegistrationValues names, or fails the test if it accepted the values. */
function problemsOf(given: UncheckedRegistration, declaration = DECLARATION): readonly string[] {
  try {
    checkRegistrationValues(declaration, given);
  } catch (err) {
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'BODY_INVALID' });
    return (err as RequestError).problems;
  }
  throw new Error('checkRegistrationValues accepted the values');
}

describe('checkRegistrationValues', () => {
  it('keeps declared values of their type, strings trimmed', () => {
    expect(checkRegistrationValues(DECLARATION, {
      extendedFields: { dateOfBirth: '1990-02-28', city: ' Leeds ' },
      customFields: { shoe_size: 42.5, club_member: false, member_code: 'AB1234', tier: 'gold' },
    })).toEqual({
      extendedFields: { dateOfBirth: '1990-02-28', city: 'Leeds' },
      customFields: { shoe_size: 42.5, club_member: false, member_code: 'AB1234', tier: 'gold' },
    });
  });

  it('leaves out a group with no values', () => {
    expect(checkRegistrationValues(DECLARATION, { customFields: { shoe_size: 9 }, extendedFields: {} })).toEqual({ customFields: { shoe_size: 9 } });
  });

  it('names every undeclared or invalid field, with its group', () => {
    expect(problemsOf({
      extendedFields: { dateOfBirth: '1990-02-31', city: 'Huddersfield', shoe_size: 9 },
      customFields: {
        shoe_size: '42', club_member: 'yes', member_code: 'ab1234', tier: 'bronze', city: 'Leeds', __proto__: 'x',
      },
    })).toEqual([
      'extendedFields.dateOfBirth: must be a date written YYYY-MM-DD',
      'extendedFields.city: must be at most 8 characters',
      'extendedFields.shoe_size: not declared for this brand',
      'customFields.shoe_size: must be a number',
      'customFields.club_member: must be true or false',
      'customFields.member_code: must match [A-Z]{2}\\d{4}',
      'customFields.tier: must be one of gold, silver',
      'customFields.city: not declared for this brand',
    ]);
  });

  it('refuses an own __proto__ field as undeclared', () => {
    expect(problemsOf(JSON.parse('{"customFields":{"__proto__":{"polluted":true}}}') as UncheckedRegistration)).toEqual([
      'customFields.__proto__: not declared for this brand',
    ]);
  });

  it.each([
    ['an empty string', '   ', 'must not be empty'],
    ['a control character', 'Le\u0000eds', 'must not hold control characters or line breaks'],
    ['a line break', 'Le\neds', 'must not hold control characters or line breaks'],
    ['null', null, 'must be a string'],
    ['an object', { toString: 'Leeds' }, 'must be a string'],
    ['a list', ['Leeds'], 'must be a string'],
  ])('refuses %s as a string', (_case, city, problem) => {
    expect(problemsOf({ extendedFields: { city } })).toEqual([`extendedFields.city: ${problem}`]);
  });

  it('counts characters, not UTF-16 units, against maxLength', () => {
    expect(checkRegistrationValues(DECLARATION, { extendedFields: { city: '🎉'.repeat(8) } })).toEqual({ extendedFields: { city: '🎉'.repeat(8) } });
    expect(problemsOf({ extendedFields: { city: '🎉'.repeat(9) } })).toEqual(['extendedFields.city: must be at most 8 characters']);
  });

  it('caps an undeclared maxLength at 256 characters', () => {
    const declaration: RegistrationFieldsDeclaration = { extendedFields: {}, customFields: { note: { type: 'string' } } };
    expect(checkRegistrationValues(declaration, { customFields: { note: 'x'.repeat(256) } })).toEqual({ customFields: { note: 'x'.repeat(256) } });
    expect(problemsOf({ customFields: { note: 'x'.repeat(257) } }, declaration)).toEqual(['customFields.note: must be at most 256 characters']);
  });

  it.each(['1990-2-01', '1990-13-01', '1990-00-10', '2023-02-29', '19900101', '1990-01-01T00:00:00Z', ' 1990-01-01'])('refuses the date %p', (date) => {
    expect(problemsOf({ extendedFields: { dateOfBirth: date } })).toEqual(['extendedFields.dateOfBirth: must be a date written YYYY-MM-DD']);
  });

  it('takes 29 February in a leap year', () => {
    expect(checkRegistrationValues(DECLARATION, { extendedFields: { dateOfBirth: '2024-02-29' } })).toEqual({ extendedFields: { dateOfBirth: '2024-02-29' } });
  });

  it('refuses a registration without a single field', () => {
    expect(problemsOf({})).toEqual(['body: at least one field is required']);
    expect(problemsOf({ extendedFields: {}, customFields: {} })).toEqual(['body: at least one field is required']);
  });

  it('takes today’s fields under the default declaration, with the rules they had', () => {
    expect(checkRegistrationValues(DEFAULT_REGISTRATION_FIELDS, {
      extendedFields: { dateOfBirth: '1990-04-01', gender: 'non-binary', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB', preferredStoreId: 'store-12', marketingOptIn: true },
    })).toEqual({
      extendedFields: { dateOfBirth: '1990-04-01', gender: 'non-binary', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB', preferredStoreId: 'store-12', marketingOptIn: true },
    });
    expect(problemsOf({ extendedFields: { city: 'x'.repeat(65), postalCode: 'L', country: 'gb', preferredStoreId: 'store 12', gender: 'other' } }, DEFAULT_REGISTRATION_FIELDS)).toEqual([
      'extendedFields.city: must be at most 64 characters',
      'extendedFields.postalCode: must match [A-Za-z0-9 -]{2,12}',
      'extendedFields.country: must match [A-Z]{2}',
      'extendedFields.preferredStoreId: must match [A-Za-z0-9-]{1,32}',
      'extendedFields.gender: must be one of female, male, non-binary, undisclosed',
    ]);
  });
});

describe('missingRequiredFields', () => {
  it('names each required field the merged profile lacks, with its group', () => {
    expect(missingRequiredFields(DECLARATION, {})).toEqual(['extendedFields.dateOfBirth: required', 'customFields.tier: required']);
    expect(missingRequiredFields(DECLARATION, { extendedFields: { dateOfBirth: '1990-01-01' }, customFields: { tier: 'gold' } })).toEqual([]);
    expect(missingRequiredFields(DEFAULT_REGISTRATION_FIELDS, {})).toEqual([]);
  });
});
