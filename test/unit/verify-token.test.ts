import { decodeUnverifiedJwt } from '../../lambdas/core/decode-unverified-jwt';
import { TokenError } from '../../lambdas/core/errors';
import { createTokenVerifier, type KeyResolver } from '../../lambdas/core/verify-token';
import { craftToken, hmacSigner, makeKey, rawSigner, signToken, withPayload, type TestKey } from '../support/tokens';
import { brand, claimsAt, fakeResolver, JWKS_URI, NOW } from './fixtures';

let a1: TestKey, a2: TestKey, es: TestKey, ed: TestKey;
beforeAll(async () => {
  [a1, a2, es, ed] = await Promise.all([makeKey('a1'), makeKey('a2'), makeKey('es1', 'ES256'), makeKey('ed1', 'EdDSA')]);
});

/** The verifier takes the token decoded (the authorizer decodes it before looking up the brand). */
function verifierFor(resolveKey: KeyResolver, brandOverrides: Record<string, unknown> = {}) {
  const verify = createTokenVerifier({ resolveKey, now: () => NOW * 1000 });
  return (token: string) => verify(decodeUnverifiedJwt(token), brand(brandOverrides));
}

function setup(brandOverrides: Record<string, unknown> = {}) {
  const resolver = fakeResolver({ a1: a1.publicKey, a2: a2.publicKey, es1: es.publicKey, ed1: ed.publicKey, ps1: a1.publicKey });
  return { resolver, verify: verifierFor(resolver.resolveKey, brandOverrides) };
}

/** Any header and payload, validly signed by a1 with RS256 unless told otherwise. */
const crafted = (header: Record<string, unknown>, payload: Record<string, unknown> = claimsAt(), key = a1, alg = 'RS256') =>
  craftToken({ alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header }, payload, rawSigner(key, alg));
const withClaims = (overrides: Record<string, unknown>) => crafted({}, claimsAt(overrides));
const without = (claim: string) => {
  const payload = claimsAt();
  delete payload[claim];
  return crafted({}, payload);
};

describe('createTokenVerifier', () => {
  it('accepts a good token and reports who and what it is', async () => {
    const { verify, resolver } = setup();
    const verified = await verify(await signToken(a1, claimsAt({ scope: 'openid items:read' })));
    expect(verified).toMatchObject({ subject: 'user-1', tokenType: 'access', principalType: 'customer', expiresAt: NOW + 300 });
    expect([...verified.scopes]).toEqual(['openid', 'items:read']);
    expect(verified.claims).toMatchObject({ iss: 'https://login.brand-a.example/', aud: 'loyalty-api' });
    expect(resolver.calls).toEqual([{ jwksUri: JWKS_URI, kid: 'a1', alg: 'RS256' }]);
  });

  it("accepts any one of the brand's issuers, each compared exactly, and reports the token's", async () => {
    const global = 'https://issuer.brand-a.example/pool-1';
    const { verify } = setup({ additionalIssuers: [global] });
    await expect(verify(await signToken(a1, claimsAt()))).resolves.toMatchObject({ issuer: 'https://login.brand-a.example/' });
    await expect(verify(await signToken(a1, claimsAt({ iss: global })))).resolves.toMatchObject({ issuer: global });
    for (const iss of [`${global}/`, global.toUpperCase(), 'https://issuer.brand-a.example/pool-2']) {
      await expect(verify(await signToken(a1, claimsAt({ iss })))).rejects.toMatchObject({ code: 'ISSUER_MISMATCH' });
    }
  });

  it('asks for the brand JWKS URI only, whatever jku/x5u/jwk the header names', async () => {
    const { verify, resolver } = setup();
    await verify(crafted({ jku: 'https://attacker.example/jwks', x5u: 'https://attacker.example/x5', jwk: a2.jwk }));
    expect(resolver.calls.map((c) => c.jwksUri)).toEqual([JWKS_URI]);
  });

  it.each([undefined, 'JWT', 'jwt', 'application/jwt', 'at+jwt', 'application/at+jwt', 'AT+JWT'])('accepts typ %p', async (typ) => {
    const { verify } = setup();
    await expect(verify(crafted({ typ }))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it.each<[string, () => string, string]>([
    ['alg none', () => crafted({ alg: 'none' }), 'ALG_NOT_ALLOWED'],
    ['alg None', () => crafted({ alg: 'None' }), 'ALG_NOT_ALLOWED'],
    ['alg HS256 signed with the public key', () => craftToken({ alg: 'HS256', kid: 'a1' }, claimsAt(), hmacSigner('HS256', JSON.stringify(a1.jwk))), 'ALG_NOT_ALLOWED'],
    ['alg RS512 on an RS256 brand', () => crafted({ alg: 'RS512' }, claimsAt(), a1, 'RS512'), 'ALG_NOT_ALLOWED'],
    ['ES256 on an RS256 brand', () => crafted({ alg: 'ES256' }, claimsAt(), es, 'ES256'), 'ALG_NOT_ALLOWED'],
    ['no alg', () => crafted({ alg: undefined }), 'ALG_NOT_ALLOWED'],
    ['alg as a list', () => crafted({ alg: ['RS256'] }), 'ALG_NOT_ALLOWED'],
    ['crit', () => crafted({ crit: ['exp'], exp: NOW }), 'CRIT_UNSUPPORTED'],
    ['an empty crit', () => crafted({ crit: [] }), 'CRIT_UNSUPPORTED'],
    ['b64 false', () => crafted({ b64: false }), 'CRIT_UNSUPPORTED'],
    ['cty JWT (nested)', () => crafted({ cty: 'JWT' }), 'TOKEN_MALFORMED'],
    ['typ logout+jwt', () => crafted({ typ: 'logout+jwt' }), 'TOKEN_MALFORMED'],
    ['typ dpop+jwt', () => crafted({ typ: 'dpop+jwt' }), 'TOKEN_MALFORMED'],
    ['typ as a number', () => crafted({ typ: 1 }), 'TOKEN_MALFORMED'],
    ['kid as a number', () => crafted({ kid: 1 }), 'KID_INVALID'],
    ['an empty kid', () => crafted({ kid: '' }), 'KID_INVALID'],
    ['a 257-character kid', () => crafted({ kid: 'k'.repeat(257) }), 'KID_INVALID'],
    ['another issuer', () => withClaims({ iss: 'https://login.brand-b.example/' }), 'ISSUER_MISMATCH'],
    ['the issuer without its trailing slash', () => withClaims({ iss: 'https://login.brand-a.example' }), 'ISSUER_MISMATCH'],
    ['the issuer in upper case', () => withClaims({ iss: 'HTTPS://LOGIN.BRAND-A.EXAMPLE/' }), 'ISSUER_MISMATCH'],
    ['no iss', () => without('iss'), 'ISSUER_MISMATCH'],
    ['iss as a list', () => withClaims({ iss: ['https://login.brand-a.example/'] }), 'ISSUER_MISMATCH'],
    ['no sub', () => without('sub'), 'SUBJECT_MISSING'],
    ['an empty sub', () => withClaims({ sub: '' }), 'SUBJECT_MISSING'],
    ['sub as a number', () => withClaims({ sub: 42 }), 'CLAIM_INVALID'],
    ['sub null', () => withClaims({ sub: null }), 'CLAIM_INVALID'],
    ['a 256-character sub', () => withClaims({ sub: 's'.repeat(256) }), 'CLAIM_INVALID'],
    ['no exp', () => without('exp'), 'CLAIM_INVALID'],
    ['exp as a string', () => withClaims({ exp: String(NOW + 300) }), 'CLAIM_INVALID'],
    ['a negative exp', () => withClaims({ exp: -1 }), 'CLAIM_INVALID'],
    ['no iat', () => without('iat'), 'CLAIM_INVALID'],
    ['iat as a string', () => withClaims({ iat: 'now' }), 'CLAIM_INVALID'],
    ['nbf as a string', () => withClaims({ nbf: 'later' }), 'CLAIM_INVALID'],
    ['nbf null', () => withClaims({ nbf: null }), 'CLAIM_INVALID'],
    ['exp at now − tolerance', () => withClaims({ iat: NOW - 3600, exp: NOW - 60 }), 'TOKEN_EXPIRED'],
    ['exp long past', () => withClaims({ iat: NOW - 7200, exp: NOW - 3600 }), 'TOKEN_EXPIRED'],
    ['nbf beyond now + tolerance', () => withClaims({ nbf: NOW + 61 }), 'TOKEN_NOT_YET_VALID'],
    ['iat beyond now + tolerance', () => withClaims({ iat: NOW + 61, exp: NOW + 600 }), 'TOKEN_NOT_YET_VALID'],
    ['iat older than the maximum age', () => withClaims({ iat: NOW - 86_400 - 61 }), 'TOKEN_TOO_OLD'],
    ['another audience', () => withClaims({ aud: 'other-api' }), 'AUDIENCE_MISMATCH'],
    ['no aud', () => without('aud'), 'AUDIENCE_MISMATCH'],
    ['an empty aud list', () => withClaims({ aud: [] }), 'AUDIENCE_MISMATCH'],
    ['a non-string aud entry', () => withClaims({ aud: ['loyalty-api', 7] }), 'AUDIENCE_MISMATCH'],
    ['an at+jwt access token addressed to the client', () => withClaims({ aud: 'client-a' }), 'AUDIENCE_MISMATCH'],
    ['a plain JWT addressed to the client only (an ID token)', () => crafted({ typ: 'JWT' }, claimsAt({ aud: 'client-a' })), 'TOKEN_TYPE_NOT_ACCEPTED'],
    ['an ID token (nonce) on an access-only brand', () => crafted({ typ: 'JWT' }, claimsAt({ nonce: 'n' })), 'TOKEN_TYPE_NOT_ACCEPTED'],
  ])('refuses %s without asking for a key', async (_name, token, code) => {
    const { verify, resolver } = setup();
    const result = verify(token());
    await expect(result).rejects.toBeInstanceOf(TokenError);
    await expect(result).rejects.toMatchObject({ code });
    expect(resolver.calls).toHaveLength(0);
  });

  it('refuses an access token on an ID-only brand without asking for a key', async () => {
    const { verify, resolver } = setup({ acceptedTokenTypes: ['id'] });
    await expect(verify(crafted({}))).rejects.toMatchObject({ code: 'TOKEN_TYPE_NOT_ACCEPTED' });
    expect(resolver.calls).toHaveLength(0);
  });

  describe('lifetime boundaries (tolerance 60 s, maximum age 86 400 s)', () => {
    it.each<[string, Record<string, unknown>, string | undefined]>([
      ['exp = now − tolerance', { iat: NOW - 3600, exp: NOW - 60 }, 'TOKEN_EXPIRED'],
      ['exp = now − tolerance + 1', { iat: NOW - 3600, exp: NOW - 59 }, undefined],
      ['nbf = now + tolerance', { nbf: NOW + 60 }, undefined],
      ['nbf = now + tolerance + 1', { nbf: NOW + 61 }, 'TOKEN_NOT_YET_VALID'],
      ['iat = now + tolerance', { iat: NOW + 60 }, undefined],
      ['iat = now + tolerance + 1', { iat: NOW + 61 }, 'TOKEN_NOT_YET_VALID'],
      ['age = maximum + tolerance', { iat: NOW - 86_460, exp: NOW - 59 }, undefined],
      ['age = maximum + tolerance + 1', { iat: NOW - 86_461, exp: NOW - 59 }, 'TOKEN_TOO_OLD'],
      ['exp − iat = maximum + tolerance', { iat: NOW, exp: NOW + 86_460 }, undefined],
      ['exp − iat = maximum + tolerance + 1', { iat: NOW, exp: NOW + 86_461 }, 'TOKEN_LIFETIME_TOO_LONG'],
      ['exp in year 9999 with a fresh iat', { iat: NOW, exp: 253_402_300_799 }, 'TOKEN_LIFETIME_TOO_LONG'],
    ])('%s', async (_name, claims, code) => {
      const { verify } = setup();
      const result = verify(await signToken(a1, claimsAt(claims)));
      if (code === undefined) await expect(result).resolves.toMatchObject({ subject: 'user-1' });
      else await expect(result).rejects.toMatchObject({ code });
    });

    it('applies the brand tolerance, not a fixed one', async () => {
      const { verify } = setup({ clockToleranceSeconds: 0 });
      await expect(verify(await signToken(a1, claimsAt({ iat: NOW - 60, exp: NOW })))).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
      await expect(verify(await signToken(a1, claimsAt({ iat: NOW - 60, exp: NOW + 1 })))).resolves.toMatchObject({ expiresAt: NOW + 1 });
    });
  });

  describe('signature', () => {
    it('refuses a token signed by another key under the same kid (SIGNATURE_INVALID)', async () => {
      const { verify, resolver } = setup();
      const result = verify(crafted({ kid: 'a1' }, claimsAt(), a2));
      await expect(result).rejects.toBeInstanceOf(TokenError);
      await expect(result).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
      expect(resolver.calls).toHaveLength(1);
    });

    it('refuses a good token whose payload was swapped', async () => {
      const { verify } = setup();
      const token = withPayload(await signToken(a1, claimsAt()), claimsAt({ sub: 'admin' }));
      await expect(verify(token)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    });

    it('refuses a token whose signature was truncated', async () => {
      const { verify } = setup();
      const token = await signToken(a1, claimsAt());
      // 342 characters for 256 bytes; 340 is a whole number of groups, so still canonical base64url, of 255 bytes.
      await expect(verify(token.slice(0, -2))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    });

    it('turns a key that cannot verify the algorithm into SIGNATURE_INVALID, not a crash', async () => {
      const verify = verifierFor(fakeResolver({ a1: ed.publicKey }).resolveKey);
      const result = verify(await signToken(a1, claimsAt()));
      await expect(result).rejects.toBeInstanceOf(TokenError);
      await expect(result).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    });

    it('passes the resolver refusal on (KEY_NOT_FOUND)', async () => {
      const { verify } = setup();
      await expect(verify(crafted({ kid: 'unknown' }))).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    });

    it('asks for the key with an undefined kid when the header has none', async () => {
      const { verify, resolver } = setup();
      await expect(verify(crafted({ kid: undefined }))).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      expect(resolver.calls).toEqual([{ jwksUri: JWKS_URI, kid: undefined, alg: 'RS256' }]);
    });
  });

  describe('algorithms', () => {
    const brandAlgs = { algorithms: ['PS256', 'ES256', 'EdDSA'] };

    it.each<[string, () => TestKey, string]>([
      ['PS256', () => a1, 'ps1'],
      ['ES256', () => es, 'es1'],
      ['EdDSA', () => ed, 'ed1'],
    ])('accepts %s when the brand allows it', async (alg, key, kid) => {
      const { verify, resolver } = setup(brandAlgs);
      await expect(verify(await signToken(key(), claimsAt(), { alg, kid }))).resolves.toMatchObject({ subject: 'user-1' });
      expect(resolver.calls).toEqual([{ jwksUri: JWKS_URI, kid, alg }]);
    });

    it('refuses RS256 on a brand that allows only PS256, ES256 and EdDSA', async () => {
      const { verify } = setup(brandAlgs);
      await expect(verify(await signToken(a1, claimsAt()))).rejects.toMatchObject({ code: 'ALG_NOT_ALLOWED' });
    });

    it('refuses an RS256 signature presented as PS256', async () => {
      const { verify } = setup(brandAlgs);
      const token = crafted({ alg: 'PS256', kid: 'ps1' }, claimsAt(), a1, 'RS256');
      await expect(verify(token)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    });
  });
});
