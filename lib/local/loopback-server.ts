import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageReply, type Reply } from './gateway-reply';

export type Respond = (req: IncomingMessage, url: URL, requestId: string) => Promise<Reply>;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Starts answering requests with `respond`; until then every request gets 503. */
  serve(respond: Respond): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * The emulator's HTTP server, on 127.0.0.1 only. Every request gets an id (sent back as `x-amzn-RequestId`, as
 * API Gateway does) and one log line: id, method, path without the query string, status and note, never a
 * header value.
 */
export async function startLoopbackServer(port: number, log: (line: string) => void): Promise<LoopbackServer> {
  let respond: Respond = async () => messageReply(503, 'Service Unavailable', 'gateway not ready');
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    void respond(req, url, requestId)
      .catch((error: unknown) => messageReply(500, 'Internal server error', `local gateway failed: ${error instanceof Error ? error.message : String(error)}`))
      .then((reply) => {
        for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
        res.setHeader('x-amzn-RequestId', requestId);
        res.statusCode = reply.statusCode;
        res.end(reply.body);
        log(`${requestId} ${req.method} ${url.pathname} ${reply.statusCode}${reply.note ? ` ${reply.note}` : ''}`);
      })
      // A reply that cannot be written drops its connection; it never takes the server down.
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, HOST, resolve));
  return {
    url: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    serve: (next) => {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
