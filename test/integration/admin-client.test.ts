/** The CLI's admin client signs with SigV4 from the standard credential chain, or sends the local admin key. */
import { callAdminApi } from '../../lib/cli/admin-client';
import { TestHttpServer } from '../support/jwks-server';

let server: TestHttpServer;
const saved = { ...process.env };

beforeAll(async () => {
  server = await TestHttpServer.start();
  server.on('/dev/v1/admin/brands', { kind: 'json', body: { brands: [] } });
});

afterAll(async () => {
  process.env = saved;
  await server.stop();
});

it('signs requests for execute-api with the credentials the default chain finds (here: the environment)', async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
  delete process.env.AWS_SESSION_TOKEN;
  const response = await callAdminApi({ endpoint: server.url('/dev'), region: 'eu-west-1' }, 'GET', '/v1/admin/brands');
  expect(response).toMatchObject({ status: 200, body: { brands: [] } });
  expect(server.authorizationHeaders.at(-1)).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
  );
});

it('sends the admin key instead of signing in local mode', async () => {
  const response = await callAdminApi({ endpoint: server.url('/dev'), adminKey: 'k' }, 'GET', '/v1/admin/brands');
  expect(response.status).toBe(200);
  expect(server.authorizationHeaders.at(-1)).toBeUndefined();
});

it('refuses to sign without a region, naming what to set', async () => {
  await expect(callAdminApi({ endpoint: server.url('/dev') }, 'GET', '/v1/admin/brands')).rejects.toMatchObject({
    failure: 'usage', message: expect.stringMatching(/^no AWS region to sign for: pass --region or set AWS_REGION/),
  });
});
