import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ASSET_MODULE, ASSETS_DIRECTORY, functionAssetDirectory } from '../../lib/bundling';

/** The Lambda assets exactly as they ship: what `npm run build` writes and the stack's `Code.fromAsset` points at. */

/** The module Lambda loads from the asset of `name`; fails when the build has not run. */
export function shippedAsset(name: string): string {
  const asset = join(functionAssetDirectory(name), `${ASSET_MODULE}.js`);
  if (!existsSync(asset)) throw new Error(`${asset} is missing: run npm run build first`);
  return asset;
}

/**
 * `{ "<function>": bytes }` of every shipped asset: its bundle and the modules it loads on first use (LAZY_MODULES),
 * source maps excluded. Lambda downloads and unpacks them all.
 */
export function assetBytes(): Record<string, number> {
  const moduleOf = (name: string) => join(functionAssetDirectory(name), `${ASSET_MODULE}.js`);
  const names = readdirSync(ASSETS_DIRECTORY).filter((name) => existsSync(moduleOf(name))).sort();
  const bytesOf = (name: string) =>
    readdirSync(functionAssetDirectory(name))
      .filter((file) => file.endsWith('.js'))
      .reduce((sum, file) => sum + statSync(join(functionAssetDirectory(name), file)).size, 0);
  return Object.fromEntries(names.map((name) => [name, bytesOf(name)]));
}
