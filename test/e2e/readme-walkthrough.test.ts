/**
 * The README's local-mode walk-through, run verbatim: local mode starts on the ports the README names, and the
 * README's shell block runs in bash exactly as a new user would paste it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS } from '../../lib/gateway-responses';
import { BRAND_CONFIG_TABLE, toCreateTableInput } from '../../lib/table-definitions';
import { startLocalMode, type LocalMode } from '../../lambdas/local/local-mode';

const ROOT = join(__dirname, '..', '..');
let local: LocalMode;

beforeAll(async () => {
  local = await startLocalMode({
    port: 3000,
    ciamPort: 3001,
    tables: { brandConfig: (name) => toCreateTableInput(BRAND_CONFIG_TABLE, name) },
    gatewayResponses: GATEWAY_RESPONSES,
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    resultsCacheTtlSeconds: 300,
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```sh\n(TOKEN=\$\(npm run -s token\)[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no walk-through block starting with TOKEN=$(npm run -s token)');
  return block;
}

it('runs verbatim: 200 for a user, 401 tampered, 403 without the required scope, 200 for a client', async () => {
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', walkthrough()], { cwd: ROOT, timeout: 60_000 });
  const [user, tampered, noScope, client] = stdout.trim().split('\n').filter((line) => /^HTTP\/1\.1 |"brandId"/.test(line));
  expect(JSON.parse(user ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo', principalType: 'customer', tokenType: 'access' });
  expect(tampered).toMatch(/^HTTP\/1\.1 401/);
  expect(noScope).toMatch(/^HTTP\/1\.1 403/);
  expect(JSON.parse(client ?? '')).toMatchObject({ brandId: 'demo', sub: 'demo-client', principalType: 'client' });
  expect(stdout).toContain('WWW-Authenticate: Bearer error="invalid_token"');
  expect(stdout).toContain('WWW-Authenticate: Bearer error="insufficient_scope"');
}, 60_000);
