import type { BrandConfig } from '../core/brand-config';
import { InternalError } from '../core/errors';
import { checkIntrospectionAnswer, checkUserinfoAnswer } from '../core/opaque-token-answer';
import { cachedOpaqueTokenValidator, type OpaqueTokenValidator } from '../core/opaque-token-cache';
import type { IntrospectionClient } from './introspection-client';
import type { UserinfoClient } from './userinfo-client';

/**
 * Opaque tokens as the authorizer (and the onboarding check) validate them: the brand's introspection endpoint or its
 * userinfo endpoint, the answer checked by the brand's rules, through the hash-keyed, single-flight cache. Build it
 * once per container: the cache is what spares the CIAM.
 */
export function createOpaqueTokenValidation(props: {
  readonly introspection: IntrospectionClient;
  readonly userinfo: UserinfoClient;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}): OpaqueTokenValidator {
  const now = props.now ?? Date.now;
  return cachedOpaqueTokenValidator({ validate: (token, brand) => askCiam(props, token, brand, now() / 1000), now });
}

async function askCiam(
  props: { readonly introspection: IntrospectionClient; readonly userinfo: UserinfoClient },
  token: string,
  brand: BrandConfig,
  nowSeconds: number,
) {
  const { brandId, introspection, userinfoEndpoint } = brand;
  if (brand.opaqueValidation === 'userinfo' && userinfoEndpoint !== undefined) {
    return checkUserinfoAnswer(await props.userinfo.fetchUserinfo({ brandId, userinfoEndpoint }, token, null), brand, nowSeconds);
  }
  if (brand.opaqueValidation === 'introspection' && introspection !== undefined) {
    return checkIntrospectionAnswer(await props.introspection.introspect({ brandId, introspection }, token), brand, nowSeconds);
  }
  // parseBrandConfig never lets this through.
  throw new InternalError(`brand ${brandId} takes opaque tokens but has no way to validate them`);
}
