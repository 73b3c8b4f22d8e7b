/**
 * "Any name" resources (requirements.md §4): some needs stand for every resource under a prefix whose
 * last part Lambda chooses at run time — the log streams of a log group, the objects Lambda writes to an
 * on-failure bucket, the network interfaces it creates, a resource type in an account and region. Such a
 * need is written as the prefix followed by one `*` that means "any name", and a policy pattern meets it
 * only if it matches every name: `…:log-stream:*` does, `…:log-stream:?` (one character) or
 * `…:log-stream:2026*` do not.
 *
 * Matching goes through match.ts (`resourceMatches`), IAM's wildcard semantics: "*" any combination of
 * characters, "?" any single character
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 * Names are never empty (a log stream, an object key, a network interface id). This module only decides,
 * from a handful of match calls, how much of "prefix + any name" a set of patterns covers:
 *
 * - `some`: a pattern matches at least one name. Linear scan of the pattern against the prefix: a `*` in
 *   the pattern can absorb the rest of the prefix and a name, and whatever non-empty part of the pattern
 *   remains after the prefix matches some name.
 * - `all`: the patterns together match `prefix + w` for every non-empty `w`. Take a character `z` no
 *   pattern contains: a pattern can match `prefix + z…z` only through a trailing run of `*` and `?`, and
 *   such a run matches by length alone. So the patterns cover every name exactly when they match
 *   `prefix + zⁿ` for every n from 1 to one more than the largest number of `?` in a trailing wildcard run
 *   (beyond that, only a run with a `*` can match, and it then matches every longer name too).
 */
import { hasWildcard, resourceMatches } from './match.js';

export type Coverage = 'all' | 'some' | 'none';

/** The prefix an any-name resource stands for: the resource without its final `*`. */
export function anyNamePrefix(resource: string): string {
  return resource.endsWith('*') ? resource.slice(0, -1) : resource;
}

/**
 * Whether `pattern` matches the first `length` characters of `prefix` (all of them by default) followed by
 * at least one more character. Linear in both.
 */
export function matchesSomeName(pattern: string, prefix: string, length = prefix.length): boolean {
  if (!hasWildcard(pattern)) {
    if (pattern.length <= length) return false;
    for (let i = 0; i < length; i++) if (pattern.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
    return true;
  }
  let j = 0;
  for (let i = 0; i < length; i++) {
    if (j >= pattern.length) return false;
    const c = pattern.charCodeAt(j);
    if (c === 42 /* * */) return true;
    if (c !== 63 /* ? */ && c !== prefix.charCodeAt(i)) return false;
    j++;
  }
  // What remains of the pattern matches the name, since every non-empty pattern matches some non-empty string.
  return j < pattern.length;
}

/** The number of `?` in the run of `*` and `?` that ends the pattern. */
function trailingQuestionMarks(pattern: string): number {
  let count = 0;
  for (let i = pattern.length - 1; i >= 0; i--) {
    const c = pattern.charCodeAt(i);
    if (c === 63) count++;
    else if (c !== 42) break;
  }
  return count;
}

/** A character that none of the patterns contains (a name no literal part of a pattern can match). */
function absentCharacter(patterns: readonly string[]): string {
  // Control characters appear in no real policy: the first one tried is almost always free.
  for (let code = 1; ; code++) {
    const candidate = String.fromCharCode(code);
    if (!patterns.some((pattern) => pattern.includes(candidate))) return candidate;
  }
}

/** `prefix*`-style patterns (one trailing `*`, no `?`) whose literal part starts the first `length` characters. */
function coversByPrefix(pattern: string, prefix: string, length: number): boolean {
  const star = pattern.length - 1;
  if (star > length || pattern.charCodeAt(star) !== 42) return false;
  for (let i = 0; i < star; i++) {
    const c = pattern.charCodeAt(i);
    if (c !== prefix.charCodeAt(i) || c === 42 || c === 63) return false;
  }
  return true;
}

/** Whether the first `length` characters of `a` and `b` are the same, compared from the last. */
function sameBackwards(a: string, b: string, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

/**
 * How much of "`prefix` + any name" the patterns cover together. `length` takes the first characters of
 * `prefix` only: an any-name resource (`…:log-stream:*`) is its own prefix without its last character.
 */
export function anyNameCoverage(
  patterns: readonly string[],
  resource: string,
  length = resource.length,
): Coverage {
  let longestRun = -1;
  let candidates: string[] | undefined;
  for (const pattern of patterns) {
    if (pattern === '*') return 'all';
    const star = pattern.length - 1;
    if (star >= 0 && pattern.indexOf('*') === star && pattern.indexOf('?') < 0) {
      // The shape real policies use (`…:log-group:G:*`, `arn:aws:s3:::b/*`), a literal L then one `*`: it
      // covers every name when L starts the prefix (`coversByPrefix`), and otherwise matches some name only
      // when the prefix starts L, which is then longer (`matchesSomeName`). Compared from the end: the
      // patterns of a role's other log groups and buckets differ from the need in their last characters.
      if (star <= length) {
        if (sameBackwards(pattern, resource, star)) return 'all';
        continue;
      }
      if (!sameBackwards(pattern, resource, length)) continue;
    } else if (coversByPrefix(pattern, resource, length)) return 'all';
    else if (!matchesSomeName(pattern, resource, length)) continue;
    candidates ??= [];
    candidates.push(pattern);
    longestRun = Math.max(longestRun, trailingQuestionMarks(pattern));
  }
  if (candidates === undefined) return 'none';
  const prefix = length === resource.length ? resource : resource.slice(0, length);
  const z = absentCharacter(candidates);
  let name = z;
  for (let n = 1; n <= longestRun + 1; n++) {
    const probe = prefix + name;
    const matching = candidates.find((pattern) => resourceMatches(pattern, probe));
    if (matching === undefined) return 'some';
    // It matched the absent characters through its trailing run; ending in `*`, the run matches every
    // longer name as well.
    if (matching.endsWith('*')) return 'all';
    name += z;
  }
  return 'all';
}
