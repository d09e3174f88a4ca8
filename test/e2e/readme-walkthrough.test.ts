/**
 * The README's local-mode walk-through, run verbatim: local mode starts on the ports the README names, and the
 * README's shell block runs in bash exactly as a new user would paste it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS } from '../../lib/gateway-responses';
import { LOCAL_TABLES } from '../../lib/table-definitions';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';

const ROOT = join(__dirname, '..', '..');
let local: LocalMode;

beforeAll(async () => {
  local = await startLocalMode({
    port: 3000,
    ciamPort: 3001,
    tables: LOCAL_TABLES,
    gatewayResponses: GATEWAY_RESPONSES,
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    resultsCacheTtlSeconds: 300,
    adminKey: 'local-admin-key',
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

/** The README's shell block that starts with `start`, as a new user would copy it. */
function readmeBlock(start: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\`\`\`sh\n${start}`);
  if (at < 0) throw new Error(`README has no shell block starting with ${start}`);
  return readme.slice(at + 6, readme.indexOf('```', at + 6));
}

const run = async (script: string) =>
  (await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, timeout: 60_000 })).stdout;

it('runs verbatim: 200 for a user, 401 tampered, 403 without the required scope, 200 for a client', async () => {
  const stdout = await run(readmeBlock('TOKEN=$(npm run -s token)'));
  const [user, tampered, noScope, client] = stdout.trim().split('\n').filter((line) => /^HTTP\/1\.1 |"brandId"/.test(line));
  expect(JSON.parse(user ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo', principalType: 'customer', tokenType: 'access' });
  expect(tampered).toMatch(/^HTTP\/1\.1 401/);
  expect(noScope).toMatch(/^HTTP\/1\.1 403/);
  expect(JSON.parse(client ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo-client', principalType: 'client' });
  expect(stdout).toContain('WWW-Authenticate: Bearer error="invalid_token"');
  expect(stdout).toContain('WWW-Authenticate: Bearer error="insufficient_scope"');
}, 60_000);

it('runs the customer flows verbatim: link, repeat link, register, identifier change, me', async () => {
  const stdout = await run(readmeBlock('USER_TOKEN=$(npm run -s token -- --user dana)'));
  const [link, repeat, register, ciamChange, identifiers, me] = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(link).toMatchObject({ created: true, linkedBy: 'new' });
  expect(link?.changedFields).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'mobile']));
  expect(repeat).toEqual({ customerId: link?.customerId, created: false, linkedBy: 'cuid', changedFields: [] });
  expect(register).toEqual({ customerId: link?.customerId, changedFields: ['dateOfBirth', 'city', 'marketingOptIn'] });
  expect(ciamChange).toMatchObject({ sub: 'dana', email: 'dana@new.example', email_verified: true });
  expect(identifiers).toEqual({ customerId: link?.customerId, changedFields: ['email'] });
  expect(me).toMatchObject({
    profile: { cuid: 'dana', email: 'dana@new.example', emailVerified: true },
    customer: {
      customerId: link?.customerId,
      profile: { email: 'dana@new.example' },
      sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'dana' }, INSTORE: { city: 'Leeds', dateOfBirth: '1990-04-01', marketingOptIn: true } },
    },
  });
}, 60_000);

it('onboards a brand verbatim with the CLI and with curl', async () => {
  try {
    const cli = await run(readmeBlock('export CIAM_GATEWAY_ENDPOINT'));
    expect(cli).toMatch(/^created acme at version 1; changed: /m);
    expect(cli.match(/^ok {3}(discovery|jwks|userinfo|sample_token):/gm)).toHaveLength(4);
    expect(cli).toContain('"brandId":"acme","sub":"demo"');
    expect(cli).toMatch(/^acme\tactive\tgeneric-oidc\tv1\tAcme Loyalty$/m);

    const [got, replaced, check, disabled] = (await run(readmeBlock('curl -s -w \'\\n\' http://127.0.0.1:3000/v1/admin/brands/acme'))).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(got).toMatchObject({ brandId: 'acme', version: 1, jwksUri: `${local.ciam.issuer}/jwks`, updatedBy: 'arn:aws:iam::123456789012:user/local-admin' });
    expect(replaced).toMatchObject({ brandId: 'acme', version: 2, changedFields: [] });
    expect(check).toMatchObject({ ok: true });
    expect(disabled).toMatchObject({ brandId: 'acme', status: 'disabled', version: 3 });
  } finally {
    rmSync(join(ROOT, 'acme.json'), { force: true });
  }
}, 90_000);
