import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { CliError, UsageError } from './cli-error';
import { explainCredentialsError, explainNetworkError, explainRefusal, missingRegionError, shownEndpoint, type RequestContext } from './explain-failure';

/**
 * Talks to the admin API: SigV4-signed with the standard AWS credential chain against a deployed stage, or
 * with the admin key against local mode. Failures to get an answer at all (network, credentials, region) throw a
 * CliError; any answer, refusals included, is returned.
 */
export interface AdminTarget {
  /** The stage's base URL (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`) or local mode's. */
  readonly endpoint: string;
  /** Local mode: sent as `x-admin-key` instead of signing. */
  readonly adminKey?: string;
  /** Region to sign for; signing needs one (see `executeApiRegion`). */
  readonly region?: string;
  /** Where signing credentials come from. @default the AWS SDK's default credential chain */
  readonly credentials?: () => Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }>;
}

export interface AdminResponse {
  readonly status: number;
  /** The JSON object answered, or `{}` when the answer was not one (see `json`). */
  readonly body: Record<string, unknown>;
  /** The answer was a JSON object. */
  readonly json: boolean;
  readonly etag: string | undefined;
}

/** How long one request may take, connect to last byte. */
export const REQUEST_TIMEOUT_SECONDS = 30;

/** The region in an execute-api host name, which is the region to sign for. */
export function executeApiRegion(endpoint: string): string | undefined {
  return /^https:\/\/[^/]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:[/:]|$)/.exec(endpoint)?.[1];
}

export async function callAdminApi(target: AdminTarget, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<AdminResponse> {
  const url = endpointUrl(target.endpoint, path);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let headers: Record<string, string> = { host: url.host, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers };
  if (target.adminKey) {
    headers['x-admin-key'] = target.adminKey;
  } else {
    if (!target.region) throw missingRegionError();
    const signer = new SignatureV4({ service: 'execute-api', region: target.region, credentials: target.credentials ?? defaultProvider(), sha256: Hash.bind(null, 'sha256') });
    try {
      const signed = await signer.sign({
        method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, headers,
        query: Object.fromEntries(url.searchParams), ...(body ? { body } : {}),
        ...(url.port ? { port: Number(url.port) } : {}),
      });
      headers = signed.headers as Record<string, string>;
    } catch (err) {
      throw explainCredentialsError(err);
    }
  }
  let status: number;
  let text: string;
  let etag: string | undefined;
  try {
    // No redirect is followed: the admin key would go along to wherever it points.
    const response = await fetch(url, { method, headers, ...(body ? { body } : {}), redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 1000) });
    [status, etag, text] = [response.status, response.headers.get('etag') ?? undefined, await response.text()];
  } catch (err) {
    throw explainNetworkError(err, target.endpoint, REQUEST_TIMEOUT_SECONDS);
  }
  const parsed = parseJson(text);
  const json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return { status, body: json ? (parsed as Record<string, unknown>) : {}, json, etag };
}

/**
 * A request whose refusal is an error: the answer of a 2xx, or the CliError that explains any other answer.
 * `about` names what the message should mention (the brand, the version sent).
 */
export async function requestAdmin(
  target: AdminTarget, method: string, path: string,
  options: { body?: unknown; headers?: Record<string, string>; about?: Omit<RequestContext, 'endpoint' | 'signed'> } = {},
): Promise<AdminResponse> {
  const { about, ...request } = options;
  const response = await callAdminApi(target, method, path, request);
  if (response.status < 200 || response.status >= 300) throw explainRefusal(response, { endpoint: target.endpoint, signed: !target.adminKey, ...about });
  if (!response.json) throw new CliError('unavailable', `${shownEndpoint(target.endpoint)} did not answer like the admin API (${response.status}, not JSON): check --endpoint`);
  return response;
}

function endpointUrl(endpoint: string, path: string): URL {
  try {
    const url = new URL(`${endpoint.replace(/\/+$/, '')}${path}`);
    // User info in the URL would be a secret in every message that names the endpoint; fetch refuses it too.
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) return url;
  } catch {
    // fall through: the same message for any endpoint that is not a plain http(s) URL
  }
  throw new UsageError(`the endpoint ${shownEndpoint(endpoint)} is not an http(s) URL without user info: pass --endpoint or set CIAM_GATEWAY_ENDPOINT`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
