/**
 * The README's local-mode walk-through, run as a new user would paste it into bash, against a local mode on free
 * ports (so it runs beside `npm start`): the README's 127.0.0.1:3000 and :3001 become this local mode's URLs, and
 * each block runs in a fresh temporary directory, where its relative paths (acme.json) land. A block's `sleep N`
 * moves local mode's clock N seconds instead of waiting.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
let local: LocalMode;
/** `POST /advance?seconds=N` moves local mode's clock: what the blocks' `sleep` calls. */
let clock: Server;
const dirs: string[] = [];

beforeAll(async () => {
  let advance: (seconds: number) => Promise<void>;
  ({ local, advance } = await startE2eLocalMode());
  clock = createServer((req, res) => {
    const seconds = Number(new URL(req.url ?? '', 'http://clock').searchParams.get('seconds'));
    void advance(seconds).then(() => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => clock.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  clock?.close();
  await local?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The README's shell block that starts with `start`, as a new user would copy it. */
function readmeBlock(start: string): string {
  const at = README.indexOf(`\`\`\`sh\n${start}`);
  if (at < 0) throw new Error(`README has no shell block starting with ${start}`);
  return README.slice(at + 6, README.indexOf('```', at + 6));
}

/**
 * Runs README blocks in bash, in a new temporary directory, against this local mode. `npm` runs the repository's
 * scripts from there (npm passes the directory on as INIT_CWD, where the CLI resolves `--file`).
 */
async function run(...blocks: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ciam-readme-'));
  dirs.push(dir);
  const script = blocks
    .join('\n')
    .replaceAll('http://127.0.0.1:3000', local.gatewayUrl)
    .replaceAll('http://127.0.0.1:3001', local.ciam.issuer);
  const preamble = 'npm() { command npm --prefix "$ROOT" "$@"; }\nsleep() { curl -sf -X POST "$CLOCK_URL/advance?seconds=$1"; }\n';
  const clockUrl = `http://127.0.0.1:${(clock.address() as AddressInfo).port}`;
  const env = { ...process.env, ROOT, CIAM_PORT: new URL(local.ciam.issuer).port, CLOCK_URL: clockUrl };
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', preamble + script], { cwd: dir, env, timeout: 80_000 });
  return stdout;
}

it('runs verbatim: 200 for a user, 401 tampered, 403 without the required scope, 200 for a client', async () => {
  const stdout = await run(readmeBlock('TOKEN=$(npm run -s token)'));
  const [user, tampered, noScope, client] = stdout.trim().split('\n').filter((line) => /^HTTP\/1\.1 |"brandId"/.test(line));
  expect(JSON.parse(user ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo', principalType: 'customer', tokenType: 'access' });
  expect(tampered).toMatch(/^HTTP\/1\.1 401/);
  expect(noScope).toMatch(/^HTTP\/1\.1 403/);
  expect(JSON.parse(client ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo-client', principalType: 'client' });
  expect(stdout).toContain('WWW-Authenticate: Bearer error="invalid_token"');
  expect(stdout).toContain('x-ciam-debug: SIGNATURE_INVALID');
  expect(stdout).toContain('WWW-Authenticate: Bearer error="insufficient_scope"');
}, 90_000);

it('runs the customer flows verbatim: link, repeat link, register, identifier change, me', async () => {
  const stdout = await run(readmeBlock('USER_TOKEN=$(npm run -s token -- --user dana)'));
  const [link, repeat, register, ciamChange, identifiers, me] = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(link).toMatchObject({ created: true, linkedBy: 'new' });
  expect(link?.changedFields).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email', 'mobile']));
  expect(repeat).toEqual({ customerId: link?.customerId, created: false, linkedBy: 'cuid', changedFields: [] });
  expect(register).toEqual({ customerId: link?.customerId, changedFields: ['extendedFields.city', 'extendedFields.dateOfBirth', 'extendedFields.marketingOptIn'] });
  expect(ciamChange).toMatchObject({ sub: 'dana', email: 'dana@new.example', email_verified: true });
  expect(identifiers).toEqual({ customerId: link?.customerId, changedFields: ['email'] });
  expect(me).toMatchObject({
    profile: { cuid: 'dana', email: 'dana@new.example', emailVerified: true },
    customer: {
      customerId: link?.customerId,
      profile: { email: 'dana@new.example' },
      sourceProfiles: { OAUTH_EXTERNAL: { cuid: 'dana' }, INSTORE: { extendedFields: { city: 'Leeds', dateOfBirth: '1990-04-01', marketingOptIn: true } } },
    },
  });
}, 90_000);

it('runs the logout walk-through verbatim: the token works, the user logs out at the CIAM, and it is refused within the budget', async () => {
  const stdout = await run(readmeBlock('LOU=$(npm run -s token -- --user lou)'));
  const [works, ended, delivery, refusedAtOnce, refusedEverywhere, ...rest] = stdout.trim().split('\n');
  expect([works, ended, refusedAtOnce, refusedEverywhere, rest]).toEqual(['200', 'ended 1 session of lou at the demo CIAM', '401', '401', []]);
  expect(delivery).toMatch(/^back-channel logout of demo-client \(sid \S+\) to http:\/\/127\.0\.0\.1:\d+\/v1\/brands\/demo\/backchannel-logout: 200$/);
}, 90_000);

it('runs the ID-token profile source verbatim: a brand without userinfo links and shows the customer from the ID token', async () => {
  const stdout = await run(readmeBlock("cat > acme-id.json <<'JSON'"));
  const [created, link, me, missing] = stdout.trim().split('\n');
  expect(created).toBe('201');
  const linked = JSON.parse(link ?? '') as Record<string, unknown>;
  expect(linked).toMatchObject({ created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] });
  expect(JSON.parse(me ?? '')).toMatchObject({ profile: { cuid: 'erin', firstName: 'Erin', email: 'erin@demo.example' }, customer: { customerId: linked.customerId } });
  expect(JSON.parse(missing ?? '')).toEqual({ code: 'ID_TOKEN_MISSING', message: 'the access token is not valid' });
}, 90_000);

it('onboards a brand verbatim with the CLI, then with curl', async () => {
  const cliBlock = readmeBlock('export CIAM_GATEWAY_ENDPOINT');
  const curlBlock = readmeBlock("curl -s -w '\\n' http://127.0.0.1:3000/v1/admin/brands/acme");
  const marker = 'echo ----- curl -----';
  const [cli = '', curl = ''] = (await run(cliBlock, marker, curlBlock)).split('----- curl -----\n');

  expect(cli).toMatch(/^created acme at version 1; changed: /m);
  expect(cli.match(/^ok {3}(discovery|jwks|userinfo|sample_token):/gm)).toHaveLength(4);
  expect(cli).toContain('"brandId":"acme","sub":"demo"');
  expect(cli).toMatch(/^acme\tactive\tgeneric-oidc\tv1\tAcme Loyalty$/m);

  const [got, replaced, check, disabled] = curl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(got).toMatchObject({ brandId: 'acme', version: 1, jwksUri: `${local.ciam.issuer}/jwks`, updatedBy: 'arn:aws:iam::123456789012:user/local-admin' });
  expect(replaced).toMatchObject({ brandId: 'acme', version: 2, changedFields: [] });
  expect(check).toMatchObject({ ok: true });
  expect(disabled).toMatchObject({ brandId: 'acme', status: 'disabled', version: 3 });
}, 120_000);

it('runs the edit loop verbatim: get, edit, diff, put with the version read, and a stale put refused', async () => {
  // Its own brand id, so this test does not depend on the onboarding test's brand (or its absence).
  const ownBrand = (block: string) => block.replaceAll('acme', 'acme-edit');
  const onboard = ownBrand(readmeBlock('export CIAM_GATEWAY_ENDPOINT'));
  const edit = ownBrand(readmeBlock('npm run -s cli -- brands get acme --json > acme.json'));
  const [, stdout = ''] = (await run(onboard, 'echo ----- edit -----', edit)).split('----- edit -----\n');
  expect(stdout.trim().split('\n')).toEqual([
    'displayName: "Acme Loyalty" -> "Acme Rewards"',
    'replaced acme-edit at version 2; changed: displayName',
    'brand acme-edit changed since you read it (version 2 ≠ 1): run brands get acme-edit again',
    'exit 1',
  ]);
}, 120_000);

it('runs the opaque-token walk-through verbatim: whoami and link with an opaque token, revocation at the demo CIAM', async () => {
  const stdout = await run(readmeBlock('OPAQUE=$(npm run -s token -- --brand demo-opaque --user opal)'));
  const [whoami, link, revoked] = stdout.trim().split('\n');
  expect(JSON.parse(whoami ?? '')).toMatchObject({ brandId: 'demo-opaque', sub: 'opal', principalType: 'customer', scopes: 'openid profile email phone loyalty' });
  expect(JSON.parse(link ?? '')).toMatchObject({ created: true, linkedBy: 'new' });
  expect(revoked).toBe('200');
}, 90_000);
