import * as path from 'node:path';
import { build } from 'esbuild';
import { ROUTES } from '../../lambdas/core/routes';
import { ASSETS_DIRECTORY, ASSET_MODULE, ESBUILD_OPTIONS, handlerEntry } from '../bundling';

/**
 * Every function the stack deploys, by handler module name: the authorizer, the follow-up authorizer-cache flush, and
 * the handler of each route.
 */
export function functionNames(): string[] {
  return ['authorizer', 'authorizer-cache-flush', ...new Set(ROUTES.map((route) => route.handler))];
}

/**
 * Bundles every function in one esbuild run, in memory: `<name>/index.js` and its source map, by absolute path
 * under ASSETS_DIRECTORY. The source maps name the sources relative to the asset, so the bytes, and with them the
 * asset hash, do not depend on where the repository lies.
 */
export async function bundleFunctionAssets(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    ...ESBUILD_OPTIONS,
    entryPoints: Object.fromEntries(functionNames().map((name) => [`${name}/${ASSET_MODULE}`, handlerEntry(name)])),
    outdir: ASSETS_DIRECTORY,
    write: false,
    logLevel: 'warning',
  });
  return new Map(result.outputFiles.map((file) => [path.resolve(file.path), file.contents]));
}
