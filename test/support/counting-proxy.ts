import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A failure the proxy answers with instead of DynamoDB Local. */
export type ProxyFault = 'throttle' | 'server-error' | 'expired-credentials' | 'reset' | 'hang';

/** A request as it reached the proxy. */
export interface ProxiedRequest {
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const FAULT_ANSWERS: Readonly<Record<'throttle' | 'server-error' | 'expired-credentials', { status: number; type: string; message: string }>> = {
  throttle: { status: 400, type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' },
  'server-error': { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  'expired-credentials': { status: 400, type: 'com.amazon.coral.service#ExpiredTokenException', message: 'The security token included in the request is expired' },
};

/**
 * Sits between the code under test and DynamoDB Local: counts operations by `X-Amz-Target`, keeps each request, and
 * can be told to fail, always (`failure`) or for the next requests only (`failNext`), to show what happens when
 * DynamoDB throttles, fails, refuses the credentials, drops the connection or never answers.
 */
export class CountingProxy {
  readonly operations = new Map<string, number>();
  readonly requests: ProxiedRequest[] = [];
  failure: 'none' | ProxyFault = 'none';
  private readonly faults: ProxyFault[] = [];
  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      const operation = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop() ?? 'unknown';
      this.operations.set(operation, (this.operations.get(operation) ?? 0) + 1);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.requests.push({ operation, headers: req.headers, body: body.toString('utf8') });
        const fault = this.faults.shift() ?? (this.failure === 'none' ? undefined : this.failure);
        if (fault === 'reset') return void req.socket.destroy();
        if (fault === 'hang') return; // never answers; closed by stop()
        if (fault) {
          const { status, type, message } = FAULT_ANSWERS[fault];
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          return void res.end(JSON.stringify({ __type: type, message }));
        }
        const upstream = request(
          { host: this.target.hostname, port: this.target.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      });
    });
  }

  static async start(targetEndpoint: string): Promise<CountingProxy> {
    const proxy = new CountingProxy(new URL(targetEndpoint));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(operation: string): number {
    return this.operations.get(operation) ?? 0;
  }

  /** The next requests get these faults, in order; later ones reach DynamoDB Local again. */
  failNext(...faults: ProxyFault[]): void {
    this.faults.push(...faults);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
