import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { syncDirectory } from '../../../lib/build/sync-directory';

let root: string;
let dist: string;
const at = (...parts: string[]): string => path.join(dist, ...parts);

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sync-directory-'));
  dist = path.join(root, 'dist');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('writes every file, making the folders it needs', () => {
  expect(syncDirectory(dist, new Map<string, string | Uint8Array>([[at('lib', 'a.js'), 'a'], [at('assets', 'f', 'index.js'), new Uint8Array([104, 105])]]))).toEqual({ written: 2, removed: 0 });
  expect(readFileSync(at('lib', 'a.js'), 'utf8')).toBe('a');
  expect(readFileSync(at('assets', 'f', 'index.js'), 'utf8')).toBe('hi');
});

it('leaves a file whose bytes did not change untouched, and replaces one that did', () => {
  syncDirectory(dist, new Map([[at('same.js'), 'same'], [at('changed.js'), 'before']]));
  const before = statSync(at('same.js'), { bigint: true }).mtimeNs;
  expect(syncDirectory(dist, new Map([[at('same.js'), 'same'], [at('changed.js'), 'after']]))).toEqual({ written: 1, removed: 0 });
  expect(statSync(at('same.js'), { bigint: true }).mtimeNs).toBe(before);
  expect(readFileSync(at('changed.js'), 'utf8')).toBe('after');
});

it('removes every other file and the folders left empty', () => {
  syncDirectory(dist, new Map([[at('keep.js'), 'k'], [at('assets', 'gone', 'index.js'), 'g'], [at('stale.d.ts'), 's']]));
  expect(syncDirectory(dist, new Map([[at('keep.js'), 'k']]))).toEqual({ written: 0, removed: 2 });
  expect(readdirSync(dist)).toEqual(['keep.js']);
});

it("leaves the temporary file of another build that is running, and removes one whose build is gone", () => {
  mkdirSync(dist);
  const running = `keep.js.${process.ppid}.tmp`;
  const orphan = 'keep.js.999999999.tmp';
  writeFileSync(at(running), 'partial');
  writeFileSync(at(orphan), 'partial');
  syncDirectory(dist, new Map([[at('keep.js'), 'k']]));
  expect(existsSync(at(running))).toBe(true);
  expect(existsSync(at(orphan))).toBe(false);
});

it('refuses a file outside the folder', () => {
  expect(() => syncDirectory(dist, new Map([[path.join(root, 'elsewhere.js'), 'x']]))).toThrow(/elsewhere.js lie\(s\) outside/);
  expect(existsSync(dist)).toBe(false);
});
