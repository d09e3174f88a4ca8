import { CiamGatewayError, InternalError, UpstreamError } from '../core/errors';

/** Socket-level failure codes from Node's http/net/dns layers. */
const NETWORK_FAILURE = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/;

/** Which dependency was being called when a library threw. */
export type ErrorOrigin = 'dynamodb' | 'http' | 'internal';

/**
 * The one place where a library's error (AWS SDK, Node's fetch, http and socket layers) becomes ours. An error that
 * already is ours passes through unchanged.
 *
 * @param origin which dependency was being called, so an unknown SDK or socket failure gets the right code.
 */
export function translateError(err: unknown, origin: ErrorOrigin = 'internal'): CiamGatewayError {
  if (err instanceof CiamGatewayError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);

  if (origin === 'dynamodb') {
    return new UpstreamError('STORE_UNAVAILABLE', `DynamoDB ${String(name ?? 'error')}: ${message}`, { cause: err });
  }
  if (origin === 'http') {
    if (name === 'AbortError' || name === 'TimeoutError') {
      return new UpstreamError('FETCH_TIMEOUT', message, { cause: err });
    }
    if (typeof code === 'string' && NETWORK_FAILURE.test(code)) {
      return new UpstreamError('FETCH_FAILED', `${code}: ${message}`, { cause: err });
    }
    return new UpstreamError('FETCH_FAILED', message, { cause: err });
  }
  return new InternalError(message, { cause: err });
}
