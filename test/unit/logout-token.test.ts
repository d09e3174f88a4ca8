import { decodeUnverifiedJwt } from '../../lambdas/core/decode-unverified-jwt';
import { TokenError } from '../../lambdas/core/errors';
import { BACKCHANNEL_LOGOUT_EVENT, createLogoutTokenVerifier } from '../../lambdas/core/logout-token';
import { craftToken, makeKey, rawSigner, type TestKey } from '../support/tokens';
import { brand, fakeResolver, ISSUER, NOW } from './fixtures';

let key: TestKey, other: TestKey;
beforeAll(async () => {
  [key, other] = await Promise.all([makeKey('k1'), makeKey('k2')]);
});

/** A logout token of brand-a's CIAM, issued at NOW, for client-a. */
function logoutClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: 'client-a', iat: NOW, exp: NOW + 120, jti: 'jti-1', sub: 'user-1', sid: 'session-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...overrides };
}

function signed(header: Record<string, unknown> = {}, payload: Record<string, unknown> = logoutClaims(), signer = key): string {
  return craftToken({ alg: 'RS256', typ: 'logout+jwt', kid: 'k1', ...header }, payload, rawSigner(signer, 'RS256'));
}

function without(claim: string): string {
  const payload = logoutClaims();
  delete payload[claim];
  return signed({}, payload);
}

const verify = (token: string, brandOverrides: Record<string, unknown> = {}) => {
  const resolver = fakeResolver({ k1: key.publicKey });
  return createLogoutTokenVerifier({ resolveKey: resolver.resolveKey, now: () => NOW * 1000 })(decodeUnverifiedJwt(token), brand(brandOverrides));
};

async function refusal(token: string): Promise<string> {
  try {
    await verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return (err as TokenError).code;
  }
  throw new Error('the logout token was accepted');
}

describe('a logout token', () => {
  it('is accepted when every rule holds, and says whom to log out', async () => {
    await expect(verify(signed())).resolves.toEqual({ sub: 'user-1', sid: 'session-1', jti: 'jti-1', iat: NOW, exp: NOW + 120 });
  });

  it.each([
    ['typ logout+jwt', { typ: 'logout+jwt' }],
    ['typ JWT', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
  ])('may carry %s', async (_name, header) => {
    await expect(verify(signed(header))).resolves.toMatchObject({ jti: 'jti-1' });
  });

  it("may come from any of the brand's issuers", async () => {
    const token = signed({}, logoutClaims({ iss: 'https://global.login.brand-a.example/' }));
    await expect(verify(token, { additionalIssuers: ['https://global.login.brand-a.example/'] })).resolves.toMatchObject({ jti: 'jti-1' });
  });

  it("may name any of a Cognito pool's app clients, which the preset keeps as audiences; another provider's audiences are not clients", async () => {
    const token = signed({}, logoutClaims({ aud: 'second-app-client' }));
    await expect(verify(token, { provider: 'cognito', audiences: ['client-a', 'second-app-client'] })).resolves.toMatchObject({ jti: 'jti-1' });
    await expect(verify(token, { audiences: ['client-a', 'second-app-client'] })).rejects.toMatchObject({ code: 'AUDIENCE_MISMATCH' });
  });

  it('needs only one of sub and sid', async () => {
    await expect(verify(without('sub'))).resolves.toEqual({ sid: 'session-1', jti: 'jti-1', iat: NOW, exp: NOW + 120 });
    await expect(verify(without('sid'))).resolves.toEqual({ sub: 'user-1', jti: 'jti-1', iat: NOW, exp: NOW + 120 });
  });
});

describe('a logout token is refused', () => {
  // One negative case per rule of OpenID Connect Back-Channel Logout 1.0 §2.6, with the code each one logs.
  it.each([
    ['signed by a key that is not the brand’s', () => signed({}, logoutClaims(), other), 'SIGNATURE_INVALID'],
    ['with a kid the brand does not publish', () => signed({ kid: 'k2' }, logoutClaims(), other), 'KEY_NOT_FOUND'],
    ['with an algorithm the brand does not allow', () => signed({ alg: 'PS256' }), 'ALG_NOT_ALLOWED'],
    ['from another issuer', () => signed({}, logoutClaims({ iss: 'https://evil.example/' })), 'ISSUER_MISMATCH'],
    ['addressed to another client', () => signed({}, logoutClaims({ aud: ['other-client', 'loyalty-api'] })), 'AUDIENCE_MISMATCH'],
    ['without iat', () => without('iat'), 'CLAIM_INVALID'],
    ['without exp', () => without('exp'), 'CLAIM_INVALID'],
    ['expired beyond the clock tolerance', () => signed({}, logoutClaims({ iat: NOW - 300, exp: NOW - 61 })), 'TOKEN_EXPIRED'],
    ['issued in the future beyond the clock tolerance', () => signed({}, logoutClaims({ iat: NOW + 61, exp: NOW + 200 })), 'TOKEN_NOT_YET_VALID'],
    ['living longer than the maximum token age', () => signed({}, logoutClaims({ exp: NOW + 86_400 * 2 })), 'TOKEN_LIFETIME_TOO_LONG'],
    ['without events', () => without('events'), 'LOGOUT_TOKEN_INVALID'],
    ['whose event is not the back-channel logout', () => signed({}, logoutClaims({ events: { 'http://schemas.openid.net/event/other': {} } })), 'LOGOUT_TOKEN_INVALID'],
    ['whose back-channel logout event is not an object', () => signed({}, logoutClaims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } })), 'LOGOUT_TOKEN_INVALID'],
    ['with neither sub nor sid', () => signed({}, logoutClaims({ sub: undefined, sid: undefined })), 'LOGOUT_TOKEN_INVALID'],
    ['with a nonce', () => signed({}, logoutClaims({ nonce: 'n-1' })), 'LOGOUT_TOKEN_INVALID'],
    ['typed as an access token', () => signed({ typ: 'at+jwt' }), 'LOGOUT_TOKEN_INVALID'],
    ['without jti', () => without('jti'), 'CLAIM_INVALID'],
    ['with a sid that is not a string', () => signed({}, logoutClaims({ sid: 42 })), 'CLAIM_INVALID'],
  ])('when %s', async (_rule, token, code) => {
    expect(await refusal(token())).toBe(code);
  });

  it('when it is an access token or an ID token of the brand', async () => {
    const accessToken = signed({ typ: 'at+jwt' }, { iss: ISSUER, aud: 'loyalty-api', sub: 'user-1', iat: NOW, exp: NOW + 300, jti: 'a' });
    const idToken = signed({ typ: 'JWT' }, { iss: ISSUER, aud: 'client-a', sub: 'user-1', iat: NOW, exp: NOW + 300, nonce: 'n', jti: 'b' });
    expect(await refusal(accessToken)).toBe('LOGOUT_TOKEN_INVALID');
    expect(await refusal(idToken)).toBe('LOGOUT_TOKEN_INVALID');
  });
});
