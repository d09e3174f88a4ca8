/**
 * How what a CIAM says about a person is normalised wherever the gateway passes it on: the customer profile
 * (map-ciam-profile.ts) and the authorizer's context for integrations (claims.ts) apply these same rules, so an
 * integration can compare the two. Values that fail are left out, never passed on as they came.
 */

const MAX_NAME_LENGTH = 128;
const MAX_EMAIL_LENGTH = 254; // RFC 5321's path limit
/** A sanity check, not RFC 5322: one `@`, no spaces or controls, a dotted domain without empty labels. */
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(?:\.[^\s@\p{Cc}.]+)+$/u;
/** Controls, and the Unicode line and paragraph separators, which would break a log line or a letter. */
export const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** The longest phone number as people write it that is worth reading: E.164's 15 digits with generous spacing. */
const MAX_PHONE_TEXT_LENGTH = 40;
/** What people and CIAMs put between the digits of a number written internationally (ITU-T E.123). */
const PHONE_SEPARATORS = /[ \u00a0().-]/g;
/** E.164: a `+`, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;
/** `+44 (0)20 …`: a trunk prefix written inside an international number, which is not a digit of it. */
const TRUNK_PREFIX = /\(0\)/;

export function normaliseName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim();
  return name.length <= MAX_NAME_LENGTH && !CONTROL.test(name) ? name : undefined;
}

/** Trimmed and lower-cased. */
export function normaliseEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email) ? email : undefined;
}

/**
 * A number written internationally (`+44 7911 123456`, `+1 (425) 555-1212`) in its E.164 form, without checking it
 * against any country's numbering plan: the one rule the authorizer can afford (the plans weigh 80 KB and more,
 * over half its budget). The customer profile checks the plan on top (map-ciam-profile.ts). Where both keep a
 * number they write it the same, with one exception: a national trunk `0` written after the country code without
 * parentheses (`+44 07911 …`), which the profile drops and this keeps. A number the profile refuses as invalid for
 * its country may still appear here. A number written nationally (`07911 123456`) names no country and is left
 * out, as the profile leaves it out.
 */
export function mobileInE164Form(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_PHONE_TEXT_LENGTH || TRUNK_PREFIX.test(value)) return undefined;
  const mobile = value.trim().replace(PHONE_SEPARATORS, '');
  return E164.test(mobile) ? mobile : undefined;
}
