/**
 * Disable means stop, through local mode: a token in use is refused within the brand-cache TTL + 10 s of a disable (or
 * of a change of keys, issuer or audiences), on this project's routes and on a consumer's, though the authorizer's
 * brand cache is still warm when the change is made. The clock is moved, not waited for; the follow-up flush runs from
 * local mode's timer when the clock passes it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/cli/run-cli';
import { captureCli, type CliRun } from '../unit/cli/captured-cli';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const ADMIN_KEY = 'e2e-admin-key';
/** The authorizer's brand cache, as BRAND_CACHE_TTL_SECONDS sets it; the result cache keeps its 300 s default. */
const BRAND_CACHE_TTL_SECONDS = 30;
/** What the issue allows: a change reaches every token within the brand-cache TTL + 10 s. */
const BUDGET_SECONDS = BRAND_CACHE_TTL_SECONDS + 10;

let local: LocalMode;
let advance: (seconds: number) => Promise<void>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-budget-'));
  const routesFile = join(dir, 'routes.json');
  writeFileSync(routesFile, JSON.stringify({ 'GET /orders': [] }));
  ({ local, advance } = await startE2eLocalMode({ adminKey: ADMIN_KEY, routesFile, functionSettings: { brandCacheTtlSeconds: BRAND_CACHE_TTL_SECONDS } }));
}, 60_000);

afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]): Promise<CliRun> => captureCli(args, { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: ADMIN_KEY }, dir);

const brand = (brandId: string, extra: Record<string, unknown> = {}) => ({
  brandId, displayName: `Brand ${brandId}`, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: `${brandId}-app`,
  clientId: 'demo-client', audiences: [DEMO_AUDIENCE], ...extra,
});

function brandFile(brandId: string, config: Record<string, unknown>): string {
  const file = join(dir, `${brandId}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The status of this project's route and of the consumer's, for one token of the brand. */
const statuses = async (brandId: string, token: string) =>
  Promise.all(['/v1/whoami', '/orders'].map(async (path) =>
    (await fetch(`${local.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId } })).status));

/** A brand whose config the authorizer has cached, and a token API Gateway has cached an Allow for. */
async function brandInUse(brandId: string): Promise<string> {
  expect((await cli('brands', 'put', '--file', brandFile(brandId, brand(brandId)))).code).toBe(EXIT.ok);
  const token = await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty');
  expect(await statuses(brandId, token)).toEqual([200, 200]);
  return token;
}

it('refuses a token in use within the brand-cache TTL + 10 s of a disable, on every route', async () => {
  const token = await brandInUse('stop');

  const disabled = await cli('brands', 'disable', 'stop');
  expect(disabled).toMatchObject({ code: EXIT.ok, err: '' });
  expect(disabled.out).toMatch(/^flushed the authorizer caches of 1 API stage; again at \S+Z, once the authorizers' brand caches have run out$/m);
  // The flush let the token through to an authorizer whose brand cache still says active: API Gateway caches that Allow
  // for its 300 s, which is what the follow-up flush is for. Its usage plan refuses it meanwhile: the disable disabled
  // the brand's API key too (403 from the gateway).
  expect(await statuses('stop', token)).toEqual([403, 403]);

  await advance(BUDGET_SECONDS);
  expect(await statuses('stop', token)).toEqual([401, 401]);
});

it('refuses a token in use within the budget after the brand stops accepting its audience', async () => {
  const token = await brandInUse('moved');

  const put = await cli('brands', 'put', '--file', brandFile('moved', brand('moved', { audiences: ['https://other.example/api'], version: 1 })));
  expect(put.out.split('\n')).toEqual(['replaced moved at version 2; changed: audiences', expect.stringMatching(/^flushed the authorizer caches of 1 API stage; again at /)]);
  expect(await statuses('moved', token)).toEqual([200, 200]);

  await advance(BUDGET_SECONDS);
  expect(await statuses('moved', token)).toEqual([401, 401]);
});
