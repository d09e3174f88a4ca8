/**
 * `npm run bench:modules`: what each module the authorizer uses, or chose not to, costs a cold start when it is
 * loaded (and minimally used), measured like `coldInitMs`: fresh `node` processes with the deployed NODE_OPTIONS, each
 * module bundled alone with the shipped assets' esbuild options, CPU time and peak RSS against an empty `node`.
 * The README's Performance section quotes it; it explains where the authorizer's cold start goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ASSET_MODULE, BUNDLE_ENVIRONMENT, ESBUILD_OPTIONS, PACKAGE_ROOT } from '../../lib/bundling';
import { compareColdStarts } from './cold-start';
import { shippedAsset } from './shipped-assets';
import { round2 } from './stats';

/** Each candidate as a few lines that load it and use it once, the way a handler would at init. */
const CANDIDATES = {
  'AWS SDK: DynamoDBClient + DocumentClient': `
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');
    DynamoDBDocumentClient.from(new DynamoDBClient({}));`,
  'Powertools Logger + Metrics': `
    new (require('@aws-lambda-powertools/logger').Logger)();
    new (require('@aws-lambda-powertools/metrics').Metrics)();`,
  'aws4fetch (with fetch and Headers)': `
    const { AwsClient } = require('aws4fetch');
    new AwsClient({ accessKeyId: 'a', secretAccessKey: 'b' });
    new Headers({ 'x-amz-target': 'DynamoDB_20120810.GetItem' });`,
  'aws4 (one request signed) + node:https': `
    require('node:https');
    require('aws4').sign({ host: 'dynamodb.eu-west-1.amazonaws.com', path: '/', service: 'dynamodb', region: 'eu-west-1', body: '{}' }, { accessKeyId: 'a', secretAccessKey: 'b' });`,
  '@aws-sdk/util-dynamodb (one unmarshall)': `
    require('@aws-sdk/util-dynamodb').unmarshall({ brandId: { S: 'a' }, audiences: { L: [{ S: 'b' }] } });`,
  'libphonenumber-js/min (one number parsed)': `
    require('libphonenumber-js/min').parsePhoneNumberFromString('+447400123456');`,
  'zod (one schema parsed)': `
    const { z } = require('zod');
    z.object({ brandId: z.string() }).parse({ brandId: 'a' });`,
} as const;

type Candidate = keyof typeof CANDIDATES | 'shipped authorizer asset, loaded only';
const ROUNDS = 10;

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'ciam-module-costs-'));
  try {
    const assets = await Promise.all(
      Object.entries(CANDIDATES).map(async ([name, contents], i) => {
        const outdir = join(scratch, String(i));
        await build({ ...ESBUILD_OPTIONS, stdin: { contents, resolveDir: PACKAGE_ROOT, loader: 'js' }, outfile: join(outdir, `${ASSET_MODULE}.js`), logLevel: 'silent' });
        return [name, { asset: join(outdir, `${ASSET_MODULE}.js`), environment: {} }] as const;
      }),
    );
    const subjects = Object.fromEntries([...assets, ['shipped authorizer asset, loaded only', { asset: shippedAsset('authorizer'), environment: {} }]]) as Record<
      Candidate,
      { asset: string; environment: Record<string, string> }
    >;
    const costs = await compareColdStarts(subjects, { rounds: ROUNDS, nodeOptions: BUNDLE_ENVIRONMENT.NODE_OPTIONS });
    console.log(`cost over an empty node, median of ${ROUNDS} fresh processes (peak RSS is the whole process; an empty node's: ${round2(costs.emptyPeakRssMb)} MB):`);
    for (const name of Object.keys(subjects) as Candidate[]) {
      console.log(`  ${name.padEnd(44)} ${String(round2(costs.initMs[name])).padStart(7)} ms CPU  ${String(round2(costs.peakRssMb[name])).padStart(6)} MB peak RSS`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
