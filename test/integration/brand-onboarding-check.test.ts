/**
 * The onboarding check of a brand without a userinfo endpoint (its profiles come from ID tokens), against a CIAM on
 * 127.0.0.1 through the real bounded fetcher: the userinfo step passes without any request, and the other steps run
 * as for any brand.
 */
import { createJsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { checkBrand } from '../../lambdas/adapters/brand-onboarding-check';
import { cachedBrandSecrets } from '../../lambdas/adapters/brand-secrets';
import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { IntrospectionServer } from '../support/introspection-server';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey } from '../support/tokens';

const LOCAL = { allowLoopbackHttp: true };
let ciam: TestHttpServer;
let introspection: IntrospectionServer;

beforeAll(async () => {
  [ciam, introspection] = await Promise.all([TestHttpServer.start(), IntrospectionServer.start('gateway', 'the-secret')]);
});

afterAll(async () => {
  await Promise.all([ciam?.stop(), introspection?.stop()]);
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

describe('a brand with opaque tokens', () => {
  const SECRET_REF = 'ciam-gateway/local/brands/opaque/introspection';
  const fetcher = () => createJsonFetcher({ policy: LOCAL, limits: { timeoutMs: 1000, maxBytes: 64 * 1024 } });
  const secrets = (secret: string) => cachedBrandSecrets({ read: async () => secret, stage: 'local' });

  async function opaqueBrand() {
    const issuer = ciam.url('/opaque');
    const key = await makeKey('k2');
    ciam
      .on('/opaque/.well-known/openid-configuration', { kind: 'json', body: { issuer, jwks_uri: `${issuer}/jwks` } })
      .on('/opaque/jwks', { kind: 'json', body: { keys: [key.jwk] } });
    return parseBrandConfig({
      brandId: 'opaque', displayName: 'Opaque', provider: 'generic-oidc', issuer, jwksUri: `${issuer}/jwks`, applicationId: 'app', clientId: 'app', audiences: ['api'],
      requiredScopes: ['loyalty'], tokenFormat: 'opaque', introspection: { endpoint: introspection.endpoint, clientId: 'gateway', clientSecretRef: SECRET_REF },
    }, LOCAL);
  }

  it('checks that the introspection endpoint accepts the gateway\'s client, and asks it about the sample token', async () => {
    const brand = await opaqueBrand();
    introspection.answers.set('sample-opaque-token-0123456789', { sub: 'user-1', client_id: 'app', scope: 'openid loyalty', exp: Math.floor(Date.now() / 1000) + 300 });
    const result = await checkBrand(brand, fetcher(), 'sample-opaque-token-0123456789', undefined, secrets('the-secret'));
    expect(result.ok).toBe(true);
    expect(result.steps.slice(3)).toEqual([
      { step: 'introspection', ok: true, detail: 'reachable; client gateway accepted (client_secret_basic); a made-up token is inactive, as it should be' },
      { step: 'sample_token', ok: true, detail: 'opaque, introspection says: valid access token for customer user-1, scopes: openid loyalty' },
    ]);
  });

  it('fails the introspection step when the CIAM refuses the client, and names no secret', async () => {
    const result = await checkBrand(await opaqueBrand(), fetcher(), undefined, undefined, secrets('a-wrong-secret'));
    expect(result.ok).toBe(false);
    const failed = result.steps.find((s) => s.step === 'introspection');
    expect(failed).toMatchObject({ ok: false, detail: expect.stringMatching(/^INTROSPECTION_CLIENT_REFUSED: /) });
    expect(JSON.stringify(result)).not.toContain('a-wrong-secret');
  });

  it('fails the sample step for an inactive sample token', async () => {
    const result = await checkBrand(await opaqueBrand(), fetcher(), 'revoked-opaque-token-0123456789', undefined, secrets('the-secret'));
    expect(result.steps.at(-1)).toEqual({ step: 'sample_token', ok: false, detail: 'TOKEN_INACTIVE: the CIAM says the token is not active' });
  });
});
