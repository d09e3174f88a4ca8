/**
 * The operator console in a real browser (Debian's Chromium through playwright-core) against local mode: onboarding
 * a brand through the preset form, a failing check explained at its field, save, the diff of a second edit, a
 * conflict when the brand changed underneath, and the console's safety: session token, CSRF token, escaping.
 * Runs alone with `npm run test:console`.
 */
import type { Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../lib/console/console-server';
import { emulatorMetrics } from '../../lib/console/metrics-view';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import type { LocalMode } from '../../lib/local/local-mode';
import { launchChromium, type Browser } from '../support/console-browser';
import { startE2eLocalMode } from './e2e-local-mode';

const ADMIN_KEY = 'console-admin-key';
let local: LocalMode;
let consoleApp: RunningConsole;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode({ adminKey: ADMIN_KEY, functionSettings: { brandCacheTtlSeconds: 0 } }));
  const target = { endpoint: local.gatewayUrl, adminKey: ADMIN_KEY };
  consoleApp = await startConsole({ target, port: 0, metrics: emulatorMetrics(local.gatewayUrl) });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(consoleApp.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
  await local?.stop();
});

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${local.gatewayUrl}/v1/admin/brands${path}`, { ...init, headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json', ...init.headers } });

/** Clicks a form's button and waits for the page it leads to. */
async function submit(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

const text = async (selector: string) => (await page.locator(selector).allTextContents()).join('\n');

async function startOnboarding(brandId: string, issuer: string): Promise<void> {
  await page.goto(`${consoleApp.origin}/brands/new`);
  await page.getByLabel('Provider').selectOption('generic-oidc');
  await submit('Choose');
  await page.getByLabel('Brand id').fill(brandId);
  await page.getByLabel('Display name').fill(`Shop ${brandId}`);
  await page.getByLabel('clientId', { exact: true }).fill('demo-client');
  await page.getByLabel('audience', { exact: true }).fill(DEMO_AUDIENCE);
  await page.getByLabel('issuer (optional)').fill(issuer);
  await submit('Derive the config');
}

it('onboards a brand: a wrong issuer fails the check at its field, the fixed one passes, and it is saved', async () => {
  await startOnboarding('console-shop', `${local.ciam.issuer}/`);
  expect(await page.getByLabel('Client id').inputValue()).toBe('demo-client');

  await submit('Check');
  expect(await text('#field-issuer-problems')).toContain('discovery says');
  expect(await page.getByLabel('Issuer', { exact: true }).getAttribute('aria-invalid')).toBe('true');

  await page.getByLabel('Issuer', { exact: true }).fill(local.ciam.issuer);
  await submit('Check');
  expect(await text('.check h2')).toBe('Check passed');
  expect(await page.locator('.check li strong').allTextContents()).toEqual(['Discovery: ok', 'JWKS: ok', 'Userinfo: ok']);
  expect(await text('.problems')).toBe('');

  await submit('Save');
  expect(await text('[role=status]')).toBe('Saved.');
  expect(await (await admin('/console-shop')).json()).toMatchObject({ issuer: local.ciam.issuer, clientId: 'demo-client', version: 1 });
}, 60_000);

it('shows the diff of a second edit, and a change made underneath as a conflict with the new diff', async () => {
  expect((await admin('/console-edit', { method: 'PUT', body: JSON.stringify({ brandId: 'console-edit', displayName: 'Before', provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: 'app', clientId: 'demo-client', audiences: [DEMO_AUDIENCE] }) })).status).toBe(201);
  await page.goto(`${consoleApp.origin}/brands/console-edit/edit`);
  await page.getByLabel('Display name').fill('After');
  await submit('Review changes');
  expect(await page.locator('.diff tbody tr').allTextContents()).toEqual(['displayNameBeforeAfter']);

  // Someone else saves between this form's load and its save.
  const stored = await (await admin('/console-edit')).json() as Record<string, unknown>;
  const { version: _v, updatedAt: _a, updatedBy: _b, ...config } = stored;
  expect((await admin('/console-edit', { method: 'PUT', headers: { 'if-match': '"1"' }, body: JSON.stringify({ ...config, clientId: 'other-client' }) })).status).toBe(200);

  await submit('Save');
  expect(await text('.notice.error')).toContain('Changed underneath');
  expect(await text('.diff h2')).toBe('Changes against version 2');
  expect(await page.locator('.diff tbody th').allTextContents()).toEqual(['clientId', 'displayName']);

  await submit('Save');
  expect(await text('[role=status]')).toBe('Saved.');
  expect(await (await admin('/console-edit')).json()).toMatchObject({ displayName: 'After', clientId: 'demo-client', version: 3 });
}, 60_000);

it('disables and enables a brand, and lists the changes in its audit trail', async () => {
  await page.goto(`${consoleApp.origin}/brands/console-edit`);
  await submit('Disable console-edit');
  expect(await text('[role=status]')).toContain('Disabled');
  expect(await (await admin('/console-edit')).json()).toMatchObject({ status: 'disabled' });
  await submit('Enable console-edit');
  expect(await (await admin('/console-edit')).json()).toMatchObject({ status: 'active' });
  expect(await text('[role=status]')).toContain('Enabled');
  expect(await page.locator('section', { hasText: 'Audit trail' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
}, 60_000);

it('charts the brand\'s recent decisions from the emulator\'s metrics, with the numbers in a table too', async () => {
  const whoami = async (token: string) => (await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'console-shop' } })).status;
  expect(await whoami(await userAccessToken(local.ciam.issuer, 'olive', 'openid loyalty'))).toBe(200);
  expect(await whoami('not-a-token')).toBe(401);
  await page.goto(`${consoleApp.origin}/brands/console-shop`);
  // The two requests may fall in two minutes: the totals are what is known.
  const rows = await page.locator('table.decisions tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  const total = (column: number) => rows.reduce((sum, row) => sum + Number(row[column]), 0);
  expect([total(1), total(2)]).toEqual([1, 1]);
  expect(rows.map((row) => row[3]).filter(Boolean)).toEqual(['TOKEN_MALFORMED 1']);
  // uPlot, served by the console under its CSP, drew the chart.
  await page.locator('.chart canvas').waitFor();
  await page.goto(consoleApp.origin);
  expect(await page.getByRole('row', { name: /console-shop/ }).getByRole('cell').last().textContent()).toMatch(/^50% denied of 2/);
}, 60_000);

it('revokes a subject of a brand, as its audit trail then shows', async () => {
  await page.goto(`${consoleApp.origin}/brands/console-shop`);
  await page.getByLabel('What').selectOption('sub');
  await page.getByLabel('Value').fill('olive-sub');
  await submit('Revoke');
  expect(await text('[role=status]')).toBe('Revoked.');
  const revocation = await (await admin('/console-shop/revocations?sub=olive-sub')).json() as { revocation: unknown };
  expect(revocation.revocation).toMatchObject({ source: 'admin' });
}, 60_000);

it('renders a hostile display name as text', async () => {
  const hostile = '<img src=x onerror=alert(1)>';
  expect((await admin('/console-hostile', { method: 'PUT', body: JSON.stringify({ brandId: 'console-hostile', displayName: hostile, provider: 'generic-oidc', issuer: local.ciam.issuer, applicationId: 'app', clientId: 'demo-client', audiences: [DEMO_AUDIENCE] }) })).status).toBe(201);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(consoleApp.origin);
  expect(await page.getByRole('cell', { name: hostile, exact: true }).count()).toBe(1);
  expect(await page.locator('main img').count()).toBe(0);
  expect(dialogs).toEqual([]);
}, 60_000);

describe('safety', () => {
  const sessionCookie = async () => {
    const response = await fetch(consoleApp.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    return cookie.split(';')[0] ?? '';
  };

  it('answers nothing but 401 without the session, or with a wrong token', async () => {
    expect((await fetch(consoleApp.origin)).status).toBe(401);
    expect((await fetch(`${consoleApp.origin}/brands/console-shop`)).status).toBe(401);
    expect((await fetch(`${consoleApp.origin}/?token=guess`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${consoleApp.origin}/brands/console-shop/disable`, { method: 'POST' })).status).toBe(401);
  });

  it('refuses a POST without this session\'s CSRF token, and changes nothing', async () => {
    const cookie = await sessionCookie();
    const post = (body: string) => fetch(`${consoleApp.origin}/brands/console-shop/disable`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect((await post('')).status).toBe(403);
    expect((await post('csrf=forged')).status).toBe(403);
    expect(await (await admin('/console-shop')).json()).toMatchObject({ status: 'active' });
  });

  it('checks a URL only through the admin API, whose URI policy refuses the metadata address at its field', async () => {
    const cookie = await sessionCookie();
    const form = await (await fetch(`${consoleApp.origin}/brands/new?provider=generic-oidc`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const body = new URLSearchParams({ csrf, action: 'check', provider: 'generic-oidc', brandId: 'console-ssrf', displayName: 'x', issuer: 'https://169.254.169.254/latest', clientId: 'c', applicationId: 'a', audiences: 'x' });
    const checked = await fetch(`${consoleApp.origin}/brands/save`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(checked.status).toBe(400);
    expect(/<ul class="problems" id="field-issuer-problems"><li>([^<]+)<\/li>/.exec(await checked.text())?.[1]).toBe('must not point at a private, loopback or link-local host');
  });

  it('sends a strict CSP and refuses another Host (DNS rebinding)', async () => {
    const cookie = await sessionCookie();
    const response = await fetch(consoleApp.origin, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(consoleApp.origin, { headers: { host: 'attacker.example', cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject).end();
    });
    expect(status).toBe(421);
  });
});
