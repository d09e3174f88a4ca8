/**
 * `npm run build` (and `prepare`, so `npm ci` and `npm pack` run it): dist/, what the package ships. The compiled
 * library and CLI (`.js` + `.d.ts`) and each function's bundled asset. A development tool: not published.
 */
import * as path from 'node:path';
import { BUILD_DIRECTORY, PACKAGE_ROOT } from '../lib/bundling';
import { bundleFunctionAssets } from '../lib/build/function-assets';
import { compileLibrary } from '../lib/build/library-compilation';
import { syncDirectory } from '../lib/build/sync-directory';

async function main(): Promise<number> {
  const started = performance.now();
  // esbuild bundles in its own process while the compiler runs here.
  const bundling = bundleFunctionAssets();
  const library = compileLibrary();
  const assets = await bundling;
  if (library.problems.length > 0) {
    console.error(library.problems.join('\n'));
    console.error(`build failed: ${library.problems.length} compiler error(s); dist/ left as it was`);
    return 1;
  }
  const { written, removed } = syncDirectory(BUILD_DIRECTORY, new Map<string, string | Uint8Array>([...library.files, ...assets]));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `built ${path.relative(PACKAGE_ROOT, BUILD_DIRECTORY)}/ in ${seconds} s: ${library.files.size} compiled files, ${assets.size} asset files; ` +
      `${written} written, ${removed} removed`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
