/**
 * Quotas per brand, through local mode: the emulator meters each request on the API key the authorizer returned for
 * the brand (a token bucket and a daily quota from the brand's tier, lowered here through local mode's tier limits),
 * on local mode's clock, which the test moves. One brand over its rate gets 429 while another's requests all pass; a
 * brand whose key is disabled, though the brand stays active, gets 403 from the gateway.
 */
import { APIGatewayClient, GetApiKeysCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { tmpdir } from 'node:os';
import { captureCli } from '../unit/cli/captured-cli';
import { startE2eLocalMode } from './e2e-local-mode';

const ADMIN_KEY = 'e2e-admin-key';
const TIERS = {
  standard: { rateLimit: 1, burstLimit: 3, dailyQuota: 1000 },
  premium: { rateLimit: 1000, burstLimit: 1000, dailyQuota: 1_000_000 },
  tiny: { rateLimit: 100, burstLimit: 100, dailyQuota: 4 },
};
let local: LocalMode;
let nowMs = Date.now();
let token: string;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode({ adminKey: ADMIN_KEY, tierLimits: TIERS, now: () => nowMs }));
  token = await userAccessToken(local.ciam.issuer, 'quinn', 'openid loyalty');
  for (const [brandId, tier] of [['acme', 'premium'], ['mini', 'tiny']] as const) {
    const response = await fetch(`${local.gatewayUrl}/v1/admin/brands/${brandId}`, {
      method: 'PUT',
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName: brandId, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: `${brandId}-app`, clientId: 'demo-client',
        audiences: [DEMO_AUDIENCE], tier,
      }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { keySync: unknown }).keySync).toMatchObject({ ok: true, enabled: true, tier });
  }
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

const whoami = (brandId: string) => fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId } });
/** The status and body of `n` requests of the brand, one after another at the same instant. */
async function burst(brandId: string, n: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const response = await whoami(brandId);
    answers.push(response.status === 200 ? '200' : `${response.status} ${await response.text()}`);
  }
  return answers;
}

it("throttles a brand over its tier's rate with 429 while another brand's requests all pass", async () => {
  nowMs += 60_000;
  const throttled = '429 {"message":"Too Many Requests"}';
  expect(await burst('demo', 6)).toEqual(['200', '200', '200', throttled, throttled, throttled]);
  expect(await burst('acme', 20)).toEqual(Array(20).fill('200'));
  // The bucket refills at the tier's rate: one request a second.
  nowMs += 1000;
  expect(await burst('demo', 2)).toEqual(['200', throttled]);
});

it('refuses a brand over its daily quota with 429, and only that brand', async () => {
  const exceeded = '429 {"message":"Limit Exceeded"}';
  expect(await burst('mini', 6)).toEqual(['200', '200', '200', '200', exceeded, exceeded]);
  expect(await burst('acme', 3)).toEqual(['200', '200', '200']);
});

it("answers 403 from the gateway when the brand's API key is disabled while the brand stays active", async () => {
  // As an operator would with `aws apigateway update-api-key`: the emulator plays API Gateway's control plane.
  const apiGateway = new APIGatewayClient({ endpoint: `${local.gatewayUrl}/_emulator/apigateway`, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const { items = [] } = await apiGateway.send(new GetApiKeysCommand({ nameQuery: 'ciam-gateway-local-acme' }));
  expect(items.map((item) => item.name)).toEqual(['ciam-gateway-local-acme']);
  expect((await whoami('acme')).status).toBe(200);
  await apiGateway.send(new UpdateApiKeyCommand({ apiKey: items[0]?.id, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));

  const refused = await whoami('acme');
  expect([refused.status, await refused.text()]).toEqual([403, '{"message":"Forbidden"}']);
  const brand = await fetch(`${local.gatewayUrl}/v1/admin/brands/acme`, { headers: { 'x-admin-key': ADMIN_KEY } });
  expect(((await brand.json()) as { status: string }).status).toBe('active');
  // Other brands are untouched.
  nowMs += 1000;
  expect((await whoami('demo')).status).toBe(200);
  apiGateway.destroy();
});

it("brands sync-keys reconciles every brand's key, prints one line per brand and never a key value", async () => {
  const run = await captureCli(['brands', 'sync-keys'], { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: ADMIN_KEY }, tmpdir());
  expect(run.code).toBe(0);
  // The key disabled by hand above is enabled again: acme is active.
  expect(run.out.trim().split('\n')).toEqual([
    'ok   acme: key enabled, tier premium',
    'ok   demo: key enabled, tier standard',
    'ok   demo-opaque: key enabled, tier standard',
    'ok   mini: key enabled, tier tiny',
  ]);
  nowMs += 1000;
  expect((await whoami('acme')).status).toBe(200);
});
