import { AdminError, RequestError } from '../../lambdas/core/errors';
import { parseIfMatch, versionToReplace } from '../../lambdas/core/if-match';

describe('parseIfMatch (RFC 9110 §13.1.1)', () => {
  test('reads no header as no precondition, and * as any current version', () => {
    expect([parseIfMatch(undefined), parseIfMatch('*'), parseIfMatch(' * ')]).toEqual([undefined, { any: true }, { any: true }]);
  });

  test('reads a list of strong and weak entity tags, empty elements and spaces allowed', () => {
    expect(parseIfMatch('"3"')).toEqual({ any: false, tags: [{ weak: false, opaque: '3' }] });
    expect(parseIfMatch(' , W/"1",\t"stale-version-0" ,, ""')).toEqual({
      any: false,
      tags: [{ weak: true, opaque: '1' }, { weak: false, opaque: 'stale-version-0' }, { weak: false, opaque: '' }],
    });
    expect(parseIfMatch('"\u00e9t\u00e9"')).toEqual({ any: false, tags: [{ weak: false, opaque: '\u00e9t\u00e9' }] });
  });

  test.each(['3', '"3', '3"', '"3" "4"', '"a"b', 'W/3', 'w/"3"', 'W/ "3"', '*, "3"', '**', '', ' ', ',', '"a b"', '"a\\"b"', '"\u0100"', `"${'9'.repeat(1100)}"`])(
    'refuses %p as malformed: 400 BODY_INVALID naming If-Match',
    (header) => {
      let error: unknown;
      try {
        parseIfMatch(header);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(RequestError);
      expect(error).toMatchObject({ code: 'BODY_INVALID', problems: [expect.stringMatching(/^If-Match: /)] });
    },
  );
});

describe('versionToReplace', () => {
  const tags = (header: string) => parseIfMatch(header);
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      if (err instanceof AdminError) return { code: err.code, currentVersion: err.currentVersion };
      throw err;
    }
    throw new Error('expected a refusal');
  };

  test('creates without If-Match when the brand does not exist, and asks for one (428) when it does', () => {
    expect(versionToReplace('a', undefined, undefined)).toBeUndefined();
    expect(refusal(() => versionToReplace('a', undefined, 4))).toEqual({ code: 'VERSION_REQUIRED', currentVersion: 4 });
  });

  test('replaces the current version when a strong tag names it exactly, or on *', () => {
    expect(versionToReplace('a', tags('"4"'), 4)).toBe(4);
    expect(versionToReplace('a', tags('"1", "4"'), 4)).toBe(4);
    expect(versionToReplace('a', tags('*'), 4)).toBe(4);
  });

  test.each(['"3"', '"04"', '"4.0"', 'W/"4"', '"stale-version-0"', '""'])('answers %s on version 4 with 412 and the current version', (header) => {
    expect(refusal(() => versionToReplace('a', tags(header), 4))).toEqual({ code: 'VERSION_MISMATCH', currentVersion: 4 });
  });

  test.each(['"1"', '*'])('answers %s on a brand that does not exist with 412 and no version', (header) => {
    expect(refusal(() => versionToReplace('a', tags(header), undefined))).toEqual({ code: 'VERSION_MISMATCH', currentVersion: undefined });
  });
});
