import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

/**
 * Talks to the admin API: SigV4-signed with the standard AWS credential chain against a deployed stage, or
 * with the admin key against local mode.
 */
export interface AdminTarget {
  /** The stage's base URL (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`) or local mode's. */
  readonly endpoint: string;
  /** Local mode: sent as `x-admin-key` instead of signing. */
  readonly adminKey?: string;
  /** Region to sign for; taken from the endpoint host when it is an execute-api URL. */
  readonly region?: string;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly etag: string | undefined;
}

export async function callAdminApi(target: AdminTarget, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<AdminResponse> {
  const url = new URL(`${target.endpoint.replace(/\/+$/, '')}${path}`);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let headers: Record<string, string> = { host: url.host, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers };
  if (target.adminKey) {
    headers['x-admin-key'] = target.adminKey;
  } else {
    const region = target.region ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? process.env.AWS_REGION;
    if (!region) throw new Error('no region to sign for: pass --region or set AWS_REGION');
    const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign({
      method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, headers,
      query: Object.fromEntries(url.searchParams), ...(body ? { body } : {}),
      ...(url.port ? { port: Number(url.port) } : {}),
    });
    headers = signed.headers as Record<string, string>;
  }
  const response = await fetch(url, { method, headers, ...(body ? { body } : {}), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text.slice(0, 500) };
  }
  return { status: response.status, body: (typeof parsed === 'object' && parsed !== null ? parsed : { value: parsed }) as Record<string, unknown>, etag: response.headers.get('etag') ?? undefined };
}
