import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { functionNames } from '../../lib/build/function-assets';
import { ASSETS_DIRECTORY, LAZY_MODULES, PACKAGE_ROOT, functionAssetDirectory, functionAssetModule } from '../../lib/bundling';
import { moduleSpecifiers, packageOf } from './module-specifiers';

interface PackageJson {
  readonly main: string;
  readonly types: string;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly bin: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
}

const PACKAGE = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** What `npm pack` puts in the tarball, from the build already made (`--ignore-scripts`: no rebuild here). */
const [{ files }] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_ROOT, encoding: 'utf8' }),
) as [{ files: { path: string }[] }];
const PACKED = files.map((file) => file.path);

const fromRoot = (file: string): string => path.relative(PACKAGE_ROOT, file).split(path.sep).join('/');
const ASSETS = `${fromRoot(ASSETS_DIRECTORY)}/`;
/** The compiled library and CLI: what a consumer's synth and `npx ciam-gateway` load (the assets run in Lambda). */
const MODULES = PACKED.filter((file) => /\.(js|d\.ts)$/.test(file) && !file.startsWith(ASSETS));

describe('npm pack', () => {
  it('ships the build and the README only: no tests, CI, fixtures, local mode, build code or TypeScript source', () => {
    expect(PACKED.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md'].includes(file))).toEqual([]);
    expect(PACKED.filter((file) => /^dist\/(test|\.ci|lib\/local|lib\/build)\//.test(file) || /bin\/build\./.test(file))).toEqual([]);
    expect(PACKED.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(MODULES.length).toBeGreaterThan(10);
  });

  it('ships what package.json names: main, types, exports, the CLI, and every function asset with its source map', () => {
    const exported = Object.values(PACKAGE.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
    const named = [PACKAGE.main, PACKAGE.types, ...exported, ...Object.values(PACKAGE.bin)].map((file) => path.posix.normalize(file));
    expect(named.filter((file) => !PACKED.includes(file))).toEqual([]);
    const assets = functionNames().flatMap((name) =>
      [fromRoot(functionAssetModule(name)), ...Object.keys(LAZY_MODULES).map((module) => fromRoot(path.join(functionAssetDirectory(name), `${module}.js`)))].flatMap((file) => [file, `${file}.map`]),
    );
    expect(assets.filter((file) => !PACKED.includes(file))).toEqual([]);
  });

  it('starts the CLI with plain Node', () => {
    for (const cli of Object.values(PACKAGE.bin)) {
      expect(readFileSync(path.join(PACKAGE_ROOT, cli), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    }
  });

  it('needs, to synthesize and to run the CLI, its dependencies and peers only, and each dependency is needed', () => {
    const needs = MODULES.flatMap((file) =>
      moduleSpecifiers(file, readFileSync(path.join(PACKAGE_ROOT, file), 'utf8')).flatMap((specifier) => {
        const name = packageOf(specifier, builtinModules);
        return name === undefined ? [] : [{ file, name }];
      }),
    );
    const declared = new Set([...Object.keys(PACKAGE.dependencies), ...Object.keys(PACKAGE.peerDependencies)]);
    expect(needs.filter(({ name }) => !declared.has(name)).map(({ file, name }) => `${file} needs ${name}`)).toEqual([]);
    const required = new Set(needs.filter(({ file }) => file.endsWith('.js')).map(({ name }) => name));
    expect(Object.keys(PACKAGE.dependencies).filter((name) => !required.has(name))).toEqual([]);
  });
});
