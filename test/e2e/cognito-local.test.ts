/**
 * Against Cognito's emulator, cognito-local, as a real peer: it runs in a temporary folder (it writes `.cognito/`
 * into its working folder) on a free port of 127.0.0.1, its issuer set to `http://127.0.0.1:<port>`. A pool, an app
 * client and a user are made through the AWS SDK, which then signs in with InitiateAuth. The brand is onboarded with
 * the CLI's Cognito preset (region `local`, a `local_…` pool id, cognito-local's URL); the access token, which lacks
 * `openid` as the SDK's do, passes the authorizer on /v1/whoami, and the ID token of the same sign-in is the profile
 * source of the customer routes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { runCli } from '../../lib/cli/run-cli';
import { freePort } from '../../lib/local/dynamodb-local';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const START_TIMEOUT_MS = 30_000;
const EMAIL = 'jane@example.com';
const PASSWORD = 'Local-Passw0rd!';

let dir: string;
let cognitoLocal: ChildProcess | undefined;
let cognitoOutput = '';
let endpoint: string;
let cognito: CognitoIdentityProviderClient;
let local: LocalMode;

/** cognito-local in `dir`, serving on `port` with its issuer on the same address, once its health check answers. */
async function startCognitoLocal(port: number): Promise<void> {
  mkdirSync(join(dir, '.cognito'));
  writeFileSync(join(dir, '.cognito', 'config.json'), JSON.stringify({
    TokenConfig: { IssuerDomain: endpoint },
    ServerConfig: { hostname: '127.0.0.1', port },
  }));
  const child = spawn(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cognitoLocal = child;
  child.stdout?.on('data', (chunk: Buffer) => { cognitoOutput += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { cognitoOutput += chunk.toString(); });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited with code ${child.exitCode}:\n${cognitoOutput}`);
    const healthy = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`cognito-local did not answer within ${START_TIMEOUT_MS / 1000} s:\n${cognitoOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopCognitoLocal(): Promise<void> {
  const child = cognitoLocal;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  await startCognitoLocal(port);
  cognito = new CognitoIdentityProviderClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  ({ local } = await startE2eLocalMode());
}, 90_000);

afterAll(async () => {
  await local?.stop();
  cognito?.destroy();
  await stopCognitoLocal();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A user pool with one app client and one confirmed user, signed in as the AWS SDK does (USER_PASSWORD_AUTH). */
async function poolWithSignedInUser(): Promise<{ userPoolId: string; clientId: string; accessToken: string; idToken: string }> {
  const { UserPool } = await cognito.send(new CreateUserPoolCommand({ PoolName: 'shop' }));
  const userPoolId = UserPool?.Id as string;
  const { UserPoolClient } = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'shop-app' }));
  const clientId = UserPoolClient?.ClientId as string;
  await cognito.send(new AdminCreateUserCommand({
    UserPoolId: userPoolId, Username: EMAIL, MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: EMAIL }, { Name: 'email_verified', Value: 'true' }],
  }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: EMAIL, Password: PASSWORD, Permanent: true }));
  const { AuthenticationResult } = await cognito.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: EMAIL, PASSWORD },
  }));
  return { userPoolId, clientId, accessToken: AuthenticationResult?.AccessToken as string, idToken: AuthenticationResult?.IdToken as string };
}

async function gateway(path: string, token: string, init: { method?: string; body?: unknown; idTokenHeader?: string } = {}) {
  const response = await fetch(`${local.gatewayUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`, 'x-brand-id': 'shop', 'content-type': 'application/json',
      ...(init.idTokenHeader === undefined ? {} : { 'x-id-token': init.idTokenHeader }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, debug: response.headers.get('x-ciam-debug') };
}

it('onboards a cognito-local pool with the preset, authorizes its access token and links from its ID token', async () => {
  const { userPoolId, clientId, accessToken, idToken } = await poolWithSignedInUser();
  expect(userPoolId).toMatch(/^local_[A-Za-z0-9]+$/);
  const issuer = `${endpoint}/${userPoolId}`;

  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['brands', 'put', 'shop', '--preset', 'cognito', '--input', 'region=local', '--input', `userPoolId=${userPoolId}`,
      '--input', `appClientId=${clientId}`, '--input', `endpoint=${endpoint}`, '--display-name', 'Shop', '--json'],
    { out: (text) => out.push(text), err: (text) => err.push(text), env: { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: 'local-admin-key' } },
  );
  expect([code, err.join('\n')]).toEqual([0, '']);
  expect(JSON.parse(out.join('\n'))).toMatchObject({
    brandId: 'shop', provider: 'cognito', issuer, additionalIssuers: [], jwksUri: `${issuer}/.well-known/jwks.json`,
    profileSource: 'id_token', applicationId: userPoolId, clientId, audiences: [clientId], version: 1,
  });

  const whoami = await gateway('/v1/whoami', accessToken);
  expect(whoami).toMatchObject({ status: 200, body: { brandId: 'shop', iss: issuer, principalType: 'customer', tokenType: 'access', scopes: 'aws.cognito.signin.user.admin' } });
  const sub = whoami.body.sub as string;

  const idAsBearer = await gateway('/v1/whoami', idToken);
  expect([idAsBearer.status, idAsBearer.debug]).toEqual([401, 'TOKEN_TYPE_NOT_ACCEPTED']);
  expect(await gateway('/v1/customers/link', accessToken, { method: 'POST' })).toMatchObject({ status: 401, body: { code: 'ID_TOKEN_MISSING' } });

  const linked = await gateway('/v1/customers/link', accessToken, { method: 'POST', body: { idToken } });
  expect(linked).toMatchObject({ status: 200, body: { created: true, linkedBy: 'new', changedFields: ['email'] } });
  const me = await gateway('/v1/me', accessToken, { idTokenHeader: idToken });
  expect(me).toMatchObject({
    status: 200,
    body: { profile: { cuid: sub, email: EMAIL, emailVerified: true }, customer: { customerId: linked.body.customerId, sourceProfiles: { OAUTH_EXTERNAL: { cuid: sub } } } },
  });
}, 90_000);
