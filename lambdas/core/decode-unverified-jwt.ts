import { TokenError } from './errors';

/**
 * Splits and parses a compact JWS without trusting any of it. Only shape is checked here: size, three
 * base64url segments, UTF-8 JSON objects. Nothing in the result may be relied on until the signature and
 * claims are verified.
 */
export type JsonObject = Record<string, unknown>;

export interface UnverifiedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  /** `header.payload`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Larger than any provider's token we know of (Auth0 permissions, Keycloak roles), small enough to parse fast. */
export const MAX_TOKEN_LENGTH = 16_384;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * RFC 4648 §3.5: the bits a short last group leaves unused must be zero. Otherwise several spellings decode to the
 * same bytes, and a token could be altered without its signature noticing (which must never be a second valid token).
 */
function unusedBitsZero(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUnverifiedJwt(token: string): UnverifiedJwt {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('TOKEN_TOO_LARGE', `token is ${token.length} characters`);
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw new TokenError('TOKEN_MALFORMED', 'not a compact JWS of three segments');
  }
  const headerB64 = token.slice(0, first);
  const payloadB64 = token.slice(first + 1, second);
  const signatureB64 = token.slice(second + 1);
  return {
    header: parseSegment(headerB64, 'header'),
    payload: parseSegment(payloadB64, 'payload'),
    signingInput: token.slice(0, second),
    signature: decodeSegment(signatureB64, 'signature'),
  };
}

function decodeSegment(segment: string, name: string): Buffer {
  // Buffer's base64url decoder skips invalid characters, so the alphabet is checked first.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1 || !unusedBitsZero(segment)) {
    throw new TokenError('TOKEN_MALFORMED', `${name} is not base64url`);
  }
  return Buffer.from(segment, 'base64url');
}

function parseSegment(segment: string, name: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(decodeSegment(segment, name)));
  } catch (err) {
    if (err instanceof TokenError) throw err;
    throw new TokenError('TOKEN_MALFORMED', `${name} is not UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenError('TOKEN_MALFORMED', `${name} is not a JSON object`);
  }
  return value as JsonObject;
}
