/**
 * The admin API and the CLI through local mode: onboarding, optimistic concurrency, disable, audit, and the
 * admin key standing in for IAM. Each test onboards its own brands, so the tests run in any order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EXIT } from '../../lib/cli/run-cli';
import { captureCli, type CliRun } from '../unit/cli/captured-cli';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import { LOCAL_TABLE_NAMES, type LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const ADMIN_KEY = 'e2e-admin-key';
let local: LocalMode;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-admin-'));
  // Handlers read brands uncached, so a change reaches the authorizer at once; only API Gateway's cache is left.
  ({ local } = await startE2eLocalMode({ adminKey: ADMIN_KEY, functionSettings: { brandCacheTtlSeconds: 0 } }));
}, 60_000);

afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]): Promise<CliRun> => captureCli(args, { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: ADMIN_KEY }, dir);

function brandFile(name: string, config: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const brand = (brandId: string, extra: Record<string, unknown> = {}) => ({
  brandId, displayName: `Brand ${brandId}`, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: `${brandId}-app`,
  clientId: 'demo-client', audiences: [DEMO_AUDIENCE], ...extra,
});

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${local.gatewayUrl}/v1/admin/brands${path}`, { ...init, headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json', ...init.headers } });

const create = async (brandId: string) => expect((await admin(`/${brandId}`, { method: 'PUT', body: JSON.stringify(brand(brandId)) })).status).toBe(201);

const login = () => userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty');

/** A fresh token each time unless one is given: API Gateway caches decisions per token and brand. */
const whoami = async (brandId: string, token?: string) =>
  (await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token ?? (await login())}`, 'x-brand-id': brandId } })).status;

it('onboards a brand with the CLI, checks it, and its tokens pass under its own id', async () => {
  const put = await cli('brands', 'put', '--file', brandFile('shop', brand('shop')));
  expect(put).toMatchObject({ code: EXIT.ok });
  expect(put.out).toMatch(/^created shop at version 1/);
  const check = await cli('brands', 'check', 'shop', '--sample-token', await login(), '--json');
  expect(check.code).toBe(EXIT.ok);
  expect(JSON.parse(check.out)).toMatchObject({ ok: true, steps: [{ step: 'discovery', ok: true }, { step: 'jwks', ok: true }, { step: 'userinfo', ok: true }, { step: 'sample_token', ok: true }] });
  expect(await whoami('shop')).toBe(200);
});

it('lists every problem of a bad config and writes nothing', async () => {
  const bad = await cli('brands', 'put', '--file', brandFile('bad', { brandId: 'bad', provider: 'okta', issuer: 'http://10.0.0.1/', audiences: [], algorithms: ['none'] }));
  expect(bad.code).toBe(EXIT.refused);
  for (const field of ['displayName', 'provider', 'issuer', 'applicationId', 'clientId', 'audiences', 'algorithms']) expect(bad.err).toContain(`- ${field}:`);
  expect((await admin('/bad')).status).toBe(404);
});

it('refuses a discovery document that names another issuer', async () => {
  const response = await admin('/mismatch', { method: 'PUT', body: JSON.stringify(brand('mismatch', { issuer: `${local.ciam.issuer}/` })) });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ code: 'BRAND_CONFIG_INVALID', problems: [expect.stringContaining('issuer: discovery says')] });
});

it('lets exactly one of two writers with the same If-Match win (412 for the other), and asks for If-Match (428)', async () => {
  await create('race');
  const attempts = await Promise.all(['One', 'Two'].map((name) =>
    admin('/race', { method: 'PUT', headers: { 'if-match': '"1"' }, body: JSON.stringify(brand('race', { displayName: name })) })));
  expect(attempts.map((r) => r.status).sort()).toEqual([200, 412]);
  const unconditional = await admin('/race', { method: 'PUT', body: JSON.stringify(brand('race')) });
  expect(unconditional.status).toBe(428);
  expect(await unconditional.json()).toMatchObject({ code: 'VERSION_REQUIRED', currentVersion: 2 });
  expect((await admin('/race')).headers.get('etag')).toBe('"2"');
});

it('disables a brand: kept, and its tokens get 401', async () => {
  await create('off');
  expect(await whoami('off')).toBe(200);
  expect((await cli('brands', 'disable', 'off')).code).toBe(EXIT.ok);
  expect(await whoami('off')).toBe(401);
  expect(await (await admin('/off')).json()).toMatchObject({ brandId: 'off', status: 'disabled', version: 2 });
});

it('enables a disabled brand again: its tokens pass, and the trail shows both changes, newest first', async () => {
  await create('again');
  const token = await login();
  expect((await cli('brands', 'disable', 'again')).code).toBe(EXIT.ok);
  expect(await whoami('again', token)).toBe(401);
  expect(await cli('brands', 'enable', 'again')).toMatchObject({ code: EXIT.ok, out: expect.stringMatching(/^enabled again \(version 3\)/) });
  // The enable flushed the refusal API Gateway had cached for this token.
  expect(await whoami('again', token)).toBe(200);
  const audit = await cli('brands', 'audit', 'again', '--json');
  expect(JSON.parse(audit.out)).toMatchObject({
    brandId: 'again',
    entries: [{ kind: 'config', action: 'brand_enabled', version: 3 }, { kind: 'config', action: 'brand_disabled', version: 2 }, { kind: 'config', action: 'brand_created', version: 1 }],
  });
  const firstPage = await cli('brands', 'audit', 'again', '--limit', '2');
  const cursor = /^more: --cursor (\S+)$/m.exec(firstPage.out)?.[1] ?? '';
  expect((await cli('brands', 'audit', 'again', '--cursor', cursor)).out).toMatch(/^\S+\tconfig\tbrand_created\t/);
});

it('checks a draft before it is saved: a wrong issuer fails at discovery, the fixed file passes, and nothing is stored', async () => {
  const wrong = await cli('brands', 'check', '--file', brandFile('draft', brand('draft', { issuer: `${local.ciam.issuer}/elsewhere` })));
  expect(wrong).toMatchObject({ code: EXIT.refused, out: expect.stringMatching(/^FAIL discovery: FETCH_BAD_STATUS: /) });
  const fixed = await cli('brands', 'check', '--file', brandFile('draft', brand('draft')), '--sample-token', await login());
  expect(fixed).toMatchObject({ code: EXIT.ok, out: expect.stringMatching(/^ok {3}discovery: /) });
  expect(fixed.out).toMatch(/^ok {3}sample_token: /m);
  expect((await admin('/draft')).status).toBe(404);
});

it('flushes the authorizer result cache on a disable, so it reaches tokens already seen at once, and says so', async () => {
  await create('flush');
  const token = await login();
  expect(await whoami('flush', token)).toBe(200);
  const disabled = await cli('brands', 'disable', 'flush', '--json');
  expect(JSON.parse(disabled.out)).toMatchObject({ status: 'disabled', flush: { ok: true, flushed: ['local/local'], failed: [], followUpAt: [expect.any(String)] } });
  expect(disabled.err).toBe('');
  expect(await whoami('flush', token)).toBe(401);
});

it('flushes for a change no decision depends on only when asked', async () => {
  await create('cached');
  const renamed = await cli('brands', 'put', '--file', brandFile('cached', brand('cached', { displayName: 'Renamed', version: 1 })));
  expect(renamed.out).toBe('replaced cached at version 2; changed: displayName');
  const asked = await cli('brands', 'put', '--file', brandFile('cached', brand('cached', { displayName: 'Again', version: 2 })), '--flush-authorizer-cache');
  expect(asked.out.split('\n')).toEqual([
    'replaced cached at version 3; changed: displayName',
    expect.stringMatching(/^flushed the authorizer caches of 1 API stage; again at \S+Z, once the authorizers' brand caches have run out$/),
  ]);
});

it('audits every change with who, when and a field-level diff', async () => {
  await create('audited');
  expect((await cli('brands', 'disable', 'audited')).code).toBe(EXIT.ok);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamodbEndpoint }));
  try {
    const { Items: records = [] } = await documents.send(new QueryCommand({
      TableName: LOCAL_TABLE_NAMES.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'BRANDCONFIG#audited' },
    }));
    expect(records.map((r) => r.action)).toEqual(['brand_created', 'brand_disabled']);
    expect(records[1]).toMatchObject({
      actor: 'arn:aws:iam::123456789012:user/local-admin', version: 2, changedFields: ['status'], diff: { status: { before: 'active', after: 'disabled' } },
    });
    expect(typeof records[1]?.at).toBe('string');
  } finally {
    documents.destroy();
  }
});

it('refuses admin routes without the admin key, as IAM refuses unsigned calls', async () => {
  for (const key of [undefined, 'wrong', `${ADMIN_KEY}x`]) {
    const response = await fetch(`${local.gatewayUrl}/v1/admin/brands`, { headers: key === undefined ? {} : { 'x-admin-key': key } });
    expect(response.status).toBe(403);
  }
  expect((await cli('brands', 'list')).code).toBe(EXIT.ok);
});

it('shows what a put would change, and exits 2 on usage errors', async () => {
  await create('diffed');
  const diff = await cli('brands', 'diff', 'diffed', '--file', brandFile('diffed', brand('diffed', { displayName: 'Diffed Two' })));
  expect(diff.out).toBe('displayName: "Brand diffed" -> "Diffed Two"');
  expect((await cli('brands', 'frobnicate')).code).toBe(EXIT.usage);
  expect((await cli('brands', 'get')).code).toBe(EXIT.usage);
});
