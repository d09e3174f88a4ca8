import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { fieldsToDiscover, PRESETS } from '../../lambdas/core/provider-presets';

const CUSTOMER = '00000000-0000-4000-8000-000000000000';
const API = `https://v1.api.eu.janrain.com/${CUSTOMER}`;
const GATEWAY_CLIENT = { introspectionClientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' };

function problemsOf(provider: keyof typeof PRESETS, inputs: Record<string, string>): readonly string[] {
  try {
    PRESETS[provider].derive(inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as ConfigValidationError).problems;
  }
  throw new Error('the preset accepted the inputs');
}

/** The draft as the admin API completes it: the operator's fields merged in, the rest as discovery would fill it. */
const asConfig = (draft: object, discovered: Record<string, unknown> = {}) =>
  parseBrandConfig({ ...discovered, ...draft, brandId: 'brand-a', displayName: 'A', applicationId: 'app-a' }, { allowLoopbackHttp: false });

describe('janrain: region and customerId (Hosted Login)', () => {
  it('fills the issuer, userinfo and introspection URLs, opaque tokens introspected by the gateway\'s client; JWKS from discovery', () => {
    const draft = PRESETS.janrain.derive({ region: 'eu', customerId: CUSTOMER, clientId: 'login-client', ...GATEWAY_CLIENT });
    expect(draft).toMatchObject({
      provider: 'janrain',
      issuer: `${API}/login`,
      userinfoEndpoint: `${API}/profiles/oidc/userinfo`,
      clientId: 'login-client',
      audiences: ['login-client'],
      tokenFormat: 'opaque',
      opaqueValidation: 'introspection',
      introspection: { endpoint: `${API}/login/token/introspect`, clientId: 'gateway', clientSecretRef: GATEWAY_CLIENT.clientSecretRef, authMethod: 'client_secret_basic' },
    });
    expect(fieldsToDiscover(draft)).toEqual(['jwksUri']);
    expect(asConfig(draft, { jwksUri: `${API}/login/jwk` })).toMatchObject({ tokenFormat: 'opaque', introspectionCacheTtlSeconds: 60 });
  });

  it('validates through userinfo without the gateway\'s client', () => {
    const draft = PRESETS.janrain.derive({ region: 'us', customerId: CUSTOMER, clientId: 'login-client' });
    expect(draft).toMatchObject({ tokenFormat: 'opaque', opaqueValidation: 'userinfo' });
    expect(draft).not.toHaveProperty('introspection');
  });

  it('keeps the issuer way: JWTs, endpoints from discovery', () => {
    const draft = PRESETS.janrain.derive({ issuer: `${API}/login`, clientId: 'c' });
    expect(draft).not.toHaveProperty('tokenFormat');
    expect(fieldsToDiscover(draft)).toEqual(['jwksUri', 'userinfoEndpoint']);
  });

  it.each([
    [{ region: 'eu', clientId: 'c' }, 'region and customerId, or issuer: one is required'],
    [{ region: 'eu', customerId: CUSTOMER, issuer: `${API}/login`, clientId: 'c' }, 'issuer: give issuer, or region and customerId, not both'],
    [{ region: 'eu.evil.example/x', customerId: CUSTOMER, clientId: 'c' }, 'region: must be a region such as us or eu'],
    [{ region: 'eu', customerId: '../admin', clientId: 'c' }, 'customerId: must be letters, digits and "-" (it becomes a URL path segment)'],
    [{ region: 'eu', customerId: CUSTOMER, clientId: 'c', introspectionClientId: 'gateway' }, 'introspectionClientId and clientSecretRef: give both, or neither (opaque tokens are then validated through userinfo)'],
    [{ region: 'eu', customerId: CUSTOMER, clientId: 'c', introspectionAuthMethod: 'client_secret_post' }, 'introspectionAuthMethod: only with introspectionClientId and clientSecretRef'],
    [{ region: 'eu', customerId: CUSTOMER, clientId: 'c', ...GATEWAY_CLIENT, introspectionAuthMethod: 'private_key_jwt' }, 'introspectionAuthMethod: must be one of client_secret_basic, client_secret_post'],
  ])('refuses %p', (inputs, problem) => {
    expect(problemsOf('janrain', inputs)).toContain(problem);
  });
});

describe('nextreason: baseUrl, clientId and tokenFormat', () => {
  it('leaves issuer, JWKS and userinfo to discovery under baseUrl, and introspects opaque tokens at <baseUrl>/introspect', () => {
    const draft = PRESETS.nextreason.derive({ baseUrl: 'https://id.nextreason.example/tenants/acme/', clientId: 'nr', tokenFormat: 'auto', ...GATEWAY_CLIENT, introspectionAuthMethod: 'client_secret_post' });
    expect(draft).toMatchObject({
      discoveryUrl: 'https://id.nextreason.example/tenants/acme/.well-known/openid-configuration',
      tokenFormat: 'auto',
      introspection: { endpoint: 'https://id.nextreason.example/tenants/acme/introspect', authMethod: 'client_secret_post' },
    });
    expect(draft).not.toHaveProperty('issuer');
    expect(fieldsToDiscover(draft)).toEqual(['issuer', 'jwksUri', 'userinfoEndpoint']);
  });

  it('takes JWTs by default, with no opaque settings', () => {
    const draft = PRESETS.nextreason.derive({ baseUrl: 'https://id.nextreason.example', clientId: 'nr' });
    expect(draft).not.toHaveProperty('tokenFormat');
    expect(draft).not.toHaveProperty('introspection');
  });

  it.each([
    [{ clientId: 'nr' }, 'baseUrl or issuer: one is required'],
    [{ baseUrl: 'https://id.nextreason.example', issuer: 'https://id.nextreason.example', clientId: 'nr' }, 'issuer: give issuer, or baseUrl, not both'],
    [{ baseUrl: 'https://id.nextreason.example', clientId: 'nr', tokenFormat: 'paseto' }, 'tokenFormat: must be one of jwt, opaque, auto'],
    [{ baseUrl: 'https://id.nextreason.example?x=1', clientId: 'nr' }, 'baseUrl: must have no query, fragment or credentials'],
  ])('refuses %p', (inputs, problem) => {
    expect(problemsOf('nextreason', inputs)).toContain(problem);
  });
});

describe('auth0: opaque', () => {
  const inputs = { domain: 'acme.eu.auth0.com', apiAudience: 'https://api.acme.example/loyalty', clientId: 'c' };

  it('with opaque=true, takes JWTs and validates other tokens through /userinfo', () => {
    const draft = PRESETS.auth0.derive({ ...inputs, opaque: 'true' });
    expect(draft).toMatchObject({ tokenFormat: 'auto', opaqueValidation: 'userinfo', userinfoEndpoint: 'https://acme.eu.auth0.com/userinfo' });
    expect(asConfig(draft)).toMatchObject({ tokenFormat: 'auto', opaqueValidation: 'userinfo', introspectionCacheTtlSeconds: 60 });
  });

  it('without it (or false), takes JWTs only', () => {
    expect(PRESETS.auth0.derive(inputs)).not.toHaveProperty('tokenFormat');
    expect(PRESETS.auth0.derive({ ...inputs, opaque: 'false' })).not.toHaveProperty('tokenFormat');
    expect(problemsOf('auth0', { ...inputs, opaque: 'yes' })).toEqual(['opaque: must be true or false']);
  });
});

describe('endpoint: local mode\'s Janrain- and Auth0-shaped CIAMs in place of the vendor\'s host', () => {
  const LOCAL = { allowLoopbackHttp: true };
  const janrainLocal = { endpoint: 'http://127.0.0.1:3001/janrain', customerId: CUSTOMER, clientId: 'login-client', ...GATEWAY_CLIENT };
  const auth0Local = { endpoint: 'http://127.0.0.1:3001/auth0', apiAudience: 'https://api.acme.example/loyalty', clientId: 'c', opaque: 'true' };
  /** Every URI of a config, as the URI policy sees them. */
  const BRAND_URIS = ['issuer', 'jwksUri', 'userinfoEndpoint', 'introspection.endpoint'];
  const withCommon = (draft: object, discovered: Record<string, unknown> = {}) => ({ ...discovered, ...draft, brandId: 'brand-a', displayName: 'A', applicationId: 'app-a' });

  it('janrain: replaces https://v1.api.<region>.janrain.com, the Hosted Login paths kept', () => {
    const draft = PRESETS.janrain.derive(janrainLocal);
    const api = `http://127.0.0.1:3001/janrain/${CUSTOMER}`;
    expect(draft).toMatchObject({
      issuer: `${api}/login`,
      userinfoEndpoint: `${api}/profiles/oidc/userinfo`,
      tokenFormat: 'opaque',
      introspection: { endpoint: `${api}/login/token/introspect` },
    });
    expect(fieldsToDiscover(draft)).toEqual(['jwksUri']);
    expect(parseBrandConfig(withCommon(draft, { jwksUri: `${api}/login/jwks` }), LOCAL)).toMatchObject({ issuer: `${api}/login` });
  });

  it('auth0: replaces https://<domain>, the issuer with its trailing slash', () => {
    const draft = PRESETS.auth0.derive({ ...auth0Local, endpoint: 'http://localhost:3001/auth0/' });
    expect(draft).toMatchObject({
      issuer: 'http://localhost:3001/auth0/',
      jwksUri: 'http://localhost:3001/auth0/.well-known/jwks.json',
      userinfoEndpoint: 'http://localhost:3001/auth0/userinfo',
      tokenFormat: 'auto',
      opaqueValidation: 'userinfo',
    });
    expect(fieldsToDiscover(draft)).toEqual([]);
  });

  it('builds from the normalized URL: dot segments and case cannot make a second spelling of the issuer', () => {
    expect(PRESETS.auth0.derive({ ...auth0Local, endpoint: 'HTTP://LOCALHOST:3001/x/../auth0' }).issuer).toBe('http://localhost:3001/auth0/');
    expect(PRESETS.janrain.derive({ ...janrainLocal, endpoint: 'http://127.0.0.1:3001/janrain/%2e%2e/janrain/' }).issuer).toBe(`http://127.0.0.1:3001/janrain/${CUSTOMER}/login`);
  });

  it('is refused outside local mode: every URI it builds is http on loopback, which the URI policy refuses there', () => {
    for (const draft of [PRESETS.janrain.derive(janrainLocal), PRESETS.auth0.derive(auth0Local)]) {
      let problems: readonly string[] = [];
      try {
        parseBrandConfig(withCommon(draft, { jwksUri: 'http://127.0.0.1:3001/janrain/jwks' }), { allowLoopbackHttp: false });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigValidationError);
        problems = (err as ConfigValidationError).problems;
      }
      const uris = BRAND_URIS.filter((field) => (field === 'introspection.endpoint' ? 'introspection' in draft : true));
      expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual(expect.arrayContaining(uris));
    }
  });

  it.each([
    'https://v1.api.eu.janrain.com',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1:3001',
    'http://0.0.0.0:3001',
    'http://127.0.0.1.nip.io:3001',
    'http://localhost.attacker.example',
    'http://attacker.example#@127.0.0.1',
    'file:///etc/passwd',
    'ftp://127.0.0.1:3001',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %p as endpoint, for both presets', (endpoint) => {
    expect(problemsOf('janrain', { ...janrainLocal, endpoint })).toContainEqual(expect.stringMatching(/^endpoint: must be an/));
    expect(problemsOf('auth0', { ...auth0Local, endpoint })).toContainEqual(expect.stringMatching(/^endpoint: must be an/));
  });

  it.each(['http://user:pass@127.0.0.1:3001/janrain', 'http://127.0.0.1:3001/janrain?x=1', 'http://127.0.0.1:3001/janrain#x', 'http://127.0.0.1:3001/janrain?'])(
    'refuses %p: no query, fragment or credentials',
    (endpoint) => {
      expect(problemsOf('janrain', { ...janrainLocal, endpoint })).toContain('endpoint: must have no query, fragment or credentials');
    },
  );

  it.each([
    ['janrain', { ...janrainLocal, region: 'eu' }, 'endpoint: in place of region in local mode, not with it'],
    ['janrain', { ...janrainLocal, issuer: `http://127.0.0.1:3001/janrain/${CUSTOMER}/login` }, 'issuer: give issuer, or region and customerId, not both'],
    ['janrain', { endpoint: janrainLocal.endpoint, clientId: 'c' }, 'region and customerId, or issuer: one is required'],
    ['auth0', { ...auth0Local, domain: 'acme.eu.auth0.com' }, 'endpoint: give domain, or endpoint in local mode, not both'],
    ['auth0', { apiAudience: 'a', clientId: 'c' }, 'domain or endpoint: one is required'],
  ] as const)('%s: refuses %p', (provider, inputs, problem) => {
    expect(problemsOf(provider, inputs)).toContain(problem);
  });

  it('nextreason: baseUrl takes local mode\'s tenant URL as it is, and the URI policy refuses it outside local mode', () => {
    const draft = PRESETS.nextreason.derive({ baseUrl: 'http://127.0.0.1:3001/nextreason/tenants/demo', clientId: 'nr', tokenFormat: 'opaque', ...GATEWAY_CLIENT });
    expect(draft).toMatchObject({ discoveryUrl: 'http://127.0.0.1:3001/nextreason/tenants/demo/.well-known/openid-configuration', introspection: { endpoint: 'http://127.0.0.1:3001/nextreason/tenants/demo/introspect' } });
    const discovered = { issuer: 'http://127.0.0.1:3001/nextreason/tenants/demo', jwksUri: 'http://127.0.0.1:3001/nextreason/tenants/demo/jwks', userinfoEndpoint: 'http://127.0.0.1:3001/nextreason/tenants/demo/me' };
    expect(parseBrandConfig(withCommon(draft, discovered), LOCAL)).toMatchObject({ tokenFormat: 'opaque' });
    let problems: readonly string[] = [];
    try {
      parseBrandConfig(withCommon(draft, discovered), { allowLoopbackHttp: false });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      problems = (err as ConfigValidationError).problems;
    }
    // The URLs built from baseUrl are refused themselves, not only what discovery would fill in.
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual(expect.arrayContaining(['discoveryUrl', 'introspection.endpoint']));
    for (const baseUrl of ['http://169.254.169.254/latest', 'http://10.0.0.1/tenants/a', 'http://id.nextreason.example/tenants/a']) {
      expect(() => parseBrandConfig(withCommon(PRESETS.nextreason.derive({ ...GATEWAY_CLIENT, baseUrl, clientId: 'nr', tokenFormat: 'opaque' }), { ...discovered, issuer: baseUrl }), LOCAL)).toThrow(ConfigValidationError);
    }
  });
});
