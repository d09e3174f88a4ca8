import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { ROUTES } from '../../lambdas/core/routes';
import { ASSETS_DIRECTORY, ASSET_MODULE, ESBUILD_OPTIONS, LAZY_MODULES, PACKAGE_ROOT, handlerEntry } from '../bundling';

/**
 * Every function the stack deploys, by handler module name: the authorizer, the follow-up authorizer-cache flush, and
 * the handler of each route.
 */
export function functionNames(): string[] {
  return ['authorizer', 'authorizer-cache-flush', ...new Set(ROUTES.map((route) => route.handler))];
}

/** Each of LAZY_MODULES stays a `require` of the file beside the bundle, which is bundled on its own. */
export const lazyModulesBeside: Plugin = {
  name: 'lazy-modules-beside',
  setup(build) {
    for (const [name, source] of Object.entries(LAZY_MODULES)) {
      const importer = path.join(PACKAGE_ROOT, path.dirname(source));
      build.onResolve({ filter: new RegExp(`^\\./${name}$`) }, (args) => (args.importer.startsWith(importer) ? { path: `./${name}.js`, external: true } : undefined));
    }
  },
};

/**
 * Bundles every function in one esbuild run, in memory: `<name>/index.js`, each of LAZY_MODULES as `<name>/<module>.js`,
 * and their source maps, by absolute path under ASSETS_DIRECTORY. The source maps name the sources relative to the
 * asset, so the bytes, and with them the asset hash, do not depend on where the repository lies.
 */
export async function bundleFunctionAssets(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    ...ESBUILD_OPTIONS,
    entryPoints: Object.fromEntries(
      functionNames().flatMap((name) => [
        [`${name}/${ASSET_MODULE}`, handlerEntry(name)],
        ...Object.entries(LAZY_MODULES).map(([module, source]) => [`${name}/${module}`, path.join(PACKAGE_ROOT, source)]),
      ]),
    ),
    outdir: ASSETS_DIRECTORY,
    write: false,
    logLevel: 'warning',
    plugins: [lazyModulesBeside],
  });
  return new Map(result.outputFiles.map((file) => [path.resolve(file.path), file.contents]));
}
