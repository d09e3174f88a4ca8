import { CliError } from './cli-error';

/**
 * Turns what went wrong talking to the admin API (a network error, the AWS credential chain, a refusal) into
 * one line a person can act on. Only the stable code, the version numbers and the server's listed problems are
 * shown from an answer: never a header we sent, and never AWS's signature diagnostics (they echo the request).
 */

/** What the CLI knows about the request it made, for the words of the message. */
export interface RequestContext {
  /** The endpoint as the user gave it (shown without user info). */
  readonly endpoint: string;
  /** SigV4-signed (AWS), as opposed to sent with the local admin key. */
  readonly signed: boolean;
  readonly brandId?: string;
  /** The version sent as If-Match. */
  readonly sentVersion?: number;
  /** Where the user would put the version: a brand file, or only the --if-match flag. */
  readonly versionFrom?: 'file' | 'flag';
}

export interface AdminAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Node's fetch (undici) and socket error codes, as a person would say them. */
const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed before an answer',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate names another host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed: is it http rather than https?',
};

export function explainNetworkError(err: unknown, endpoint: string, timeoutSeconds: number): CliError {
  return new CliError('unavailable', `cannot reach ${shownEndpoint(endpoint)} (${networkCause(err, timeoutSeconds)})`);
}

function networkCause(err: unknown, timeoutSeconds: number): string {
  if ((err as { name?: unknown } | undefined)?.name === 'TimeoutError') return `timed out after ${timeoutSeconds} s`;
  // fetch rejects with TypeError('fetch failed') whose cause is the socket's error, or an AggregateError of them.
  const cause = (err as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (typeof code === 'string') return NETWORK_CAUSES[code] ?? code;
  return oneLine(messageOf(cause ?? err));
}

/** The AWS SDK's default credential chain found nothing, or a source of it failed (an expired SSO session…). */
export function explainCredentialsError(err: unknown): CliError {
  const message = oneLine(messageOf(err));
  if (/could not load credentials from any providers/i.test(message)) {
    return new CliError('usage', 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (local mode: pass --admin-key or set LOCAL_ADMIN_KEY instead)');
  }
  return new CliError('usage', `cannot load AWS credentials: ${message}`);
}

export function missingRegionError(): CliError {
  return new CliError('usage', 'no AWS region to sign for: pass --region or set AWS_REGION (local mode: pass --admin-key or set LOCAL_ADMIN_KEY instead)');
}

const ACCESS_DENIED = 'access denied: your AWS identity may not call the admin API (grant it with stack.grantAdmin)';

/** API Gateway's 403 to a signed request, by its message: the first match wins; anything else is ACCESS_DENIED. */
const SIGNED_REFUSALS: readonly (readonly [RegExp, (endpoint: string) => string])[] = [
  [/not authorized to perform|explicit deny/i, () => ACCESS_DENIED],
  [/missing authentication token/i, (endpoint) => `no admin API at ${endpoint}: pass the stage URL (ApiUrl without the trailing /) as --endpoint`],
  [/signature expired/i, () => 'AWS says the request signature expired: check this computer\'s clock'],
  [/scoped to a valid region/i, () => 'the request was signed for the wrong AWS region: pass --region with the API\'s region'],
  [/security token included in the request is (invalid|expired)/i, () => 'AWS refused your credentials (expired or invalid): refresh them, e.g. aws sso login'],
  [/signature/i, () => 'AWS refused the request signature: check your AWS credentials'],
];

/** A non-2xx answer of the admin API as one line (plus the problems it listed), with the exit code it means. */
export function explainRefusal(answer: AdminAnswer, context: RequestContext): CliError {
  const { status, body } = answer;
  const label = [status, stableCode(body)].filter((part) => part !== undefined).join(' ');
  if (status >= 500) return new CliError('unavailable', `the gateway could not complete the request (${label})`);
  if (status < 400) return new CliError('refused', `${shownEndpoint(context.endpoint)} answered ${status} (a redirect): pass the gateway's own URL as --endpoint`);

  const brand = context.brandId ?? '?';
  const current = typeof body.currentVersion === 'number' ? body.currentVersion : undefined;
  switch (body.code) {
    case 'VERSION_MISMATCH': {
      if (current === undefined) return new CliError('refused', `brand ${brand} does not exist, so no version of it can be replaced: leave "version" out (and --if-match) to create it`);
      const versions = context.sentVersion !== undefined ? ` (version ${current} ≠ ${context.sentVersion})` : '';
      return new CliError('refused', `brand ${brand} changed since you read it${versions}: run brands get ${brand} again`);
    }
    case 'VERSION_REQUIRED': {
      const n = current ?? '<version>';
      const where = context.versionFrom === 'file' ? `put "version": ${n} in the file or pass --if-match ${n}` : `pass --if-match ${n}`;
      return new CliError('refused', `brand ${brand} already exists at version ${n}: ${where}`);
    }
    case 'BRAND_NOT_FOUND':
      return new CliError('refused', `brand ${brand} does not exist`);
  }
  if (status === 403 && !context.signed) return new CliError('refused', 'admin key refused: pass the key local mode runs with (--admin-key or LOCAL_ADMIN_KEY)');
  if (status === 403) {
    const message = typeof body.message === 'string' ? body.message : '';
    const explain = SIGNED_REFUSALS.find(([pattern]) => pattern.test(message))?.[1];
    return new CliError('refused', explain ? explain(shownEndpoint(context.endpoint)) : ACCESS_DENIED);
  }
  const problems = Array.isArray(body.problems) ? body.problems.map((problem) => oneLine(String(problem))) : [];
  return new CliError('refused', `the gateway refused the request (${label})${problems.length > 0 ? ':' : ''}`, problems);
}

/** The answer's stable code, else a short one-line message (API Gateway's own answers carry only `message`). */
function stableCode(body: Readonly<Record<string, unknown>>): string | undefined {
  const text = typeof body.code === 'string' ? body.code : typeof body.message === 'string' ? body.message : undefined;
  return text !== undefined && text.length <= 80 ? oneLine(text) : undefined;
}

/** The endpoint without user info or trailing slash: what the person typed, minus anything secret. */
export function shownEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return oneLine(endpoint);
  }
}

/** An error's message. (Not through `instanceof Error`: errors from Node's internals can come from another realm.) */
export function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(err);
}

/** First line, with control characters (terminal escapes from a hostile server) removed. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return (text.split('\n')[0] ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
}
