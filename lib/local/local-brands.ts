import { readFile } from 'node:fs/promises';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toBrandItem } from '../../lambdas/adapters/brand-item';
import { parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { DEMO_AUDIENCE, DEMO_CLIENT, type DemoCiam } from './demo-ciam';

/** The brands local mode starts with: `demo`, which trusts the demo CIAM, and those of LOCAL_BRANDS_FILE. */

export const DEMO_BRAND_ID = 'demo';
/**
 * The gateway's OpenID Connect back-channel logout receiver for the demo brand (`POST /v1/brands/{brandId}/backchannel-logout`),
 * which the demo CIAM's client registers.
 */
export function demoBackchannelLogoutUri(gatewayUrl: string): string {
  return `${gatewayUrl}/v1/brands/${DEMO_BRAND_ID}/backchannel-logout`;
}

/** Local mode's brands may use http://127.0.0.1 URIs, as its functions do (ALLOW_LOOPBACK_HTTP). */
const LOCAL_URI_POLICY = { allowLoopbackHttp: true };

export function demoBrand(ciam: DemoCiam): BrandConfig {
  return parseBrandConfig(
    {
      brandId: DEMO_BRAND_ID,
      displayName: 'Demo brand',
      provider: 'generic-oidc',
      issuer: ciam.issuer,
      jwksUri: ciam.jwksUri,
      userinfoEndpoint: ciam.userinfoEndpoint,
      applicationId: 'demo-app',
      clientId: DEMO_CLIENT.clientId,
      audiences: [DEMO_AUDIENCE],
      requiredScopes: ['loyalty'],
    },
    LOCAL_URI_POLICY,
  );
}

/** A JSON array of brand configs, each validated like any brand config; every problem is named at once. */
export async function readBrandsFile(path: string): Promise<BrandConfig[]> {
  let brands: unknown;
  try {
    brands = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigValidationError('BRAND_CONFIG_INVALID', [`${path}: ${(err as Error).message}`]);
  }
  if (!Array.isArray(brands)) throw new ConfigValidationError('BRAND_CONFIG_INVALID', [`${path}: must be a JSON array of brand configs`]);
  const problems: string[] = [];
  const parsed = brands.flatMap((brand, i) => {
    try {
      return [parseBrandConfig(brand, LOCAL_URI_POLICY)];
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      problems.push(...err.problems.map((problem) => `${path} [${i}]: ${problem}`));
      return [];
    }
  });
  if (problems.length > 0) throw new ConfigValidationError('BRAND_CONFIG_INVALID', problems);
  return parsed;
}

/** Writes each brand as version 1, in the table's item format, as if the admin API had created it. */
export async function seedBrands(documents: DynamoDBDocumentClient, tableName: string, brands: readonly BrandConfig[], now: () => number): Promise<void> {
  const updatedAt = new Date(now()).toISOString();
  for (const config of brands) {
    await documents.send(new PutCommand({ TableName: tableName, Item: toBrandItem({ config, version: 1, updatedAt, updatedBy: 'local-mode' }) }));
  }
}
