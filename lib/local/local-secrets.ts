import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { demoSecrets } from './local-brands';

/**
 * Local mode's secrets file (the functions' LOCAL_SECRETS_FILE), in a temporary directory of its own, never a file of
 * the developer's: the demo brands' secrets beside those of the developer's LOCAL_SECRETS_FILE, if any.
 */
export async function writeLocalSecretsFile(developerFile: string | undefined): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const own = developerFile === undefined ? {} : await readSecretsFile(developerFile);
  const dir = await mkdtemp(join(tmpdir(), 'ciam-gateway-local-'));
  const path = join(dir, 'secrets.json');
  await writeFile(path, JSON.stringify({ ...own, ...demoSecrets() }), { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function readSecretsFile(path: string): Promise<Record<string, string>> {
  let secrets: unknown;
  try {
    secrets = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // Not the parser's message: it quotes the text it choked on, which may be a secret.
    throw new ConfigValidationError('ENVIRONMENT_INVALID', [`LOCAL_SECRETS_FILE ${path}: not a readable JSON file`]);
  }
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets) || !Object.values(secrets).every((v) => typeof v === 'string')) {
    throw new ConfigValidationError('ENVIRONMENT_INVALID', [`LOCAL_SECRETS_FILE ${path}: must be a JSON object of secret names to strings`]);
  }
  return secrets as Record<string, string>;
}
