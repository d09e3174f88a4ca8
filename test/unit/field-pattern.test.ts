import { compileFieldPattern, MAX_PATTERN_LENGTH, type FieldPattern } from '../../lambdas/core/field-pattern';

function compiled(source: string): FieldPattern {
  const result = compileFieldPattern(source);
  if (!result.ok) throw new Error(`${source}: ${result.problem}`);
  return result.pattern;
}

const problemOf = (source: string): string | undefined => {
  const result = compileFieldPattern(source);
  return result.ok ? undefined : result.problem;
};

describe('compileFieldPattern: what it matches', () => {
  it.each([
    ['[A-Za-z0-9 -]{2,12}', ['LS1 4AP', 'ab', 'A-1'], ['a', 'x'.repeat(13), 'LS1_4AP', '']],
    ['[A-Z]{2}', ['GB', 'FR'], ['gb', 'G', 'GBR', 'G1']],
    ['^\\d{3}-\\d{4}$', ['555-1234'], ['5551234', '555-12345', '55a-1234']],
    ['\\w+@\\w+\\.com', ['a_1@b.com'], ['a@b.org', '@b.com', 'a@b.comm']],
    ['a?b*c+', ['c', 'ac', 'abbbc', 'bcc'], ['', 'ab', 'aac', 'cb']],
    ['x{2,}', ['xx', 'xxxxxxxx'], ['x', '']],
    ['x{0}y', ['y'], ['xy']],
    ['[^0-9]+', ['abc', 'é'], ['a1', '']],
    ['[\\d.]+', ['1.5', '...'], ['1,5']],
    ['[-a]', ['-', 'a'], ['b']],
    ['[a-]', ['-', 'a'], ['b']],
    ['\\D\\W\\S', ['a!x'], ['1!x', 'aax', 'a! ']],
    ['\\s', [' ', '\t', '\u00a0'], ['x']],
    ['.+', ['anything at all', '🎉'], ['', 'two\nlines']],
    ['\\$\\^\\.\\[\\]\\(\\)\\{\\}\\|\\?\\*\\+\\\\', ['$^.[](){}|?*+\\'], ['x']],
    ['🎉{2}', ['🎉🎉'], ['🎉']],
    ['Zoë', ['Zoë'], ['Zoe']],
  ])('%s', (source, good, bad) => {
    const pattern = compiled(source);
    for (const value of good) expect([value, pattern.test(value)]).toEqual([value, true]);
    for (const value of bad) expect([value, pattern.test(value)]).toEqual([value, false]);
  });

  it('always matches the whole value, with or without ^ and $', () => {
    for (const source of ['ab', '^ab', 'ab$', '^ab$']) {
      const pattern = compiled(source);
      expect([source, pattern.test('ab'), pattern.test('xab'), pattern.test('abx')]).toEqual([source, true, false, false]);
    }
  });

  it('keeps the source as written', () => {
    expect(compiled('^[A-Z]{2}$').source).toBe('^[A-Z]{2}$');
  });
});

describe('compileFieldPattern: what it refuses', () => {
  it.each([
    ['(a+)+$', /groups and alternation/],
    ['(a|aa)*', /groups and alternation/],
    ['a|b', /groups and alternation/],
    ['(?=a)a', /groups and alternation/],
    ['(a)\\1', /groups and alternation/],
    ['\\1', /not supported/],
    ['\\bword', /not supported/],
    ['\\p{L}+', /not supported/],
    ['\\u0041', /not supported/],
    ['a\\', /lone \\/],
    ['*a', /must be escaped/],
    ['a**', /cannot follow another/],
    ['a+?', /cannot follow another/],
    ['a{2}{3}', /cannot follow another/],
    ['a{x}', /quantifier/],
    ['a{1,2', /quantifier/],
    ['a{65}', /n ≤ m ≤ 64/],
    ['a{3,2}', /n ≤ m ≤ 64/],
    ['a{1,999}', /n ≤ m ≤ 64/],
    ['[abc', /without its \]/],
    ['[]', /empty class/],
    ['[^]', /empty class/],
    ['[[a]]', /\[ inside a class/],
    ['[z-a]', /out of order/],
    ['[\\d-z]', /two plain characters/],
    ['a$b', /must be escaped/],
    ['a^', /must be escaped/],
    ['a]', /must be escaped/],
    ['', /1 to 200 characters/],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /1 to 200 characters/],
    ['\\d{64}\\d{64}\\d{64}\\d{64}\\d', /more than 256 positions/],
  ])('%s', (source, problem) => {
    expect(problemOf(source)).toMatch(problem);
  });
});

describe('compileFieldPattern: cost', () => {
  // A backtracking engine takes billions of steps here; simulating every position at once takes
  // (value length × positions), about a quarter of a million.
  it('matches the worst pattern it accepts against a long value in linear time', () => {
    const pattern = compiled('\\d{0,63}'.repeat(4));
    const started = process.hrtime.bigint();
    expect(pattern.test(`${'1'.repeat(1024)}x`)).toBe(false);
    expect(compiled('\\d*\\d*\\d*\\d*\\d*\\d*\\d*\\d*x').test(`${'1'.repeat(1024)}!`)).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});
