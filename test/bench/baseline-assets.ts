import { join } from 'node:path';
import { build } from 'esbuild';
import { ASSET_MODULE, ESBUILD_OPTIONS } from '../../lib/bundling';

/** The cold-start baselines (test/bench/baselines), bundled exactly as the shipped assets are. */
export const BASELINES = { sdk: 'sdk-authorizer', lean: 'lean-authorizer' } as const;

/** Bundles each baseline to `<outDir>/<name>/index.js` (with its source map), as an asset, and returns those modules. */
export async function bundleBaselines(outDir: string): Promise<Record<keyof typeof BASELINES, string>> {
  const entries = Object.entries(BASELINES) as [keyof typeof BASELINES, string][];
  const bundled = await Promise.all(
    entries.map(async ([key, name]) => {
      const dir = join(outDir, name);
      await build({ ...ESBUILD_OPTIONS, entryPoints: { [ASSET_MODULE]: join(__dirname, 'baselines', `${name}.ts`) }, outdir: dir, logLevel: 'silent' });
      return [key, join(dir, `${ASSET_MODULE}.js`)] as const;
    }),
  );
  return Object.fromEntries(bundled) as Record<keyof typeof BASELINES, string>;
}
