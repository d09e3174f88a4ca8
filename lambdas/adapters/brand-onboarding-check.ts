import { validatedAsJwt, type BrandConfig } from '../core/brand-config';
import { decodeUnverifiedJwt } from '../core/decode-unverified-jwt';
import { FetchStatusError, UpstreamError, type CiamGatewayError } from '../core/errors';
import { parseJwks } from '../core/jwks-cache';
import type { VerifiedToken } from '../core/verify-token';
import type { JsonFetcher, JsonPoster } from './bounded-fetch';
import type { BrandSecrets } from './brand-secrets';
import { createIntrospectionClient } from './introspection-client';
import { translateError } from './library-errors';
import { createOpaqueTokenValidation } from './opaque-token-validation';
import { createUserinfoClient } from './userinfo-client';
import { discoverProvider } from './oidc-discovery';
import { createBrandTokenVerifier } from './token-verification';

/**
 * Proves a brand config works before it goes live: discovery reachable and consistent, the JWKS fetched and
 * usable, the userinfo endpoint (if any) answering, the introspection endpoint (if any) accepting the gateway's client,
 * and optionally a sample token verified (or, opaque, asked about) exactly as the authorizer would. Each step reports its own outcome; one failing does not hide the others.
 */
export interface CheckStep {
  readonly step: 'discovery' | 'jwks' | 'userinfo' | 'introspection' | 'sample_token';
  readonly ok: boolean;
  readonly detail: string;
}

/** A token no CIAM issued: its introspection must answer `active: false`, which proves the client was accepted. */
const PROBE_TOKEN = 'ciam-gateway-onboarding-check-not-a-token';

/**
 * @param now epoch milliseconds, the sample token's clock. @default Date.now
 * @param secrets the brands' client secrets, for introspection
 */
export async function checkBrand(
  brand: BrandConfig,
  fetcher: JsonFetcher & JsonPoster,
  sampleToken?: string,
  now?: () => number,
  secrets?: BrandSecrets,
): Promise<CheckResult> {
  const settings = brand.introspection;
  const introspection = secrets === undefined ? undefined : createIntrospectionClient({ poster: fetcher, secrets });
  const validateOpaque = introspection && createOpaqueTokenValidation({ introspection, userinfo: createUserinfoClient({ fetcher }), now });
  const steps = [
    await step('discovery', async () => {
      const discovered = await discoverProvider(fetcher, { issuer: brand.issuer, ...(brand.discoveryUrl ? { discoveryUrl: brand.discoveryUrl } : {}) });
      if (discovered.jwksUri !== brand.jwksUri) throw new Error(`discovery publishes jwks_uri ${discovered.jwksUri}, config has ${brand.jwksUri}`);
      return `issuer and jwks_uri match ${brand.issuer}`;
    }),
    await step('jwks', async () => {
      const keys = parseJwks((await fetcher.getJson(brand.jwksUri)).body);
      const algs = [...new Set(keys.map((key) => key.alg ?? key.key.asymmetricKeyType ?? '?'))];
      return `${keys.length} usable signing key(s): ${algs.join(', ')}; brand accepts ${brand.algorithms.join(', ')}`;
    }),
    await step('userinfo', async () => {
      if (brand.userinfoEndpoint === undefined) return 'none configured: profiles come from the ID token';
      try {
        await fetcher.getJson(brand.userinfoEndpoint);
        return 'reachable (answered without a token)';
      } catch (err) {
        // Without a token a userinfo endpoint should refuse: that answer proves it is there.
        if (err instanceof FetchStatusError && (err.httpStatus === 401 || err.httpStatus === 403 || err.httpStatus === 400)) {
          return `reachable (answered ${err.httpStatus} without a token, as it should)`;
        }
        throw err;
      }
    }),
    ...(settings === undefined
      ? []
      : [
          await step('introspection', async () => {
            if (!introspection) throw new Error('no secrets to authenticate with');
            const answer = await introspection.introspect({ brandId: brand.brandId, introspection: settings }, PROBE_TOKEN);
            if (typeof answer !== 'object' || answer === null || (answer as { active?: unknown }).active !== false) {
              throw new Error('the endpoint did not answer a made-up token with {"active": false}');
            }
            return `reachable; client ${settings.clientId} accepted (${settings.authMethod}); a made-up token is inactive, as it should be`;
          }),
        ]),
    ...(sampleToken === undefined
      ? []
      : [
          await step('sample_token', async () => {
            const opaque = brand.opaqueValidation !== undefined && !validatedAsJwt(brand, sampleToken);
            if (!opaque) return describeSample(brand, await createBrandTokenVerifier({ fetcher, now })(decodeUnverifiedJwt(sampleToken), brand));
            if (!validateOpaque) throw new Error('no secrets to validate an opaque token with');
            return `opaque, ${brand.opaqueValidation} says: ${describeSample(brand, await validateOpaque(sampleToken, brand))}`;
          }),
        ]),
  ];
  return { ok: steps.every((s) => s.ok), steps };
}

function describeSample(brand: BrandConfig, verified: VerifiedToken): string {
  const missing = brand.requiredScopes.filter((scope) => !verified.scopes.has(scope));
  if (missing.length > 0) throw new Error(`valid ${verified.tokenType} token, but it lacks the brand's required scopes: ${missing.join(' ')}`);
  return `valid ${verified.tokenType} token for ${verified.principalType} ${verified.subject}, scopes: ${[...verified.scopes].join(' ') || '(none)'}`;
}

/** What a check found: every step, and whether all passed. */
export interface CheckResult {
  readonly ok: boolean;
  readonly steps: CheckStep[];
}

/**
 * The check of a draft that is not saved: completed by discovery as a save would (`complete`), then checked
 * (`check`). A draft whose discovery fails (unreachable, refused by the URI policy, not JSON) fails at the discovery
 * step, as a stored brand's would; a draft that is not a valid config is refused with every problem
 * (BRAND_CONFIG_INVALID), each at its field.
 */
export async function checkDraft(
  draft: Record<string, unknown>,
  complete: (body: Record<string, unknown>) => Promise<BrandConfig>,
  check: (brand: BrandConfig) => Promise<CheckResult>,
): Promise<CheckResult> {
  let brand: BrandConfig;
  try {
    brand = await complete(draft);
  } catch (err) {
    const error = translateError(err);
    if (!(error instanceof UpstreamError)) throw error;
    return { ok: false, steps: [failedStep('discovery', error)] };
  }
  return check(brand);
}

async function step(name: CheckStep['step'], run: () => Promise<string>): Promise<CheckStep> {
  try {
    return { step: name, ok: true, detail: await run() };
  } catch (err) {
    return failedStep(name, translateError(err));
  }
}

function failedStep(name: CheckStep['step'], error: CiamGatewayError): CheckStep {
  return { step: name, ok: false, detail: error.code === 'INTERNAL' ? error.message : `${error.code}: ${error.message}` };
}
