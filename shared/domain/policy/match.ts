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

/** Whether pattern[p, p + length) matches text[t, t + length), `?` matching any one code unit. */
function segmentAt(
  pattern: string,
  p: number,
  length: number,
  text: string,
  t: number,
  caseSensitive: boolean,
): boolean {
  for (let i = 0; i < length; i++) {
    const want = pattern.charCodeAt(p + i);
    if (want === QUESTION) continue;
    const have = text.charCodeAt(t + i);
    if (want === have) continue;
    if (caseSensitive || fold(want) !== fold(have)) return false;
  }
  return true;
}

/**
 * Whether `pattern` (`*`: any run of characters, runs of `*` counting as one; `?`: one UTF-16 code unit)
 * matches the whole of `text`. Time at most proportional to `pattern.length × text.length`, whatever the
 * pattern; no RegExp, no recursion, no allocation.
 */
export function wildcardMatches(pattern: string, text: string, caseSensitive = true): boolean {
  const firstStar = pattern.indexOf('*');
  if (firstStar < 0) {
    return pattern.length === text.length && segmentAt(pattern, 0, pattern.length, text, 0, caseSensitive);
  }
  const lastStar = pattern.lastIndexOf('*');
  const suffixLength = pattern.length - lastStar - 1;
  // Every character that is not a `*` consumes one of the text's: a pattern that needs more cannot match,
  // however many stars it has (this is what makes `*?*?*?…` patterns cheap to reject).
  let needed = firstStar + suffixLength;
  for (let i = firstStar + 1; i < lastStar; i++) if (pattern.charCodeAt(i) !== STAR) needed++;
  if (needed > text.length) return false;
  // The ends are anchored: compare them in place.
  if (!segmentAt(pattern, 0, firstStar, text, 0, caseSensitive)) return false;
  const end = text.length - suffixLength;
  if (!segmentAt(pattern, lastStar + 1, suffixLength, text, end, caseSensitive)) return false;
  // The segments between stars, each at its leftmost place after the previous one.
  let position = firstStar;
  let i = firstStar + 1;
  while (i < lastStar) {
    if (pattern.charCodeAt(i) === STAR) {
      i++;
      continue;
    }
    let j = i + 1;
    while (pattern.charCodeAt(j) !== STAR) j++;
    const length = j - i;
    let found = -1;
    for (let start = position; start + length <= end; start++) {
      if (segmentAt(pattern, i, length, text, start, caseSensitive)) {
        found = start;
        break;
      }
    }
    if (found < 0) return false;
    position = found + length;
    i = j;
  }
  return true;
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
