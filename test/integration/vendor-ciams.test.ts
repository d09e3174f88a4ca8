/**
 * The demo CIAM's vendor-shaped providers on a free port, as a relying party meets them: each one's discovery names
 * the URLs its vendor documents, its access tokens are opaque when the app names no API, Janrain's userinfo answers
 * beside its issuer's path, and Auth0's has no introspection but a JWT for its API's audience.
 */
import { decodeJwt } from 'jose';
import { startDemoCiam, type DemoCiam } from '../../lib/local/demo-ciam';
import { AUTH0_JWT_APP, AUTH0_OPAQUE_APP, JANRAIN_APP, NEXTREASON_APP, userAccessToken } from '../../lib/local/demo-login';
import { AUTH0_SHAPE, JANRAIN_SHAPE, NEXTREASON_SHAPE } from '../../lib/local/vendor-ciams';

let ciam: DemoCiam;

beforeAll(async () => {
  ciam = await startDemoCiam(0);
});

afterAll(async () => {
  await ciam?.close();
});

const SCOPE = 'openid profile email loyalty';

async function discovery(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function introspect(endpoint: string, client: { clientId: string; clientSecret: string }, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

it('lays out Janrain Hosted Login: issuer <endpoint>/<customerId>/login, introspection under it, userinfo at /profiles/oidc/userinfo', async () => {
  const { janrain } = ciam.vendors;
  expect(janrain).toMatchObject({ endpoint: `${ciam.issuer}/janrain`, customerId: JANRAIN_SHAPE.customerId, issuer: `${ciam.issuer}/janrain/${JANRAIN_SHAPE.customerId}/login` });
  expect(await discovery(`${janrain.issuer}/.well-known/openid-configuration`)).toMatchObject({ issuer: janrain.issuer, introspection_endpoint: janrain.introspectionEndpoint });

  const token = await userAccessToken(janrain.issuer, 'jo', SCOPE, JANRAIN_APP);
  expect(token.split('.')).toHaveLength(1);
  expect(await introspect(janrain.introspectionEndpoint, JANRAIN_SHAPE.introspectionClient, token)).toMatchObject({
    status: 200,
    body: { active: true, sub: 'jo', client_id: JANRAIN_SHAPE.app.clientId, iss: janrain.issuer, scope: SCOPE },
  });
  // Only the gateway's client may ask: to the app's own client the token says nothing.
  expect((await introspect(janrain.introspectionEndpoint, JANRAIN_SHAPE.app, token)).body).toEqual({ active: false });
  const userinfo = await fetch(janrain.userinfoEndpoint, { headers: { authorization: `Bearer ${token}` } });
  expect([userinfo.status, await userinfo.json()]).toEqual([200, expect.objectContaining({ sub: 'jo', email: 'jo@demo.example' })]);
});

it('lays out a NextReason tenant: the tenant URL is the issuer, discovery and /introspect under it', async () => {
  const { nextreason } = ciam.vendors;
  expect(nextreason.baseUrl).toBe(`${ciam.issuer}/nextreason/tenants/${NEXTREASON_SHAPE.tenant}`);
  expect(await discovery(`${nextreason.baseUrl}/.well-known/openid-configuration`)).toMatchObject({
    issuer: nextreason.baseUrl,
    introspection_endpoint: `${nextreason.baseUrl}/introspect`,
    jwks_uri: `${nextreason.baseUrl}/jwks`,
  });
  const token = await userAccessToken(nextreason.baseUrl, 'ned', SCOPE, NEXTREASON_APP);
  expect((await introspect(nextreason.introspectionEndpoint, NEXTREASON_SHAPE.introspectionClient, token)).body).toMatchObject({ active: true, sub: 'ned', iss: nextreason.baseUrl });
  // Each CIAM knows its own tokens only.
  expect((await introspect(ciam.vendors.janrain.introspectionEndpoint, JANRAIN_SHAPE.introspectionClient, token)).body).toEqual({ active: false });
});

it('lays out Auth0: issuer <endpoint>/, JWKS and userinfo at the root, no introspection; opaque without an audience, a JWT with it', async () => {
  const { auth0 } = ciam.vendors;
  const document = await discovery(`${auth0.endpoint}/.well-known/openid-configuration`);
  expect(document).toMatchObject({ issuer: `${ciam.issuer}/auth0/`, jwks_uri: `${auth0.endpoint}/.well-known/jwks.json`, userinfo_endpoint: auth0.userinfoEndpoint });
  expect(document).not.toHaveProperty('introspection_endpoint');

  const opaque = await userAccessToken(auth0.issuer, 'ann', SCOPE, AUTH0_OPAQUE_APP);
  expect(opaque.split('.')).toHaveLength(1);
  const userinfo = await fetch(auth0.userinfoEndpoint, { headers: { authorization: `Bearer ${opaque}` } });
  expect([userinfo.status, await userinfo.json()]).toEqual([200, expect.objectContaining({ sub: 'ann' })]);

  const jwt = await userAccessToken(auth0.issuer, 'ann', SCOPE, AUTH0_JWT_APP);
  expect(decodeJwt(jwt)).toMatchObject({ iss: auth0.issuer, aud: AUTH0_SHAPE.apiAudience, sub: 'ann', client_id: AUTH0_SHAPE.app.clientId });
});

it('leaves the demo CIAM\'s own paths to it', async () => {
  expect(await discovery(`${ciam.issuer}/.well-known/openid-configuration`)).toMatchObject({ issuer: ciam.issuer });
  expect((await fetch(`${ciam.issuer}/janrain-not-a-shape/.well-known/openid-configuration`)).status).toBe(404);
});
