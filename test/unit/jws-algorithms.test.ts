import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../../lambdas/core/brand-config';
import { keyFitsAlgorithm, verifyJwsSignature } from '../../lambdas/core/jws-algorithms';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed25519 = generateKeyPairSync('ed25519');
const ed448 = generateKeyPairSync('ed448');

const INPUT = 'eyJhbGciOiJ4In0.eyJzdWIiOiJ1In0';

function jwsSign(alg: Algorithm, privateKey: KeyObject, input = INPUT): Buffer {
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  return sign(hash, Buffer.from(input), {
    key: privateKey,
    ...(alg.startsWith('PS') ? { padding: 6, saltLength: Number(alg.slice(2)) / 8 } : {}),
    ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
}

describe('keyFitsAlgorithm', () => {
  it.each<[string, KeyObject, Algorithm, boolean]>([
    ['RSA 2048', rsa2048.publicKey, 'RS256', true],
    ['RSA 2048', rsa2048.publicKey, 'PS512', true],
    ['RSA 1024', rsa1024.publicKey, 'RS256', false],
    ['RSA 1024', rsa1024.publicKey, 'PS256', false],
    ['P-256', p256.publicKey, 'ES256', true],
    ['P-256', p256.publicKey, 'ES384', false],
    ['P-384', p384.publicKey, 'ES256', false],
    ['P-384', p384.publicKey, 'ES384', true],
    ['Ed25519', ed25519.publicKey, 'EdDSA', true],
    ['Ed448', ed448.publicKey, 'EdDSA', false],
    ['RSA 2048', rsa2048.publicKey, 'ES256', false],
    ['P-256', p256.publicKey, 'RS256', false],
    ['Ed25519', ed25519.publicKey, 'RS256', false],
  ])('%s for %s: %p', (_name, key, alg, fits) => {
    expect(keyFitsAlgorithm(key, alg)).toBe(fits);
  });
});

describe('verifyJwsSignature', () => {
  it.each<[Algorithm, KeyObject, KeyObject]>([
    ['RS256', rsa2048.privateKey, rsa2048.publicKey],
    ['RS512', rsa2048.privateKey, rsa2048.publicKey],
    ['PS256', rsa2048.privateKey, rsa2048.publicKey],
    ['PS384', rsa2048.privateKey, rsa2048.publicKey],
    ['ES256', p256.privateKey, p256.publicKey],
    ['ES384', p384.privateKey, p384.publicKey],
    ['EdDSA', ed25519.privateKey, ed25519.publicKey],
  ])('%s: verifies its own signature, and nothing else', (alg, privateKey, publicKey) => {
    const signature = jwsSign(alg, privateKey);
    expect(verifyJwsSignature(alg, publicKey, INPUT, signature)).toBe(true);
    expect(verifyJwsSignature(alg, publicKey, `${INPUT}x`, signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(verifyJwsSignature(alg, publicKey, INPUT, flipped)).toBe(false);
  });

  it('does not take an RS256 signature as PS256 (the padding is part of the algorithm)', () => {
    expect(verifyJwsSignature('PS256', rsa2048.publicKey, INPUT, jwsSign('RS256', rsa2048.privateKey))).toBe(false);
  });

  it('refuses ECDSA signatures of the wrong length, including DER and the all-zero "psychic signature"', () => {
    const der = sign('sha256', Buffer.from(INPUT), p256.privateKey); // DER, not JOSE's r||s
    expect(verifyJwsSignature('ES256', p256.publicKey, INPUT, der)).toBe(false);
    expect(verifyJwsSignature('ES256', p256.publicKey, INPUT, Buffer.alloc(64))).toBe(false);
    expect(verifyJwsSignature('ES256', p256.publicKey, INPUT, Buffer.alloc(0))).toBe(false);
    expect(verifyJwsSignature('EdDSA', ed25519.publicKey, INPUT, Buffer.alloc(63))).toBe(false);
  });
});
