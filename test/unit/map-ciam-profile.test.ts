import type { BrandConfig } from '../../lambdas/core/brand-config';
import { STANDARD_CLAIMS } from '../../lambdas/core/claims';
import { TokenError } from '../../lambdas/core/errors';
import { mapCiamProfile } from '../../lambdas/core/map-ciam-profile';

const SUB = 'user-1';
const UNMAPPED = { fieldMappings: {} };
type Mappings = BrandConfig['fieldMappings'];

function map(
  token: Record<string, unknown>,
  userinfo?: Record<string, unknown>,
  fieldMappings: Mappings = {},
  defaultCountry?: 'US' | 'GB',
) {
  return mapCiamProfile({
    tokenClaims: { sub: SUB, ...token },
    userinfo: userinfo && { sub: SUB, ...userinfo },
    brand: { fieldMappings },
    ...(defaultCountry && { defaultCountry }),
  });
}

describe('subject', () => {
  it('takes cuid from the token sub, with nothing else known', () => {
    expect(map({})).toEqual({ cuid: SUB, emailVerified: false, mobileVerified: false });
  });

  it.each([[{}], [{ sub: '' }], [{ sub: 42 }]])('refuses token claims without a string sub: %p', (claims) => {
    const call = () => mapCiamProfile({ tokenClaims: claims, userinfo: undefined, brand: UNMAPPED });
    expect(call).toThrow(TokenError);
    expect(call).toThrow(expect.objectContaining({ code: 'SUBJECT_MISSING' }));
  });

  it.each([['another-user'], [undefined], ['USER-1']])('refuses a userinfo whose sub is %p', (sub) => {
    const call = () => mapCiamProfile({ tokenClaims: { sub: SUB }, userinfo: { sub, email: 'x@example.com' }, brand: UNMAPPED });
    expect(call).toThrow(TokenError);
    expect(call).toThrow(expect.objectContaining({ code: 'USERINFO_SUB_MISMATCH' }));
  });
});

describe('sources and precedence', () => {
  const token = { given_name: 'Token', family_name: 'Tokenson', email: 'token@example.com', phone_number: '+14155550100' };

  it('reads the OIDC standard claims when the brand maps nothing', () => {
    expect(map(token)).toEqual({
      cuid: SUB,
      firstName: 'Token',
      lastName: 'Tokenson',
      email: 'token@example.com',
      emailVerified: false,
      mobile: '+14155550100',
      mobileVerified: false,
    });
  });

  it('prefers userinfo over the token, field by field', () => {
    const profile = map(token, { given_name: 'Info', email: 'info@example.com' });
    expect(profile).toMatchObject({ firstName: 'Info', lastName: 'Tokenson', email: 'info@example.com', mobile: '+14155550100' });
  });

  it.each([[null], [''], ['   ']])('treats a userinfo value of %p as absent and falls back to the token', (empty) => {
    expect(map(token, { given_name: empty }).firstName).toBe('Token');
  });

  it('does not revive the token value when userinfo has a junk one', () => {
    const profile = map(token, { given_name: 42, email: 'not-an-email', phone_number: 'call me' });
    expect(profile).not.toHaveProperty('firstName');
    expect(profile).not.toHaveProperty('email');
    expect(profile).not.toHaveProperty('mobile');
  });

  it('reads mapped claims by name and by dot path, from either source', () => {
    const mappings: Mappings = { firstName: 'profile.names.first', lastName: 'surname', email: 'custom:email', mobile: 'contact.mobile' };
    const profile = map(
      { surname: 'Mapped', 'custom:email': 'mapped@example.com' },
      { profile: { names: { first: 'Deep' } }, contact: { mobile: '+442079460018' } },
      mappings,
    );
    expect(profile).toMatchObject({ firstName: 'Deep', lastName: 'Mapped', email: 'mapped@example.com', mobile: '+442079460018' });
  });

  it('falls back to STANDARD_CLAIMS field by field, for the fields the brand leaves unmapped', () => {
    const claims = { [STANDARD_CLAIMS.lastName]: 'Standard', [STANDARD_CLAIMS.email]: 'standard@example.com', first: 'Mapped' };
    expect(map(claims, undefined, { firstName: 'first' })).toMatchObject({ firstName: 'Mapped', lastName: 'Standard', email: 'standard@example.com' });
  });

  it('uses only the mapped claim, not the standard one, for a field the brand maps', () => {
    const profile = map({ given_name: 'Standard', email: 'standard@example.com' }, undefined, { firstName: 'first', email: 'mail' });
    expect(profile).not.toHaveProperty('firstName');
    expect(profile).not.toHaveProperty('email');
  });

  it('never reads a path through the prototype chain', () => {
    expect(map({}, {}, { firstName: 'constructor.name', lastName: '__proto__' })).toEqual({
      cuid: SUB,
      emailVerified: false,
      mobileVerified: false,
    });
  });
});

describe('verified flags come from the source of the value', () => {
  it.each([
    [true, true],
    ['true', true], // Cognito
    [false, false],
    ['false', false],
    ['TRUE', false],
    [1, false],
    ['yes', false],
    [undefined, false],
  ])('email_verified %p → %p', (flag, expected) => {
    expect(map({ email: 'a@example.com', email_verified: flag }).emailVerified).toBe(expected);
    expect(map({ phone_number: '+14155550100', phone_number_verified: flag }).mobileVerified).toBe(expected);
  });

  it('does not borrow the token’s flag for an email that came from userinfo', () => {
    const profile = map({ email: 'old@example.com', email_verified: true }, { email: 'new@example.com' });
    expect(profile).toMatchObject({ email: 'new@example.com', emailVerified: false });
  });

  it('does not borrow userinfo’s flag for a mobile that came from the token', () => {
    const profile = map({ phone_number: '+14155550100' }, { phone_number_verified: true });
    expect(profile).toMatchObject({ mobile: '+14155550100', mobileVerified: false });
  });

  it('takes both value and flag from userinfo when it has them', () => {
    const profile = map({ email: 'a@example.com', email_verified: false }, { email: 'a@example.com', email_verified: 'true' });
    expect(profile.emailVerified).toBe(true);
  });

  it('is false when the value itself is left out', () => {
    const profile = map({ email: 'junk', email_verified: true, phone_number: 'junk', phone_number_verified: true });
    expect(profile).toEqual({ cuid: SUB, emailVerified: false, mobileVerified: false });
  });
});

describe('email', () => {
  it.each([
    ['  Jane.Doe+Loyalty@Example.COM ', 'jane.doe+loyalty@example.com'],
    ['a@b.co', 'a@b.co'],
    ['zoë@bücher.example', 'zoë@bücher.example'],
    [`${'a'.repeat(64)}@${'b'.repeat(185)}.com`, `${'a'.repeat(64)}@${'b'.repeat(185)}.com`], // 254 characters
  ])('keeps %s as %s', (raw, email) => {
    expect(map({ email: raw }).email).toBe(email);
  });

  it.each([
    ['no @', 'no-at-sign'],
    ['no dotted domain', 'a@b'],
    ['no local part', '@example.com'],
    ['two @', 'a@@example.com'],
    ['an empty label', 'a@example..com'],
    ['a trailing dot', 'a@example.com.'],
    ['a space', 'a b@example.com'],
    ['a header injection', 'a@example.com\r\nBcc: x@evil.example'],
    ['a NUL', 'a\u0000@example.com'],
    ['255 characters', `${'a'.repeat(64)}@${'b'.repeat(186)}.com`],
    ['a number', 42],
    ['a boolean', true],
    ['a list', ['a@example.com']],
    ['an object', { value: 'a@example.com' }],
  ])('omits an email with %s', (_label, raw) => {
    expect(map({ email: raw })).not.toHaveProperty('email');
  });
});

describe('mobile', () => {
  it.each([
    ['+44 7400 123456', '+447400123456'],
    ['+44 (0)20 7946 0018', '+442079460018'],
    ['+1 (202) 555-0143', '+12025550143'],
    ['  +14155550100  ', '+14155550100'],
  ])('normalises %p to E.164 %p', (raw, e164) => {
    expect(map({ phone_number: raw }).mobile).toBe(e164);
  });

  it('omits a national number unless a default country is given', () => {
    expect(map({ phone_number: '(202) 555-0143' })).not.toHaveProperty('mobile');
    expect(map({ phone_number: '(202) 555-0143' }, undefined, {}, 'US').mobile).toBe('+12025550143');
    expect(map({ phone_number: '07400 123456' }, undefined, {}, 'GB').mobile).toBe('+447400123456');
  });

  it('does not let a default country override an explicit +country code', () => {
    expect(map({ phone_number: '+44 7400 123456' }, undefined, {}, 'US').mobile).toBe('+447400123456');
  });

  it.each([
    ['Ofcom’s drama range, which libphonenumber rightly calls invalid', '+44 7700 900123'],
    ['an area code that does not exist', '+1 999 555 0143'],
    ['a digit too many', '+44 7400 1234567'],
    ['an extension', '+44 7400 123456 ext. 5'],
    ['a number inside a sentence', 'call me on +44 7400 123456'],
    ['a NUL', '+44 7400\u0000123456'],
    ['no digits', 'not a number'],
    ['two plus signs', '++447400123456'],
    ['a JSON number', 447400123456],
    ['a list', ['+447400123456']],
  ])('omits a mobile with %s', (_label, raw) => {
    expect(map({ phone_number: raw })).not.toHaveProperty('mobile');
  });
});

describe('names', () => {
  it('trims, and keeps non-ASCII names as they are', () => {
    expect(map({ given_name: '  Zoë ', family_name: 'O’Brien-Łukasiewicz 山田' })).toMatchObject({
      firstName: 'Zoë',
      lastName: 'O’Brien-Łukasiewicz 山田',
    });
  });

  it('keeps 128 characters and omits 129', () => {
    expect(map({ given_name: 'a'.repeat(128) }).firstName).toHaveLength(128);
    expect(map({ given_name: 'a'.repeat(129) })).not.toHaveProperty('firstName');
  });

  it.each([
    ['a newline', 'Jane\nDoe'],
    ['a NUL', 'Jane\u0000'],
    ['an ANSI escape', '\u001b[31mJane'],
    ['a C1 control', 'Jane\u0085'],
    ['a line separator', 'Jane\u2028Doe'],
    ['a number', 42],
    ['an object', { first: 'Jane' }],
    ['a list', ['Jane']],
  ])('omits a name with %s', (_label, raw) => {
    expect(map({ given_name: raw, family_name: raw })).toEqual({ cuid: SUB, emailVerified: false, mobileVerified: false });
  });
});
