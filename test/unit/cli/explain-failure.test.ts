/** Network and credential failures, as the one line the CLI prints and the exit code it means. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callAdminApi } from '../../../lib/cli/admin-client';
import { CliError, EXIT } from '../../../lib/cli/cli-error';
import { explainCredentialsError, explainNetworkError } from '../../../lib/cli/explain-failure';

const ENDPOINT = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/';

/** What Node's fetch rejects with: TypeError('fetch failed') with the socket's error as its cause. */
const fetchFailed = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });

describe('explainNetworkError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'host not found'],
    ['ECONNRESET', 'connection reset'],
    ['UND_ERR_SOCKET', 'connection closed before an answer'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
    ['CERT_HAS_EXPIRED', 'its TLS certificate has expired'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'its TLS certificate is self-signed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its TLS certificate is not trusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'its TLS certificate names another host'],
    ['EWHATEVER', 'EWHATEVER'],
  ])('names %s as "%s"', (code, words) => {
    const error = explainNetworkError(fetchFailed(Object.assign(new Error(`connect ${code}`), { code })), ENDPOINT, 30);
    expect(error).toEqual(expect.objectContaining({ failure: 'unavailable', message: `cannot reach https://abc123.execute-api.eu-west-1.amazonaws.com/prod (${words})` }));
    expect(error.exitCode).toBe(EXIT.unavailable);
  });

  it('reads the code of the first attempt when the cause is an AggregateError (IPv6 and IPv4 both tried)', () => {
    const cause = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:3000'), { code: 'ECONNREFUSED' })]);
    expect(explainNetworkError(fetchFailed(cause), 'http://localhost:3000', 30).message).toBe('cannot reach http://localhost:3000 (connection refused)');
  });

  it('says how long it waited when the request timed out', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(explainNetworkError(timeout, 'http://127.0.0.1:3000', 30).message).toBe('cannot reach http://127.0.0.1:3000 (timed out after 30 s)');
  });

  it('falls back to the first line of the cause, without control characters', () => {
    expect(explainNetworkError(fetchFailed(new Error('bad port\u001b[2J\nmore')), 'http://127.0.0.1:9', 30).message).toBe('cannot reach http://127.0.0.1:9 (bad port[2J)');
  });

  it('names a connection the server closed, through a real loopback socket', async () => {
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(callAdminApi({ endpoint, adminKey: 'k' }, 'GET', '/v1/admin/brands')).rejects.toEqual(
      new CliError('unavailable', `cannot reach ${endpoint} (connection closed before an answer)`),
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('credentials for SigV4', () => {
  it('names what to set when the default chain finds nothing', () => {
    const error = explainCredentialsError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    expect(error).toEqual(expect.objectContaining({
      failure: 'usage',
      message: 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (local mode: pass --admin-key or set LOCAL_ADMIN_KEY instead)',
    }));
    expect(error.exitCode).toBe(EXIT.usage);
  });

  it('passes on the first line of any other credential failure', () => {
    const expired = new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.\nmore');
    expect(explainCredentialsError(expired).message).toBe(`cannot load AWS credentials: ${expired.message.split('\n')[0]}`);
  });

  it('explains a failing credential source before any request is sent', async () => {
    const credentials = () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    await expect(callAdminApi({ endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', credentials }, 'GET', '/v1/admin/brands')).rejects.toMatchObject({
      failure: 'usage', message: expect.stringMatching(/^no AWS credentials found: /),
    });
  });
});
