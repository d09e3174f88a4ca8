import { mapCiamProfile } from '../../lambdas/core/map-ciam-profile';
import { mobileInE164Form, normaliseEmail, normaliseName } from '../../lambdas/core/profile-values';

describe('mobileInE164Form', () => {
  it.each([
    ['+447911123456', '+447911123456'],
    ['+44 7911 123456', '+447911123456'],
    [' +44 7911 123456 ', '+447911123456'],
    ['+44\u00a07911\u00a0123456', '+447911123456'],
    ['+1 (425) 555-1212', '+14255551212'],
    ['+33 6.12.34.56.78', '+33612345678'],
    ['+49 1512 3456789', '+4915123456789'],
  ])('writes %p as %p', (written, e164) => {
    expect(mobileInE164Form(written)).toBe(e164);
  });

  it.each([
    ['a national number, which names no country', '07911 123456'],
    ['a trunk prefix in parentheses', '+44 (0) 7911 123456'],
    ['an extension', '+44 7911 123456 ext. 12'],
    ['an RFC 3966 extension', '+44 7911 123456;ext=12'],
    ['letters', '+1 800 FLOWERS'],
    ['too short', '+44 1234'],
    ['too long', '+44 7911 123456 7890'],
    ['a country code from 0', '+0 7911 123456'],
    ['two plus signs', '++447911123456'],
    ['a number in a sentence', 'call +447911123456'],
    ['a line break', '+44 7911\n123456'],
    ['overlong text', `+44 7911 123456${' '.repeat(40)}`],
    ['not a string', 447911123456],
  ])('leaves out %s', (_case, written) => {
    expect(mobileInE164Form(written)).toBeUndefined();
  });

  // The authorizer cannot carry the numbering plans; the profile does. Where both keep a number, they agree.
  it.each([
    ['+447911123456', '+447911123456', '+447911123456'],
    ['+44 7911 123456', '+447911123456', '+447911123456'],
    ['+44-7911-123456', '+447911123456', '+447911123456'],
    ['+1 (425) 555-1212', '+14255551212', '+14255551212'],
    ['+39 06 1234 5678', '+390612345678', '+390612345678'],
    ['+86 138 0013 8000', '+8613800138000', '+8613800138000'],
    ['+49 1512 3456789', '+4915123456789', '+4915123456789'],
    ['+491512345678', undefined, '+491512345678'], // one digit short for a German mobile: only the plan knows
    ['+44 7700 900123', undefined, '+447700900123'], // Ofcom's drama range
    ['+44 (0) 7911 123456', '+447911123456', undefined],
    ['07911 123456', undefined, undefined],
  ])('%p: profile %p, context %p', (written, profile, context) => {
    expect(mapCiamProfile({ tokenClaims: { sub: 's', phone_number: written }, userinfo: undefined, brand: { fieldMappings: {} } }).mobile).toBe(profile);
    expect(mobileInE164Form(written)).toBe(context);
  });

  it('keeps, as written, a national trunk 0 after the country code, which the profile drops', () => {
    expect(mobileInE164Form('+44 07911 123456')).toBe('+4407911123456');
  });
});

describe('normaliseEmail and normaliseName', () => {
  it('lower-cases and trims an email, and leaves out what is not one', () => {
    expect(normaliseEmail('  Zoe.NG@Example.COM ')).toBe('zoe.ng@example.com');
    for (const junk of ['zoe', 'zoe@localhost', 'a b@example.com', 'zoe@example..com', `${'x'.repeat(250)}@example.com`, 42]) expect(normaliseEmail(junk)).toBeUndefined();
  });

  it('trims a name and leaves out one with control characters or over 128 characters', () => {
    expect(normaliseName('  Zoë ')).toBe('Zoë');
    for (const junk of ['Zo\u0000ë', 'a\u2029b', 'x'.repeat(129), ['Zoë']]) expect(normaliseName(junk)).toBeUndefined();
  });
});
