import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sits between the code under test and DynamoDB Local: counts operations by `X-Amz-Target`, and can be told
 * to fail (throttle or drop the connection) to show what happens when DynamoDB is unavailable.
 */
export class CountingProxy {
  readonly operations = new Map<string, number>();
  failure: 'none' | 'throttle' | 'reset' = 'none';
  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      const operation = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop() ?? 'unknown';
      this.operations.set(operation, (this.operations.get(operation) ?? 0) + 1);
      if (this.failure === 'reset') return void req.socket.destroy();
      if (this.failure === 'throttle') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        return void res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' }));
      }
      const upstream = request(
        { host: this.target.hostname, port: this.target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
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

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
