import { bearerToken } from '../../lambdas/core/authorize-request';
import { MAX_TOKEN_LENGTH } from '../../lambdas/core/decode-unverified-jwt';
import { TokenError } from '../../lambdas/core/errors';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

function refusal(header: string | undefined): TokenError {
  try {
    bearerToken(header);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return err as TokenError;
  }
  throw new Error('bearerToken accepted the header');
}

describe('bearerToken', () => {
  it.each([
    ['Bearer', `Bearer ${TOKEN}`],
    ['a lowercase scheme', `bearer ${TOKEN}`],
    ['an uppercase scheme', `BEARER ${TOKEN}`],
    ['several spaces', `Bearer   ${TOKEN}`],
  ])('takes the token from %s', (_name, header) => {
    expect(bearerToken(header)).toBe(TOKEN);
  });

  it('accepts the whole b64token alphabet, with trailing padding', () => {
    expect(bearerToken('Bearer aZ09-._~+/x==')).toBe('aZ09-._~+/x==');
  });

  it.each([[undefined], [''], ['   ']])('refuses a missing header %p as TOKEN_MISSING', (header) => {
    expect(refusal(header)).toMatchObject({ code: 'TOKEN_MISSING' });
  });

  it.each([
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without scheme', TOKEN],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['two comma-separated credentials', `Bearer ${TOKEN}, Bearer ${TOKEN}`],
    ['a tab instead of a space', `Bearer\t${TOKEN}`],
    ['a trailing newline', `Bearer ${TOKEN}\n`],
    ['a leading space', ` Bearer ${TOKEN}`],
    ['padding in the middle', 'Bearer ab=cd'],
    ['a quoted token', `Bearer "${TOKEN}"`],
    ['a scheme glued to the token', `Bearer${TOKEN}`],
  ])('refuses %s as TOKEN_MALFORMED', (_name, header) => {
    expect(refusal(header)).toMatchObject({ code: 'TOKEN_MALFORMED' });
  });

  it('refuses a 1 MB header as TOKEN_TOO_LARGE without matching it', () => {
    expect(refusal(`Bearer ${'A'.repeat(1024 * 1024)}`)).toMatchObject({ code: 'TOKEN_TOO_LARGE' });
  });

  it('draws the size line just above the largest token', () => {
    expect(bearerToken(`Bearer ${'A'.repeat(MAX_TOKEN_LENGTH)}`)).toHaveLength(MAX_TOKEN_LENGTH);
    expect(refusal(`Bearer ${'A'.repeat(MAX_TOKEN_LENGTH + 10)}`)).toMatchObject({ code: 'TOKEN_TOO_LARGE' });
  });
});
