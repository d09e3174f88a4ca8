/**
 * The brands' client secrets as the functions read them: Secrets Manager's GetSecretValue through the lean SigV4
 * client, against a loopback server that plays Secrets Manager (the signature checked by the SDK's own signer), and
 * local mode's secrets file.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { localSecretsFileReader, secretsManagerReader } from '../../lambdas/adapters/secret-readers';
import { UpstreamError } from '../../lambdas/core/errors';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'example-secret-key', sessionToken: 'example-session' };
const REF = 'ciam-gateway/prod/brands/brand-a/introspection';
const SECRETS: Record<string, string> = { [REF]: 'the-client-secret' };

let server: Server;
let endpoint: string;
const requests: { headers: IncomingHttpHeaders; body: string }[] = [];
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      const value = SECRETS[SecretId];
      if (value === undefined) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Name: SecretId, SecretString: value }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'secrets-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests.length = 0;
});

describe('secretsManagerReader', () => {
  // Built per call: the server's port is known only once it listens.
  const read = (ref: string) => secretsManagerReader({ region: REGION, credentials: CREDENTIALS, endpoint, maxAttempts: 1 })(ref);

  it('reads GetSecretValue, signed for secretsmanager as the SDK\'s own signer signs it', async () => {
    expect(await read(REF)).toBe('the-client-secret');
    const [sent] = requests;
    const headers = Object.fromEntries(Object.entries(sent?.headers ?? {}).map(([name, value]) => [name, String(value)]));
    expect(headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ SecretId: REF });
    const authorization = headers.authorization ?? '';
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/secretsmanager/aws4_request, `));
    const signedHeaders = new Set(/SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';'));
    const amzDate = headers['x-amz-date'] ?? '';
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const { authorization: _signature, ...unsigned } = headers;
    const url = new URL(endpoint);
    const signer = new SignatureV4({ service: 'secretsmanager', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
    const resigned = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: unsigned, body: sent?.body },
      { signingDate, signableHeaders: signedHeaders, unsignableHeaders: new Set(Object.keys(unsigned).filter((name) => !signedHeaders.has(name))) },
    );
    expect(authorization).toBe(resigned.headers.authorization);
  });

  it('names a missing secret SECRET_UNAVAILABLE by its reference, never a value', async () => {
    const error = await read('ciam-gateway/prod/brands/brand-a/missing').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'SECRET_UNAVAILABLE', message: 'secret ciam-gateway/prod/brands/brand-a/missing: ResourceNotFoundException' });
  });
});

describe('localSecretsFileReader', () => {
  it('reads a secret by reference from the JSON file, afresh each read', async () => {
    const file = join(dir, 'secrets.json');
    await writeFile(file, JSON.stringify({ [REF]: 'first' }));
    const read = localSecretsFileReader(file);
    expect(await read(REF)).toBe('first');
    await writeFile(file, JSON.stringify({ [REF]: 'rotated' }));
    expect(await read(REF)).toBe('rotated');
  });

  it.each([
    ['no file named', undefined, 'secret x: no LOCAL_SECRETS_FILE in local mode'],
    ['a missing file', 'missing.json', 'secret x: LOCAL_SECRETS_FILE is not a readable JSON object'],
    ['a secret not in the file', 'secrets.json', 'secret x: not in LOCAL_SECRETS_FILE'],
  ])('refuses %s as SECRET_UNAVAILABLE', async (_name, name, message) => {
    const file = name === undefined ? undefined : join(dir, name);
    if (name === 'secrets.json') await writeFile(join(dir, name), JSON.stringify({ other: 'value', x: 42 }));
    await expect(localSecretsFileReader(file)('x')).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message });
  });
});
