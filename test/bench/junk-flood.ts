import { createRequire } from 'node:module';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { CountingProxy } from '../support/counting-proxy';
import { median } from './stats';

/**
 * `junkFloodSlowdown` and `ddbReadsPerJunkId` (shared/BENCH.md): whether a flood of distinct unknown brand ids evicts
 * real brands from the authorizer's brand cache. One instance of the shipped asset decides for 100 known brands with
 * fresh tokens (never seen, so each is verified in full and its brand looked up), then for 10,000 distinct junk ids,
 * then for the 100 brands again with other fresh tokens. The instance's brand-cache TTL is set to an hour, so that
 * only eviction, never expiry, can make the second round read DynamoDB.
 */
type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export const KNOWN_BRANDS = 100;
const JUNK_IDS = 10_000;
/**
 * Junk requests in flight at once. Lambda gives an instance one request at a time; a few at once keep the flood
 * short without queueing at DynamoDB Local, whose slow answers would otherwise time out and count retries as reads.
 */
const FLOOD_CONCURRENCY = 4;

export interface JunkFloodSubject {
  /** The shipped asset's module. */
  readonly asset: string;
  /** Its environment, with the brand table reached through `proxy`. */
  readonly environment: Readonly<Record<string, string>>;
  readonly proxy: CountingProxy;
  /** The ids of the known brands, already stored. */
  readonly brandIds: readonly string[];
  /** A token for a brand that this instance has never seen. */
  readonly freshToken: () => Promise<string>;
  readonly event: (token: string, brandId: string) => APIGatewayRequestAuthorizerEvent;
}

/** A new instance of the asset (its own module state), loaded as Lambda's init would, in the current environment. */
export function freshInstance(asset: string): Authorizer {
  const load = createRequire(__filename);
  delete load.cache[load.resolve(asset)];
  return (load(asset) as { handler: Authorizer }).handler;
}

async function knownBrandRound(handler: Authorizer, subject: JunkFloodSubject): Promise<number> {
  const tokens = await Promise.all(subject.brandIds.map(() => subject.freshToken()));
  const times: number[] = [];
  for (const [i, brandId] of subject.brandIds.entries()) {
    const started = process.hrtime.bigint();
    await handler(subject.event(tokens[i] ?? '', brandId));
    times.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  return median(times);
}

export async function measureJunkFlood(subject: JunkFloodSubject): Promise<{ junkFloodSlowdown: number; ddbReadsPerJunkId: number }> {
  // For the whole measurement, not only the load: Powertools reads its settings when first used.
  const saved = { ...process.env };
  Object.assign(process.env, subject.environment, { BRAND_CACHE_TTL_SECONDS: '3600' });
  try {
    return await floodInstance(freshInstance(subject.asset), subject);
  } finally {
    process.env = saved;
  }
}

async function floodInstance(handler: Authorizer, subject: JunkFloodSubject): Promise<{ junkFloodSlowdown: number; ddbReadsPerJunkId: number }> {
  await knownBrandRound(handler, subject); // every brand and the JWKS cached
  const before = await knownBrandRound(handler, subject);

  const token = await subject.freshToken();
  const reads = subject.proxy.count('GetItem');
  let next = 0;
  const flooder = async (): Promise<void> => {
    for (let i = next++; i < JUNK_IDS; i = next++) {
      await handler(subject.event(token, `junk-${i}`)).then(
        () => {
          throw new Error('a junk brand id was allowed');
        },
        () => undefined,
      );
    }
  };
  await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, flooder));
  const ddbReadsPerJunkId = (subject.proxy.count('GetItem') - reads) / JUNK_IDS;

  const after = await knownBrandRound(handler, subject);
  return { junkFloodSlowdown: after / before, ddbReadsPerJunkId };
}
