/**
 * Whether two IAM wildcard patterns (`*` any run of characters, `?` one character) match at least one
 * string in common, e.g. whether a policy's resource pattern can name a resource of a given type.
 *
 * The second pattern may also hold `SEGMENT`, a run of characters without `/`: the parts of an ARN format
 * (`${TableName}`, `${QueueName}`…) never span a path separator, so a table ARN `…:table/T/index/*` does
 * not name a stream `…:table/NAME/stream/LABEL` even though its `*` could match `x/stream/y` as text.
 *
 * The product of the two patterns' automata, explored once: O(|a|·|b|) steps, which is linear in a policy's
 * pattern when the other is a short ARN format. No RegExp is built from either pattern.
 */

/** In the second pattern only, it stands for any run of characters other than `/`. */
export const SEGMENT = '\u0001';

const STAR = 42;
const QUESTION = 63;
const SLASH = 47;
const SEGMENT_CODE = 1;

/** Answers already computed: policies repeat the same few patterns; bounded like match.ts's caches. */
const known = new Map<string, boolean>();

export function patternsOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  // The common question, a policy's exact ARN against an ARN format: matched in place, in one pass per
  // `/`-separated part, with nothing cached (such ARNs rarely recur, and their key would cost more to hash).
  if (isLiteral(a) && isLiteral(b)) return literalMatches(a, b);
  const key = `${a}\u0000${b}`;
  let answer = known.get(key);
  if (answer === undefined) {
    answer = overlap(a, b);
    if (known.size > 50_000) known.clear();
    known.set(key, answer);
  }
  return answer;
}

/** Whether a pattern holds no `*` and no `?` (a `SEGMENT` may remain). */
function isLiteral(pattern: string): boolean {
  return !pattern.includes('*') && !pattern.includes('?');
}

/**
 * `overlap(text, format)` for a text and a format of no `*` and no `?`: whether the format, whose `SEGMENT`s
 * match any run of characters but `/`, matches the whole text. Neither a segment nor a literal character
 * other than `/` matches a `/`, so the texts' `/`-separated parts pair up in order, and in each part a
 * segment is a plain `*`: matched left to right, going back only to the last segment (linear but for that).
 */
function literalMatches(text: string, format: string): boolean {
  let textStart = 0;
  let formatStart = 0;
  for (;;) {
    const textSlash = text.indexOf('/', textStart);
    const formatSlash = format.indexOf('/', formatStart);
    if (textSlash < 0 !== formatSlash < 0) return false;
    const last = textSlash < 0;
    const textEnd = last ? text.length : textSlash;
    const formatEnd = last ? format.length : formatSlash;
    if (!partMatches(text, textStart, textEnd, format, formatStart, formatEnd)) return false;
    if (last) return true;
    textStart = textSlash + 1;
    formatStart = formatSlash + 1;
  }
}

/** Whether format[formatStart, formatEnd) (segments as `*`) matches text[textStart, textEnd). */
function partMatches(
  text: string,
  textStart: number,
  textEnd: number,
  format: string,
  formatStart: number,
  formatEnd: number,
): boolean {
  let t = textStart;
  let f = formatStart;
  let segment = -1;
  let resume = 0;
  while (t < textEnd) {
    if (f < formatEnd) {
      const c = format.charCodeAt(f);
      if (c === SEGMENT_CODE) {
        segment = f++;
        resume = t;
        continue;
      }
      if (c === text.charCodeAt(t)) {
        f++;
        t++;
        continue;
      }
    }
    // The last segment takes one more character, and matching resumes after it.
    if (segment < 0) return false;
    f = segment + 1;
    t = ++resume;
  }
  while (f < formatEnd && format.charCodeAt(f) === SEGMENT_CODE) f++;
  return f === formatEnd;
}

/**
 * The visited states and the work stack of `overlap`, kept between calls: the audit asks this for every
 * resource pattern of a role's event-source statements, and fresh arrays each time were a steady stream of
 * garbage. A question larger than `KEPT_STATES` gets arrays of its own, dropped afterwards.
 */
const KEPT_STATES = 1 << 16;
let keptSeen = new Uint8Array(1024);
let keptStack = new Int32Array(1024);

function overlap(a: string, b: string): boolean {
  const width = b.length + 1;
  const states = (a.length + 1) * width;
  let seen = keptSeen;
  let stack = keptStack;
  if (states > seen.length) {
    seen = new Uint8Array(states);
    // Each state is pushed once at most.
    stack = new Int32Array(states);
    if (states <= KEPT_STATES) {
      keptSeen = seen;
      keptStack = stack;
    }
  } else seen.fill(0, 0, states);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  while (top > 0) {
    const state = stack[--top] as number;
    const i = Math.floor(state / width);
    const j = state - i * width;
    if (i === a.length && j === b.length) return true;
    const x = i < a.length ? a.charCodeAt(i) : -1;
    const y = j < b.length ? b.charCodeAt(j) : -1;
    // A `*` (or a segment) may match nothing.
    if (x === STAR) {
      const next = state + width;
      if (seen[next] === 0) {
        seen[next] = 1;
        stack[top++] = next;
      }
    }
    if (y === STAR || y === SEGMENT_CODE) {
      const next = state + 1;
      if (seen[next] === 0) {
        seen[next] = 1;
        stack[top++] = next;
      }
    }
    if (x === -1 || y === -1) continue;
    // One character both can match: a wildcard takes any (a segment any but `/`), literals must be equal.
    const xWild = x === STAR || x === QUESTION;
    let compatible: boolean;
    if (y === SEGMENT_CODE) compatible = x !== SLASH;
    else if (y === STAR || y === QUESTION) compatible = true;
    else compatible = xWild || x === y;
    if (compatible) {
      const next = (x === STAR ? i : i + 1) * width + (y === STAR || y === SEGMENT_CODE ? j : j + 1);
      if (seen[next] === 0) {
        seen[next] = 1;
        stack[top++] = next;
      }
    }
  }
  return false;
}
