/**
 * The onboarding check of a brand without a userinfo endpoint (its profiles come from ID tokens), against a CIAM on
 * 127.0.0.1 through the real bounded fetcher: the userinfo step passes without any request, and the other steps run
 * as for any brand.
 */
import { createJsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { checkBrand } from '../../lambdas/adapters/brand-onboarding-check';
import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey } from '../support/tokens';

const LOCAL = { allowLoopbackHttp: true };
let ciam: TestHttpServer;

beforeAll(async () => {
  ciam = await TestHttpServer.start();
});

afterAll(async () => {
  await ciam?.stop();
});

it('passes the userinfo step of a brand without userinfo without asking anything, and checks the rest', async () => {
  const issuer = ciam.url('/pool');
  const key = await makeKey('k1');
  ciam
    .on('/pool/.well-known/openid-configuration', { kind: 'json', body: { issuer, jwks_uri: `${issuer}/jwks` } })
    .on('/pool/jwks', { kind: 'json', body: { keys: [key.jwk] } });
  const brand = parseBrandConfig({
    brandId: 'pool', displayName: 'Pool', provider: 'cognito', issuer, jwksUri: `${issuer}/jwks`, applicationId: 'pool', clientId: 'web', audiences: ['web'],
  }, LOCAL);
  expect(brand.profileSource).toBe('id_token');

  const result = await checkBrand(brand, createJsonFetcher({ policy: LOCAL, limits: { timeoutMs: 1000, maxBytes: 64 * 1024 } }));
  expect(result).toEqual({
    ok: true,
    steps: [
      { step: 'discovery', ok: true, detail: `issuer and jwks_uri match ${issuer}` },
      { step: 'jwks', ok: true, detail: '1 usable signing key(s): RS256; brand accepts RS256' },
      { step: 'userinfo', ok: true, detail: 'none configured: profiles come from the ID token' },
    ],
  });
  expect(ciam.totalHits()).toBe(2);
});
