/**
 * A brand's `pattern` for a registration field: a small subset of regular expressions, matched by our own
 * linear-time matcher, never by the JavaScript engine. A backtracking engine can take exponential time on patterns
 * like `(a+)+$`, and even polynomial time on `\d*\d*\d*…$` (a brand-supplied pattern would be a denial of
 * service for every register call of that brand), so none of a pattern runs on one.
 *
 * The subset: literal characters; `\` before punctuation for the character itself; `.` (any character but a line
 * break); `\d`, `\w`, `\s` and their negations `\D`, `\W`, `\S`; classes `[…]` and `[^…]` of characters, ranges
 * and those escapes; each optionally followed by `?`, `*`, `+`, `{n}`, `{n,}` or `{n,m}`. No groups, alternation,
 * backreferences or lookaround. The pattern always matches the whole value (as HTML's `pattern` attribute does);
 * a leading `^` and a trailing `$` may be written and change nothing.
 *
 * Matching simulates every position of the pattern at once (Thompson's construction, here over a sequence), so
 * it costs at most (value length × pattern positions) steps, both bounded.
 */

export const MAX_PATTERN_LENGTH = 200;
/** The largest `n` or `m` in a `{n,m}`, and the most positions a pattern may expand to. */
const MAX_REPEAT = 64;
const MAX_POSITIONS = 256;

export interface FieldPattern {
  /** As the brand wrote it. */
  readonly source: string;
  /** Whether the whole `value` matches. */
  test(value: string): boolean;
}

export type PatternCompilation = { readonly ok: true; readonly pattern: FieldPattern } | { readonly ok: false; readonly problem: string };

type CharTest = (ch: string) => boolean;

/** One position of the expanded pattern: the characters it takes, whether it may be skipped, whether it loops. */
interface Position {
  readonly takes: CharTest;
  readonly optional: boolean;
  readonly repeats: boolean;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;
const ESCAPES: Readonly<Record<string, CharTest>> = {
  d: (ch) => ch >= '0' && ch <= '9',
  w: (ch) => /^\w$/.test(ch),
  s: (ch) => /^\s$/u.test(ch),
};
const NEGATED_ESCAPES: Readonly<Record<string, string>> = { D: 'd', W: 'w', S: 's' };
/** Characters that mean something in the subset, or that it refuses, so a literal one must be escaped. */
const SPECIAL = new Set([...'\\^$.|?*+()[]{}']);
/** `\` before any of these means the character itself. */
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const QUANTIFIER = /^\{(\d{1,3})(,(\d{0,3}))?\}/;

export function compileFieldPattern(source: string): PatternCompilation {
  if (source.length === 0 || source.length > MAX_PATTERN_LENGTH) return refuse(`must be 1 to ${MAX_PATTERN_LENGTH} characters`);
  const body = [...source];
  const positions: Position[] = [];
  let at = body[0] === '^' ? 1 : 0;
  while (at < body.length) {
    if (body[at] === '$' && at === body.length - 1) break;
    const atom = readAtom(body, at);
    if (typeof atom === 'string') return refuse(atom);
    const quantity = readQuantifier(body, atom.next);
    if (typeof quantity === 'string') return refuse(quantity);
    for (let i = 0; i < quantity.min; i += 1) positions.push({ takes: atom.takes, optional: false, repeats: false });
    if (quantity.max === undefined) positions.push({ takes: atom.takes, optional: true, repeats: true });
    else for (let i = quantity.min; i < quantity.max; i += 1) positions.push({ takes: atom.takes, optional: true, repeats: false });
    if (positions.length > MAX_POSITIONS) return refuse(`expands to more than ${MAX_POSITIONS} positions`);
    at = quantity.next;
  }
  return { ok: true, pattern: { source, test: (value) => matchesWhole(positions, value) } };
}

function refuse(problem: string): PatternCompilation {
  return { ok: false, problem };
}

function readAtom(body: readonly string[], at: number): { takes: CharTest; next: number } | string {
  const ch = body[at] as string;
  if (ch === '\\') {
    const escaped = escapeAt(body, at + 1);
    return typeof escaped === 'string' ? escaped : { takes: escaped, next: at + 2 };
  }
  if (ch === '[') return readClass(body, at + 1);
  if (ch === '.') return { takes: (c) => !LINE_BREAK.test(c), next: at + 1 };
  if (ch === '(' || ch === ')' || ch === '|') return 'groups and alternation are not supported';
  if (SPECIAL.has(ch)) return `${ch} must be escaped (\\${ch}) where it stands`;
  return { takes: (c) => c === ch, next: at + 1 };
}

/** The character test of the escape at `at` (the character after `\`). */
function escapeAt(body: readonly string[], at: number): CharTest | string {
  const ch = body[at];
  if (ch === undefined) return 'ends with a lone \\';
  const test = ESCAPES[ch];
  if (test) return test;
  const negated = ESCAPES[NEGATED_ESCAPES[ch] ?? ''];
  if (negated) return (c) => !negated(c);
  if (PUNCTUATION.test(ch)) return (c) => c === ch;
  return `\\${ch} is not supported (only \\d \\w \\s, their negations, and \\ before punctuation)`;
}

/** `[…]` from just after its `[`: characters, ranges `a-z` and escapes; a `-` first or last is itself. */
function readClass(body: readonly string[], start: number): { takes: CharTest; next: number } | string {
  const negated = body[start] === '^';
  const members: CharTest[] = [];
  let at = negated ? start + 1 : start;
  for (;;) {
    const ch = body[at];
    if (ch === undefined) return 'has a [ without its ]';
    if (ch === ']') break;
    if (ch === '[') return '[ inside a class must be escaped (\\[)';
    const single = ch === '\\' ? escapeAt(body, at + 1) : undefined;
    if (typeof single === 'string') return single;
    const width = ch === '\\' ? 2 : 1;
    const rangeEnd = body[at + width] === '-' && body[at + width + 1] !== ']' ? body[at + width + 1] : undefined;
    if (rangeEnd !== undefined) {
      if (single || rangeEnd === '\\' || rangeEnd === '[') return 'a range in a class must run between two plain characters';
      const [low, high] = [ch.codePointAt(0) as number, rangeEnd.codePointAt(0) as number];
      if (low > high) return `range ${ch}-${rangeEnd} is out of order`;
      members.push((c) => (c.codePointAt(0) as number) >= low && (c.codePointAt(0) as number) <= high);
      at += 3;
    } else {
      members.push(single ?? ((c) => c === ch));
      at += width;
    }
  }
  if (members.length === 0) return 'has an empty class []';
  return { takes: (c) => members.some((member) => member(c)) !== negated, next: at + 1 };
}

function readQuantifier(body: readonly string[], at: number): { min: number; max: number | undefined; next: number } | string {
  const ch = body[at];
  const simple = ch === '?' ? [0, 1] : ch === '*' ? [0, undefined] : ch === '+' ? [1, undefined] : undefined;
  let quantity: { min: number; max: number | undefined; next: number } | undefined;
  if (simple) {
    quantity = { min: simple[0] as number, max: simple[1], next: at + 1 };
  } else if (ch === '{') {
    const match = QUANTIFIER.exec(body.slice(at, at + 10).join(''));
    if (!match) return '{ must start a quantifier {n}, {n,} or {n,m}, or be escaped (\\{)';
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? undefined : Number(match[3]);
    if (min > MAX_REPEAT || (max !== undefined && (max > MAX_REPEAT || max < min))) return `{n,m} needs n ≤ m ≤ ${MAX_REPEAT}`;
    quantity = { min, max, next: at + match[0].length };
  } else {
    return { min: 1, max: 1, next: at };
  }
  const after = body[quantity.next];
  if (after === '?' || after === '*' || after === '+' || after === '{') return 'a quantifier cannot follow another';
  return quantity;
}

/** Runs every position at once: `live[i]` says the value read so far can end just before position i. */
function matchesWhole(positions: readonly Position[], value: string): boolean {
  const end = positions.length;
  let live = closure(positions, [0]);
  for (const ch of value) {
    const next: number[] = [];
    for (const i of live) {
      const position = positions[i];
      if (position?.takes(ch)) next.push(position.repeats ? i : i + 1);
    }
    if (next.length === 0) return false;
    live = closure(positions, next);
  }
  return live.includes(end);
}

/** The positions reachable from `from` by skipping optional ones, each once, in order. */
function closure(positions: readonly Position[], from: readonly number[]): number[] {
  const reached = new Array<boolean>(positions.length + 1).fill(false);
  for (const i of from) reached[i] = true;
  for (let i = 0; i < positions.length; i += 1) if (reached[i] && positions[i]?.optional) reached[i + 1] = true;
  return reached.flatMap((isLive, i) => (isLive ? [i] : []));
}
