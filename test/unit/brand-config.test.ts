import { isBrandIssuer, parseBrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { ISSUER, minimalBrandInput } from './fixtures';

const PUBLIC = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };

/** The problems parseBrandConfig reports, or fails the test if it accepted the input. */
function problemsOf(input: unknown, policy = PUBLIC): readonly string[] {
  try {
    parseBrandConfig(input, policy);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toMatchObject({ code: 'BRAND_CONFIG_INVALID' });
    return (err as ConfigValidationError).problems;
  }
  throw new Error('parseBrandConfig accepted the input');
}

describe('parseBrandConfig', () => {
  it('gives a minimal valid config the documented defaults', () => {
    expect(parseBrandConfig(minimalBrandInput(), PUBLIC)).toEqual({
      ...minimalBrandInput(),
      additionalIssuers: [],
      profileSource: 'userinfo',
      status: 'active',
      acceptedTokenTypes: ['access'],
      algorithms: ['RS256'],
      requiredScopes: [],
      clockToleranceSeconds: 60,
      maxTokenAgeSeconds: 86_400,
      fieldMappings: {},
      tier: 'standard',
    });
  });

  it('takes a tier name, and refuses one that is no tier name', () => {
    expect(parseBrandConfig({ ...minimalBrandInput(), tier: 'premium' }, PUBLIC).tier).toBe('premium');
    expect(() => parseBrandConfig({ ...minimalBrandInput(), tier: 'Premium!' }, PUBLIC)).toThrow('tier: must match');
    expect(() => parseBrandConfig({ ...minimalBrandInput(), tier: 3 }, PUBLIC)).toThrow('tier: must match');
  });

  it('keeps explicit settings', () => {
    const config = parseBrandConfig(
      minimalBrandInput({
        status: 'disabled', provider: 'auth0', acceptedTokenTypes: ['access', 'id'], algorithms: ['PS256', 'ES256', 'EdDSA'],
        requiredScopes: ['loyalty:read'], clockToleranceSeconds: 300, maxTokenAgeSeconds: 3600,
        discoveryUrl: 'https://login.brand-a.example/.well-known/openid-configuration',
      }),
      PUBLIC,
    );
    expect(config).toMatchObject({
      status: 'disabled', provider: 'auth0', acceptedTokenTypes: ['access', 'id'], algorithms: ['PS256', 'ES256', 'EdDSA'],
      requiredScopes: ['loyalty:read'], clockToleranceSeconds: 300, maxTokenAgeSeconds: 3600,
      discoveryUrl: 'https://login.brand-a.example/.well-known/openid-configuration',
    });
  });

  it.each([null, 'brand-a', [], 42])('refuses a non-object (%p) with one problem', (input) => {
    expect(problemsOf(input)).toEqual(['brand config must be a JSON object']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      brandId: 'Brand A',
      provider: 'okta',
      issuer: 'http://login.brand-a.example/',
      jwksUri: 'https://10.0.0.1/jwks',
      applicationId: '',
      audiences: [],
      algorithms: ['HS256'],
      clockToleranceSeconds: 301,
      fieldMappings: { nickname: 'nick' },
      colour: 'red',
      profileSource: 'userinfo',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'colour: unknown field',
        'brandId: must match [a-z0-9-]{2,64}',
        'fieldMappings.nickname: unknown field (allowed: firstName, lastName, mobile, email)',
        'displayName: required, a non-empty string of at most 128 characters',
        expect.stringMatching(/^provider: must be one of /),
        'issuer: must be https',
        'jwksUri: must not point at a private, loopback or link-local host',
        'profileSource: userinfo needs a userinfoEndpoint',
        'applicationId: required, a non-empty string of at most 256 characters',
        'clientId: required, a non-empty string of at most 256 characters',
        expect.stringMatching(/^audiences: must be a list of 1 to 32/),
        expect.stringMatching(/^algorithms: must be a list of 1 to 32 of RS256/),
        'clockToleranceSeconds: must be an integer from 0 to 300',
      ]),
    );
    expect(problems).toHaveLength(13);
  });

  it.each(['ab', 'brand-a', 'x'.repeat(64), '0-9'])('accepts brandId %p', (brandId) => {
    expect(parseBrandConfig(minimalBrandInput({ brandId }), PUBLIC).brandId).toBe(brandId);
  });

  it.each(['a', 'Brand-A', 'brand_a', 'brand a', 'x'.repeat(65), '../etc', 42, undefined])('refuses brandId %p', (brandId) => {
    expect(problemsOf(minimalBrandInput({ brandId }))).toEqual(['brandId: must match [a-z0-9-]{2,64}']);
  });

  it.each([
    [0, true], [300, true], [301, false], [-1, false], [1.5, false], ['60', false],
  ])('clockToleranceSeconds %p accepted: %p', (clockToleranceSeconds, ok) => {
    const input = minimalBrandInput({ clockToleranceSeconds });
    if (ok) expect(parseBrandConfig(input, PUBLIC).clockToleranceSeconds).toBe(clockToleranceSeconds);
    else expect(problemsOf(input)).toEqual(['clockToleranceSeconds: must be an integer from 0 to 300']);
  });

  it.each([59, 7 * 86_400 + 1])('refuses maxTokenAgeSeconds %p', (maxTokenAgeSeconds) => {
    expect(problemsOf(minimalBrandInput({ maxTokenAgeSeconds }))).toEqual(['maxTokenAgeSeconds: must be an integer from 60 to 604800']);
  });

  it.each([['HS256'], ['none'], ['RS256', 'HS256'], ['rs256']])('refuses algorithms %p', (...algorithms) => {
    expect(problemsOf(minimalBrandInput({ algorithms }))).toEqual([expect.stringMatching(/^algorithms: must be a list of 1 to 32 of /)]);
  });

  it('refuses an empty algorithm list and duplicates', () => {
    expect(problemsOf(minimalBrandInput({ algorithms: [] }))).toEqual([expect.stringMatching(/^algorithms: must be a list/)]);
    expect(problemsOf(minimalBrandInput({ algorithms: ['RS256', 'RS256'] }))).toEqual(['algorithms: has duplicates']);
  });

  it('refuses unknown token types and bad scope tokens', () => {
    expect(problemsOf(minimalBrandInput({ acceptedTokenTypes: ['refresh'] }))).toEqual([expect.stringMatching(/^acceptedTokenTypes: /)]);
    expect(problemsOf(minimalBrandInput({ requiredScopes: ['has space'] }))).toEqual([expect.stringMatching(/^requiredScopes: /)]);
    expect(problemsOf(minimalBrandInput({ requiredScopes: ['quote"d'] }))).toEqual([expect.stringMatching(/^requiredScopes: /)]);
  });

  it.each(['status', 'provider'])('refuses an unknown %s', (field) => {
    expect(problemsOf(minimalBrandInput({ [field]: 'other' }))).toEqual([expect.stringMatching(new RegExp(`^${field}: must be one of `))]);
  });

  it('refuses an unknown top-level field, even a harmless-looking one', () => {
    expect(problemsOf(minimalBrandInput({ jku: 'https://attacker.example/jwks' }))).toEqual(['jku: unknown field']);
  });

  describe('fieldMappings', () => {
    it('accepts claim names and dot paths', () => {
      const fieldMappings = { firstName: 'given_name', mobile: 'contact.phone', email: 'ns:email', lastName: 'a.b.c.d.e' };
      expect(parseBrandConfig(minimalBrandInput({ fieldMappings }), PUBLIC).fieldMappings).toEqual(fieldMappings);
    });

    it('refuses an unknown customer field', () => {
      expect(problemsOf(minimalBrandInput({ fieldMappings: { password: 'pwd' } }))).toEqual([
        'fieldMappings.password: unknown field (allowed: firstName, lastName, mobile, email)',
      ]);
    });

    it.each(['', 'a..b', '.a', 'a.', 'a b', 'a.b.c.d.e.f', 'x'.repeat(65), 'a[0]', 42])('refuses the path %p', (path) => {
      expect(problemsOf(minimalBrandInput({ fieldMappings: { firstName: path } }))).toEqual([
        'fieldMappings.firstName: must be a claim name or dot path',
      ]);
    });

    it.each([[['given_name']], ['given_name'], [42]])('refuses a non-object %p', (fieldMappings) => {
      expect(problemsOf(minimalBrandInput({ fieldMappings }))).toEqual(['fieldMappings: must be an object']);
    });
  });

  describe('URIs', () => {
    it('refuses http unless loopback is allowed and the host is loopback', () => {
      const http = { jwksUri: 'http://127.0.0.1:8080/jwks' };
      expect(problemsOf(minimalBrandInput(http))).toEqual(['jwksUri: must be https']);
      expect(parseBrandConfig(minimalBrandInput(http), LOCAL).jwksUri).toBe(http.jwksUri);
      expect(problemsOf(minimalBrandInput({ jwksUri: 'http://login.brand-a.example/jwks' }), LOCAL)).toEqual(['jwksUri: must be https']);
    });

    it.each(['issuer', 'jwksUri', 'userinfoEndpoint', 'discoveryUrl'])('checks %s', (field) => {
      expect(problemsOf(minimalBrandInput({ [field]: 'https://169.254.169.254/latest/meta-data/' }))).toEqual([
        `${field}: must not point at a private, loopback or link-local host`,
      ]);
    });

    it.each([
      ['https://10.0.0.1/jwks', false], ['https://169.254.169.254/jwks', false], ['https://[fd00::1]/jwks', false],
      ['https://100.64.0.1/jwks', false], ['https://foo.internal/jwks', false],
      ['https://[::1]/jwks', true], ['https://localhost/jwks', true], ['https://0x7f.1/jwks', true], ['http://2130706433/jwks', true],
    ])('refuses the private host in %s (allowed with loopback http: %p)', (jwksUri, loopback) => {
      expect(problemsOf(minimalBrandInput({ jwksUri }))).toEqual([expect.stringMatching(/^jwksUri: must (be https|not point at a private)/)]);
      if (loopback) expect(parseBrandConfig(minimalBrandInput({ jwksUri }), LOCAL).jwksUri).toBe(jwksUri);
      else expect(problemsOf(minimalBrandInput({ jwksUri }), LOCAL)).toEqual(['jwksUri: must not point at a private, loopback or link-local host']);
    });

    it.each(['https://8.8.8.8/jwks', 'https://[2606:4700::1]/jwks'])('accepts the public IP literal %s', (jwksUri) => {
      expect(parseBrandConfig(minimalBrandInput({ jwksUri }), PUBLIC).jwksUri).toBe(jwksUri);
    });

    it('refuses a URI that is not a string', () => {
      expect(problemsOf(minimalBrandInput({ issuer: { href: 'https://login.brand-a.example/' } }))).toEqual(['issuer: required, a URI']);
    });
  });

  describe('issuers', () => {
    const GLOBAL = 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz';

    it('keeps a config with the single issuer of old valid, with no additional issuer', () => {
      expect(parseBrandConfig(minimalBrandInput(), PUBLIC)).toMatchObject({ issuer: ISSUER, additionalIssuers: [] });
    });

    it('accepts more issuers, each checked as a brand URI, none repeated', () => {
      expect(parseBrandConfig(minimalBrandInput({ additionalIssuers: [GLOBAL] }), PUBLIC).additionalIssuers).toEqual([GLOBAL]);
      expect(problemsOf(minimalBrandInput({ additionalIssuers: ['http://login.brand-a.example/', 'https://10.0.0.1/'] }))).toEqual([
        'additionalIssuers[0]: must be https',
        'additionalIssuers[1]: must not point at a private, loopback or link-local host',
      ]);
      expect(problemsOf(minimalBrandInput({ additionalIssuers: [ISSUER] }))).toEqual(['additionalIssuers: repeats an issuer']);
      expect(problemsOf(minimalBrandInput({ additionalIssuers: [GLOBAL, GLOBAL] }))).toEqual(['additionalIssuers: repeats an issuer']);
    });

    it.each<[string, unknown]>([
      ['a single string', GLOBAL],
      ['nine issuers', Array.from({ length: 9 }, (_, i) => `${GLOBAL}${i}`)],
    ])('refuses additionalIssuers as %s', (_case, additionalIssuers) => {
      expect(problemsOf(minimalBrandInput({ additionalIssuers }))).toEqual(['additionalIssuers: must be a list of at most 8 issuer URIs']);
    });

    it('matches iss against each issuer exactly: no trailing-slash or case folding', () => {
      const b = parseBrandConfig(minimalBrandInput({ additionalIssuers: [GLOBAL] }), PUBLIC);
      for (const iss of [ISSUER, GLOBAL]) expect(isBrandIssuer(b, iss)).toBe(true);
      for (const iss of [ISSUER.slice(0, -1), `${GLOBAL}/`, GLOBAL.toUpperCase(), 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz', '']) {
        expect(isBrandIssuer(b, iss)).toBe(false);
      }
    });
  });

  describe('profile source', () => {
    const { userinfoEndpoint: _userinfo, ...withoutUserinfo } = minimalBrandInput();

    it('reads userinfo when the brand has an endpoint, the ID token when it has none', () => {
      expect(parseBrandConfig(minimalBrandInput(), PUBLIC).profileSource).toBe('userinfo');
      const config = parseBrandConfig(withoutUserinfo, PUBLIC);
      expect(config.profileSource).toBe('id_token');
      expect(config).not.toHaveProperty('userinfoEndpoint');
    });

    it('keeps an explicit choice, and refuses userinfo without an endpoint', () => {
      expect(parseBrandConfig(minimalBrandInput({ profileSource: 'id_token' }), PUBLIC)).toMatchObject({ profileSource: 'id_token', userinfoEndpoint: 'https://login.brand-a.example/userinfo' });
      expect(problemsOf({ ...withoutUserinfo, profileSource: 'userinfo' })).toEqual(['profileSource: userinfo needs a userinfoEndpoint']);
      expect(problemsOf(minimalBrandInput({ profileSource: 'access_token' }))).toEqual(['profileSource: must be one of userinfo, id_token']);
    });
  });
});
