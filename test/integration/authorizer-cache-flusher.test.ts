/**
 * The admin API's flusher with the real SDK clients, against a loopback server that answers as SSM
 * (GetParametersByPath, paged) and API Gateway (FlushStageAuthorizersCache) do, and as local mode's emulator does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createAuthorizerCacheFlusher } from '../../lambdas/adapters/authorizer-cache-flusher';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly target: string | undefined;
  readonly body: string;
}

let server: Server;
let endpoint: string;
const requests: Request[] = [];
let answer: (request: Request, response: ServerResponse) => void = () => undefined;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', target: req.headers['x-amz-target'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
});

const CLIENT_SETTINGS = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 } as const;

/** The registry in two pages, and an API Gateway on which API `gone` no longer exists. */
function awsLike(request: Request, response: ServerResponse): void {
  if (request.target === 'AmazonSSM.GetParametersByPath') {
    const { NextToken } = JSON.parse(request.body) as { NextToken?: string };
    const page = NextToken === undefined
      ? { Parameters: [{ Name: '/ciam-gateway/dev/apis/own', Value: 'dev', Type: 'String' }, { Name: '/ciam-gateway/dev/apis/gone', Value: 'prod', Type: 'String' }], NextToken: 'page2' }
      : { Parameters: [{ Name: '/ciam-gateway/dev/apis/orders', Value: 'v1', Type: 'String' }] };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(page));
    return;
  }
  if (request.method === 'DELETE' && request.url.startsWith('/restapis/gone/')) {
    response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotFoundException' }).end(JSON.stringify({ message: 'Invalid API identifier specified' }));
    return;
  }
  response.writeHead(request.method === 'DELETE' ? 202 : 400).end();
}

describe('in AWS', () => {
  const flusher = () =>
    createAuthorizerCacheFlusher(
      { stage: 'dev' },
      { ssm: new SSMClient({ ...CLIENT_SETTINGS, endpoint }), apiGateway: new APIGatewayClient({ ...CLIENT_SETTINGS, endpoint }) },
    );

  test('reads every page of the registry, then flushes each stage; a stage that fails is reported, not thrown', async () => {
    answer = awsLike;
    expect(await flusher()()).toEqual({ flushed: ['own/dev', 'orders/v1'], failed: [{ stage: 'gone/prod', code: 'FETCH_FAILED' }] });
    const registryReads = requests.filter((request) => request.target === 'AmazonSSM.GetParametersByPath').map((request) => JSON.parse(request.body));
    expect(registryReads).toEqual([
      { Path: '/ciam-gateway/dev/apis', Recursive: false, MaxResults: 10 },
      { Path: '/ciam-gateway/dev/apis', Recursive: false, MaxResults: 10, NextToken: 'page2' },
    ]);
    const flushes = requests.filter((request) => request.method === 'DELETE').map((request) => request.url);
    expect(flushes.sort()).toEqual(['/restapis/gone/stages/prod/cache/authorizers', '/restapis/orders/stages/v1/cache/authorizers', '/restapis/own/stages/dev/cache/authorizers']);
  });

  test('throws an UpstreamError when the registry cannot be read', async () => {
    answer = (_request, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }));
    };
    await expect(flusher()()).rejects.toMatchObject({ name: 'UpstreamError', code: 'FETCH_FAILED' });
    expect(requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });
});

describe('in local mode', () => {
  const flusher = () => createAuthorizerCacheFlusher({ stage: 'local', localGatewayUrl: endpoint });

  test("empties the emulator's cache", async () => {
    answer = (_request, response) => {
      response.writeHead(204).end();
    };
    expect(await flusher()()).toEqual({ flushed: ['local/local'], failed: [] });
    expect(requests.map(({ method, url }) => `${method} ${url}`)).toEqual(['DELETE /_emulator/authorizer-cache']);
  });

  test('reports the emulator refusing, as a failed stage', async () => {
    answer = (_request, response) => {
      response.writeHead(500).end();
    };
    expect(await flusher()()).toEqual({ flushed: [], failed: [{ stage: 'local/local', code: 'FETCH_FAILED' }] });
  });
});
