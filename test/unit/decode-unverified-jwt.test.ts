import { decodeUnverifiedJwt, MAX_TOKEN_LENGTH } from '../../lambdas/core/decode-unverified-jwt';
import { TokenError } from '../../lambdas/core/errors';

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
const HEADER = b64('{"alg":"RS256","kid":"k1"}');
const PAYLOAD = b64('{"sub":"user-1","n":1}');
const SIG = b64('signature');

function refusal(token: string): TokenError {
  try {
    decodeUnverifiedJwt(token);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return err as TokenError;
  }
  throw new Error('decodeUnverifiedJwt accepted the token');
}

describe('decodeUnverifiedJwt', () => {
  it('splits a compact JWS into parsed header, payload, signing input and signature bytes', () => {
    const jwt = decodeUnverifiedJwt(`${HEADER}.${PAYLOAD}.${SIG}`);
    expect(jwt.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(jwt.payload).toEqual({ sub: 'user-1', n: 1 });
    expect(jwt.signingInput).toBe(`${HEADER}.${PAYLOAD}`);
    expect(jwt.signature.toString()).toBe('signature');
  });

  it.each([
    ['empty', ''],
    ['one dot', 'a.b'],
    ['no dot', 'abc'],
    ['four segments', `${HEADER}.${PAYLOAD}.${SIG}.${SIG}`],
    ['five segments (JWE)', `${HEADER}.${PAYLOAD}.${SIG}.${SIG}.${SIG}`],
  ])('refuses %s as TOKEN_MALFORMED', (_name, token) => {
    expect(refusal(token)).toMatchObject({ code: 'TOKEN_MALFORMED', message: 'not a compact JWS of three segments' });
  });

  it.each([
    ['empty header', `.${PAYLOAD}.${SIG}`, 'header is not base64url'],
    ['empty payload', `${HEADER}..${SIG}`, 'payload is not base64url'],
    ['empty signature', `${HEADER}.${PAYLOAD}.`, 'signature is not base64url'],
    ['standard base64 "+" in the header', `${HEADER}+.${PAYLOAD}.${SIG}`, 'header is not base64url'],
    ['padding "=" in the payload', `${HEADER}.${PAYLOAD}=.${SIG}`, 'payload is not base64url'],
    ['a space in the signature', `${HEADER}.${PAYLOAD}.${SIG} `, 'signature is not base64url'],
    ['a non-ASCII letter', `${HEADER}.${PAYLOAD}é.${SIG}`, 'payload is not base64url'],
    ['an impossible length (4n+1)', `${HEADER}.${PAYLOAD}.AAAAA`, 'signature is not base64url'],
  ])('refuses %s as TOKEN_MALFORMED', (_name, token, message) => {
    expect(refusal(token)).toMatchObject({ code: 'TOKEN_MALFORMED', message });
  });

  /** The same bytes spelled with non-zero unused bits in the last character (RFC 4648 §3.5): 'Q' (16) for 'A' (0). */
  const respell = (segment: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(segment.charAt(segment.length - 1));
    return segment.slice(0, -1) + alphabet.charAt(last | 1);
  };

  it.each([
    ['header', 0],
    ['payload', 1],
    ['signature', 2],
  ] as const)('refuses a second spelling of the same %s bytes as TOKEN_MALFORMED', (name, index) => {
    const parts = [HEADER, PAYLOAD, b64('signatures')];
    const part = parts[index] ?? '';
    expect(part.length % 4).not.toBe(0); // a short last group, with bits to spare
    const altered = respell(part);
    expect(Buffer.from(altered, 'base64url')).toEqual(Buffer.from(part, 'base64url'));
    parts[index] = altered;
    expect(refusal(parts.join('.'))).toMatchObject({ code: 'TOKEN_MALFORMED', message: `${name} is not base64url` });
  });

  it('accepts every canonical length: 0, 1 and 2 bytes over a whole group', () => {
    for (const signature of ['sig', 'sign', 'signa']) expect(decodeUnverifiedJwt(`${HEADER}.${PAYLOAD}.${b64(signature)}`).signature.toString()).toBe(signature);
  });

  it.each([
    ['an array', '[1,2]'], ['a string', '"alg"'], ['a number', '42'], ['null', 'null'], ['true', 'true'],
  ])('refuses a header that is %s', (_name, json) => {
    expect(refusal(`${b64(json)}.${PAYLOAD}.${SIG}`)).toMatchObject({ code: 'TOKEN_MALFORMED', message: 'header is not a JSON object' });
  });

  it.each([['an array', '[]'], ['null', 'null'], ['a string', '"sub"']])('refuses a payload that is %s', (_name, json) => {
    expect(refusal(`${HEADER}.${b64(json)}.${SIG}`)).toMatchObject({ code: 'TOKEN_MALFORMED', message: 'payload is not a JSON object' });
  });

  it('refuses JSON that does not parse', () => {
    expect(refusal(`${b64('{"alg":')}.${PAYLOAD}.${SIG}`)).toMatchObject({ code: 'TOKEN_MALFORMED', message: 'header is not UTF-8 JSON' });
  });

  it('refuses invalid UTF-8 rather than decoding it with replacement characters', () => {
    const latin1 = Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xe9, 0xff]), Buffer.from('"}')]);
    expect(refusal(`${HEADER}.${b64(latin1)}.${SIG}`)).toMatchObject({ code: 'TOKEN_MALFORMED', message: 'payload is not UTF-8 JSON' });
  });

  it('accepts multi-byte UTF-8', () => {
    expect(decodeUnverifiedJwt(`${HEADER}.${b64('{"name":"Zoë 日本"}')}.${SIG}`).payload).toEqual({ name: 'Zoë 日本' });
  });

  it('refuses a token over the size limit as TOKEN_TOO_LARGE before parsing it', () => {
    const padding = 'A'.repeat(MAX_TOKEN_LENGTH);
    expect(refusal(`${HEADER}.${PAYLOAD}.${padding}`)).toMatchObject({ code: 'TOKEN_TOO_LARGE' });
    expect(refusal('.'.repeat(MAX_TOKEN_LENGTH + 1))).toMatchObject({ code: 'TOKEN_TOO_LARGE' });
  });

  it('accepts a token of exactly the size limit', () => {
    // The signature segment's length must not be 4n+1, which no base64url encoding produces: pad the payload instead.
    const prefixes = [0, 1, 2, 3].map((n) => `${HEADER}.${b64(`{"pad":"${'x'.repeat(n)}"}`)}.`);
    const prefix = prefixes.find((p) => (MAX_TOKEN_LENGTH - p.length) % 4 !== 1) ?? '';
    const token = prefix + 'A'.repeat(MAX_TOKEN_LENGTH - prefix.length);
    expect(token).toHaveLength(MAX_TOKEN_LENGTH);
    expect(decodeUnverifiedJwt(token).signature.length).toBeGreaterThan(0);
  });
});
