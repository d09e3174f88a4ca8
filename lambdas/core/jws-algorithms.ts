import { constants, verify, type KeyObject } from 'node:crypto';
import type { Algorithm } from './brand-config';

/**
 * What each allowed JWS algorithm needs of a key and how node:crypto verifies it. Only asymmetric
 * algorithms exist here, so `none` and HS* can never verify, whatever the header says.
 */
interface AlgorithmRule {
  readonly hash: string | null;
  readonly keyType: 'rsa' | 'ec' | 'ed25519';
  readonly namedCurve?: string;
  /** Exact signature length in bytes, where the algorithm fixes it (ECDSA r||s, Ed25519). */
  readonly signatureBytes?: number;
  readonly padding?: number;
  readonly saltLength?: number;
}

const RULES: Readonly<Record<Algorithm, AlgorithmRule>> = {
  RS256: { hash: 'sha256', keyType: 'rsa', padding: constants.RSA_PKCS1_PADDING },
  RS384: { hash: 'sha384', keyType: 'rsa', padding: constants.RSA_PKCS1_PADDING },
  RS512: { hash: 'sha512', keyType: 'rsa', padding: constants.RSA_PKCS1_PADDING },
  PS256: { hash: 'sha256', keyType: 'rsa', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  PS384: { hash: 'sha384', keyType: 'rsa', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
  PS512: { hash: 'sha512', keyType: 'rsa', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
  ES256: { hash: 'sha256', keyType: 'ec', namedCurve: 'prime256v1', signatureBytes: 64 },
  ES384: { hash: 'sha384', keyType: 'ec', namedCurve: 'secp384r1', signatureBytes: 96 },
  EdDSA: { hash: null, keyType: 'ed25519', signatureBytes: 64 },
};

/** RFC 7518 §3.3 asks for 2048 bits; shorter RSA keys are refused even if the brand publishes them. */
const MIN_RSA_BITS = 2048;

/** Can this key verify this algorithm? Checked when a key is chosen, before any signature work. */
export function keyFitsAlgorithm(key: KeyObject, alg: Algorithm): boolean {
  const rule = RULES[alg];
  if (key.asymmetricKeyType !== rule.keyType) return false;
  const details = key.asymmetricKeyDetails;
  if (rule.keyType === 'rsa') return (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
  return rule.namedCurve === undefined || details?.namedCurve === rule.namedCurve;
}

/** Verifies a JWS signature. The caller has already checked `keyFitsAlgorithm`. */
export function verifyJwsSignature(alg: Algorithm, key: KeyObject, signingInput: string, signature: Buffer): boolean {
  const rule = RULES[alg];
  // A wrong-length ECDSA signature (including r=s=0 "psychic" forms) is refused before OpenSSL sees it.
  if (rule.signatureBytes !== undefined && signature.length !== rule.signatureBytes) return false;
  return verify(
    rule.hash,
    Buffer.from(signingInput),
    {
      key,
      ...(rule.padding === undefined ? {} : { padding: rule.padding }),
      ...(rule.saltLength === undefined ? {} : { saltLength: rule.saltLength }),
      ...(rule.keyType === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    },
    signature,
  );
}
