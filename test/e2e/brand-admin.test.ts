/**
 * The admin API and the CLI through local mode: onboarding, optimistic concurrency, disable, audit, and the
 * admin key standing in for IAM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GATEWAY_RESPONSES, INTEGRATION_TIMEOUT_MS } from '../../lib/gateway-responses';
import { LOCAL_TABLES } from '../../lib/table-definitions';
import { EXIT, runCli } from '../../lib/cli/brands-cli';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import { startLocalMode, type LocalMode } from '../../lib/local/local-mode';

const ADMIN_KEY = 'e2e-admin-key';
let local: LocalMode;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-admin-'));
  local = await startLocalMode({
    port: 0, ciamPort: 0, adminKey: ADMIN_KEY, tables: LOCAL_TABLES, gatewayResponses: GATEWAY_RESPONSES,
    integrationTimeoutMs: INTEGRATION_TIMEOUT_MS, resultsCacheTtlSeconds: 300, brandCacheTtlSeconds: 0,
  });
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: ADMIN_KEY } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function brandFile(name: string, config: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const brand = (brandId: string, extra: Record<string, unknown> = {}) => ({
  brandId, displayName: `Brand ${brandId}`, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: `${brandId}-app`,
  clientId: 'demo-client', audiences: [DEMO_AUDIENCE], ...extra,
});

/** A fresh token each time unless one is given: API Gateway caches decisions per token and brand. */
const whoami = async (brandId: string, token?: string) =>
  (await fetch(`${local.gatewayUrl}/v1/whoami`, {
    headers: { authorization: `Bearer ${token ?? (await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty'))}`, 'x-brand-id': brandId },
  })).status;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${local.gatewayUrl}/v1/admin/brands${path}`, { ...init, headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json', ...init.headers } });

it('onboards a second brand with the CLI, checks it, and its tokens pass under its own id', async () => {
  const put = await cli('brands', 'put', '--file', brandFile('shop', brand('shop')));
  expect(put).toMatchObject({ code: EXIT.ok });
  expect(put.out).toMatch(/^created shop at version 1/);
  const check = await cli('brands', 'check', 'shop', '--sample-token', await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty'), '--json');
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

it('lets exactly one of two writers with the same If-Match win (412 for the other)', async () => {
  expect((await admin('/race', { method: 'PUT', body: JSON.stringify(brand('race')) })).status).toBe(201);
  const attempts = await Promise.all(['One', 'Two'].map((name) =>
    admin('/race', { method: 'PUT', headers: { 'if-match': '"1"' }, body: JSON.stringify(brand('race', { displayName: name })) })));
  expect(attempts.map((r) => r.status).sort()).toEqual([200, 412]);
  expect((await admin('/race', { method: 'PUT', body: JSON.stringify(brand('race')) })).status).toBe(412); // exists: needs If-Match
  const current = await admin('/race');
  expect(current.headers.get('etag')).toBe('"2"');
});

it('disables a brand: kept, and its tokens get 401', async () => {
  expect((await admin('/off', { method: 'PUT', body: JSON.stringify(brand('off')) })).status).toBe(201);
  expect(await whoami('off')).toBe(200);
  expect((await cli('brands', 'disable', 'off')).code).toBe(EXIT.ok);
  expect(await whoami('off')).toBe(401);
  expect(await (await admin('/off')).json()).toMatchObject({ brandId: 'off', status: 'disabled', version: 2 });
});

it('flushes the authorizer result cache on request, so a disable reaches tokens already seen at once', async () => {
  expect((await admin('/flush', { method: 'PUT', body: JSON.stringify(brand('flush')) })).status).toBe(201);
  const token = await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty');
  expect(await whoami('flush', token)).toBe(200);
  const disabled = await cli('brands', 'disable', 'flush', '--flush-authorizer-cache', '--json');
  expect(JSON.parse(disabled.out)).toMatchObject({ status: 'disabled', authorizerCacheFlushed: true });
  expect(await whoami('flush', token)).toBe(401);
});

it('without a flush, a decision API Gateway cached keeps serving until its TTL', async () => {
  expect((await admin('/cached', { method: 'PUT', body: JSON.stringify(brand('cached')) })).status).toBe(201);
  const token = await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty');
  expect(await whoami('cached', token)).toBe(200);
  expect((await cli('brands', 'disable', 'cached')).code).toBe(EXIT.ok);
  expect(await whoami('cached', token)).toBe(200);
  expect(await whoami('cached')).toBe(401);
});

it('audits every change with who, when and a field-level diff', async () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamodbEndpoint }));
  const { Items: records = [] } = await documents.send(new QueryCommand({
    TableName: 'local-audit', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'BRANDCONFIG#off' },
  }));
  expect(records.map((r) => r.action)).toEqual(['brand_created', 'brand_disabled']);
  expect(records[1]).toMatchObject({
    actor: 'arn:aws:iam::123456789012:user/local-admin', version: 2, changedFields: ['status'], diff: { status: { before: 'active', after: 'disabled' } },
  });
  expect(typeof records[1]?.at).toBe('string');
  documents.destroy();
});

it('refuses admin routes without the admin key, as IAM refuses unsigned calls', async () => {
  for (const key of [undefined, 'wrong', `${ADMIN_KEY}x`]) {
    const response = await fetch(`${local.gatewayUrl}/v1/admin/brands`, { headers: key === undefined ? {} : { 'x-admin-key': key } });
    expect(response.status).toBe(403);
  }
  expect((await cli('brands', 'list')).code).toBe(EXIT.ok);
});

it('shows what a put would change, and exits 2 on usage errors', async () => {
  const diff = await cli('brands', 'diff', 'shop', '--file', brandFile('shop2', brand('shop', { displayName: 'Shop Two' })));
  expect(diff.out).toBe('displayName: "Brand shop" -> "Shop Two"');
  expect((await cli('brands', 'frobnicate')).code).toBe(EXIT.usage);
  expect((await cli('brands', 'get')).code).toBe(EXIT.usage);
});
