/**
 * Masks personal data for audit records and logs: enough to recognise a value when you already know it,
 * not enough to learn it. Masks work on code points, so a non-ASCII first letter is never split.
 */

const STARS = '***';

/** `John` → `J***`: the first letter only, and a fixed number of stars so the length is not told either. */
export function maskName(name: string): string {
  const first = [...name][0];
  return first === undefined ? '' : `${first}${STARS}`;
}

/** `john@example.com` → `j***@example.com`: the domain is kept, it says which provider, not who. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return STARS;
  return `${maskName(email.slice(0, at))}${email.slice(at)}`;
}

/** `+447700900123` → `+44*******123`: country code and last three digits, the rest one star per digit. */
export function maskMobile(mobile: string): string {
  const digits = [...mobile];
  if (digits.length <= 6) return STARS;
  return `${digits.slice(0, 3).join('')}${'*'.repeat(digits.length - 6)}${digits.slice(-3).join('')}`;
}

/** Any other value (an extra registration field): strings like names, everything else fully. */
export function maskValue(value: string | number | boolean): string {
  return typeof value === 'string' ? maskName(value) : STARS;
}
