import type { JsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { createBrandTokenVerifier } from '../../lambdas/adapters/token-verification';
import { decodeUnverifiedJwt } from '../../lambdas/core/decode-unverified-jwt';
import { TokenError } from '../../lambdas/core/errors';
import { makeKey, signToken, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeClock, JWKS_URI, NOW } from './fixtures';

/** A JWKS endpoint in memory, counting its fetches. */
function jwksFetcher(keys: readonly TestKey[]): JsonFetcher & { readonly urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    getJson: async (url) => {
      urls.push(url);
      return { status: 200, body: { keys: keys.map((key) => key.jwk) } };
    },
  };
}

describe('createBrandTokenVerifier', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('k1');
  });

  it('verifies with a key fetched from the brand jwksUri, and fetches it once', async () => {
    const fetcher = jwksFetcher([key]);
    const clock = fakeClock();
    const verify = createBrandTokenVerifier({ fetcher, now: clock.now });
    const token = decodeUnverifiedJwt(await signToken(key, claimsAt()));

    await expect(verify(token, brand())).resolves.toMatchObject({ subject: 'user-1', tokenType: 'access' });
    await verify(token, brand());
    expect(fetcher.urls).toEqual([JWKS_URI]);
  });

  it('judges token lifetime by the injected clock', async () => {
    const clock = fakeClock();
    const verify = createBrandTokenVerifier({ fetcher: jwksFetcher([key]), now: clock.now });
    const token = decodeUnverifiedJwt(await signToken(key, claimsAt({ exp: NOW + 300 })));
    clock.set((NOW + 300 + 61) * 1000); // past exp and the default 60 s tolerance

    const refused = verify(token, brand());
    await expect(refused).rejects.toBeInstanceOf(TokenError);
    await expect(refused).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refetches an unknown kid once, then no sooner than the cooldown on the injected clock', async () => {
    const fetcher = jwksFetcher([key]);
    const clock = fakeClock();
    const verify = createBrandTokenVerifier({ fetcher, cooldownMs: 5_000, now: clock.now });
    const other = await makeKey('k2');
    const stranger = decodeUnverifiedJwt(await signToken(other, claimsAt()));

    await expect(verify(stranger, brand())).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' }); // the first fetch
    await expect(verify(stranger, brand())).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' }); // one unknown-kid refetch
    await expect(verify(stranger, brand())).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(fetcher.urls).toHaveLength(2);
    clock.advance(5_000);
    await expect(verify(stranger, brand())).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(fetcher.urls).toHaveLength(3);
  });
});
