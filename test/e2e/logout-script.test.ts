/**
 * `npm run -s logout -- --user NAME` as a developer runs it against local mode (on free ports, found through CIAM_PORT
 * as `npm run token` finds it): the demo CIAM ends the user's sessions and sends its back-channel logout to the
 * gateway's receiver URI for the demo brand. On any failure: one line on stderr, exit code 1.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { userAccessToken } from '../../lib/local/demo-login';
import { demoBackchannelLogoutUri } from '../../lib/local/local-brands';
import type { LocalMode } from '../../lib/local/local-mode';
import { startE2eLocalMode } from './e2e-local-mode';

const ROOT = join(__dirname, '..', '..');
let local: LocalMode;

beforeAll(async () => {
  ({ local } = await startE2eLocalMode());
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

async function logout(args: string[], ciamPort = new URL(local.ciam.issuer).port): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', 'logout', '--', ...args], {
      cwd: ROOT, env: { ...process.env, CIAM_PORT: ciamPort }, timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

it("ends the user's session at the demo CIAM, which calls the gateway's back-channel receiver for the demo brand", async () => {
  const { sid } = decodeJwt(await userAccessToken(local.ciam.issuer, 'ada', 'openid loyalty'));
  expect(typeof sid).toBe('string');

  const { stdout } = await logout(['--user', 'ada']);

  const [ended, delivery, ...rest] = stdout.trim().split('\n');
  expect(ended).toBe('ended 1 session of ada at the demo CIAM');
  // The gateway's receiver took the logout token the demo CIAM signed.
  expect(delivery).toBe(`back-channel logout of demo-client (sid ${String(sid)}) to ${demoBackchannelLogoutUri(local.gatewayUrl)}: 200`);
  expect(rest).toEqual([]);
  expect(demoBackchannelLogoutUri(local.gatewayUrl)).toBe(`${local.gatewayUrl}/v1/brands/demo/backchannel-logout`);
}, 40_000);

it('says so in one line when the user has no session, and exits 1', async () => {
  expect(await logout(['--user', 'nobody'])).toEqual({
    code: 1,
    stdout: '',
    stderr: 'logout: nobody has no session at the demo CIAM (sign in first: npm run token -- --user nobody)\n',
  });
}, 40_000);

it.each([
  [[], 'logout: --user NAME is required: npm run logout -- --user NAME\n'],
  [['--user', 'Ada Lovelace'], 'logout: --user must be a demo login name (^[a-z0-9._-]{1,64}$), got "Ada Lovelace"\n'],
])('refuses the command line %j in one line, and exits 1', async (args, stderr) => {
  expect(await logout(args)).toEqual({ code: 1, stdout: '', stderr });
}, 40_000);

it('refuses an unknown option in one line', async () => {
  const { code, stderr } = await logout(['--user', 'ada', '--all']);
  expect(code).toBe(1);
  expect(stderr).toMatch(/^logout: Unknown option '--all'.*\n$/);
}, 40_000);
