/**
 * `npm run console:screenshot`: the README's pictures of the operator console (console-screenshots/console.png,
 * console-screenshots/console-brand.png), taken with Debian's Chromium against a local mode of its own on free ports: a brand
 * onboarded through the form whose check fails at the issuer, and the demo brand's page with some decisions.
 */
import { join } from 'node:path';
import { startConsole } from '../../lib/console/console-server';
import { emulatorMetrics } from '../../lib/console/metrics-view';
import { DEMO_AUDIENCE } from '../../lib/local/demo-ciam';
import { userAccessToken } from '../../lib/local/demo-login';
import { startLocalMode } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { launchChromium } from './console-browser';

const SCREENSHOTS = join(__dirname, 'console-screenshots');

async function main(): Promise<void> {
  const settings = readLocalSettings({ PORT: '0', CIAM_PORT: '0' });
  const local = await startLocalMode(settings);
  const target = { endpoint: local.gatewayUrl, adminKey: settings.adminKey };
  const consoleApp = await startConsole({ target, port: 0, metrics: emulatorMetrics(local.gatewayUrl) });
  const browser = await launchChromium();
  try {
    const whoami = async (token: string) => fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'demo' } });
    for (let i = 0; i < 6; i += 1) await whoami(await userAccessToken(local.ciam.issuer, `user${i}`, 'openid loyalty'));
    await whoami('not-a-token');
    await whoami(await userAccessToken(local.ciam.issuer, 'nosy', 'openid'));

    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(consoleApp.url);
    const submit = async (name: string) => Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
    await page.goto(`${consoleApp.origin}/brands/new?provider=generic-oidc`);
    await page.getByLabel('Brand id').fill('acme');
    await page.getByLabel('Display name').fill('Acme Loyalty');
    await page.getByLabel('clientId', { exact: true }).fill('demo-client');
    await page.getByLabel('audience', { exact: true }).fill(DEMO_AUDIENCE);
    await page.getByLabel('issuer (optional)').fill(`${local.ciam.issuer}/`);
    await submit('Derive the config');
    await submit('Check');
    await page.locator('#field-issuer').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console.png') });

    await page.goto(`${consoleApp.origin}/brands/demo`);
    await page.locator('.chart canvas').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-brand.png'), fullPage: true });
  } finally {
    await browser.close();
    await consoleApp.close();
    await local.stop();
  }
}

main().then(
  () => console.log(`wrote ${SCREENSHOTS}/console.png and console-brand.png`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
