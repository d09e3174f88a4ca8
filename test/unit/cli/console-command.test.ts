import { runCli, EXIT } from '../../../lib/cli/run-cli';
import { FakeAdminApi } from './fake-admin-api';

let api: FakeAdminApi;
beforeAll(async () => {
  api = await FakeAdminApi.start();
});
afterAll(() => api.stop());

/** Starts `ciam-gateway console …`, resolves with the URL it printed, and stops it when asked. */
async function startConsoleCommand(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let printed: (line: string) => void = () => undefined;
  const line = new Promise<string>((resolve) => {
    printed = resolve;
  });
  const err: string[] = [];
  const exit = runCli(['console', ...args], { out: (t) => printed(t), err: (t) => err.push(t), env, stopped });
  const first = await Promise.race([line, exit.then((code) => `exited ${code}: ${err.join('\n')}`)]);
  return { line: first, stop: async () => { stop(); return exit; } };
}

it('serves the admin API it is pointed at, under the token it prints, until stopped', async () => {
  api.answerWith({ status: 200, body: { brands: [{ brandId: 'shop', displayName: 'Shop', status: 'active', provider: 'auth0' }] } });
  const { line, stop } = await startConsoleCommand(['--endpoint', api.url, '--admin-key', 'k']);
  expect(line).toMatch(new RegExp(`^console for ${api.url}: open http://127\\.0\\.0\\.1:\\d+/\\?token=[\\w-]{43}$`));
  const url = line.split(' open ')[1] ?? '';
  const opened = await fetch(url, { redirect: 'manual' });
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const listing = await fetch(new URL('/', url), { headers: { cookie } });
  expect(listing.status).toBe(200);
  expect(await listing.text()).toContain('<td>Shop</td>');
  expect(api.requests.find((r) => r.url === '/v1/admin/brands')).toMatchObject({ method: 'GET', headers: { 'x-admin-key': 'k' } });
  expect(await stop()).toBe(EXIT.ok);
  await expect(fetch(url)).rejects.toThrow();
});

it('manages local mode on its default port and admin key when no endpoint is named', async () => {
  const { line, stop } = await startConsoleCommand([]);
  expect(line).toMatch(/^console for http:\/\/127\.0\.0\.1:3000: open http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  expect(await stop()).toBe(EXIT.ok);
});

it('refuses a port that is not one', async () => {
  const { line } = await startConsoleCommand(['--port', '70000']);
  expect(line).toMatch(/^exited 2: --port must be a port number/);
});
