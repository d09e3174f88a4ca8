/** Refusals are logged with a stable code and reason; the token itself never reaches a log line. */
import { powertools } from '../../lambdas/adapters/observability';
import { startAuthorizerHarness, type AuthorizerHarness } from '../support/authorizer-harness';
import { TestHttpServer } from '../support/jwks-server';
import { craftToken, makeKey, signToken, standardClaims, withPayload, type TestKey } from '../support/tokens';

let server: TestHttpServer;
let harness: AuthorizerHarness;
let a1: TestKey;
const lines: string[] = [];

beforeAll(async () => {
  powertools().logger.setLogLevel('DEBUG');
  // Powertools writes INFO to stdout and WARN/ERROR to stderr; both are captured (and kept off the terminal).
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
  }
  server = await TestHttpServer.start();
  a1 = await makeKey('a1');
  server.on('/logbrand/jwks', { kind: 'json', body: { keys: [a1.jwk] } });
  harness = await startAuthorizerHarness();
  await harness.putBrand({
    brandId: 'logbrand', displayName: 'Logs', provider: 'generic-oidc', issuer: server.url('/logbrand'), jwksUri: server.url('/logbrand/jwks'),
    userinfoEndpoint: server.url('/logbrand/userinfo'), applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'],
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  powertools().logger.setLogLevel('SILENT');
  await harness?.stop();
  await server?.stop();
});

it('logs the refusal code for each bad token, and no token or signature anywhere', async () => {
  const good = await signToken(a1, standardClaims({ iss: server.url('/logbrand') }));
  const tokens = {
    ALG_NOT_ALLOWED: craftToken({ alg: 'none' }, standardClaims({ iss: server.url('/logbrand') }), () => 'c2lnbmF0dXJl'),
    ISSUER_MISMATCH: await signToken(a1, standardClaims({ iss: 'https://attacker.example' })),
    SIGNATURE_INVALID: withPayload(good, standardClaims({ iss: server.url('/logbrand'), scope: 'admin' })),
    TOKEN_MALFORMED: `${good}.extra`,
  };
  expect((await harness.invoke({ token: good, brandId: 'logbrand' })).status).toBe(200);
  for (const [code, token] of Object.entries(tokens)) {
    expect((await harness.invoke({ token, brandId: 'logbrand' })).status).toBe(401);
    expect(lines.some((line) => line.includes(`"code":"${code}"`))).toBe(true);
  }
  const logs = lines.join('\n');
  expect(logs).toContain('"brandId":"logbrand"');
  for (const token of [good, ...Object.values(tokens)]) {
    for (const segment of token.split('.').filter((part) => part.length > 16)) expect(logs).not.toContain(segment);
  }
});
