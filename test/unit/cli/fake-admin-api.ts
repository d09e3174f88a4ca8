import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that answers like the admin API: each test says what the next answers are, and reads
 * back the requests the CLI made.
 */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface Answer {
  readonly status: number;
  /** Sent as JSON, or as it is when a string. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class FakeAdminApi {
  readonly requests: RecordedRequest[] = [];
  private answer: (request: RecordedRequest) => Answer = () => ({ status: 500, body: { code: 'INTERNAL' } });

  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      this.requests.push(request);
      const { status, body, headers } = this.answer(request);
      const raw = typeof body === 'string' ? body : JSON.stringify(body ?? {});
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(raw);
    });
  });

  private constructor() {}

  static async start(): Promise<FakeAdminApi> {
    const api = new FakeAdminApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every following request gets this answer (or what the function makes of the request). */
  answerWith(answer: Answer | ((request: RecordedRequest) => Answer)): void {
    this.answer = typeof answer === 'function' ? answer : () => answer;
  }

  get lastRequest(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback URL nothing listens on: a port the system just handed out and that was closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
