import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The console's one session: a token printed at start (in the URL the operator opens), exchanged once for an
 * HttpOnly SameSite=Strict cookie, and a CSRF token every form carries in a hidden field. Both are random per
 * start; nothing else authenticates a request (the console's server holds the operator's AWS credentials).
 */
export const SESSION_COOKIE = 'ciam_console_session';
export const CSRF_FIELD = 'csrf';

export class ConsoleSession {
  readonly token = randomBytes(32).toString('base64url');
  readonly csrfToken = randomBytes(32).toString('base64url');

  /** The cookie that carries the session: script cannot read it, and no other site's request sends it. */
  cookie(): string {
    return `${SESSION_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The request carries the session cookie. */
  holds(req: IncomingMessage): boolean {
    return sameSecret(cookieValue(req.headers.cookie, SESSION_COOKIE), this.token);
  }

  /** The token in the printed URL, exchanged for the cookie. */
  opensWith(token: string | null): boolean {
    return sameSecret(token ?? undefined, this.token);
  }

  /** A form's hidden CSRF field is this session's. */
  csrfMatches(value: string | undefined): boolean {
    return sameSecret(value, this.csrfToken);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
