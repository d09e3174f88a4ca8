import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from './cli-error';

/**
 * A brand config file as `brands get <brandId> --json` writes it: the config, plus the bookkeeping the server
 * answers with. The version is what the person read, so it goes back as If-Match; the rest of the bookkeeping
 * is the server's to write, and PUT refuses it as unknown fields.
 */
const RESPONSE_ONLY_FIELDS = [
  'version', 'updatedAt', 'updatedBy', 'changedFields', 'flush',
  // What gateways before 0.3.0 answered about a flush, in files saved from their answers.
  'authorizerCacheFlushed', 'authorizerCacheFlush',
];

export interface BrandFile {
  /** The config to send, without the server's bookkeeping. */
  readonly config: Record<string, unknown>;
  /** The version the file was read at, if it says. */
  readonly version: number | undefined;
}

/** Reads `file`, relative to `baseDir` (the directory the person ran the command in). */
export async function readBrandFile(file: string, baseDir: string): Promise<BrandFile> {
  let text: string;
  try {
    text = await readFile(resolve(baseDir, file), 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new CliError('usage', `cannot read ${file}: ${code === 'ENOENT' ? `no such file in ${baseDir}` : String(code ?? (err as Error).message)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError('usage', `${file} is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError('usage', `${file} must hold one JSON object`);
  const record = parsed as Record<string, unknown>;
  const config = Object.fromEntries(Object.entries(record).filter(([key]) => !RESPONSE_ONLY_FIELDS.includes(key)));
  return { config, version: record.version === undefined ? undefined : parseVersion(record.version, `${file}: "version"`) };
}

/** A brand version as If-Match names it: a whole number from 1. `3` and `"3"` (the ETag's form) both do. */
export function parseVersion(value: unknown, what: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.replace(/^"(.*)"$/, '$1') : '';
  if (!/^[1-9][0-9]{0,14}$/.test(text)) throw new CliError('usage', `${what} must be a brand version, a whole number from 1`);
  return Number(text);
}
