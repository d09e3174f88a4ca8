// `max` metadata: the default (`min`) checks little more than a number's length, and "valid" is the rule here.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { BrandConfig, MappedField } from './brand-config';
import type { CiamProfile } from './ciam-profile';
import { claimAt, STANDARD_CLAIMS } from './claims';
import type { JsonObject } from './decode-unverified-jwt';
import { TokenError } from './errors';
import { normaliseEmail, normaliseName } from './profile-values';

/**
 * What the CIAM says about the user, from the verified token's claims and (when fetched) its userinfo answer.
 *
 * Each field is read from the first source that has it, userinfo before the token: userinfo is the fresher view,
 * so when it has a value that value decides, and a junk one leaves the field out rather than reviving the
 * token's older value. A verified flag comes from the same source as its value, never from the other one, and is
 * false when the value is left out. Values that fail normalisation are omitted, never passed on as-is.
 *
 * @param defaultCountry the country a mobile without a `+` prefix is read in; without it such numbers are omitted,
 *   since guessing a country could attach one person's identifier to another.
 */
export function mapCiamProfile(input: {
  readonly tokenClaims: JsonObject;
  readonly userinfo: JsonObject | undefined;
  readonly brand: Pick<BrandConfig, 'fieldMappings'>;
  readonly defaultCountry?: CountryCode;
}): CiamProfile {
  const { tokenClaims, userinfo, brand, defaultCountry } = input;
  const cuid = tokenClaims.sub;
  if (typeof cuid !== 'string' || cuid === '') throw new TokenError('SUBJECT_MISSING', 'token has no subject');
  // The userinfo client already checks this; the mapper merges the two, so it refuses a foreign profile itself.
  if (userinfo && userinfo.sub !== cuid) throw new TokenError('USERINFO_SUB_MISMATCH', 'userinfo is about another subject');

  const sources = userinfo ? [userinfo, tokenClaims] : [tokenClaims];
  const read = (field: MappedField): { value: unknown; source: JsonObject } | undefined => {
    const path = brand.fieldMappings[field] ?? STANDARD_CLAIMS[field];
    for (const source of sources) {
      const value = claimAt(source, path);
      if (isPresent(value)) return { value, source };
    }
    return undefined;
  };

  const firstName = normaliseName(read('firstName')?.value);
  const lastName = normaliseName(read('lastName')?.value);
  const emailClaim = read('email');
  const email = normaliseEmail(emailClaim?.value);
  const mobileClaim = read('mobile');
  const mobile = normaliseMobile(mobileClaim?.value, defaultCountry);

  return {
    cuid,
    ...(firstName && { firstName }),
    ...(lastName && { lastName }),
    ...(email && { email }),
    emailVerified: email !== undefined && isTrue(emailClaim?.source.email_verified),
    ...(mobile && { mobile }),
    mobileVerified: mobile !== undefined && isTrue(mobileClaim?.source.phone_number_verified),
  };
}

/** OIDC says an unknown claim is omitted, not sent as null or ''; some CIAMs send those anyway. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** Cognito sends booleans as strings. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** E.164, and valid in its country's numbering plan: a mobile becomes an identifier that links customers. */
function normaliseMobile(value: unknown, defaultCountry: CountryCode | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  // `extract: false`: the whole value must be the number, not a number found somewhere in a sentence.
  const phone = parsePhoneNumberFromString(value.trim(), { defaultCountry, extract: false });
  // An extension cannot receive a text message, and E.164 has no place for it.
  return phone?.isValid() && phone.ext === undefined ? phone.number : undefined;
}
