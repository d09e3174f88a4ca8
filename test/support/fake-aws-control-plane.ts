import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { LocalApiKeys } from '../../lib/local/local-api-keys';

/**
 * One loopback server that answers the AWS APIs the admin API calls, on their real wire formats, so the real SDK
 * clients talk to it: SSM's GetParametersByPath (the API stage registry, paged), API Gateway's
 * FlushStageAuthorizersCache, SQS's SendMessage (recorded, with the body's MD5 the SDK checks), and, given the
 * emulator's API keys and usage plans, API Gateway's API key and usage plan calls.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  /** `X-Amz-Target` of the JSON protocols (SSM, SQS). */
  readonly target: string | undefined;
  readonly body: string;
}

export interface ControlPlaneBehaviour {
  /** The registry, in pages of `{ name, value }`. @default one empty page */
  registry?: readonly (readonly { readonly name: string; readonly value: string }[])[];
  /** SSM refuses GetParametersByPath (as without the permission). */
  registryDenied?: boolean;
  /** API ids whose stages API Gateway does not know (404). */
  missingApis?: readonly string[];
  /** SQS refuses SendMessage (as for a deleted queue). */
  queueMissing?: boolean;
  /** API keys and usage plans (the emulator's, on the same wire format). @default - none: those calls get 400 */
  apiKeys?: LocalApiKeys;
  /** API Gateway answers every API key and usage plan call 503. */
  apiKeysUnavailable?: boolean;
}

const CLIENT_SETTINGS = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 } as const;

export class FakeAwsControlPlane {
  readonly requests: RecordedRequest[] = [];
  behaviour: ControlPlaneBehaviour = {};

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeAwsControlPlane> {
    const server = createServer();
    const plane = new FakeAwsControlPlane(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => plane.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return plane;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The real SDK clients, pointed here. */
  clients(): { ssm: SSMClient; apiGateway: APIGatewayClient; sqs: SQSClient } {
    const settings = { ...CLIENT_SETTINGS, endpoint: this.endpoint };
    return { ssm: new SSMClient(settings), apiGateway: new APIGatewayClient(settings), sqs: new SQSClient(settings) };
  }

  /** The paths of the FlushStageAuthorizersCache calls, sorted. */
  flushes(): string[] {
    return this.requests.filter((r) => r.method === 'DELETE').map((r) => r.url).sort();
  }

  /** The bodies of the SendMessage calls. */
  sentMessages(): { QueueUrl: string; MessageBody: string; DelaySeconds?: number }[] {
    return this.requests.filter((r) => r.target === 'AmazonSQS.SendMessage').map((r) => JSON.parse(r.body));
  }

  reset(behaviour: ControlPlaneBehaviour = {}): void {
    this.requests.length = 0;
    this.behaviour = behaviour;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', target: req.headers['x-amz-target'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') };
      this.requests.push(request);
      this.answer(request, res);
    });
  }

  private answer(request: RecordedRequest, res: ServerResponse): void {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    };
    if (request.target === 'AmazonSSM.GetParametersByPath') {
      if (this.behaviour.registryDenied) return json(400, { __type: 'AccessDeniedException', message: 'not allowed' });
      const pages = this.behaviour.registry ?? [[]];
      const index = Number((JSON.parse(request.body) as { NextToken?: string }).NextToken ?? '0');
      const page = pages[index] ?? [];
      return json(200, {
        Parameters: page.map(({ name, value }) => ({ Name: name, Value: value, Type: 'String' })),
        ...(index + 1 < pages.length ? { NextToken: String(index + 1) } : {}),
      });
    }
    if (request.target === 'AmazonSQS.SendMessage') {
      if (this.behaviour.queueMissing) return json(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
      const { MessageBody } = JSON.parse(request.body) as { MessageBody: string };
      return json(200, { MessageId: `m-${this.requests.length}`, MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') });
    }
    const url = new URL(request.url, 'http://control-plane');
    if (this.behaviour.apiKeys && /^\/(apikeys|usageplans)(\/|$)/.test(url.pathname)) {
      if (this.behaviour.apiKeysUnavailable) {
        res.writeHead(503, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceUnavailableException' }).end(JSON.stringify({ message: 'unavailable' }));
        return;
      }
      const reply = this.behaviour.apiKeys.controlPlane(request.method, url.pathname, url.searchParams, request.body);
      res.writeHead(reply.statusCode, reply.headers).end(reply.body);
      return;
    }
    const flush = /^\/restapis\/([^/]+)\/stages\/[^/]+\/cache\/authorizers$/.exec(request.url);
    if (request.method === 'DELETE' && flush) {
      if (this.behaviour.missingApis?.includes(flush[1] as string)) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' }).end(JSON.stringify({ message: 'Invalid API identifier specified' }));
        return;
      }
      res.writeHead(202).end();
      return;
    }
    res.writeHead(400).end();
  }
}
