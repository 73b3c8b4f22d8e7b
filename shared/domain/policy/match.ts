/**
 * Wildcard matching as IAM does it: `*` matches any run of characters (across `:` and `/` in resource
 * ARNs), `?` exactly one. Action names compare case-insensitively, resource ARNs case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */

/** Compiled wildcard patterns, one cache per flag set; policies repeat the same few patterns. */
const caches = { i: new Map<string, RegExp>(), s: new Map<string, RegExp>(), is: new Map<string, RegExp>() };

function compile(pattern: string, flags: keyof typeof caches): RegExp {
  const cache = caches[flags];
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    compiled = new RegExp(`^${source}$`, flags);
    // Bounded, so that a long-running handler cannot grow it without limit.
    if (cache.size > 50_000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** A pattern whose only wildcard is one trailing `*` (`…:log-group:/aws/lambda/f:*`, `arn:aws:s3:::b/*`). */
function prefixOnly(pattern: string): boolean {
  const star = pattern.indexOf('*');
  return star === pattern.length - 1 && !pattern.includes('?');
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** Whether an action pattern from a policy (`sqs:Receive*`, `*`) matches an action (`sqs:ReceiveMessage`). */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  return compile(pattern, 'is').test(action);
}

/** `resource.startsWith(pattern.slice(0, -1))` without the slice: no string allocated per match. */
function startsWithAllButLast(resource: string, pattern: string): boolean {
  const length = pattern.length - 1;
  if (resource.length < length) return false;
  for (let i = 0; i < length; i++) {
    if (resource.charCodeAt(i) !== pattern.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether a resource pattern from a policy matches a resource ARN. Case-sensitive. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern === resource;
  // The most common shape in real policies, and a new one for every function's log group: no RegExp.
  if (prefixOnly(pattern)) return startsWithAllButLast(resource, pattern);
  return compile(pattern, 's').test(resource);
}

/** Case-insensitive wildcard match, for condition operators such as `StringLike` on case-insensitive keys. */
export function textMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  if (!hasWildcard(pattern))
    return caseSensitive ? pattern === text : pattern.toLowerCase() === text.toLowerCase();
  return compile(pattern, caseSensitive ? 's' : 'is').test(text);
}
