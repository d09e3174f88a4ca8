/**
 * OIDC discovery against real HTTP servers on 127.0.0.1, through the real bounded fetcher: documents shaped like
 * each vendor's fill a brand config draft, and the "discovery mismatch" row of HOSTILE-INPUTS.md (the document
 * names another issuer) rejects the config, as does every broken or hostile answer, each with a stable class and code.
 */
import { createJsonFetcher, type JsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { applyDiscovery, completeBrandConfig, discoverProvider, discoveryUrlFor } from '../../lambdas/adapters/oidc-discovery';
import { parseBrandConfig } from '../../lambdas/core/brand-config';
import { ConfigValidationError, FetchStatusError, UpstreamError, type UpstreamErrorCode } from '../../lambdas/core/errors';
import { PRESETS, type BrandConfigDraft } from '../../lambdas/core/provider-presets';
import { TestHttpServer, type Behaviour } from '../support/jwks-server';

const LOCAL = { allowLoopbackHttp: true };
const LIMITS = { timeoutMs: 1000, maxBytes: 64 * 1024 };
const WELL_KNOWN = '/.well-known/openid-configuration';
const COMMON = { brandId: 'brand-a', displayName: 'Brand A', applicationId: 'loyalty-web' };

let ciam: TestHttpServer;
/** Another origin: Cognito's hosted UI domain, and the "foreign" host of the hostile cases. */
let elsewhere: TestHttpServer;
let fetcher: JsonFetcher;

beforeAll(async () => {
  [ciam, elsewhere] = await Promise.all([TestHttpServer.start(), TestHttpServer.start()]);
  fetcher = createJsonFetcher({ policy: LOCAL, limits: LIMITS });
});

afterAll(async () => {
  await Promise.all([ciam?.stop(), elsewhere?.stop()]);
});

beforeEach(() => {
  ciam.resetHits();
  elsewhere.resetHits();
});

/** Serves `body` as the discovery document of `issuer` on the ciam server. */
function serveDiscovery(issuer: string, body: unknown): void {
  ciam.on(new URL(discoveryUrlFor(issuer)).pathname, { kind: 'json', body });
}

/** The problems of the ConfigValidationError `promise` rejects with. */
async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const err: unknown = await promise.then(
    () => { throw new Error('discovery succeeded'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigValidationError);
  expect(err).toMatchObject({ code: 'BRAND_CONFIG_INVALID' });
  return (err as ConfigValidationError).problems;
}

function complete(draft: BrandConfigDraft): ReturnType<typeof parseBrandConfig> {
  return parseBrandConfig({ ...COMMON, ...draft }, LOCAL);
}

describe('discoveryUrlFor', () => {
  it.each([
    ['https://acme.eu.auth0.com/', 'https://acme.eu.auth0.com/.well-known/openid-configuration'],
    ['https://login.brand-a.example', 'https://login.brand-a.example/.well-known/openid-configuration'],
    ['https://sso.example.com/realms/brand-a', 'https://sso.example.com/realms/brand-a/.well-known/openid-configuration'],
    ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/openid-configuration'],
  ])('appends the well-known path to the whole issuer %s', (issuer, url) => {
    expect(discoveryUrlFor(issuer)).toBe(url);
  });
});

describe('vendor-shaped documents', () => {
  it('Cognito: issuer without a trailing slash, userinfo on the hosted UI domain', async () => {
    const issuer = ciam.url('/eu-west-1_AbC123xyz');
    const hostedUi = elsewhere.origin;
    serveDiscovery(issuer, {
      authorization_endpoint: `${hostedUi}/oauth2/authorize`,
      id_token_signing_alg_values_supported: ['RS256'],
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      token_endpoint: `${hostedUi}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      userinfo_endpoint: `${hostedUi}/oauth2/userInfo`,
    });
    // The preset's draft without a hosted UI domain, its https facts moved onto the loopback server.
    const draft = { ...PRESETS.cognito.derive({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123xyz', appClientId: 'app-client' }), issuer, jwksUri: `${issuer}/.well-known/jwks.json` };

    const discovered = await discoverProvider(fetcher, draft);
    expect(discovered).toEqual({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      userinfoEndpoint: `${hostedUi}/oauth2/userInfo`,
      algorithms: ['RS256'],
      tokenEndpoint: `${hostedUi}/oauth2/token`,
    });
    expect(complete(applyDiscovery(draft, discovered))).toMatchObject({
      provider: 'cognito',
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      userinfoEndpoint: `${hostedUi}/oauth2/userInfo`,
      clientId: 'app-client',
      audiences: ['app-client'],
    });
    expect(ciam.hitCount('/eu-west-1_AbC123xyz/.well-known/openid-configuration')).toBe(1);
  });

  it('Auth0: issuer WITH a trailing slash, discovery at <issuer>.well-known/openid-configuration', async () => {
    const issuer = ciam.url('/');
    serveDiscovery(issuer, {
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}oauth/token`,
      userinfo_endpoint: `${issuer}userinfo`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'email', 'email_verified'],
      id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
      request_uri_parameter_supported: false,
    });

    const discovered = await discoverProvider(fetcher, { issuer });
    expect(discovered).toEqual({
      issuer,
      jwksUri: `${issuer}.well-known/jwks.json`,
      userinfoEndpoint: `${issuer}userinfo`,
      algorithms: ['RS256', 'PS256'],
      tokenEndpoint: `${issuer}oauth/token`,
    });
    expect(ciam.hitCount(WELL_KNOWN)).toBe(1);
  });

  it('Keycloak (with the /auth prefix of older versions): the preset\'s facts agree with discovery', async () => {
    const draft = PRESETS.keycloak.derive({ baseUrl: ciam.url('/auth/'), realm: 'brand-a', clientId: 'loyalty-web' });
    const issuer = ciam.url('/auth/realms/brand-a');
    const oidc = `${issuer}/protocol/openid-connect`;
    serveDiscovery(issuer, {
      issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      userinfo_endpoint: `${oidc}/userinfo`,
      end_session_endpoint: `${oidc}/logout`,
      jwks_uri: `${oidc}/certs`,
      id_token_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512'],
    });

    const discovered = await discoverProvider(fetcher, draft);
    expect(discovered).toEqual({
      issuer,
      jwksUri: `${oidc}/certs`,
      userinfoEndpoint: `${oidc}/userinfo`,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'],
      tokenEndpoint: `${oidc}/token`,
      endSessionEndpoint: `${oidc}/logout`,
    });
    // The preset knows every endpoint but the end-session one, which discovery adds.
    expect(applyDiscovery(draft, discovered)).toEqual({ ...draft, endSessionEndpoint: `${oidc}/logout` });
    expect(complete(draft)).toMatchObject({ provider: 'keycloak', issuer, jwksUri: `${oidc}/certs`, userinfoEndpoint: `${oidc}/userinfo` });
  });

  it.each(['janrain', 'nextreason'] as const)('%s: the issuer-based preset gets its endpoints from discovery', async (provider) => {
    const issuer = ciam.url(`/${provider}/00000000-0000-0000-0000-000000000000/login`);
    serveDiscovery(issuer, { issuer, jwks_uri: `${issuer}/jwk`, userinfo_endpoint: `${issuer}/userinfo`, id_token_signing_alg_values_supported: ['RS256'] });
    const draft = PRESETS[provider].derive({ issuer, clientId: 'client-a' });

    const filled = applyDiscovery(draft, await discoverProvider(fetcher, draft));
    expect(complete(filled)).toMatchObject({ provider, issuer, jwksUri: `${issuer}/jwk`, userinfoEndpoint: `${issuer}/userinfo`, audiences: ['client-a'] });
  });

  it('generic: only a discovery URL configured, the issuer comes from the document (same origin)', async () => {
    const issuer = ciam.url('/tenants/brand-a');
    ciam.on('/config/oidc.json', { kind: 'json', body: { issuer, jwks_uri: `${issuer}/keys`, userinfo_endpoint: `${issuer}/me` } });
    const draft = PRESETS['generic-oidc'].derive({ discoveryUrl: ciam.url('/config/oidc.json'), clientId: 'client-a', audience: 'loyalty-api' });

    const discovered = await discoverProvider(fetcher, draft);
    expect(discovered).toEqual({ issuer, jwksUri: `${issuer}/keys`, userinfoEndpoint: `${issuer}/me` });
    expect(complete(applyDiscovery(draft, discovered))).toMatchObject({
      provider: 'generic-oidc',
      issuer,
      discoveryUrl: ciam.url('/config/oidc.json'),
      jwksUri: `${issuer}/keys`,
      userinfoEndpoint: `${issuer}/me`,
      audiences: ['loyalty-api'],
    });
  });

  it('fills only what the draft lacks: given endpoints are kept', async () => {
    const issuer = ciam.url('/kept');
    serveDiscovery(issuer, { issuer, jwks_uri: `${issuer}/discovered-jwks` });
    const draft = { ...PRESETS['generic-oidc'].derive({ issuer, clientId: 'c', audience: 'a' }), jwksUri: `${issuer}/configured-jwks` };

    const filled = applyDiscovery(draft, await discoverProvider(fetcher, draft));
    expect(filled.jwksUri).toBe(`${issuer}/configured-jwks`);
    expect(filled).not.toHaveProperty('userinfoEndpoint');
  });

  it('leaves out the algorithms when the document lists none BrandConfig allows', async () => {
    const issuer = ciam.url('/hs-only');
    serveDiscovery(issuer, { issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['none', 'HS256', 'ES512', 42] });
    expect(await discoverProvider(fetcher, { issuer })).toEqual({ issuer, jwksUri: `${issuer}/jwks` });
  });
});

describe('discovery mismatch: the document names another issuer', () => {
  it.each([
    ['a trailing slash only', '/tenant-a', (issuer: string) => `${issuer}/`],
    ['a trailing slash dropped', '/tenant-b/', (issuer: string) => issuer.slice(0, -1)],
    ['another host', '/tenant-c', () => elsewhere.url('/tenant-c')],
    ['another realm', '/realms/brand-a', () => ciam.url('/realms/brand-b')],
    ['another case', '/Tenant-D', (issuer: string) => issuer.toLowerCase()],
  ])('%s → rejected', async (_case, path, claimed) => {
    const issuer = ciam.url(path);
    const other = claimed(issuer);
    serveDiscovery(issuer, { issuer: other, jwks_uri: `${other}/jwks` });

    expect(await problemsOf(discoverProvider(fetcher, { issuer }))).toEqual([`issuer: discovery says "${other}", config says "${issuer}"`]);
  });

  it('applyDiscovery refuses a draft whose issuer is not the discovered one', () => {
    const draft = PRESETS['generic-oidc'].derive({ issuer: 'https://login.brand-a.example', clientId: 'c', audience: 'a' });
    expect(() => applyDiscovery(draft, { issuer: 'https://login.brand-a.example/', jwksUri: 'https://login.brand-a.example/jwks' })).toThrow(
      expect.objectContaining({ name: 'ConfigValidationError', code: 'BRAND_CONFIG_INVALID', problems: ['issuer: discovery says "https://login.brand-a.example/", config says "https://login.brand-a.example"'] }),
    );
  });

  it('quotes a hostile issuer escaped and clipped', async () => {
    const issuer = ciam.url('/clipped');
    serveDiscovery(issuer, { issuer: `https://evil.example/\r\n${'x'.repeat(5000)}`, jwks_uri: 'https://evil.example/jwks' });
    const [problem] = await problemsOf(discoverProvider(fetcher, { issuer }));
    expect(problem).toContain('discovery says "https://evil.example/\\r\\nxxx');
    expect(problem?.length).toBeLessThan(400);
  });
});

describe('a discovery document may not vouch for a foreign issuer', () => {
  it('only a discovery URL: an issuer on another origin is rejected', async () => {
    const foreign = elsewhere.url('/tenant');
    ciam.on('/vouch/oidc.json', { kind: 'json', body: { issuer: foreign, jwks_uri: `${foreign}/jwks` } });

    expect(await problemsOf(discoverProvider(fetcher, { discoveryUrl: ciam.url('/vouch/oidc.json') }))).toEqual([
      `issuer: discovery at ${ciam.origin} names "${foreign}", on another origin`,
    ]);
  });

  it('issuer and a discovery URL on another origin: rejected without a request', async () => {
    const issuer = ciam.url('/tenant');
    elsewhere.on('/oidc.json', { kind: 'json', body: { issuer, jwks_uri: `${issuer}/jwks` } });

    expect(await problemsOf(discoverProvider(fetcher, { issuer, discoveryUrl: elsewhere.url('/oidc.json') }))).toEqual([
      `discoveryUrl: "${elsewhere.url('/oidc.json')}" is not on the origin of issuer "${issuer}"`,
    ]);
    expect(elsewhere.totalHits()).toBe(0);
  });

  it('issuer and a discovery URL on the same origin: accepted', async () => {
    const issuer = ciam.url('/same-origin');
    ciam.on('/elsewhere-on-the-host.json', { kind: 'json', body: { issuer, jwks_uri: `${issuer}/jwks` } });
    expect(await discoverProvider(fetcher, { issuer, discoveryUrl: ciam.url('/elsewhere-on-the-host.json') })).toEqual({ issuer, jwksUri: `${issuer}/jwks` });
  });

  it('neither issuer nor discovery URL: rejected without a request', async () => {
    expect(await problemsOf(discoverProvider(fetcher, {}))).toEqual(['issuer or discoveryUrl: one is required']);
    expect(ciam.totalHits()).toBe(0);
  });
});

describe('unusable documents', () => {
  const issuer = (): string => ciam.url('/broken');
  const path = '/broken/.well-known/openid-configuration';

  it.each<[string, (issuer: string) => unknown, readonly string[]]>([
    ['{}', () => ({}), ['issuer: discovery "issuer" is missing', 'jwksUri: discovery "jwks_uri" is missing']],
    ['no jwks_uri', (issuer) => ({ issuer }), ['jwksUri: discovery "jwks_uri" is missing']],
    [
      'wrong types',
      (issuer) => ({ issuer, jwks_uri: ['x'], userinfo_endpoint: 42, token_endpoint: '', id_token_signing_alg_values_supported: 'RS256' }),
      [
        'jwksUri: discovery "jwks_uri" is not a non-empty string',
        'userinfoEndpoint: discovery "userinfo_endpoint" is not a non-empty string',
        'tokenEndpoint: discovery "token_endpoint" is not a non-empty string',
        'algorithms: discovery "id_token_signing_alg_values_supported" is not a list',
      ],
    ],
  ])('%s → ConfigValidationError naming every problem', async (_case, document, expected) => {
    ciam.on(path, { kind: 'json', body: document(issuer()) });
    expect(await problemsOf(discoverProvider(fetcher, { issuer: issuer() }))).toEqual(expected);
  });

  it.each([[[]], [null], ['a string'], [42]])('%p, not an object → ConfigValidationError', async (body) => {
    ciam.on(path, { kind: 'json', body });
    expect(await problemsOf(discoverProvider(fetcher, { issuer: issuer() }))).toEqual([`discoveryUrl: ${ciam.url(path)} did not answer a JSON object`]);
  });

  it.each<[string, UpstreamErrorCode, Behaviour]>([
    ['not JSON', 'FETCH_NOT_JSON', { kind: 'raw', body: '{"issuer": "https://' }],
    ['an HTML page', 'FETCH_NOT_JSON', { kind: 'raw', body: '<!doctype html><html><body>Sign in</body></html>', contentType: 'text/html' }],
    ['empty', 'FETCH_NOT_JSON', { kind: 'raw', body: '' }],
    ['huge', 'FETCH_TOO_LARGE', { kind: 'huge', bytes: 1024 * 1024 }],
  ])('%s → UpstreamError %s', async (_case, code, behaviour) => {
    ciam.on(path, behaviour);
    const err = await discoverProvider(fetcher, { issuer: issuer() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code });
  });

  it('a 302 redirect is not followed', async () => {
    elsewhere.on(path, { kind: 'json', body: { issuer: issuer(), jwks_uri: `${issuer()}/jwks` } });
    ciam.on(path, { kind: 'redirect', location: elsewhere.url(path) });

    const err = await discoverProvider(fetcher, { issuer: issuer() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_REDIRECT_REFUSED' });
    expect(elsewhere.totalHits()).toBe(0);
  });

  it('a 404 keeps the upstream status', async () => {
    const err = await discoverProvider(fetcher, { issuer: ciam.url('/no-such-tenant') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchStatusError);
    expect(err).toMatchObject({ code: 'FETCH_BAD_STATUS', httpStatus: 404 });
  });

  it('an issuer the URI policy refuses is never fetched', async () => {
    const strict = createJsonFetcher({ policy: { allowLoopbackHttp: false }, limits: LIMITS });
    const err = await discoverProvider(strict, { issuer: issuer() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'FETCH_URL_REFUSED' });
    expect(ciam.totalHits()).toBe(0);
  });
});

describe('completeBrandConfig: a PUT body as the admin API completes it', () => {
  const body = (overrides: Record<string, unknown> = {}) => ({ ...COMMON, provider: 'generic-oidc', clientId: 'c', audiences: ['api'], ...overrides });

  it('fills the endpoints the body leaves out from discovery, keeping those it gives', async () => {
    const issuer = ciam.url('/complete');
    serveDiscovery(issuer, { issuer, jwks_uri: `${issuer}/jwks`, userinfo_endpoint: `${issuer}/userinfo` });
    const config = await completeBrandConfig(body({ issuer, userinfoEndpoint: `${issuer}/me` }), fetcher, LOCAL);
    expect(config).toMatchObject({ issuer, jwksUri: `${issuer}/jwks`, userinfoEndpoint: `${issuer}/me` });
  });

  it('needs no request when the body is complete', async () => {
    const issuer = ciam.url('/complete-already');
    const config = await completeBrandConfig(body({ issuer, jwksUri: `${issuer}/jwks`, userinfoEndpoint: `${issuer}/userinfo` }), fetcher, LOCAL);
    expect(config.jwksUri).toBe(`${issuer}/jwks`);
    expect(ciam.totalHits()).toBe(0);
  });

  it('needs no request for a brand that reads profiles from the ID token and has no userinfo endpoint', async () => {
    const issuer = ciam.url('/id-token-only');
    const config = await completeBrandConfig(body({ issuer, jwksUri: `${issuer}/jwks`, profileSource: 'id_token' }), fetcher, LOCAL);
    expect(config).toMatchObject({ profileSource: 'id_token' });
    expect(config).not.toHaveProperty('userinfoEndpoint');
    expect(ciam.totalHits()).toBe(0);
  });

  it('looks for a userinfo endpoint when the body names no profile source, and reads ID tokens when discovery has none', async () => {
    const withUserinfo = ciam.url('/has-userinfo');
    serveDiscovery(withUserinfo, { issuer: withUserinfo, jwks_uri: `${withUserinfo}/jwks`, userinfo_endpoint: `${withUserinfo}/userinfo` });
    expect(await completeBrandConfig(body({ issuer: withUserinfo, jwksUri: `${withUserinfo}/jwks` }), fetcher, LOCAL)).toMatchObject({
      userinfoEndpoint: `${withUserinfo}/userinfo`, profileSource: 'userinfo',
    });
    const without = ciam.url('/no-userinfo');
    serveDiscovery(without, { issuer: without, jwks_uri: `${without}/jwks` });
    const config = await completeBrandConfig(body({ issuer: without, jwksUri: `${without}/jwks` }), fetcher, LOCAL);
    expect(config.profileSource).toBe('id_token');
    expect(config).not.toHaveProperty('userinfoEndpoint');
  });

  it('refuses a bad body with every problem before any request', async () => {
    const problems = await problemsOf(completeBrandConfig(body({ issuer: ciam.url('/never'), displayName: '', version: 2 }), fetcher, LOCAL));
    expect(problems).toEqual(expect.arrayContaining(['version: unknown field', expect.stringMatching(/^displayName: /)]));
    expect(ciam.totalHits()).toBe(0);
  });
});
