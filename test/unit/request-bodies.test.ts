import { RequestError } from '../../lambdas/core/errors';
import { parseRegisterBody } from '../../lambdas/core/request-bodies';

/** The problems parseRegisterBody names for `body`, or fails the test if it accepted it. */
function problemsOf(body: string): readonly string[] {
  try {
    parseRegisterBody(body);
  } catch (err) {
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'BODY_INVALID' });
    return (err as RequestError).problems;
  }
  throw new Error('parseRegisterBody accepted the body');
}

describe('parseRegisterBody', () => {
  it('reads the two groups of fields, leaving their values to the brand’s declaration', () => {
    expect(parseRegisterBody('{"extendedFields":{"city":"Leeds"},"customFields":{"shoe_size":9,"x":[1]}}').fields).toEqual({
      extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9, x: [1] },
    });
    expect(parseRegisterBody('{"customFields":{"shoe_size":9}}').fields).toEqual({ customFields: { shoe_size: 9 } });
  });

  it('reads the flat form, today’s body, as extended fields, beside the other groups', () => {
    expect(parseRegisterBody('{"city":"Leeds","marketingOptIn":true}').fields).toEqual({ extendedFields: { city: 'Leeds', marketingOptIn: true } });
    expect(parseRegisterBody('{"city":"Leeds","customFields":{"shoe_size":9}}').fields).toEqual({ extendedFields: { city: 'Leeds' }, customFields: { shoe_size: 9 } });
  });

  it('refuses the flat form beside extendedFields, naming each flat key', () => {
    expect(problemsOf('{"extendedFields":{"city":"Leeds"},"gender":"female","country":"GB"}')).toEqual([
      'gender: put it in extendedFields, or leave extendedFields out',
      'country: put it in extendedFields, or leave extendedFields out',
    ]);
  });

  it('keeps a __proto__ key as a field, never as the prototype', () => {
    const body = parseRegisterBody('{"__proto__":{"city":"Leeds"}}').fields;
    expect(Object.keys(body.extendedFields ?? {})).toEqual(['__proto__']);
    expect((body.extendedFields as Record<string, unknown>).city).toBeUndefined();
  });

  it.each([
    ['[]', 'body: Invalid input: expected object, received array'],
    ['null', 'body: Invalid input: expected object, received null'],
    ['"city"', 'body: Invalid input: expected object, received string'],
    ['{"customFields":[]}', 'customFields: must be an object of field name → value'],
    ['{"extendedFields":"Leeds"}', 'extendedFields: must be an object of field name → value'],
    ['{"customFields":null}', 'customFields: must be an object of field name → value'],
    ['{"city":', 'body: must be a JSON object'],
  ])('refuses %s', (body, problem) => {
    expect(problemsOf(body)).toEqual([problem]);
  });

  it('refuses a body over 8 KiB before reading it', () => {
    expect(() => parseRegisterBody(JSON.stringify({ city: 'x'.repeat(9000) }))).toThrow(expect.objectContaining({ code: 'BODY_TOO_LARGE' }));
  });

  it('reads a base64-encoded body', () => {
    expect(parseRegisterBody(Buffer.from('{"city":"Leeds"}').toString('base64'), true).fields).toEqual({ extendedFields: { city: 'Leeds' } });
  });
});
