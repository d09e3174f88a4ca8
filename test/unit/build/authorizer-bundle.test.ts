/**
 * What the authorizer's bundle holds, from esbuild's own account of it (the metafile), built with the options of
 * the shipped assets: its cold start depends on keeping the AWS SDK out and Powertools out of the bundle it loads.
 */
import { build, type Metafile } from 'esbuild';
import * as path from 'node:path';
import { lazyModulesBeside } from '../../../lib/build/function-assets';
import { ESBUILD_OPTIONS, LAZY_MODULES, PACKAGE_ROOT, handlerEntry } from '../../../lib/bundling';

/** The authorizer asset's budget in shared/BENCH.md (`assetBytes.authorizer`). */
const AUTHORIZER_MAX_BYTES = 150_000;

let metafile: Metafile;
let bytes: number;

beforeAll(async () => {
  // As the build bundles it: the modules loaded on first use stay files of their own, which count towards the budget.
  const bundle = (entry: string) => build({ ...ESBUILD_OPTIONS, sourcemap: false, entryPoints: [entry], outfile: 'out.js', write: false, metafile: true, logLevel: 'silent', plugins: [lazyModulesBeside] });
  const result = await bundle(handlerEntry('authorizer'));
  const lazy = await Promise.all(Object.values(LAZY_MODULES).map((source) => bundle(path.join(PACKAGE_ROOT, source))));
  metafile = result.metafile;
  bytes = [result, ...lazy].reduce((sum, { outputFiles }) => sum + (outputFiles[0]?.contents.byteLength ?? Number.NaN), 0);
});

it(`stays within ${AUTHORIZER_MAX_BYTES.toLocaleString('en')} bytes, with the modules it loads on first use`, () => {
  expect(bytes).toBeLessThanOrEqual(AUTHORIZER_MAX_BYTES);
});

it('carries no AWS SDK client: DynamoDB is reached through the lean client', () => {
  expect(Object.keys(metafile.inputs).filter((input) => /node_modules\/(@aws-sdk\/(client|lib|credential)-|@smithy\/)/.test(input))).toEqual([]);
});

it('leaves Powertools out of the bundle, reached only through a call-time require of the module beside it', () => {
  expect(Object.keys(metafile.inputs).filter((input) => input.includes('@aws-lambda-powertools/'))).toEqual([]);
  const toLazy = Object.values(metafile.inputs).flatMap((input) => input.imports.filter((imported) => imported.path === './powertools.js'));
  expect(toLazy.length).toBeGreaterThan(0);
  expect(toLazy.filter(({ kind, external }) => kind !== 'require-call' || !external)).toEqual([]);
});
