import { applyDiscovery, type DiscoveredProvider } from '../../lambdas/adapters/oidc-discovery';
import { parseBrandConfig, PROVIDERS, type Provider } from '../../lambdas/core/brand-config';
import { STANDARD_CLAIMS } from '../../lambdas/core/claims';
import { ConfigValidationError } from '../../lambdas/core/errors';
import { awsDomainOf } from '../../lambdas/core/aws-partition';
import { fieldsToDiscover, PRESETS, type PresetInputs } from '../../lambdas/core/provider-presets';

const PUBLIC = { allowLoopbackHttp: false };
const ACCESS_RS256 = { acceptedTokenTypes: ['access'], algorithms: ['RS256'] };

/** The problems derive reports, or fails the test if it accepted the inputs. */
function problemsOf(provider: Provider, inputs: PresetInputs): readonly string[] {
  try {
    PRESETS[provider].derive(inputs);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toMatchObject({ code: 'BRAND_CONFIG_INVALID' });
    return (err as ConfigValidationError).problems;
  }
  throw new Error(`${provider} accepted the inputs`);
}

const fieldOf = (problem: string): string => problem.slice(0, problem.indexOf(':'));

/** Realistic inputs for every preset, and what discovery would add where vendor facts stop. */
const SAMPLES: Record<Provider, { inputs: PresetInputs; discovered?: DiscoveredProvider }> = {
  cognito: {
    inputs: { region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123xyz', appClientId: '4p9q1example2client3id', domain: 'myapp.auth.eu-west-1.amazoncognito.com' },
  },
  auth0: { inputs: { domain: 'acme.eu.auth0.com', apiAudience: 'https://api.acme.example/loyalty', clientId: 'Xy7Auth0ClientId' } },
  keycloak: { inputs: { baseUrl: 'https://sso.example.com', realm: 'brand-a', clientId: 'loyalty-web' } },
  janrain: {
    inputs: { issuer: 'https://v1.api.eu.janrain.com/00000000-0000-0000-0000-000000000000/login', clientId: 'janrain-client' },
    discovered: {
      issuer: 'https://v1.api.eu.janrain.com/00000000-0000-0000-0000-000000000000/login',
      jwksUri: 'https://v1.api.eu.janrain.com/00000000-0000-0000-0000-000000000000/login/jwk',
      userinfoEndpoint: 'https://v1.api.eu.janrain.com/00000000-0000-0000-0000-000000000000/profiles/oauth/userinfo',
    },
  },
  nextreason: {
    inputs: { issuer: 'https://id.nextreason.example/tenants/brand-a', clientId: 'nr-client', audience: 'loyalty-api' },
    discovered: {
      issuer: 'https://id.nextreason.example/tenants/brand-a',
      jwksUri: 'https://id.nextreason.example/tenants/brand-a/jwks',
      userinfoEndpoint: 'https://id.nextreason.example/tenants/brand-a/userinfo',
    },
  },
  'generic-oidc': {
    inputs: { discoveryUrl: 'https://login.brand-a.example/.well-known/openid-configuration', clientId: 'client-a', audience: 'loyalty-api' },
    discovered: {
      issuer: 'https://login.brand-a.example',
      jwksUri: 'https://login.brand-a.example/jwks',
      userinfoEndpoint: 'https://login.brand-a.example/me',
    },
  },
};

describe('PRESETS', () => {
  it('has one preset per provider, each describing its inputs and the vendor', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([...PROVIDERS].sort());
    for (const [provider, preset] of Object.entries(PRESETS)) {
      expect(preset.provider).toBe(provider);
      expect(preset.notes).not.toBe('');
      expect(preset.inputs.length).toBeGreaterThan(0);
      for (const input of preset.inputs) expect(input).toEqual({ name: expect.any(String), help: expect.any(String), required: expect.any(Boolean) });
    }
  });

  it('lists the inputs in the order a CLI shows them', () => {
    const listing = (provider: Provider) => PRESETS[provider].inputs.map(({ name, required }) => `${name}${required ? '' : '?'}`);
    expect(listing('cognito')).toEqual(['region', 'userPoolId', 'appClientId', 'domain?', 'endpoint?']);
    expect(listing('auth0')).toEqual(['domain', 'apiAudience', 'clientId', 'opaque?']);
    expect(listing('keycloak')).toEqual(['baseUrl', 'realm', 'clientId']);
    const introspection = ['introspectionClientId?', 'clientSecretRef?', 'introspectionAuthMethod?'];
    expect(listing('janrain')).toEqual(['clientId', 'region?', 'customerId?', 'issuer?', 'audience?', ...introspection]);
    expect(listing('nextreason')).toEqual(['clientId', 'baseUrl?', 'tokenFormat?', 'issuer?', 'audience?', ...introspection]);
    expect(listing('generic-oidc')).toEqual(['clientId', 'audience', 'issuer?', 'discoveryUrl?']);
  });
});

describe('cognito', () => {
  it('derives both issuer forms and every endpoint from region, pool and hosted UI domain', () => {
    const draft = PRESETS.cognito.derive(SAMPLES.cognito.inputs);
    expect(draft).toEqual({
      provider: 'cognito',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz',
      additionalIssuers: ['https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz'],
      jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/jwks.json',
      userinfoEndpoint: 'https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/userInfo',
      applicationId: 'eu-west-1_AbC123xyz',
      clientId: '4p9q1example2client3id',
      audiences: ['4p9q1example2client3id'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual([]);
  });

  it('takes a custom domain, and without one reads profiles from the ID token, leaving nothing to discovery', () => {
    const { domain: _domain, ...withoutDomain } = SAMPLES.cognito.inputs;
    expect(PRESETS.cognito.derive({ ...withoutDomain, domain: 'auth.brand-a.example' }).userinfoEndpoint).toBe('https://auth.brand-a.example/oauth2/userInfo');
    const draft = PRESETS.cognito.derive(withoutDomain);
    expect(draft).not.toHaveProperty('userinfoEndpoint');
    expect(draft.profileSource).toBe('id_token');
    expect(fieldsToDiscover(draft)).toEqual([]);
    expect(parseBrandConfig({ ...draft, brandId: 'shop', displayName: 'Shop' }, PUBLIC)).toMatchObject({ profileSource: 'id_token' });
  });

  it.each([
    ['eu-west-1', 'amazonaws.com'],
    ['us-gov-west-1', 'amazonaws.com'],
    ['eusc-de-east-1', 'amazonaws.eu'],
    ['cn-north-1', 'amazonaws.com.cn'],
    ['us-iso-east-1', 'c2s.ic.gov'],
    ['us-isob-east-1', 'sc2s.sgov.gov'],
  ])('takes the issuer domain of %s from its partition: %s', (region, domain) => {
    const userPoolId = `${region}_AbC123xyz`;
    expect(awsDomainOf(region)).toBe(domain);
    expect(PRESETS.cognito.derive({ region, userPoolId, appClientId: 'client1' })).toMatchObject({
      issuer: `https://cognito-idp.${region}.${domain}/${userPoolId}`,
      additionalIssuers: [`https://issuer-cognito-idp.${region}.${domain}/${userPoolId}`],
      jwksUri: `https://cognito-idp.${region}.${domain}/${userPoolId}/.well-known/jwks.json`,
    });
  });

  it('lists every app client id as an audience, the first as the client id', () => {
    expect(PRESETS.cognito.derive({ ...SAMPLES.cognito.inputs, appClientId: 'web1client, mobile2client' })).toMatchObject({
      clientId: 'web1client',
      audiences: ['web1client', 'mobile2client'],
    });
    expect(problemsOf('cognito', { ...SAMPLES.cognito.inputs, appClientId: 'web1,web1' })).toEqual(['appClientId: names an app client twice']);
    expect(problemsOf('cognito', { ...SAMPLES.cognito.inputs, appClientId: 'web1,' })).toEqual(['appClientId: must be 1 to 32 app client ids, separated by commas']);
  });

  it('builds a cognito-local pool on its loopback URL: one issuer form, local_ pool ids, the ID token as profile source', () => {
    const draft = PRESETS.cognito.derive({ region: 'local', userPoolId: 'local_4Xy9AbCd', appClientId: 'abc123', endpoint: 'http://127.0.0.1:9229' });
    expect(draft).toEqual({
      provider: 'cognito',
      issuer: 'http://127.0.0.1:9229/local_4Xy9AbCd',
      jwksUri: 'http://127.0.0.1:9229/local_4Xy9AbCd/.well-known/jwks.json',
      profileSource: 'id_token',
      applicationId: 'local_4Xy9AbCd',
      clientId: 'abc123',
      audiences: ['abc123'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual([]);
    const config = { ...draft, brandId: 'local-pool', displayName: 'Local pool' };
    expect(parseBrandConfig(config, { allowLoopbackHttp: true })).toMatchObject({ issuer: draft.issuer, additionalIssuers: [] });
    // Outside local mode the loopback issuer is refused like any other loopback URI.
    expect(() => parseBrandConfig(config, PUBLIC)).toThrow(ConfigValidationError);
  });

  it('takes local_ pools only from cognito-local on a loopback URL, and cognito-local only for them', () => {
    const local = { region: 'local', userPoolId: 'local_4Xy9AbCd', appClientId: 'abc123' };
    expect(problemsOf('cognito', local)).toEqual(['endpoint: a cognito-local pool (region local) needs the URL of cognito-local']);
    expect(problemsOf('cognito', { ...SAMPLES.cognito.inputs, endpoint: 'http://127.0.0.1:9229' })).toEqual(['endpoint: only for a cognito-local pool (region local)']);
    expect(problemsOf('cognito', { ...local, endpoint: 'http://127.0.0.1:9229', domain: 'myapp.auth.eu-west-1.amazoncognito.com' })).toEqual([
      'domain: cognito-local has no hosted UI',
    ]);
    expect(problemsOf('cognito', { ...SAMPLES.cognito.inputs, userPoolId: 'local_4Xy9AbCd' })).toEqual(['userPoolId: local_4Xy9AbCd is not a pool in eu-west-1']);
    for (const endpoint of ['http://cognito.example:9229', 'https://10.0.0.1:9229', 'ftp://127.0.0.1:9229', 'not a url']) {
      expect(problemsOf('cognito', { ...local, endpoint })).toEqual([
        expect.stringMatching(/^endpoint: must be an/),
        'endpoint: a cognito-local pool (region local) needs the URL of cognito-local',
      ]);
    }
    expect(problemsOf('cognito', { ...local, endpoint: 'http://127.0.0.1:9229/local_4Xy9AbCd' })).toContain('endpoint: must have no path, query, fragment or credentials');
    expect(PRESETS.cognito.derive({ ...local, endpoint: 'http://localhost:9229/' }).issuer).toBe('http://localhost:9229/local_4Xy9AbCd');
  });

  it('names every malformed input, including a pool from another region', () => {
    expect(problemsOf('cognito', { region: 'EU-WEST-1', userPoolId: 'eu-west-1', appClientId: 'c', domain: 'https://myapp.auth.eu-west-1.amazoncognito.com/' })).toEqual([
      'region: must be an AWS region such as eu-west-1, or local',
      'userPoolId: must look like <region>_<id>, e.g. eu-west-1_AbC123xyz',
      'domain: must be a lower-case host name, without scheme, port or path',
    ]);
    expect(problemsOf('cognito', { ...SAMPLES.cognito.inputs, userPoolId: 'us-east-1_AbC123xyz' })).toEqual([
      'userPoolId: us-east-1_AbC123xyz is not a pool in eu-west-1',
    ]);
  });
});

describe('auth0', () => {
  it('derives the issuer with its trailing slash and the endpoints from the domain', () => {
    const draft = PRESETS.auth0.derive(SAMPLES.auth0.inputs);
    expect(draft).toEqual({
      provider: 'auth0',
      issuer: 'https://acme.eu.auth0.com/',
      jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      userinfoEndpoint: 'https://acme.eu.auth0.com/userinfo',
      clientId: 'Xy7Auth0ClientId',
      audiences: ['https://api.acme.example/loyalty'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual([]);
  });

  it('takes a custom domain the same way', () => {
    expect(PRESETS.auth0.derive({ ...SAMPLES.auth0.inputs, domain: 'login.brand-a.example' })).toMatchObject({
      issuer: 'https://login.brand-a.example/',
      jwksUri: 'https://login.brand-a.example/.well-known/jwks.json',
    });
  });

  it.each(['https://acme.eu.auth0.com', 'acme.eu.auth0.com/', 'ACME.eu.auth0.com', 'acme.eu.auth0.com:443', 'localhost'])(
    'refuses the domain %p',
    (domain) => {
      expect(problemsOf('auth0', { ...SAMPLES.auth0.inputs, domain })).toEqual(['domain: must be a lower-case host name, without scheme, port or path']);
    },
  );
});

describe('keycloak', () => {
  it('derives the realm issuer and the openid-connect endpoints', () => {
    const draft = PRESETS.keycloak.derive(SAMPLES.keycloak.inputs);
    expect(draft).toEqual({
      provider: 'keycloak',
      issuer: 'https://sso.example.com/realms/brand-a',
      jwksUri: 'https://sso.example.com/realms/brand-a/protocol/openid-connect/certs',
      userinfoEndpoint: 'https://sso.example.com/realms/brand-a/protocol/openid-connect/userinfo',
      clientId: 'loyalty-web',
      audiences: ['loyalty-web'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual([]);
  });

  it('keeps the /auth prefix of older versions and drops a trailing slash', () => {
    expect(PRESETS.keycloak.derive({ ...SAMPLES.keycloak.inputs, baseUrl: 'https://sso.example.com/auth/' })).toMatchObject({
      issuer: 'https://sso.example.com/auth/realms/brand-a',
      jwksUri: 'https://sso.example.com/auth/realms/brand-a/protocol/openid-connect/certs',
    });
  });

  it('names a malformed base URL and realm', () => {
    expect(problemsOf('keycloak', { baseUrl: 'sso.example.com', realm: 'brand a/../x', clientId: 'c' })).toEqual([
      'baseUrl: must be an absolute http(s) URL',
      'realm: must be letters, digits, ".", "_" or "-" (it becomes a URL path segment)',
    ]);
    expect(problemsOf('keycloak', { ...SAMPLES.keycloak.inputs, baseUrl: 'https://sso.example.com/realms/brand-a' })).toEqual([
      'baseUrl: must stop before /realms/ (give the realm separately)',
    ]);
    expect(problemsOf('keycloak', { ...SAMPLES.keycloak.inputs, baseUrl: 'https://sso.example.com/?x=1' })).toEqual([
      'baseUrl: must have no query, fragment or credentials',
    ]);
  });
});

describe.each(['janrain', 'nextreason'] as const)('%s', (provider) => {
  it('takes the issuer as given and leaves the endpoints to discovery', () => {
    const issuer = 'https://id.brand-a.example/login';
    const draft = PRESETS[provider].derive({ issuer, clientId: 'client-a' });
    expect(draft).toEqual({ provider, issuer, clientId: 'client-a', audiences: ['client-a'], ...ACCESS_RS256, fieldMappings: STANDARD_CLAIMS });
    expect(fieldsToDiscover(draft)).toEqual(['jwksUri', 'userinfoEndpoint']);
  });

  it('uses the audience when given', () => {
    expect(PRESETS[provider].derive({ issuer: 'https://id.brand-a.example/login', clientId: 'client-a', audience: 'loyalty-api' }).audiences).toEqual(['loyalty-api']);
  });
});

describe('generic-oidc', () => {
  it('takes an issuer, leaving the endpoints to discovery', () => {
    const draft = PRESETS['generic-oidc'].derive({ issuer: 'https://login.brand-a.example/', clientId: 'client-a', audience: 'loyalty-api' });
    expect(draft).toEqual({
      provider: 'generic-oidc',
      issuer: 'https://login.brand-a.example/',
      clientId: 'client-a',
      audiences: ['loyalty-api'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual(['jwksUri', 'userinfoEndpoint']);
  });

  it('takes only a discovery URL, leaving the issuer to discovery too', () => {
    const draft = PRESETS['generic-oidc'].derive(SAMPLES['generic-oidc'].inputs);
    expect(draft).toEqual({
      provider: 'generic-oidc',
      discoveryUrl: 'https://login.brand-a.example/.well-known/openid-configuration',
      clientId: 'client-a',
      audiences: ['loyalty-api'],
      ...ACCESS_RS256,
      fieldMappings: STANDARD_CLAIMS,
    });
    expect(fieldsToDiscover(draft)).toEqual(['issuer', 'jwksUri', 'userinfoEndpoint']);
  });
});

describe('missing and unknown inputs', () => {
  it.each(PROVIDERS)('%s: names every missing input at once', (provider) => {
    const required = PRESETS[provider].inputs.filter((input) => input.required).map((input) => input.name);
    const either: Partial<Record<Provider, string>> = { 'generic-oidc': 'issuer or discoveryUrl', janrain: 'region and customerId, or issuer', nextreason: 'baseUrl or issuer' };
    const expected = [...required, ...(either[provider] === undefined ? [] : [either[provider]])];
    const problems = problemsOf(provider, {});
    expect(problems.map(fieldOf)).toEqual(expected);
    expect(problemsOf(provider, Object.fromEntries(required.map((name) => [name, ' '])))).toEqual(problems);
  });

  it('says what a missing input is', () => {
    expect(problemsOf('auth0', { domain: 'acme.eu.auth0.com', clientId: 'c' })).toEqual([
      'apiAudience: required (identifier of the Auth0 API, the aud of its access tokens)',
    ]);
  });

  it('names unknown inputs alongside missing ones, so a misspelt input is not silently ignored', () => {
    expect(problemsOf('cognito', { region: 'eu-west-1', userpoolId: 'eu-west-1_AbC123xyz', appClientId: 'c' })).toEqual([
      'userpoolId: unknown input for cognito (expected region, userPoolId, appClientId, domain, endpoint)',
      'userPoolId: required (user pool id, e.g. eu-west-1_AbC123xyz)',
    ]);
  });
});

describe('a draft plus the common fields is a valid brand config', () => {
  const COMMON = { brandId: 'brand-a', displayName: 'Brand A' };

  it.each(PROVIDERS)('%s', (provider) => {
    const { inputs, discovered } = SAMPLES[provider];
    const draft = PRESETS[provider].derive(inputs);
    const complete = discovered === undefined ? draft : applyDiscovery(draft, discovered);
    expect(fieldsToDiscover(complete)).toEqual([]);

    const config = parseBrandConfig({ applicationId: 'loyalty-web', ...complete, ...COMMON }, PUBLIC);
    expect(config).toMatchObject({ ...complete, ...COMMON, status: 'active' });
  });

  it('cognito: the application id defaults to the user pool', () => {
    const draft = PRESETS.cognito.derive(SAMPLES.cognito.inputs);
    expect(parseBrandConfig({ ...draft, ...COMMON }, PUBLIC).applicationId).toBe('eu-west-1_AbC123xyz');
  });
});
