/**
 * Wildcard matching as IAM does it: `*` matches any run of characters (across `:` and `/` in resource
 * ARNs), `?` exactly one. Action names compare case-insensitively, resource ARNs case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 *
 * Patterns are written by the people the auditor watches, so the matcher must not be made slow by them: it
 * never backtracks beyond the last `*` and never builds a RegExp. Its worst case is proportional to the
 * pattern's length times the text's, and usually far less: the part before the first `*` and the part after
 * the last are compared in place, and the parts between are searched left to right, each from where the
 * previous one ended (leftmost-first is enough: a later segment only has more text to choose from).
 */

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

const STAR = 42; // '*'
const QUESTION = 63; // '?'
/** `?` in a compiled segment: matches any one code unit. */
const ANY = -1;

/**
 * Case folding of one UTF-16 code unit, as a non-Unicode RegExp with the `i` flag does it (ECMA-262
 * Canonicalize): the upper case when it is one code unit and does not turn a non-ASCII letter into an ASCII
 * one. Computed once per code unit, on first use.
 */
const folded = new Uint16Array(0x10000);
const foldKnown = new Uint8Array(0x10000);

function fold(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  if (foldKnown[code] === 0) {
    const upper = String.fromCharCode(code).toUpperCase();
    const upperCode = upper.charCodeAt(0);
    folded[code] = upper.length !== 1 || upperCode < 128 ? code : upperCode;
    foldKnown[code] = 1;
  }
  return folded[code] as number;
}

/**
 * A pattern taken apart once: the part before the first `*` and the part after the last are anchored at
 * the ends of the text; the parts between are searched left to right. `codes` holds the pattern's code
 * units (folded when the match ignores case) with `ANY` for `?`; the parts are ranges of it. Two typed
 * arrays whatever the pattern, so that a pattern of thousands of stars is not thousands of objects.
 */
class Wildcard {
  private readonly codes: Int32Array;
  /** End of the prefix (the first `*`), start of the suffix (after the last `*`). */
  private readonly prefixEnd: number;
  private readonly suffixStart: number;
  /** The parts between stars, as [start, end) pairs of `codes`. */
  private readonly middle: Int32Array;
  /** Characters the text needs at least: every one that is not a `*`. */
  private readonly needed: number;

  constructor(
    pattern: string,
    private readonly caseSensitive: boolean,
  ) {
    const codes = new Int32Array(pattern.length);
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      codes[i] = code === QUESTION ? ANY : caseSensitive ? code : fold(code);
    }
    this.codes = codes;
    const firstStar = pattern.indexOf('*');
    if (firstStar < 0) {
      this.prefixEnd = pattern.length;
      this.suffixStart = -1;
      this.middle = new Int32Array(0);
      this.needed = pattern.length;
      return;
    }
    const lastStar = pattern.lastIndexOf('*');
    this.prefixEnd = firstStar;
    this.suffixStart = lastStar + 1;
    const bounds: number[] = [];
    let needed = firstStar + (pattern.length - lastStar - 1);
    for (let i = firstStar + 1; i < lastStar; ) {
      if (pattern.charCodeAt(i) === STAR) {
        i++;
        continue;
      }
      let j = i + 1;
      while (pattern.charCodeAt(j) !== STAR) j++;
      bounds.push(i, j);
      needed += j - i;
      i = j;
    }
    this.middle = Int32Array.from(bounds);
    this.needed = needed;
  }

  /** Whether codes[from, to) matches `text` at `at` (which leaves room for all of it). */
  private at(from: number, to: number, text: string, at: number): boolean {
    const codes = this.codes;
    const offset = at - from;
    for (let i = from; i < to; i++) {
      const want = codes[i] as number;
      if (want === ANY) continue;
      let have = text.charCodeAt(offset + i);
      if (!this.caseSensitive)
        have = have < 128 ? (have >= 97 && have <= 122 ? have - 32 : have) : fold(have);
      if (have !== want) return false;
    }
    return true;
  }

  /** Whether the pattern matches the whole of `text`: at most `pattern.length × text.length` steps. */
  matches(text: string): boolean {
    const length = text.length;
    if (this.suffixStart < 0) return length === this.needed && this.at(0, this.prefixEnd, text, 0);
    // However many stars, a pattern that needs more characters than the text has cannot match.
    if (length < this.needed) return false;
    const suffixLength = this.codes.length - this.suffixStart;
    const end = length - suffixLength;
    if (!this.at(this.suffixStart, this.codes.length, text, end)) return false;
    if (!this.at(0, this.prefixEnd, text, 0)) return false;
    let position = this.prefixEnd;
    const middle = this.middle;
    for (let k = 0; k < middle.length; k += 2) {
      const from = middle[k] as number;
      const to = middle[k + 1] as number;
      // Leftmost place at or after `position` where the part fits before the suffix.
      let found = -1;
      for (let start = position, last = end - (to - from); start <= last; start++) {
        if (this.at(from, to, text, start)) {
          found = start;
          break;
        }
      }
      if (found < 0) return false;
      position = found + (to - from);
    }
    return true;
  }
}

/**
 * Patterns taken apart, per case mode. Policies repeat the same patterns across statements and roles, and
 * the catalog matches one pattern against thousands of actions. Bounded by the total length held, so that
 * neither a long-running handler nor a flood of long patterns can grow it without limit.
 */
const compiled = { sensitive: new Map<string, Wildcard>(), insensitive: new Map<string, Wildcard>() };
let compiledLength = 0;
const COMPILED_LENGTH_LIMIT = 4_000_000;

function wildcardOf(pattern: string, caseSensitive: boolean): Wildcard {
  const cache = caseSensitive ? compiled.sensitive : compiled.insensitive;
  let wildcard = cache.get(pattern);
  if (wildcard === undefined) {
    wildcard = new Wildcard(pattern, caseSensitive);
    compiledLength += pattern.length + 16;
    if (compiledLength > COMPILED_LENGTH_LIMIT) {
      compiled.sensitive.clear();
      compiled.insensitive.clear();
      compiledLength = pattern.length + 16;
    }
    cache.set(pattern, wildcard);
  }
  return wildcard;
}

/**
 * Whether `pattern` (`*` stands for any run of characters, runs of `*` counting as one; `?` for one UTF-16 code unit)
 * matches the whole of `text`. Time at most proportional to `pattern.length × text.length`, whatever the
 * pattern; no RegExp, no recursion.
 */
export function wildcardMatches(pattern: string, text: string, caseSensitive = true): boolean {
  // The two shapes most patterns have are compared in place, without the cache (whose lookup hashes the
  // pattern): no wildcard at all, and one trailing `*` (`…:log-group:/aws/lambda/f:*`, `arn:aws:s3:::b/*`).
  const star = pattern.indexOf('*');
  if ((star < 0 || star === pattern.length - 1) && pattern.indexOf('?') < 0) {
    if (star < 0) {
      if (pattern.length !== text.length) return false;
      return caseSensitive ? pattern === text : sameFolded(pattern, text, pattern.length);
    }
    if (text.length < star) return false;
    return caseSensitive ? samePrefix(pattern, text, star) : sameFolded(pattern, text, star);
  }
  return wildcardOf(pattern, caseSensitive).matches(text);
}

/** Whether the first `length` code units of `a` and `b` are equal (no string allocated, as a slice would). */
function samePrefix(a: string, b: string, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

/** Whether the first `length` code units of `a` and `b` are equal, case folded. */
function sameFolded(a: string, b: string, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && fold(x) !== fold(y)) return false;
  }
  return true;
}

/** `wildcardMatches` with `pattern` fixed: for matching one pattern against many texts. */
export function wildcardMatcher(pattern: string, caseSensitive = true): (text: string) => boolean {
  const wildcard = wildcardOf(pattern, caseSensitive);
  return (text) => wildcard.matches(text);
}

/** Whether an action pattern from a policy (`sqs:Receive*`, `*`) matches an action (`sqs:ReceiveMessage`). */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  return wildcardMatches(pattern, action, false);
}

/** Whether a resource pattern from a policy matches a resource ARN. Case-sensitive. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  return wildcardMatches(pattern, resource, true);
}

/** Wildcard match for condition operators such as `StringLike`, and for suppression entries. */
export function textMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  return wildcardMatches(pattern, text, caseSensitive);
}

/**
 * `text` with each policy variable `${name}` replaced by `replace(name)`, in one left-to-right pass: the
 * same matches as `text.replace(/\$\{([^}]+)\}/g, …)`, whose backtracking makes a text of many `${` with no
 * `}` cost time quadratic in its length. A `${` without a closing `}`, and `${}`, stay as they are.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function replaceVariables(text: string, replace: (name: string) => string): string {
  let open = text.indexOf('${');
  if (open < 0) return text;
  let result = '';
  let copied = 0;
  while (open >= 0) {
    const close = text.indexOf('}', open + 2);
    // No `}` after this `${`: none after any later `${` either.
    if (close < 0) break;
    if (close === open + 2) {
      open = text.indexOf('${', open + 1);
      continue;
    }
    result += text.slice(copied, open) + replace(text.slice(open + 2, close));
    copied = close + 1;
    open = text.indexOf('${', copied);
  }
  return result + text.slice(copied);
}
