/**
 * The "Userinfo endpoint" rows of HOSTILE-INPUTS.md, against real HTTP servers on 127.0.0.1 through the real
 * bounded fetcher: every failure must end in a stable code, within the deadline, with at most one retry, and
 * without the token ever reaching another origin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJsonFetcher, type JsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { createUserinfoClient } from '../../lambdas/adapters/userinfo-client';
import {
  FetchStatusError,
  TokenError,
  UpstreamError,
  type CiamGatewayError,
  type TokenErrorCode,
  type UpstreamErrorCode,
} from '../../lambdas/core/errors';
import { TestHttpServer, type Behaviour } from '../support/jwks-server';

const LIMITS = { timeoutMs: 500, maxBytes: 64 * 1024 };
const TIMING_MARGIN_MS = 250;
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2VjcmV0LXNpZ25hdHVyZQ';
const SUB = 'user-1';
const PROFILE = { sub: SUB, email: 'jane@example.com', email_verified: true, given_name: 'Jane' };

let ciam: TestHttpServer;
let elsewhere: TestHttpServer;
let dripServer: Server;
let dripUrl: string;
const dripTimers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  [ciam, elsewhere] = await Promise.all([TestHttpServer.start(), TestHttpServer.start()]);
  elsewhere.on('/steal', { kind: 'json', body: PROFILE });
  // Headers at once, then a byte every 100 ms, forever: TestHttpServer has no such behaviour.
  dripServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).write('{');
    const timer = setInterval(() => res.write(' '), 100);
    dripTimers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => dripServer.listen(0, '127.0.0.1', resolve));
  dripUrl = `http://127.0.0.1:${(dripServer.address() as AddressInfo).port}/userinfo`;
});

afterAll(async () => {
  dripTimers.forEach(clearInterval);
  dripServer.closeAllConnections();
  await Promise.all([ciam.stop(), elsewhere.stop(), new Promise((resolve) => dripServer.close(resolve))]);
});

const realFetcher = (): JsonFetcher => createJsonFetcher({ policy: { allowLoopbackHttp: true }, limits: LIMITS });

/** A fresh path per test, so that hit counts are the test's own. */
let pathSeq = 0;
function endpoint(behaviour: Behaviour): { path: string; brand: { brandId: string; userinfoEndpoint: string } } {
  const path = `/userinfo/${++pathSeq}`;
  ciam.on(path, behaviour);
  return { path, brand: { brandId: 'brand-a', userinfoEndpoint: ciam.url(path) } };
}

async function failure(promise: Promise<unknown>): Promise<CiamGatewayError> {
  const err = await promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e as CiamGatewayError,
  );
  // Whatever went wrong, the token is nowhere in what gets logged.
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    expect(`${e.message} ${String(e.stack)}`).not.toContain(TOKEN);
  }
  return err;
}

async function expectToken(promise: Promise<unknown>, code: TokenErrorCode): Promise<TokenError> {
  const err = await failure(promise);
  expect(err).toBeInstanceOf(TokenError);
  expect(err).toMatchObject({ code });
  return err as TokenError;
}

async function expectUpstream(promise: Promise<unknown>, code: UpstreamErrorCode, causeCode?: UpstreamErrorCode): Promise<UpstreamError> {
  const err = await failure(promise);
  expect(err).toBeInstanceOf(UpstreamError);
  expect(err).toMatchObject({ code });
  if (causeCode) expect(err.cause).toMatchObject({ code: causeCode });
  return err as UpstreamError;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

describe('happy path', () => {
  it('returns the claims, sending the token as a Bearer Authorization once', async () => {
    const { path, brand } = endpoint({ kind: 'json', body: PROFILE });
    const before = ciam.authorizationHeaders.length;
    await expect(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB)).resolves.toEqual(PROFILE);
    expect(ciam.hitCount(path)).toBe(1);
    expect(ciam.authorizationHeaders.slice(before)).toEqual([`Bearer ${TOKEN}`]);
  });

  it('refuses a token that could inject a header, without a request', async () => {
    const { path, brand } = endpoint({ kind: 'json', body: PROFILE });
    const client = createUserinfoClient({ fetcher: realFetcher() });
    for (const token of ['', `${TOKEN}\r\nX-Evil: 1`, `${TOKEN} other`]) {
      await expectToken(client.fetchUserinfo(brand, token, SUB), 'TOKEN_MALFORMED');
    }
    expect(ciam.hitCount(path)).toBe(0);
  });
});

describe('sub mismatch: nothing from the answer is returned', () => {
  it.each([
    ['another user', { ...PROFILE, sub: 'user-2' }],
    ['a case-folded sub', { ...PROFILE, sub: 'USER-1' }],
    ['a padded sub', { ...PROFILE, sub: ` ${SUB}` }],
    ['a numeric sub', { ...PROFILE, sub: 1 }],
    ['a sub in a list', { ...PROFILE, sub: [SUB] }],
    ['no sub', { email: PROFILE.email }],
  ])('refuses %s with USERINFO_SUB_MISMATCH', async (_label, body) => {
    const { brand } = endpoint({ kind: 'json', body });
    const err = await expectToken(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_SUB_MISMATCH');
    expect(JSON.stringify({ message: err.message, cause: err.cause })).not.toContain(PROFILE.email);
  });

  it('refuses an answer when the expected sub is empty', async () => {
    const { brand } = endpoint({ kind: 'json', body: { ...PROFILE, sub: '' } });
    await expectToken(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, ''), 'USERINFO_SUB_MISMATCH');
  });
});

describe('not a JSON object: USERINFO_INVALID, never retried', () => {
  it.each<[string, Behaviour]>([
    ['an HTML login page', { kind: 'raw', body: '<!doctype html><form action="/login">', contentType: 'text/html' }],
    ['an empty body', { kind: 'raw', body: '' }],
    ['truncated JSON', { kind: 'raw', body: '{"sub":"user-1",' }],
  ])('refuses %s (the fetcher’s FETCH_NOT_JSON)', async (_label, behaviour) => {
    const { path, brand } = endpoint(behaviour);
    await expectUpstream(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_INVALID', 'FETCH_NOT_JSON');
    expect(ciam.hitCount(path)).toBe(1);
  });

  it.each([['null'], ['[]'], [`[${JSON.stringify(PROFILE)}]`], ['"user-1"'], ['42'], ['true']])('refuses the JSON value %s', async (body) => {
    const { path, brand } = endpoint({ kind: 'raw', body });
    await expectUpstream(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_INVALID');
    expect(ciam.hitCount(path)).toBe(1);
  });
});

describe('revoked token', () => {
  it.each([401, 403])('maps %i to USERINFO_TOKEN_REJECTED, without a retry', async (status) => {
    const { path, brand } = endpoint({ kind: 'json', status, body: { error: 'invalid_token' } });
    const err = await expectToken(
      createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB),
      'USERINFO_TOKEN_REJECTED',
    );
    expect(err.cause).toBeInstanceOf(FetchStatusError);
    expect(err.cause).toMatchObject({ httpStatus: status });
    expect(ciam.hitCount(path)).toBe(1);
  });
});

describe('failing endpoint: one retry, then fail closed', () => {
  it.each([500, 502, 503, 429])('retries %i once, then USERINFO_UNAVAILABLE with the status kept', async (status) => {
    const { path, brand } = endpoint({ kind: 'json', status, body: { error: 'down' } });
    const err = await expectUpstream(
      createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB),
      'USERINFO_UNAVAILABLE',
      'FETCH_BAD_STATUS',
    );
    expect(err.cause).toMatchObject({ httpStatus: status });
    expect(ciam.hitCount(path)).toBe(2);
  });

  it.each([500, 429])('succeeds when the retry after a %i gets a 200', async (status) => {
    const { path, brand } = endpoint({ kind: 'json', status, body: { error: 'down' } });
    // The endpoint recovers as soon as its first answer is in.
    const real = realFetcher();
    const recovering: JsonFetcher = {
      getJson: (url, options) => real.getJson(url, options).finally(() => ciam.on(path, { kind: 'json', body: PROFILE })),
    };
    await expect(createUserinfoClient({ fetcher: recovering }).fetchUserinfo(brand, TOKEN, SUB)).resolves.toEqual(PROFILE);
    expect(ciam.hitCount(path)).toBe(2);
  });

  it('waits the retry delay between the two requests', async () => {
    const { brand } = endpoint({ kind: 'json', status: 503, body: {} });
    const client = createUserinfoClient({ fetcher: realFetcher(), retryDelayMs: 300 });
    const elapsed = await elapsedMs(() => expectUpstream(client.fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE'));
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it('retries a connection reset once, then USERINFO_UNAVAILABLE', async () => {
    const { path, brand } = endpoint({ kind: 'reset' });
    await expectUpstream(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE', 'FETCH_FAILED');
    expect(ciam.hitCount(path)).toBe(2);
  });

  it.each([404, 400])('does not retry %i', async (status) => {
    const { path, brand } = endpoint({ kind: 'json', status, body: {} });
    await expectUpstream(createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE', 'FETCH_BAD_STATUS');
    expect(ciam.hitCount(path)).toBe(1);
  });
});

describe('slow endpoint: an error within the deadline, not retried', () => {
  it('gives up when the headers never come', async () => {
    const { path, brand } = endpoint({ kind: 'hang' });
    const client = createUserinfoClient({ fetcher: realFetcher() });
    const elapsed = await elapsedMs(() => expectUpstream(client.fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE', 'FETCH_TIMEOUT'));
    expect(elapsed).toBeGreaterThanOrEqual(LIMITS.timeoutMs - 5);
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs + TIMING_MARGIN_MS);
    expect(ciam.hitCount(path)).toBe(1);
  });

  it('gives up when the body drips a byte every 100 ms', async () => {
    const client = createUserinfoClient({ fetcher: realFetcher() });
    const brand = { brandId: 'brand-a', userinfoEndpoint: dripUrl };
    const elapsed = await elapsedMs(() => expectUpstream(client.fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE', 'FETCH_TIMEOUT'));
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs + TIMING_MARGIN_MS);
  });
});

describe('huge answer', () => {
  it('aborts a 50 MB body at the size cap, not retried', async () => {
    const { path, brand } = endpoint({ kind: 'huge', bytes: 50 * 1024 * 1024 });
    const client = createUserinfoClient({ fetcher: realFetcher() });
    const elapsed = await elapsedMs(() => expectUpstream(client.fetchUserinfo(brand, TOKEN, SUB), 'USERINFO_UNAVAILABLE', 'FETCH_TOO_LARGE'));
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs);
    expect(ciam.hitCount(path)).toBe(1);
  });
});

describe('redirects: not followed, the token never sent elsewhere', () => {
  it.each([
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['127.0.0.1 on another port', () => elsewhere.url('/steal')],
    ['another host', () => elsewhere.url('/steal').replace('127.0.0.1', 'localhost')],
  ])('refuses a 302 to %s', async (_label, location) => {
    const { path, brand } = endpoint({ kind: 'redirect', status: 302, location: location() });
    await expectUpstream(
      createUserinfoClient({ fetcher: realFetcher() }).fetchUserinfo(brand, TOKEN, SUB),
      'USERINFO_UNAVAILABLE',
      'FETCH_REDIRECT_REFUSED',
    );
    expect(ciam.hitCount(path)).toBe(1);
    expect(elsewhere.totalHits()).toBe(0);
    expect(elsewhere.authorizationHeaders).toEqual([]);
  });
});
