import type { BrandConfig } from '../core/brand-config';
import { InternalError } from '../core/errors';
import { checkIntrospectionAnswer, checkUserinfoAnswer } from '../core/opaque-token-answer';
import { cachedOpaqueTokenValidator, type OpaqueTokenValidator } from '../core/opaque-token-cache';
import type { IntrospectionClient } from './introspection-client';
import { translateError } from './library-errors';
import { isDependencyFailure, observability as defaultObservability, type Observability } from './observability';
import type { UserinfoClient } from './userinfo-client';

/**
 * Opaque tokens as the authorizer (and the onboarding check) validate them: the brand's introspection endpoint or its
 * userinfo endpoint, the answer checked by the brand's rules, through the hash-keyed, single-flight cache. Build it
 * once per container: the cache is what spares the CIAM.
 *
 * Each call to the CIAM (never a cached answer) is timed under its brand, `IntrospectionLatency` or `UserinfoLatency`,
 * and a call the CIAM failed to answer (unreachable, 5xx, an unreadable answer; not a token it refused) is counted as
 * `IntrospectionErrors` or `UserinfoErrors`.
 */
export function createOpaqueTokenValidation(props: {
  readonly introspection: IntrospectionClient;
  readonly userinfo: UserinfoClient;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** @default Powertools EMF metrics */
  readonly observability?: Pick<Observability, 'recordBrandMetric'>;
}): OpaqueTokenValidator {
  const now = props.now ?? Date.now;
  const report = props.observability ?? defaultObservability;
  const timed = async <T>(endpoint: 'Introspection' | 'Userinfo', brand: string, call: () => Promise<T>): Promise<T> => {
    const startedAt = now();
    try {
      return await call();
    } catch (err) {
      if (isDependencyFailure(translateError(err))) report.recordBrandMetric?.({ name: `${endpoint}Errors`, brand });
      throw err;
    } finally {
      report.recordBrandMetric?.({ name: `${endpoint}Latency`, brand, milliseconds: now() - startedAt });
    }
  };
  return cachedOpaqueTokenValidator({ validate: (token, brand) => askCiam(props, timed, token, brand, now() / 1000), now });
}

type Timed = <T>(endpoint: 'Introspection' | 'Userinfo', brand: string, call: () => Promise<T>) => Promise<T>;

async function askCiam(
  props: { readonly introspection: IntrospectionClient; readonly userinfo: UserinfoClient },
  timed: Timed,
  token: string,
  brand: BrandConfig,
  nowSeconds: number,
) {
  const { brandId, introspection, userinfoEndpoint } = brand;
  if (brand.opaqueValidation === 'userinfo' && userinfoEndpoint !== undefined) {
    const answer = await timed('Userinfo', brandId, () => props.userinfo.fetchUserinfo({ brandId, userinfoEndpoint }, token, null));
    return checkUserinfoAnswer(answer, brand, nowSeconds);
  }
  if (brand.opaqueValidation === 'introspection' && introspection !== undefined) {
    return checkIntrospectionAnswer(await timed('Introspection', brandId, () => props.introspection.introspect({ brandId, introspection }, token)), brand, nowSeconds);
  }
  // parseBrandConfig never lets this through.
  throw new InternalError(`brand ${brandId} takes opaque tokens but has no way to validate them`);
}
