/**
 * The only way the gateway calls a brand-controlled URL (JWKS, discovery, userinfo, introspection). The endpoint is treated as
 * hostile: its URL and every address its name resolves to are policy-checked, redirects are refused, and the whole
 * exchange is bounded in time and size.
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { FetchStatusError, UpstreamError } from '../core/errors';
import { checkBrandUri, isForbiddenAddress, isLoopbackAddress, type UriPolicy } from '../core/uri-policy';
import { translateError } from './library-errors';

export interface FetchLimits {
  /** Hard deadline for the whole exchange: DNS, connect, headers and body. */
  readonly timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  readonly maxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 3000, maxBytes: 512 * 1024 };

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface JsonFetcher {
  /**
   * GET `url` and parse a JSON body, which may be any JSON value: its shape is the caller's business.
   * Rejects with an UpstreamError; a non-2xx answer rejects with a FetchStatusError carrying the status.
   */
  getJson(url: string, options?: { headers?: Readonly<Record<string, string>> }): Promise<JsonResponse>;
}

/** POSTs to a brand-controlled URL, with the same guards: what an RFC 7662 introspection call needs. */
export interface JsonPoster {
  /**
   * POST `form` as `application/x-www-form-urlencoded` to `url` and parse a JSON answer, rejecting as `getJson` does.
   * The body is never in a message: it may carry a token or a client secret.
   */
  postForm(url: string, form: Readonly<Record<string, string>>, options?: { headers?: Readonly<Record<string, string>> }): Promise<JsonResponse>;
}

/** Resolves every address of a host name; injectable so the guard can be tested without real DNS. */
export type Resolver = (hostname: string, options: LookupOptions) => Promise<readonly LookupAddress[]>;

const systemResolver: Resolver = (hostname, options) =>
  dns.lookup(hostname, { family: options.family, hints: options.hints, all: true });

/**
 * A socket `lookup` that refuses a name if ANY of its addresses is private, link-local or otherwise forbidden
 * (loopback only in local mode), so a public name cannot be rebound to the metadata service or the VPC.
 * IP-literal hosts never reach a lookup: `checkBrandUri` has already judged them.
 */
export function guardedLookup(policy: UriPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (addresses) => {
        const refused = addresses.find(
          ({ address }) => isForbiddenAddress(address) && !(policy.allowLoopbackHttp && isLoopbackAddress(address)),
        );
        const first = addresses[0];
        if (refused || !first) {
          const why = refused ? `resolves to forbidden address ${refused.address}` : 'resolves to no address';
          callback(new UpstreamError('FETCH_URL_REFUSED', `${hostname} ${why}`), '');
        } else if (options.all) {
          callback(null, [...addresses]);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

// Created once per cold start; idle keep-alive sockets are unref'd by Node, so they never hold the process open.
const HTTP = { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) };
const HTTPS = { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) };
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function createJsonFetcher(props: {
  readonly policy: UriPolicy;
  readonly limits: FetchLimits;
  /** @default the system resolver (`dns.lookup`) */
  readonly resolve?: Resolver;
}): JsonFetcher & JsonPoster {
  const lookup = guardedLookup(props.policy, props.resolve);
  const send = (url: string, headers: Readonly<Record<string, string>>, body?: string): Promise<JsonResponse> => {
    const problem = checkBrandUri(url, props.policy);
    if (problem) return Promise.reject(new UpstreamError('FETCH_URL_REFUSED', `brand URI refused: ${problem}`));
    return exchange(new URL(url), headers, lookup, props.limits, body);
  };
  return {
    getJson: (url, options) => send(url, options?.headers ?? {}),
    postForm: (url, form, options) =>
      send(url, { ...options?.headers, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(form).toString()),
  };
}

function exchange(
  url: URL,
  headers: Readonly<Record<string, string>>,
  lookup: LookupFunction,
  limits: FetchLimits,
  body?: string,
): Promise<JsonResponse> {
  const method = body === undefined ? 'GET' : 'POST';
  // Never the query string, the request headers or the body: any of them may carry a secret.
  const target = `${method} ${url.origin}${url.pathname}`;
  const { request, agent } = url.protocol === 'https:' ? HTTPS : HTTP;

  return new Promise((resolve, reject) => {
    let settled = false;
    const req = request(url, {
      method,
      agent,
      lookup,
      headers: {
        ...headers,
        accept: 'application/json',
        'user-agent': 'ciam-gateway',
        ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      },
    });
    const deadline = setTimeout(
      () => fail(new UpstreamError('FETCH_TIMEOUT', `${target}: no complete answer within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );

    function fail(err: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy(); // also drops the socket, so a half-read hostile answer is never reused
      reject(translateError(err, 'http'));
    }

    function succeed(status: number, body: Buffer): void {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      try {
        resolve({ status, body: JSON.parse(UTF8.decode(body)) });
      } catch (err) {
        reject(new UpstreamError('FETCH_NOT_JSON', `${target}: body is not UTF-8 JSON`, { cause: err }));
      }
    }

    req.on('error', fail);
    req.on('response', (res) => {
      res.on('error', fail);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        // Not followed: the Location may be internal, and the caller's Authorization must not travel there.
        return fail(new UpstreamError('FETCH_REDIRECT_REFUSED', `${target}: redirect ${status} refused`));
      }
      if (status < 200 || status > 299) return fail(new FetchStatusError(status, `${target}: status ${status}`));
      if (Number(res.headers['content-length']) > limits.maxBytes) {
        return fail(new UpstreamError('FETCH_TOO_LARGE', `${target}: content-length over ${limits.maxBytes} bytes`));
      }

      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          fail(new UpstreamError('FETCH_TOO_LARGE', `${target}: body over ${limits.maxBytes} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      res.on('end', () => succeed(status, Buffer.concat(chunks, size)));
    });
    req.end(body);
  });
}
