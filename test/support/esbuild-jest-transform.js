// Jest transform: TypeScript, and the ESM-only packages (jose, oidc-provider), to CommonJS with the project's
// own esbuild. No type checking here: `npm test` runs tsc first.
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { version } = require('esbuild/package.json');

// Cached output is keyed by this file too, so changing the options here invalidates it.
const SELF = readFileSync(__filename);

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: /\.tsx?$/.test(filename) ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      // Jest's module registry serves require(), not import(): dynamic imports become require() calls.
      supported: { 'dynamic-import': false },
      // `import.meta.url` has no CommonJS equivalent esbuild can fill in; the packages only use it for paths.
      define: { 'import.meta.url': 'importMetaUrl' },
      banner: source.includes('import.meta.url') ? "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" : '',
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(version).update(SELF).update(filename).update(source).digest('hex');
  },
};
