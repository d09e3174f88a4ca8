/**
 * The token helper as a developer runs it (`npm run -s token`): on any failure, one line on stderr, no stack
 * trace, and exit code 1.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function token(args: string[], ciamPort: number): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', 'token', '--', ...args], {
      cwd: ROOT, env: { ...process.env, CIAM_PORT: String(ciamPort) }, timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

it('says in one line that local mode is not running when the demo CIAM cannot be reached', async () => {
  const port = await closedPort();
  expect(await token([], port)).toEqual({
    code: 1,
    stdout: '',
    stderr: `token: cannot reach http://127.0.0.1:${port} (connection refused): is local mode running? (npm start)\n`,
  });
}, 40_000);

it('refuses an unknown option in one line', async () => {
  const { code, stderr } = await token(['--colour'], await closedPort());
  expect(code).toBe(1);
  expect(stderr).toMatch(/^token: Unknown option '--colour'.*\n$/);
}, 40_000);

it('refuses a brand it has no demo app for, in one line naming the ones it has', async () => {
  expect(await token(['--brand', 'acme'], await closedPort())).toEqual({ code: 1, stdout: '', stderr: 'token: --brand must be one of demo, demo-opaque\n' });
}, 40_000);
