import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JWKS (and anything-else) endpoint on 127.0.0.1 that can be told to misbehave, and that counts every
 * request it gets, per path, so tests can assert "no fetch" and "at most one refetch".
 */
export type Behaviour =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number }
  | { readonly kind: 'raw'; readonly body: string | Buffer; readonly status?: number; readonly contentType?: string }
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'huge'; readonly bytes: number };

export class TestHttpServer {
  private readonly server: Server;
  private readonly routes = new Map<string, Behaviour>();
  readonly hits = new Map<string, number>();
  readonly authorizationHeaders: (string | undefined)[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<TestHttpServer> {
    const instance = new TestHttpServer();
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  on(path: string, behaviour: Behaviour): this {
    this.routes.set(path, behaviour);
    return this;
  }

  hitCount(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  totalHits(): number {
    return [...this.hits.values()].reduce((a, b) => a + b, 0);
  }

  resetHits(): void {
    this.hits.clear();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    this.authorizationHeaders.push(req.headers.authorization);
    const behaviour = this.routes.get(path) ?? { kind: 'raw', status: 404, body: 'not found' };
    switch (behaviour.kind) {
      case 'json':
        res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.body));
        return;
      case 'raw':
        res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'application/json' }).end(behaviour.body);
        return;
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location }).end();
        return;
      case 'hang':
        this.hanging.add(res);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < behaviour.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
      }
    }
  }
}
