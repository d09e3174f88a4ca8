import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, in esbuild's own terms: `npm run build` bundles each function's asset with exactly
 * these, and the benchmark measures the asset so built.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  // Must match LAMBDA_RUNTIME.
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings only. The sources themselves would triple the size of every asset, which each
  // consumer downloads with the package and uploads with every deployment.
  sourcesContent: false,
  // Nothing external, not even @aws-sdk/*: the bundle then runs the SDK version the tests ran against, not whatever
  // the Lambda runtime ships, and is self-contained for the benchmark and the local emulator.
  external: [] as string[],
} as const satisfies BuildOptions;

/** The runtime every function runs on: the one the bundle targets. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/** Makes stack traces point into the TypeScript sources through the bundle's source map. */
export const BUNDLE_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps' } as const;

/**
 * Modules each function loads only on first use, shipped as files of their own beside its bundle (`<module>.js`), by
 * their source: what a cold start does not compile stays out of it. Powertools is 40% of the authorizer's code, and an
 * allowed first decision neither logs nor publishes.
 */
export const LAZY_MODULES = { powertools: 'lambdas/adapters/powertools.ts' } as const;

/** The module of each asset that Lambda loads (`index.js`): the function's handler is its `handler` export. */
export const ASSET_MODULE = 'index';

/**
 * The package's root: the nearest folder above this module with a package.json. The same answer for the source
 * (`lib/bundling.ts`, run by tsx or jest) and for the compiled package (`dist/lib/bundling.js`, where `dist/` has no
 * package.json), in this repository or under a consumer's node_modules.
 */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

export const PACKAGE_ROOT = packageRoot();

/** Where `npm run build` writes the package's compiled modules (`dist/lib`, `dist/bin`, …) and the assets. */
export const BUILD_DIRECTORY = path.join(PACKAGE_ROOT, 'dist');

/** Absolute path of `lambdas/handlers/<name>.ts`, whose `handler` export is the Lambda entry point (source only). */
export function handlerEntry(name: string): string {
  return path.join(PACKAGE_ROOT, 'lambdas', 'handlers', `${name}.ts`);
}

/** The folder of every function's asset. */
export const ASSETS_DIRECTORY = path.join(BUILD_DIRECTORY, 'assets');

/** Absolute path of the folder `npm run build` bundles `lambdas/handlers/<name>.ts` into: what Lambda runs. */
export function functionAssetDirectory(name: string): string {
  return path.join(ASSETS_DIRECTORY, name);
}

/** Absolute path of the module Lambda loads from the asset of `name` (`dist/assets/<name>/index.js`). */
export function functionAssetModule(name: string): string {
  return path.join(functionAssetDirectory(name), `${ASSET_MODULE}.js`);
}
