import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An RFC 7662 introspection endpoint on 127.0.0.1 that authenticates its client as a CIAM does (client_secret_basic
 * or client_secret_post), answers from a table of tokens, and counts its calls. `hold()` keeps answers back until
 * `release()`, so a test can pile up concurrent callers first.
 */
export class IntrospectionServer {
  private readonly server: Server;
  /** Token → the answer's fields (`active` is added); a token not listed is inactive. */
  readonly answers = new Map<string, Record<string, unknown>>();
  /** Every call's client authentication and token, in order. */
  readonly calls: { readonly method: 'basic' | 'post' | 'none'; readonly clientId?: string; readonly token?: string }[] = [];
  private held: (() => void)[] | undefined;

  private constructor(
    private readonly clientId: string,
    /** The secret the CIAM accepts now; changed by a test to play a rotation. */
    public clientSecret: string,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(clientId: string, clientSecret: string): Promise<IntrospectionServer> {
    const instance = new IntrospectionServer(clientId, clientSecret);
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/introspect`;
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    for (const go of this.held ?? []) go();
    this.held = undefined;
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const form = new URLSearchParams(body);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let method: 'basic' | 'post' | 'none' = 'none';
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      method = 'basic';
      const [rawId, rawSecret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent((rawId ?? '').replace(/\+/g, ' '));
      secret = decodeURIComponent((rawSecret ?? '').replace(/\+/g, ' '));
    } else if (form.has('client_id')) {
      method = 'post';
      id = form.get('client_id') ?? undefined;
      secret = form.get('client_secret') ?? undefined;
    }
    const token = form.get('token') ?? undefined;
    this.calls.push({ method, ...(id === undefined ? {} : { clientId: id }), ...(token === undefined ? {} : { token }) });
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    if (req.method !== 'POST' || id !== this.clientId || secret !== this.clientSecret) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' }).end('{"error":"invalid_client"}');
      return;
    }
    const answer = token === undefined ? undefined : this.answers.get(token);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ? { active: true, ...answer } : { active: false }));
  }
}
