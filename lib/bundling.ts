import * as path from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, in esbuild's own terms: the benchmark bundles the authorizer with exactly these,
 * and `NODEJS_BUNDLING` hands the same values to NodejsFunction.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  // Must match LAMBDA_RUNTIME.
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  // Nothing external, not even @aws-sdk/*: the bundle then runs the SDK version the tests ran against, not whatever
  // the Lambda runtime ships, and is self-contained for the benchmark and the local emulator.
  external: [] as string[],
} as const satisfies BuildOptions;

/** The runtime every function runs on: the one the bundle targets. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

/** Makes stack traces point into the TypeScript sources through the bundle's source map. */
export const BUNDLE_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps' } as const;

/** NodejsFunction bundling: the options above, with the local esbuild only (there is no Docker in CI). */
export const NODEJS_BUNDLING: BundlingOptions = {
  minify: ESBUILD_OPTIONS.minify,
  sourceMap: ESBUILD_OPTIONS.sourcemap,
  target: ESBUILD_OPTIONS.target,
  format: OutputFormat.CJS,
  externalModules: [...ESBUILD_OPTIONS.external],
  forceDockerBundling: false,
};

/** Absolute path of `lambdas/handlers/<name>.ts`, whose `handler` export is the Lambda entry point. */
export function handlerEntry(name: string): string {
  return path.join(__dirname, '..', 'lambdas', 'handlers', `${name}.ts`);
}
