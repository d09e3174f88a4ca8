/**
 * Brands on the Janrain (Hosted Login), NextReason and Auth0-opaque shapes, through local mode: its CIAMs laid out as
 * those vendors lay themselves out (lib/local/vendor-ciams.ts) issue opaque access tokens, and each brand is onboarded
 * with the CLI and the vendor's preset, its introspection secret in local mode's secrets file. Then, for each: the
 * onboarding check passes (introspection included where there is one), a token works on whoami and link, a token
 * revoked at the CIAM is refused once the caches have run out (on local mode's clock), and another CIAM's token is
 * refused. A Janrain brand with a wrong customer id fails its check at the steps that reach the CIAM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/run-cli';
import { AUTH0_JWT_APP, AUTH0_OPAQUE_APP, JANRAIN_APP, NEXTREASON_APP, userAccessToken, type DemoApp } from '../../lib/local/demo-login';
import { DEMO_AUTH0_BRAND_ID, DEMO_JANRAIN_BRAND_ID, DEMO_NEXTREASON_BRAND_ID } from '../../lib/local/local-brands';
import type { LocalMode } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { AUTH0_SHAPE, JANRAIN_SHAPE, NEXTREASON_SHAPE, type VendorCiamUrls } from '../../lib/local/vendor-ciams';
import { startE2eLocalMode, type E2eLocalMode } from './e2e-local-mode';

const SCOPE = 'openid profile email phone loyalty';
const settings = readLocalSettings({});
let e2e: E2eLocalMode;
let local: LocalMode;
let vendors: VendorCiamUrls;
let dir: string;

beforeAll(async () => {
  e2e = await startE2eLocalMode();
  ({ local } = e2e);
  vendors = local.ciam.vendors;
  dir = mkdtempSync(join(tmpdir(), 'vendor-shapes-'));
}, 60_000);

afterAll(async () => {
  await local?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { CIAM_GATEWAY_ENDPOINT: local.gatewayUrl, LOCAL_ADMIN_KEY: settings.adminKey },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const secretRef = (brandId: string) => `clientSecretRef=ciam-gateway/local/brands/${brandId}/introspection`;

interface Shape {
  readonly brandId: string;
  readonly app: DemoApp;
  readonly issuer: () => string;
  readonly preset: () => string[];
  readonly revocationEndpoint: () => string;
  /** The check's steps, each passing. */
  readonly steps: readonly string[];
  /** What the gateway logs when the CIAM says a token is no good. */
  readonly refusal: string;
}

const SHAPES: readonly Shape[] = [
  {
    brandId: DEMO_JANRAIN_BRAND_ID,
    app: JANRAIN_APP,
    issuer: () => vendors.janrain.issuer,
    preset: () => ['--preset', 'janrain', '--input', `endpoint=${vendors.janrain.endpoint}`, '--input', `customerId=${JANRAIN_SHAPE.customerId}`,
      '--input', `clientId=${JANRAIN_SHAPE.app.clientId}`, '--input', `introspectionClientId=${JANRAIN_SHAPE.introspectionClient.clientId}`,
      '--input', secretRef(DEMO_JANRAIN_BRAND_ID)],
    revocationEndpoint: () => vendors.janrain.revocationEndpoint,
    steps: ['discovery', 'jwks', 'userinfo', 'introspection', 'sample_token'],
    refusal: 'TOKEN_INACTIVE',
  },
  {
    brandId: DEMO_NEXTREASON_BRAND_ID,
    app: NEXTREASON_APP,
    issuer: () => vendors.nextreason.baseUrl,
    preset: () => ['--preset', 'nextreason', '--input', `baseUrl=${vendors.nextreason.baseUrl}`, '--input', 'tokenFormat=opaque',
      '--input', `clientId=${NEXTREASON_SHAPE.app.clientId}`, '--input', `introspectionClientId=${NEXTREASON_SHAPE.introspectionClient.clientId}`,
      '--input', secretRef(DEMO_NEXTREASON_BRAND_ID)],
    revocationEndpoint: () => vendors.nextreason.revocationEndpoint,
    steps: ['discovery', 'jwks', 'userinfo', 'introspection', 'sample_token'],
    refusal: 'TOKEN_INACTIVE',
  },
  {
    brandId: DEMO_AUTH0_BRAND_ID,
    app: AUTH0_OPAQUE_APP,
    issuer: () => vendors.auth0.issuer,
    preset: () => ['--preset', 'auth0', '--input', `endpoint=${vendors.auth0.endpoint}`, '--input', `apiAudience=${AUTH0_SHAPE.apiAudience}`,
      '--input', `clientId=${AUTH0_SHAPE.app.clientId}`, '--input', 'opaque=true'],
    revocationEndpoint: () => vendors.auth0.revocationEndpoint,
    steps: ['discovery', 'jwks', 'userinfo', 'sample_token'],
    refusal: 'USERINFO_TOKEN_REJECTED',
  },
];

const login = (shape: Shape, user: string, app: DemoApp = shape.app) => userAccessToken(shape.issuer(), user, SCOPE, app);

async function call(brandId: string, token: string, method = 'GET', path = '/v1/whoami'): Promise<{ status: number; body: Record<string, unknown>; debug: string | null }> {
  const response = await fetch(`${local.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'x-brand-id': brandId } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, debug: response.headers.get('x-ciam-debug') };
}

/** Revokes the token at its CIAM (RFC 7009), as the app's client. */
async function revoke(shape: Shape, token: string): Promise<number> {
  const { clientId, clientSecret } = shape.app.client;
  const response = await fetch(shape.revocationEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  return response.status;
}

describe.each(SHAPES)('$brandId', (shape) => {
  it('is onboarded with the CLI and the vendor\'s preset, and its check passes at every step', async () => {
    const put = await cli('brands', 'put', shape.brandId, ...shape.preset(), '--display-name', shape.brandId, '--json');
    expect([put.code, put.err]).toEqual([0, '']);
    expect(JSON.parse(put.out)).toMatchObject({ brandId: shape.brandId, issuer: shape.issuer(), version: 1 });

    const check = await cli('brands', 'check', shape.brandId, '--sample-token', await login(shape, 'sam'));
    expect(check.out.split('\n').map((line) => line.slice(0, line.indexOf(':')))).toEqual(shape.steps.map((step) => `ok   ${step}`));
    expect(check.out).toMatch(/^ok {3}sample_token: opaque, .* says: valid access token for customer sam/m);
    expect(check.code).toBe(0);
  });

  it('takes the CIAM\'s opaque token on whoami and link, the profile from the CIAM\'s userinfo', async () => {
    const token = await login(shape, 'vera');
    expect(token.split('.')).toHaveLength(1);
    expect(await call(shape.brandId, token)).toMatchObject({ status: 200, body: { brandId: shape.brandId, sub: 'vera', principalType: 'customer', tokenType: 'access' } });
    const linked = await call(shape.brandId, token, 'POST', '/v1/customers/link');
    expect(linked).toMatchObject({ status: 200, body: { created: true, linkedBy: 'new', changedFields: ['firstName', 'lastName', 'email', 'mobile'] } });
  });

  it('refuses a token revoked at the CIAM once the answer cache (60 s) and the decision cache have run out', async () => {
    const token = await login(shape, 'rory');
    expect((await call(shape.brandId, token)).status).toBe(200);
    expect(await revoke(shape, token)).toBe(200);
    // Within the caches the decision stands: the worst case the README states.
    expect((await call(shape.brandId, token)).status).toBe(200);
    await e2e.advance(60 + settings.resultsCacheTtlSeconds);
    expect(await call(shape.brandId, token)).toMatchObject({ status: 401, debug: shape.refusal });
  });

  it('refuses another CIAM\'s opaque token, and a made-up one, as invalid_token', async () => {
    const other = SHAPES.find((s) => s !== shape) as Shape;
    const foreign = await login(other, 'vera');
    const refused = await fetch(`${local.gatewayUrl}/v1/whoami`, { headers: { authorization: `Bearer ${foreign}`, 'x-brand-id': shape.brandId } });
    expect([refused.status, refused.headers.get('www-authenticate'), refused.headers.get('x-ciam-debug')]).toEqual([401, 'Bearer error="invalid_token"', shape.refusal]);
    expect(await call(shape.brandId, 'x'.repeat(43))).toMatchObject({ status: 401, debug: shape.refusal });
  });
});

it('auth0: takes the JWT Auth0 issues for the API\'s audience too (tokenFormat auto), and refuses the demo CIAM\'s', async () => {
  const [auth0] = SHAPES.filter((s) => s.brandId === DEMO_AUTH0_BRAND_ID) as [Shape];
  const jwt = await login(auth0, 'jill', AUTH0_JWT_APP);
  expect(jwt.split('.')).toHaveLength(3);
  expect(await call(DEMO_AUTH0_BRAND_ID, jwt)).toMatchObject({ status: 200, body: { sub: 'jill', iss: vendors.auth0.issuer, principalType: 'customer' } });
  const demoJwt = await userAccessToken(local.ciam.issuer, 'jill', SCOPE);
  expect(await call(DEMO_AUTH0_BRAND_ID, demoJwt)).toMatchObject({ status: 401, debug: 'ISSUER_MISMATCH' });
});

describe('janrain: a wrong customer id', () => {
  const WRONG = '00000000-0000-4000-8000-000000000000';

  it('is not stored: the discovery that fills the JWKS URI finds no Hosted Login there', async () => {
    const put = await cli('brands', 'put', 'wrong-janrain', '--preset', 'janrain', '--input', `endpoint=${vendors.janrain.endpoint}`, '--input', `customerId=${WRONG}`,
      '--input', `clientId=${JANRAIN_SHAPE.app.clientId}`);
    expect([put.code, put.err]).toEqual([3, 'the gateway could not complete the request (502 FETCH_BAD_STATUS)']);
    expect((await cli('brands', 'get', 'wrong-janrain')).code).toBe(1);
  });

  it('fails the check of a config that names it, at discovery and introspection', async () => {
    const { out } = await cli('brands', 'get', DEMO_JANRAIN_BRAND_ID, '--json');
    const file = join(dir, 'wrong-janrain.json');
    writeFileSync(file, out.replaceAll(JANRAIN_SHAPE.customerId, WRONG));
    const check = await cli('brands', 'check', '--file', file);
    expect(check.code).toBe(1);
    expect(check.out).toContain(`FAIL discovery: FETCH_BAD_STATUS: GET ${vendors.janrain.endpoint}/${WRONG}/login/.well-known/openid-configuration: status 404`);
    expect(check.out).toMatch(/^FAIL introspection: INTROSPECTION_UNAVAILABLE: /m);
  });
});
