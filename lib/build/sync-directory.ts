import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const TEMPORARY_SUFFIX = '.tmp';

export interface SyncSummary {
  readonly written: number;
  readonly removed: number;
}

/**
 * Makes `directory` hold exactly `files` (absolute path to contents): writes only the files whose bytes changed,
 * each atomically (a temporary file renamed over it), and removes every other file. A build with nothing changed
 * thus touches nothing, and a test that synthesizes from the assets while `npm pack` rebuilds them never reads a
 * half-written file.
 */
export function syncDirectory(directory: string, files: ReadonlyMap<string, string | Uint8Array>): SyncSummary {
  const outside = [...files.keys()].filter((file) => !isInside(directory, file));
  if (outside.length > 0) throw new Error(`${outside.join(', ')} lie(s) outside ${directory}`);
  let written = 0;
  for (const [file, contents] of files) {
    const bytes = typeof contents === 'string' ? Buffer.from(contents) : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
    if (existsSync(file) && readFileSync(file).equals(bytes)) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}${TEMPORARY_SUFFIX}`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
    written += 1;
  }
  return { written, removed: existsSync(directory) ? removeOthers(directory, files) : 0 };
}

function isInside(directory: string, file: string): boolean {
  const relative = path.relative(directory, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Removes the files under `directory` that are not in `keep`, and the folders left empty; returns how many files. */
function removeOthers(directory: string, keep: ReadonlyMap<string, unknown>): number {
  let removed = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      removed += removeOthers(file, keep);
      if (readdirSync(file).length === 0) removeEmptyFolder(file);
    } else if (!keep.has(file) && !isTemporaryOfRunningBuild(entry.name)) {
      // `force`: another build may have removed it first.
      rmSync(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Removes `folder` unless another build has just written into it. */
function removeEmptyFolder(folder: string): void {
  try {
    rmdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A file another build is writing right now (`<name>.<pid>.tmp` of a live process): builds may run side by side. */
function isTemporaryOfRunningBuild(name: string): boolean {
  const pid = name.endsWith(TEMPORARY_SUFFIX) ? Number(name.slice(0, -TEMPORARY_SUFFIX.length).split('.').pop()) : Number.NaN;
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
