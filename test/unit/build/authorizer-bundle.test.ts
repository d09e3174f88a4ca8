/**
 * What the authorizer's bundle holds, from esbuild's own account of it (the metafile), built with the options of
 * the shipped assets: its cold start depends on keeping the AWS SDK out and Powertools off the load path.
 */
import { build, type Metafile } from 'esbuild';
import { ESBUILD_OPTIONS, handlerEntry } from '../../../lib/bundling';

/** The authorizer asset's budget in shared/BENCH.md (`assetBytes.authorizer`). */
const AUTHORIZER_MAX_BYTES = 150_000;

let metafile: Metafile;
let bytes: number;

beforeAll(async () => {
  const result = await build({ ...ESBUILD_OPTIONS, sourcemap: false, entryPoints: [handlerEntry('authorizer')], outfile: 'authorizer.js', write: false, metafile: true, logLevel: 'silent' });
  metafile = result.metafile;
  bytes = result.outputFiles[0]?.contents.byteLength ?? Number.NaN;
});

it(`stays within ${AUTHORIZER_MAX_BYTES.toLocaleString('en')} bytes`, () => {
  expect(bytes).toBeLessThanOrEqual(AUTHORIZER_MAX_BYTES);
});

it('carries no AWS SDK client: DynamoDB is reached through the lean client', () => {
  expect(Object.keys(metafile.inputs).filter((input) => /node_modules\/(@aws-sdk\/(client|lib|credential)-|@smithy\/)/.test(input))).toEqual([]);
});

it('reaches Powertools only through a call-time require, so an allowed first decision never loads it', () => {
  // Our modules' imports of Powertools (Powertools' imports of its own parts follow from those).
  const fromOurs = Object.entries(metafile.inputs)
    .filter(([importer]) => !importer.includes('node_modules/'))
    .flatMap(([importer, input]) =>
      input.imports.filter((imported) => imported.original?.startsWith('@aws-lambda-powertools/')).map((imported) => ({ importer, kind: imported.kind })),
    );
  expect(fromOurs.length).toBeGreaterThan(0);
  expect(fromOurs.filter(({ kind }) => kind !== 'require-call')).toEqual([]);
});
