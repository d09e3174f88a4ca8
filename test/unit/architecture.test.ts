/**
 * The layering the README describes, checked on the source itself: who may import whom, where the environment is
 * read, and that no module imports itself through a circle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCE_DIRS = ['bin', 'lib', 'lambdas'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const FILES = SOURCE_DIRS.flatMap(sourceFiles);
const TEXT = new Map(FILES.map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]));

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(file: string): string[] {
  const text = TEXT.get(file) ?? '';
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)];
  return found.map((match) => match[1] ?? match[2] ?? match[3] ?? '').filter((spec) => spec !== '');
}

/** The repository file a relative specifier names, or undefined for a package. */
function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = relative(ROOT, resolve(ROOT, dirname(from), spec));
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => TEXT.has(candidate));
}

const GRAPH = new Map(FILES.map((file) => [file, specifiers(file).map((spec) => ({ spec, target: resolveLocal(file, spec) }))]));

const importsOf = (file: string) => GRAPH.get(file) ?? [];
const under = (file: string, dir: string) => file.startsWith(`${dir}/`);

it('finds the source files it checks', () => {
  expect(FILES.filter((file) => under(file, 'lambdas/core')).length).toBeGreaterThan(10);
  expect(FILES.filter((file) => under(file, 'lambdas/handlers')).length).toBeGreaterThan(5);
  expect(importsOf('lambdas/core/authorize-request.ts').some(({ target }) => target === 'lambdas/core/verify-token.ts' || target === 'lambdas/core/route-policy.ts')).toBe(true);
});

// node:net stays allowed: uri-policy uses its address arithmetic (BlockList, isIP), which does no I/O.
it('keeps the core pure: no adapter, handler, AWS SDK, Powertools or network module', () => {
  const offending = FILES.filter((file) => under(file, 'lambdas/core')).flatMap((file) =>
    importsOf(file)
      .filter(({ spec, target }) =>
        /^@aws-sdk\/|^@aws-lambda-powertools\/|^node:(http|https|dns|tls)$/.test(spec) ||
        (target !== undefined && !under(target, 'lambdas/core')))
      .map(({ spec }) => `${file} imports ${spec}`),
  );
  expect(offending).toEqual([]);
});

it('keeps Lambda code to Lambda code: lambdas/ imports nothing from lib/ or bin/, and has no local mode or CLI', () => {
  const offending = FILES.filter((file) => under(file, 'lambdas')).flatMap((file) =>
    importsOf(file).filter(({ target }) => target !== undefined && !under(target, 'lambdas')).map(({ spec }) => `${file} imports ${spec}`),
  );
  expect(offending).toEqual([]);
  expect(FILES.filter((file) => /^lambdas\/(local|cli)\//.test(file))).toEqual([]);
});

it('lets adapters never reach into handlers', () => {
  const offending = FILES.filter((file) => under(file, 'lambdas/adapters')).flatMap((file) =>
    importsOf(file).filter(({ target }) => target !== undefined && under(target, 'lambdas/handlers')).map(({ spec }) => `${file} imports ${spec}`),
  );
  expect(offending).toEqual([]);
});

it('keeps local mode out of what is published: only bin/ and lib/local import lib/local', () => {
  const offending = FILES.filter((file) => !under(file, 'lib/local') && !under(file, 'bin')).flatMap((file) =>
    importsOf(file).filter(({ target }) => target !== undefined && under(target, 'lib/local')).map(({ spec }) => `${file} imports ${spec}`),
  );
  expect(offending).toEqual([]);
});

it('reads process.env in lambdas/ only in the environment contract', () => {
  const readers = FILES.filter((file) => under(file, 'lambdas') && /process\.env/.test(TEXT.get(file) ?? ''));
  expect(readers).toEqual(['lambdas/adapters/function-environment.ts']);
});

it('has no import circles', () => {
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const { target } of importsOf(file)) if (target !== undefined) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of FILES) visit(file, []);
  expect(circles).toEqual([]);
});
