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
