import { readFile } from 'node:fs/promises';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toBrandItem } from '../../lambdas/adapters/brand-item';
import { parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { brandSecretPrefix } from '../../lambdas/core/brand-config';
import { DEMO_AUDIENCE, DEMO_CLIENT, DEMO_INTROSPECTION_CLIENT, DEMO_OPAQUE_AUDIENCE, DEMO_OPAQUE_CLIENT, type DemoCiam } from './demo-ciam';

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

export const DEMO_OPAQUE_BRAND_ID = 'demo-opaque';
/** Where local mode's secrets file names the gateway's introspection secret at the demo CIAM (stage `local`). */
export const DEMO_OPAQUE_SECRET_REF = `${brandSecretPrefix('local', DEMO_OPAQUE_BRAND_ID)}introspection`;

/**
 * A brand whose app gets opaque access tokens from the demo CIAM: the gateway asks the demo CIAM about each one
 * (RFC 7662 introspection, as its own client), with the secret local mode writes to its secrets file.
 */
export function demoOpaqueBrand(ciam: DemoCiam): BrandConfig {
  return parseBrandConfig(
    {
      brandId: DEMO_OPAQUE_BRAND_ID,
      displayName: 'Demo brand, opaque access tokens',
      provider: 'generic-oidc',
      issuer: ciam.issuer,
      jwksUri: ciam.jwksUri,
      userinfoEndpoint: ciam.userinfoEndpoint,
      applicationId: 'demo-opaque-app',
      clientId: DEMO_OPAQUE_CLIENT.clientId,
      audiences: [DEMO_OPAQUE_AUDIENCE],
      requiredScopes: ['loyalty'],
      tokenFormat: 'opaque',
      introspection: {
        endpoint: ciam.introspectionEndpoint,
        clientId: DEMO_INTROSPECTION_CLIENT.clientId,
        clientSecretRef: DEMO_OPAQUE_SECRET_REF,
        authMethod: 'client_secret_basic',
      },
    },
    LOCAL_URI_POLICY,
  );
}

/** The secrets local mode's functions read (LOCAL_SECRETS_FILE): the demo brands' beside the developer's own. */
export function demoSecrets(): Record<string, string> {
  return { [DEMO_OPAQUE_SECRET_REF]: DEMO_INTROSPECTION_CLIENT.clientSecret };
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
