/**
 * Opaque tokens against real HTTP endpoints on 127.0.0.1 through the real bounded fetcher: RFC 7662 introspection
 * with both client authentications, refusals, a rotated secret, hostile answers (slow, huge, HTML), validation
 * through userinfo, and 100 concurrent first uses of one token through the whole decision engine.
 */
import { createJsonFetcher } from '../../lambdas/adapters/bounded-fetch';
import { cachedBrandSecrets } from '../../lambdas/adapters/brand-secrets';
import { createIntrospectionClient } from '../../lambdas/adapters/introspection-client';
import { createOpaqueTokenValidation } from '../../lambdas/adapters/opaque-token-validation';
import { createUserinfoClient } from '../../lambdas/adapters/userinfo-client';
import { createRequestAuthorizer } from '../../lambdas/core/authorize-request';
import { parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { TokenError, UpstreamError } from '../../lambdas/core/errors';
import { createTokenVerifier } from '../../lambdas/core/verify-token';
import { IntrospectionServer } from '../support/introspection-server';
import { TestHttpServer } from '../support/jwks-server';

const LIMITS = { timeoutMs: 500, maxBytes: 64 * 1024 };
const LOCAL = { allowLoopbackHttp: true };
const ISSUER = 'https://login.brand-a.example/';
const SECRET_REF = 'ciam-gateway/test/brands/brand-a/introspection';
/** Characters that Basic must form-encode (RFC 6749 §2.3.1). */
const SECRET = 'p@ss:w0rd+/ é';
const TOKEN = 'opaque-user-token-0123456789abcdef';
const NOW = 1_700_000_000;

let ciam: IntrospectionServer;
let hostile: TestHttpServer;
beforeAll(async () => {
  [ciam, hostile] = await Promise.all([IntrospectionServer.start('gateway-client', SECRET), TestHttpServer.start()]);
  hostile.on('/slow', { kind: 'hang' }).on('/huge', { kind: 'huge', bytes: 1024 * 1024 }).on('/html', { kind: 'raw', body: '<html>login</html>', contentType: 'text/html' });
  hostile.on('/userinfo', { kind: 'json', body: { sub: 'user-9', email: 'erin@example.com' } }).on('/userinfo-refuses', { kind: 'json', status: 401, body: { error: 'invalid_token' } });
});
afterAll(async () => {
  await Promise.all([ciam.stop(), hostile.stop()]);
});
beforeEach(() => {
  ciam.calls.length = 0;
  ciam.answers.clear();
  ciam.clientSecret = SECRET;
  ciam.answers.set(TOKEN, { sub: 'user-1', client_id: 'client-a', scope: 'openid loyalty', iss: ISSUER, exp: NOW + 300, iat: NOW - 5 });
});

function brandWith(overrides: Record<string, unknown> = {}, introspection: Record<string, unknown> = {}): BrandConfig {
  return parseBrandConfig({
    brandId: 'brand-a', displayName: 'A', provider: 'generic-oidc', issuer: ISSUER, jwksUri: 'https://login.brand-a.example/jwks',
    applicationId: 'app-a', clientId: 'client-a', audiences: ['loyalty-api'], tokenFormat: 'opaque',
    introspection: { endpoint: ciam.endpoint, clientId: 'gateway-client', clientSecretRef: SECRET_REF, ...introspection },
    ...overrides,
  }, LOCAL);
}

/** The validator as the authorizer wires it, with secrets from a table whose reads are counted. */
function validation(secrets: string[] = [SECRET]) {
  const reads: string[] = [];
  const fetcher = createJsonFetcher({ policy: LOCAL, limits: LIMITS });
  const read = async (ref: string) => {
    reads.push(ref);
    return secrets[Math.min(reads.length, secrets.length) - 1] as string;
  };
  const validate = createOpaqueTokenValidation({
    introspection: createIntrospectionClient({ poster: fetcher, secrets: cachedBrandSecrets({ read, stage: 'test', now: () => NOW * 1000 }) }),
    userinfo: createUserinfoClient({ fetcher }),
    now: () => NOW * 1000,
  });
  return { validate, reads };
}

async function refusal(promise: Promise<unknown>): Promise<TokenError | UpstreamError> {
  const outcome = await promise.then(() => undefined, (err: unknown) => err);
  if (!(outcome instanceof TokenError) && !(outcome instanceof UpstreamError)) throw new Error(`expected a refusal, got ${String(outcome)}`);
  expect(outcome.message).not.toContain(TOKEN);
  expect(outcome.message).not.toContain(SECRET);
  return outcome;
}

describe('introspection (RFC 7662)', () => {
  it.each([['client_secret_basic', 'basic'], ['client_secret_post', 'post']] as const)('authenticates with %s', async (authMethod, seen) => {
    const { validate } = validation();
    await expect(validate(TOKEN, brandWith({}, { authMethod }))).resolves.toMatchObject({ subject: 'user-1', principalType: 'customer', scopes: new Set(['openid', 'loyalty']) });
    expect(ciam.calls).toEqual([{ method: seen, clientId: 'gateway-client', token: TOKEN }]);
  });

  it.each([
    ['an inactive token', { active: false }, 'TOKEN_INACTIVE'],
    ['an expired token', { exp: NOW - 1 }, 'TOKEN_EXPIRED'],
    ['a foreign client_id', { client_id: 'another-app' }, 'AUDIENCE_MISMATCH'],
    ['a foreign issuer', { iss: 'https://attacker.example/' }, 'ISSUER_MISMATCH'],
  ])('refuses %s as a token problem (401)', async (_name, answer, code) => {
    ciam.answers.set(TOKEN, { ...ciam.answers.get(TOKEN), ...answer });
    const error = await refusal(validation().validate(TOKEN, brandWith()));
    expect(error).toBeInstanceOf(TokenError);
    expect(error.code).toBe(code);
  });

  it('reads the secret again once when the CIAM refuses the client, so a rotation needs no redeploy', async () => {
    ciam.clientSecret = 'rotated-secret';
    const { validate, reads } = validation(['old-secret', 'rotated-secret']);
    await expect(validate(TOKEN, brandWith())).resolves.toMatchObject({ subject: 'user-1' });
    expect(reads).toEqual([SECRET_REF, SECRET_REF]);
    expect(ciam.calls).toHaveLength(2);
  });

  it('gives up after that one re-read: the client is refused (fail closed), and the refusal is kept for 5 s', async () => {
    ciam.clientSecret = 'unknown-to-the-gateway';
    const { validate, reads } = validation(['old-secret', 'still-old']);
    const error = await refusal(validate(TOKEN, brandWith()));
    expect(error).toMatchObject({ code: 'INTROSPECTION_CLIENT_REFUSED' });
    await refusal(validate(TOKEN, brandWith()));
    expect(reads).toHaveLength(2);
  });

  it('refuses a secret reference outside this stage\'s brand prefix without reading it', async () => {
    const { validate, reads } = validation();
    const other = brandWith({}, { clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection' });
    expect(await refusal(validate(TOKEN, other))).toMatchObject({ code: 'SECRET_UNAVAILABLE' });
    expect(reads).toEqual([]);
    expect(ciam.calls).toEqual([]);
  });

  it.each([
    ['slow', '/slow', 'INTROSPECTION_UNAVAILABLE', 'FETCH_TIMEOUT'],
    ['huge', '/huge', 'INTROSPECTION_UNAVAILABLE', 'FETCH_TOO_LARGE'],
    ['HTML', '/html', 'INTROSPECTION_INVALID', 'FETCH_NOT_JSON'],
  ])('fails closed on a %s answer, within the deadline', async (_name, path, code, cause) => {
    const started = Date.now();
    const error = await refusal(validation().validate(TOKEN, brandWith({}, { endpoint: hostile.url(path) })));
    expect(Date.now() - started).toBeLessThan(LIMITS.timeoutMs + 500);
    expect(error).toMatchObject({ code, cause: { code: cause } });
  });

  it('does not follow an answer\'s redirect, and fails closed on a connection refused', async () => {
    hostile.on('/moved', { kind: 'redirect', location: ciam.endpoint });
    expect(await refusal(validation().validate(TOKEN, brandWith({}, { endpoint: hostile.url('/moved') })))).toMatchObject({ code: 'INTROSPECTION_UNAVAILABLE', cause: { code: 'FETCH_REDIRECT_REFUSED' } });
    expect(ciam.calls).toEqual([]);
  });
});

describe('validation through userinfo', () => {
  it('takes a 200 with a sub as valid, its claims the principal\'s', async () => {
    const config = brandWith({ opaqueValidation: 'userinfo', userinfoEndpoint: hostile.url('/userinfo'), fieldMappings: { email: 'email' } });
    await expect(validation().validate(TOKEN, config)).resolves.toMatchObject({ subject: 'user-9', claims: { email: 'erin@example.com' }, principalType: 'customer' });
  });

  it('refuses a token the userinfo endpoint refuses', async () => {
    const config = brandWith({ opaqueValidation: 'userinfo', userinfoEndpoint: hostile.url('/userinfo-refuses') });
    expect(await refusal(validation().validate(TOKEN, config))).toMatchObject({ code: 'USERINFO_TOKEN_REJECTED' });
  });
});

describe('single-flight', () => {
  it('makes one introspection call for 100 concurrent first uses of one token', async () => {
    const config = brandWith({ requiredScopes: ['loyalty'] });
    const { validate } = validation();
    const authorize = createRequestAuthorizer({
      findBrand: async () => config,
      verifyToken: createTokenVerifier({ resolveKey: () => Promise.reject(new Error('no JWT expected')) }),
      routeScopes: {},
      now: () => NOW * 1000,
      validateOpaqueToken: validate,
    });
    ciam.hold();
    const decisions = Array.from({ length: 100 }, () => authorize({ authorization: `Bearer ${TOKEN}`, brandId: 'brand-a', methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api0000001/prod/GET/v1/whoami' }));
    await new Promise((resolve) => setImmediate(resolve));
    ciam.release();
    const results = await Promise.all(decisions);
    expect(results.every((d) => d.principalId === 'brand-a|user-1')).toBe(true);
    expect(ciam.calls).toHaveLength(1);
  });
});
