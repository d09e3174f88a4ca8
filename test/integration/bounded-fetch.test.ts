import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import {
  createJsonFetcher,
  DEFAULT_FETCH_LIMITS,
  guardedLookup,
  type JsonFetcher,
  type Resolver,
} from '../../lambdas/adapters/bounded-fetch';
import { FetchStatusError, UpstreamError, type UpstreamErrorCode } from '../../lambdas/core/errors';

const LIMITS = { timeoutMs: 300, maxBytes: 64 * 1024 };
const TIMING_MARGIN_MS = 250;
const TOKEN = 'Bearer secret-access-token';
const FIFTY_MB = 50 * 1024 * 1024;

interface Hit {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** A server that records every request and answers by path. */
async function startServer(handle: (path: string, res: ServerResponse, hit: Hit) => void): Promise<{ server: Server; hits: Hit[]; url: string }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const hit = { path: req.url ?? '', headers: req.headers };
    hits.push(hit);
    handle(hit.path, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}

/** Streams `total` bytes with backpressure and resolves with how many the server managed to write. */
function stream(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  res.writeHead(200, { 'content-type': 'application/json' });
  return new Promise((resolve) => {
    res.on('close', () => resolve(written));
    const pump = (): void => {
      while (written < total && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
}

let origin: Awaited<ReturnType<typeof startServer>>;
let elsewhere: Awaited<ReturnType<typeof startServer>>;
let hugeWritten: Promise<number> | undefined;
const dripTimers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  elsewhere = await startServer((_path, res) => send(res, 200, '{"stolen":true}'));
  origin = await startServer((path, res, hit) => {
    const { pathname, searchParams } = new URL(path, 'http://127.0.0.1');
    const [, route, arg] = pathname.split('/');
    switch (route) {
      case 'json': return send(res, 200, '{"sub":"user-1","email":"a@example.com"}');
      case 'null': return send(res, 200, 'null');
      case 'array': return send(res, 200, '[]');
      case 'created': return send(res, 201, '{"ok":true}');
      case 'html': return send(res, 200, '<!doctype html><html><body>Log in</body></html>', 'text/html');
      case 'empty': return send(res, 200, '');
      case 'truncated': return send(res, 200, '{"keys":[{"kid":"a1","kty":"RS');
      case 'bad-utf8': return send(res, 200, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
      case 'echo': return send(res, 200, JSON.stringify(hit.headers));
      case 'status': return send(res, Number(arg), '{"error":"nope"}');
      case 'redirect':
        res.writeHead(Number(arg), { location: searchParams.get('to') ?? '/' }).end();
        return;
      case 'silent': return; // accepts the request and never answers
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' }).write('[');
        const timer = setInterval(() => res.write(' '), 100);
        dripTimers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'huge':
        hugeWritten = stream(res, FIFTY_MB);
        return;
      case 'declared-huge': // promises 10 MB, then sends nothing: only an early refusal avoids the deadline
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) }).write('[');
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      default: return send(res, 404, '{}');
    }
  });
});

afterAll(async () => {
  dripTimers.forEach(clearInterval);
  await Promise.all([stopServer(origin.server), stopServer(elsewhere.server)]);
});

const local = (): JsonFetcher => createJsonFetcher({ policy: { allowLoopbackHttp: true }, limits: LIMITS });

async function expectUpstream(promise: Promise<unknown>, code: UpstreamErrorCode): Promise<UpstreamError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  expect(err).toMatchObject({ code });
  return err as UpstreamError;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

it('defaults to a 3 s deadline and a 512 KiB cap', () => {
  expect(DEFAULT_FETCH_LIMITS).toEqual({ timeoutMs: 3000, maxBytes: 512 * 1024 });
});

describe('JSON answers', () => {
  it('returns a 2xx JSON object with its status', async () => {
    await expect(local().getJson(`${origin.url}/json`)).resolves.toEqual({
      status: 200,
      body: { sub: 'user-1', email: 'a@example.com' },
    });
    await expect(local().getJson(`${origin.url}/created`)).resolves.toEqual({ status: 201, body: { ok: true } });
  });

  it.each([
    ['null', null],
    ['array', []],
  ])('returns a JSON %s as-is: its shape is the caller’s business', async (path, body) => {
    await expect(local().getJson(`${origin.url}/${path}`)).resolves.toEqual({ status: 200, body });
  });

  it.each(['html', 'empty', 'truncated', 'bad-utf8'])('refuses a %s body as FETCH_NOT_JSON', async (path) => {
    await expectUpstream(local().getJson(`${origin.url}/${path}`), 'FETCH_NOT_JSON');
  });
});

describe('request headers', () => {
  it('sends the caller’s Authorization, Accept and User-Agent, and no cookie', async () => {
    const { body } = await local().getJson(`${origin.url}/echo`, { headers: { Authorization: TOKEN } });
    expect(body).toMatchObject({ authorization: TOKEN, accept: 'application/json', 'user-agent': 'ciam-gateway' });
    expect(body).not.toHaveProperty('cookie');
  });
});

describe('statuses', () => {
  it.each([500, 502, 503, 429, 404, 401])('rejects %i as FETCH_BAD_STATUS with the status kept', async (status) => {
    const err = await expectUpstream(local().getJson(`${origin.url}/status/${status}`), 'FETCH_BAD_STATUS');
    expect(err).toBeInstanceOf(FetchStatusError);
    expect((err as FetchStatusError).httpStatus).toBe(status);
  });

  it('never puts the bearer token in the error', async () => {
    const err = await expectUpstream(
      local().getJson(`${origin.url}/status/401`, { headers: { Authorization: TOKEN } }),
      'FETCH_BAD_STATUS',
    );
    expect(`${err.message} ${String(err.stack)}`).not.toContain('secret-access-token');
  });
});

describe('redirects are never followed', () => {
  const via = (status: number, to: string): string => `${origin.url}/redirect/${status}?to=${encodeURIComponent(to)}`;

  it('refuses a 302 to the metadata service', async () => {
    await expectUpstream(local().getJson(via(302, 'http://169.254.169.254/latest/meta-data/')), 'FETCH_REDIRECT_REFUSED');
  });

  it.each([301, 302, 307, 308])('refuses a %i to another local server, which never sees the token', async (status) => {
    const fetched = local().getJson(via(status, `${elsewhere.url}/steal`), { headers: { Authorization: TOKEN } });
    await expectUpstream(fetched, 'FETCH_REDIRECT_REFUSED');
    expect(elsewhere.hits).toHaveLength(0);
  });
});

describe('hard deadline', () => {
  it('times out when the headers never come', async () => {
    const elapsed = await elapsedMs(() => expectUpstream(local().getJson(`${origin.url}/silent`), 'FETCH_TIMEOUT'));
    expect(elapsed).toBeGreaterThanOrEqual(LIMITS.timeoutMs - 5);
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs + TIMING_MARGIN_MS);
  });

  it('times out when the body drips a byte every 100 ms', async () => {
    const elapsed = await elapsedMs(() => expectUpstream(local().getJson(`${origin.url}/drip`), 'FETCH_TIMEOUT'));
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs + TIMING_MARGIN_MS);
  });
});

describe('size cap', () => {
  it('aborts a 50 MB stream early, closing the connection', async () => {
    await expectUpstream(local().getJson(`${origin.url}/huge`), 'FETCH_TOO_LARGE');
    const written = await hugeWritten;
    expect(written).toBeLessThan(FIFTY_MB / 5);
  });

  it('refuses a declared content-length over the cap before reading the body', async () => {
    const elapsed = await elapsedMs(() => expectUpstream(local().getJson(`${origin.url}/declared-huge`), 'FETCH_TOO_LARGE'));
    expect(elapsed).toBeLessThan(LIMITS.timeoutMs);
  });
});

describe('connection failures', () => {
  it('maps a connection reset to FETCH_FAILED', async () => {
    await expectUpstream(local().getJson(`${origin.url}/reset`), 'FETCH_FAILED');
  });

  it('maps a DNS failure to FETCH_FAILED', async () => {
    const notFound: Resolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const fetcher = createJsonFetcher({ policy: { allowLoopbackHttp: true }, limits: LIMITS, resolve: notFound });
    await expectUpstream(fetcher.getJson('http://localhost:9/x'), 'FETCH_FAILED');
  });
});

describe('URL policy, before any I/O', () => {
  const resolver = jest.fn<ReturnType<Resolver>, Parameters<Resolver>>();
  const strict = (): JsonFetcher => createJsonFetcher({ policy: { allowLoopbackHttp: false }, limits: LIMITS, resolve: resolver });

  beforeEach(() => resolver.mockReset());

  it.each(['http://example.com/x', 'https://169.254.169.254/', 'https://10.0.0.1/jwks', 'not a url'])(
    'refuses %s without a lookup',
    async (url) => {
      await expectUpstream(strict().getJson(url), 'FETCH_URL_REFUSED');
      expect(resolver).not.toHaveBeenCalled();
    },
  );

  it('refuses http://127.0.0.1 outside local mode, and the server sees nothing', async () => {
    const before = origin.hits.length;
    await expectUpstream(strict().getJson(`${origin.url}/json`), 'FETCH_URL_REFUSED');
    expect(origin.hits).toHaveLength(before);
  });

  it('refuses a public name that resolves to a private address (DNS rebinding)', async () => {
    resolver.mockResolvedValue([{ address: '127.0.0.1', family: 4 }]);
    await expectUpstream(strict().getJson('https://rebind.example.com/userinfo'), 'FETCH_URL_REFUSED');
    expect(resolver).toHaveBeenCalledWith('rebind.example.com', expect.anything());
  });

  it('connects through the guarded lookup to an allowed name', async () => {
    const localhost: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const fetcher = createJsonFetcher({ policy: { allowLoopbackHttp: true }, limits: LIMITS, resolve: localhost });
    const url = `${origin.url.replace('127.0.0.1', 'localhost')}/json`;
    await expect(fetcher.getJson(url)).resolves.toMatchObject({ status: 200, body: { sub: 'user-1' } });
  });
});

describe('guardedLookup', () => {
  function lookUp(addresses: readonly LookupAddress[], options: LookupOptions, allowLoopbackHttp = false) {
    const lookup = guardedLookup({ allowLoopbackHttp }, () => Promise.resolve(addresses));
    return new Promise<{ address: string | LookupAddress[]; family?: number }>((resolve, reject) =>
      lookup('ciam.example.com', options, (err, address, family) => (err ? reject(err) : resolve({ address, family }))),
    );
  }
  const v4 = (address: string): LookupAddress => ({ address, family: 4 });
  const v6 = (address: string): LookupAddress => ({ address, family: 6 });

  it.each([[v4('169.254.169.254')], [v4('10.0.0.1')], [v6('::ffff:127.0.0.1')], [v6('fd00::1')]])(
    'refuses a name resolving to %o',
    async (resolved) => {
      await expectUpstream(lookUp([resolved], { all: true }), 'FETCH_URL_REFUSED');
    },
  );

  it('refuses when ANY address is forbidden, even if the first is public', async () => {
    await expectUpstream(lookUp([v4('93.184.216.34'), v4('10.0.0.1')], { all: true }), 'FETCH_URL_REFUSED');
  });

  it('refuses a name resolving to nothing', async () => {
    await expectUpstream(lookUp([], { all: true }), 'FETCH_URL_REFUSED');
  });

  it('allows a public address, answering in the shape the socket asked for', async () => {
    const addresses = [v4('93.184.216.34'), v6('2606:2800:220:1:248:1893:25c8:1946')];
    await expect(lookUp(addresses, { all: true })).resolves.toEqual({ address: addresses, family: undefined });
    await expect(lookUp(addresses, {})).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('allows loopback only in local mode, and never a private address', async () => {
    await expect(lookUp([v4('127.0.0.1'), v6('::1')], { all: true }, true)).resolves.toMatchObject({ address: [{}, {}] });
    await expectUpstream(lookUp([v4('127.0.0.1')], { all: true }), 'FETCH_URL_REFUSED');
    await expectUpstream(lookUp([v4('127.0.0.1'), v4('10.0.0.1')], { all: true }, true), 'FETCH_URL_REFUSED');
  });
});
