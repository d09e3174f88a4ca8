import { clientSecretRefProblem, parseBrandConfig, validatedAsJwt } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { minimalBrandInput } from './fixtures';

const PUBLIC = { allowLoopbackHttp: false };
const INTROSPECTION = {
  endpoint: 'https://login.brand-a.example/introspect',
  clientId: 'gateway',
  clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection',
  authMethod: 'client_secret_post',
};

function problemsOf(overrides: Record<string, unknown>): readonly string[] {
  try {
    parseBrandConfig(minimalBrandInput(overrides), PUBLIC);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as ConfigValidationError).problems;
  }
  throw new Error('parseBrandConfig accepted the input');
}

describe('parseBrandConfig: opaque tokens', () => {
  it('leaves a JWT brand as it was: no opaque settings, tokenFormat jwt by default', () => {
    const config = parseBrandConfig(minimalBrandInput(), PUBLIC);
    expect(config).not.toHaveProperty('tokenFormat');
    expect(config).not.toHaveProperty('opaqueValidation');
    expect(config).not.toHaveProperty('introspectionCacheTtlSeconds');
    expect(validatedAsJwt(config, 'anything')).toBe(true);
  });

  it('defaults opaqueValidation to introspection when introspection is set, and the cache TTL to 60 s', () => {
    expect(parseBrandConfig(minimalBrandInput({ tokenFormat: 'opaque', introspection: INTROSPECTION }), PUBLIC)).toMatchObject({
      tokenFormat: 'opaque', opaqueValidation: 'introspection', introspection: INTROSPECTION, introspectionCacheTtlSeconds: 60,
    });
  });

  it('defaults opaqueValidation to userinfo without introspection, and authMethod to client_secret_basic', () => {
    expect(parseBrandConfig(minimalBrandInput({ tokenFormat: 'auto' }), PUBLIC)).toMatchObject({ opaqueValidation: 'userinfo' });
    const { authMethod: _method, ...basic } = INTROSPECTION;
    expect(parseBrandConfig(minimalBrandInput({ tokenFormat: 'auto', introspection: basic }), PUBLIC).introspection?.authMethod).toBe('client_secret_basic');
  });

  it('sends three base64url parts to JWT with auto, anything else to opaque; everything to opaque with opaque', () => {
    const auto = parseBrandConfig(minimalBrandInput({ tokenFormat: 'auto' }), PUBLIC);
    expect(validatedAsJwt(auto, 'eyJh.eyJz.c2ln')).toBe(true);
    expect(validatedAsJwt(auto, 'eyJh.eyJz.')).toBe(true);
    expect(validatedAsJwt(auto, 'QmFzZTY0IG9wYXF1ZSB0b2tlbiB2YWx1ZQ')).toBe(false);
    expect(validatedAsJwt(auto, 'a.b.c.d')).toBe(false);
    expect(validatedAsJwt(auto, 'a+b.c/d.e')).toBe(false);
    const opaque = parseBrandConfig(minimalBrandInput({ tokenFormat: 'opaque', introspection: INTROSPECTION }), PUBLIC);
    expect(validatedAsJwt(opaque, 'eyJh.eyJz.c2ln')).toBe(false);
  });

  it.each([
    [{ tokenFormat: 'JWT' }, 'tokenFormat: must be one of jwt, opaque, auto'],
    [{ tokenFormat: 'opaque', userinfoEndpoint: undefined }, 'opaqueValidation: introspection needs introspection settings (or a userinfoEndpoint and opaqueValidation userinfo)'],
    [{ tokenFormat: 'opaque', opaqueValidation: 'userinfo', userinfoEndpoint: undefined, introspection: INTROSPECTION }, 'opaqueValidation: userinfo needs a userinfoEndpoint'],
    [{ tokenFormat: 'opaque', opaqueValidation: 'jwks', introspection: INTROSPECTION }, 'opaqueValidation: must be one of introspection, userinfo'],
    [{ tokenFormat: 'opaque', introspectionCacheTtlSeconds: 3601 }, 'introspectionCacheTtlSeconds: must be an integer from 0 to 3600'],
    [{ introspection: 'https://login.brand-a.example/introspect' }, 'introspection: must be an object { endpoint, clientId, clientSecretRef, authMethod }'],
    [{ introspection: { ...INTROSPECTION, endpoint: 'http://169.254.169.254/introspect' } }, expect.stringMatching(/^introspection\.endpoint: /)],
    [{ introspection: { ...INTROSPECTION, clientId: '' } }, 'introspection.clientId: required, a non-empty string of at most 256 characters'],
    [{ introspection: { ...INTROSPECTION, authMethod: 'private_key_jwt' } }, 'introspection.authMethod: must be one of client_secret_basic, client_secret_post'],
    [{ introspection: { ...INTROSPECTION, clientSecret: 's3cret' } }, 'introspection.clientSecret: unknown field'],
    [{ introspection: { ...INTROSPECTION, clientSecretRef: 'ciam-gateway/prod/brands/brand-b/introspection' } }, 'introspection.clientSecretRef: must be a secret name under ciam-gateway/<stage>/brands/brand-a/'],
  ])('refuses %p', (overrides, problem) => {
    expect(problemsOf(overrides)).toEqual([problem]);
  });

  it.each([
    'ciam-gateway/prod/brands/brand-a/introspection',
    'ciam-gateway/dev-2/brands/brand-a/janrain/client_secret',
  ])('takes the brand\'s own secret %p', (ref) => {
    expect(clientSecretRefProblem(ref, 'brand-a')).toBeUndefined();
  });

  it.each([
    'ciam-gateway/prod/brands/brand-b/introspection',
    'ciam-gateway/prod/brands/brand-a/',
    'ciam-gateway/prod/brands/brand-a',
    'ciam-gateway/prod/brands/brand-ab/x',
    'ciam-gateway/prod/brands/brand-a//x',
    'other/prod/brands/brand-a/x',
    'ciam-gateway/Prod/brands/brand-a/x',
    'ciam-gateway/prod/brands/brand-a/x y',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ciam-gateway/prod/brands/brand-a/x',
    42,
  ])('refuses the secret reference %p', (ref) => {
    expect(clientSecretRefProblem(ref, 'brand-a')).toBe('must be a secret name under ciam-gateway/<stage>/brands/brand-a/');
  });
});
