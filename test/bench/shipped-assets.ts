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

/** `{ "<function>": bytes }` of every shipped bundle, its source map excluded. */
export function assetBytes(): Record<string, number> {
  const moduleOf = (name: string) => join(functionAssetDirectory(name), `${ASSET_MODULE}.js`);
  const names = readdirSync(ASSETS_DIRECTORY).filter((name) => existsSync(moduleOf(name))).sort();
  return Object.fromEntries(names.map((name) => [name, statSync(moduleOf(name)).size]));
}
