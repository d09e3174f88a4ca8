import { createHmac, KeyObject, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** Real keys and real signed tokens: `jose` signs the well-formed ones, node:crypto crafts the malformed ones. */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JWK;
}

export async function makeKey(kid: string, alg = 'RS256', options: { jwkAlg?: boolean } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', ...(options.jwkAlg === false ? {} : { alg }) };
  return { kid, alg, privateKey: KeyObject.from(privateKey), publicKey: KeyObject.from(publicKey), jwk };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function standardClaims(overrides: JWTPayload & Record<string, unknown> = {}): JWTPayload {
  const now = nowSeconds();
  return { iss: 'https://issuer.invalid', sub: 'user-1', aud: 'loyalty-api', iat: now, exp: now + 300, scope: 'openid profile', ...overrides };
}

/** A well-formed token, signed with jose. `header` overrides or adds protected header members. */
export async function signToken(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const { alg = key.alg, ...rest } = header;
  const protectedHeader = { alg: alg as string, typ: 'at+jwt', kid: key.kid, ...rest };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete (protectedHeader as Record<string, unknown>)[name];
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Any header and payload, signed by `signer` over the exact bytes, for the cases jose refuses to produce. */
export function craftToken(header: unknown, payload: unknown, signer: (signingInput: string) => Buffer | string = () => ''): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = signer(signingInput);
  return `${signingInput}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

/** RSA / RSA-PSS / ECDSA / EdDSA signing with node:crypto (JWS encodings). */
export function rawSigner(key: TestKey, alg: string): (input: string) => Buffer {
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const pss = alg.startsWith('PS');
  return (input) =>
    sign(hash, Buffer.from(input), {
      key: key.privateKey,
      ...(pss ? { padding: 6, saltLength: Number(alg.slice(2)) / 8 } : {}),
      ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    });
}

export function hmacSigner(alg: string, secret: Buffer | string): (input: string) => Buffer {
  return (input) => createHmac(`sha${alg.slice(2)}`, secret).update(input).digest();
}

/** Keeps header and signature of `token`, swapping in another payload. */
export function withPayload(token: string, payload: unknown): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(payload)}.${signature}`;
}
