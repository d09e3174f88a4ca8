/**
 * Cognito's tokens as Cognito shapes them, through the real authorizer handler: brands built by the Cognito preset
 * (both issuer forms, the partition's domain, several app clients) stored in DynamoDB Local, their keys served on
 * 127.0.0.1, tokens signed with jose. Cognito sets no `typ` and puts `token_use` in every token.
 */
import { randomUUID } from 'node:crypto';
import { PRESETS } from '../../lambdas/core/provider-presets';
import { startAuthorizerHarness, type AuthorizerHarness } from '../support/authorizer-harness';
import { TestHttpServer } from '../support/jwks-server';
import { makeKey, nowSeconds, signToken, type TestKey } from '../support/tokens';

const POOL = 'eu-west-1_AbC123xyz';
const REGIONAL = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const GLOBAL = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const EU_POOL = 'eusc-de-east-1_Sov3reign';

let server: TestHttpServer;
let harness: AuthorizerHarness;
let pool: TestKey, otherPool: TestKey;

/** A brand as `brands put shop --preset cognito` builds it; only its JWKS moved onto the loopback server. */
const presetBrand = (brandId: string, inputs: Record<string, string>) => ({
  ...PRESETS.cognito.derive(inputs),
  jwksUri: server.url(`/${brandId}/jwks`),
  brandId,
  displayName: brandId,
});

/** Claims as Cognito puts them in an access token (client_id, no aud) or an ID token (aud, no client_id). */
function cognitoClaims(tokenUse: 'access' | 'id' | undefined, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  const common = { sub: 'a1b2c3d4-user', iss: REGIONAL, auth_time: now, iat: now, exp: now + 3600, event_id: randomUUID(), jti: randomUUID(), ...(tokenUse ? { token_use: tokenUse } : {}) };
  const shaped = tokenUse === 'id'
    ? { ...common, aud: 'web1client', 'cognito:username': 'jane', email: 'jane@example.com', email_verified: true }
    : { ...common, client_id: 'web1client', scope: 'aws.cognito.signin.user.admin', username: 'jane' };
  return { ...shaped, ...overrides };
}
const cognitoToken = (tokenUse: 'access' | 'id' | undefined, overrides: Record<string, unknown> = {}, key = pool) =>
  signToken(key, cognitoClaims(tokenUse, overrides), { typ: undefined });

beforeAll(async () => {
  server = await TestHttpServer.start();
  [pool, otherPool] = await Promise.all([makeKey('cognito-1'), makeKey('cognito-2')]);
  harness = await startAuthorizerHarness();
  for (const brandId of ['shop', 'shop-eu']) server.on(`/${brandId}/jwks`, { kind: 'json', body: { keys: [pool.jwk] } });
  await harness.putBrand(presetBrand('shop', { region: 'eu-west-1', userPoolId: POOL, appClientId: 'web1client,mobile2client' }));
  await harness.putBrand(presetBrand('shop-eu', { region: 'eusc-de-east-1', userPoolId: EU_POOL, appClientId: 'web1client' }));
});

afterAll(async () => {
  await harness?.stop();
  await server?.stop();
});

const call = async (token: string, brandId = 'shop') => harness.invoke({ token, brandId });

describe('a brand from the Cognito preset', () => {
  it.each([REGIONAL, GLOBAL])('accepts an access token issued as %s, and passes that issuer on', async (iss) => {
    const outcome = await call(await cognitoToken('access', { iss }));
    expect(outcome.status).toBe(200);
    if (outcome.status === 200) expect(outcome.result.context).toMatchObject({ iss, tokenType: 'access', principalType: 'customer', sub: 'a1b2c3d4-user' });
  });

  it('accepts the access token of each app client the preset listed', async () => {
    expect((await call(await cognitoToken('access', { client_id: 'mobile2client' }))).status).toBe(200);
    expect(await call(await cognitoToken('access', { client_id: 'other3client' }))).toEqual({ status: 401, code: 'AUDIENCE_MISMATCH' });
  });

  it.each<[string, () => Promise<string>, string]>([
    ['an ID token as the bearer', () => cognitoToken('id'), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['a token without token_use', () => cognitoToken(undefined), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['token_use other than access or id', () => cognitoToken('access', { token_use: 'refresh' }), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['an access token naming its client in aud only', () => cognitoToken('access', { client_id: undefined, aud: 'web1client' }), 'AUDIENCE_MISMATCH'],
    ['the global issuer with a trailing slash', () => cognitoToken('access', { iss: `${GLOBAL}/` }), 'ISSUER_MISMATCH'],
    ['another pool of the region', () => cognitoToken('access', { iss: `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other` }), 'ISSUER_MISMATCH'],
    ['the pool under another region', () => cognitoToken('access', { iss: `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}` }), 'ISSUER_MISMATCH'],
    ['a key of another pool', () => cognitoToken('access', {}, otherPool), 'KEY_NOT_FOUND'],
  ])('refuses %s with 401 %s', async (_case, make, code) => {
    expect(await call(await make())).toEqual({ status: 401, code });
  });
});

describe("a pool in the European Sovereign Cloud (eusc-de-east-1)", () => {
  it('accepts both issuer forms on amazonaws.eu, and neither on amazonaws.com', async () => {
    for (const host of ['cognito-idp', 'issuer-cognito-idp']) {
      expect((await call(await cognitoToken('access', { iss: `https://${host}.eusc-de-east-1.amazonaws.eu/${EU_POOL}` }), 'shop-eu')).status).toBe(200);
      expect(await call(await cognitoToken('access', { iss: `https://${host}.eusc-de-east-1.amazonaws.com/${EU_POOL}` }), 'shop-eu')).toEqual({
        status: 401, code: 'ISSUER_MISMATCH',
      });
    }
  });
});
