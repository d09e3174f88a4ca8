/**
 * `npm start` stops everything it started (node and Java) on SIGINT, SIGTERM and SIGHUP sent to the pid of the
 * `npm start` process itself. npm passes only SIGINT and SIGTERM on to its script; after a SIGHUP, local mode
 * sees its parent gone. The process tree is read from /proc (Linux), so every process that started is accounted for.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const START_DEADLINE_MS = 90_000;
const STOP_DEADLINE_MS = 30_000;

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
  /** Clock ticks since boot: with the pid, tells a process from a later one that reuses its pid. */
  readonly startTime: string;
}

/** /proc/<pid>/stat: `pid (comm) state ppid …`, starttime being field 22; comm may itself hold spaces and parentheses. */
function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/** `root` and every process descended from it, now. */
function processTree(root: number): ProcessInfo[] {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => processInfo(Number(name)) ?? []);
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i += 1) tree.push(...all.filter((p) => p.ppid === tree[i]?.pid));
  return tree;
}

/** Still running: the same process (pid and start time) exists and is not a zombie waiting to be reaped. */
function isRunning(p: ProcessInfo): boolean {
  const now = processInfo(p.pid);
  return now !== undefined && now.startTime === p.startTime && now.state !== 'Z';
}

async function until<T>(what: string, deadlineMs: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `npm start` on free ports, in its own session (as from a terminal of its own), once it printed `ready`. */
async function startNpm(): Promise<{ pid: number; gatewayUrl: string; output: () => string }> {
  const npm = spawn('npm', ['start'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '0', CIAM_PORT: '0' } });
  // Never signal without a pid: process.kill(-1, …) would reach every process of this user.
  const { pid } = npm;
  if (pid === undefined) throw new Error('npm start did not start');
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const gatewayUrl = await until('npm start to print ready', START_DEADLINE_MS, () => {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
      return /^ready in /m.test(output) ? /^gateway {2}(http:\/\/127\.0\.0\.1:\d+)/m.exec(output)?.[1] : undefined;
    });
    return { pid, gatewayUrl, output: () => output };
  } catch (err) {
    killAll(processTree(pid));
    throw err;
  }
}

/** Only the processes this test started, by pid; one that ended meanwhile is fine. */
function killAll(tree: readonly ProcessInfo[]): void {
  for (const p of tree.filter(isRunning)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('stops node and java when npm start gets %s', async (signal) => {
  const { pid, gatewayUrl, output } = await startNpm();
  const tree = processTree(pid);
  try {
    expect((await fetch(`${gatewayUrl}/health`)).status).toBe(200);
    expect(tree.map((p) => p.comm)).toEqual(expect.arrayContaining(['node', 'java']));
    process.kill(pid, signal);
    await until(`every process of npm start to end after ${signal}`, STOP_DEADLINE_MS, () => (tree.some(isRunning) ? undefined : true)).catch((err: Error) => {
      const survivors = tree.filter(isRunning).map((p) => `${p.pid} ${p.comm}`);
      throw new Error(`${err.message}; still running: ${survivors.join(', ')}\n${output()}`);
    });
  } finally {
    // Never leave a process behind, even when the test fails.
    killAll(tree);
  }
}, START_DEADLINE_MS + STOP_DEADLINE_MS + 10_000);
