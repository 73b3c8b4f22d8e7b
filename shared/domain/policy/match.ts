/**
 * Wildcard matching as IAM does it: `*` matches any run of characters (across `:` and `/` in resource
 * ARNs), `?` exactly one. Action names compare case-insensitively, resource ARNs case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */

const patternCache = new Map<string, RegExp>();

function compile(pattern: string, flags: string): RegExp {
  const key = `${flags}|${pattern}`;
  let compiled = patternCache.get(key);
  if (compiled === undefined) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    compiled = new RegExp(`^${source}$`, flags);
    // Policies repeat the same few patterns: a bounded cache keeps the hot path free of RegExp builds.
    if (patternCache.size > 50_000) patternCache.clear();
    patternCache.set(key, compiled);
  }
  return compiled;
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

/** Whether a resource pattern from a policy matches a resource ARN. Case-sensitive. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern === resource;
  return compile(pattern, 's').test(resource);
}

/** Case-insensitive wildcard match, for condition operators such as `StringLike` on case-insensitive keys. */
export function textMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  if (!hasWildcard(pattern))
    return caseSensitive ? pattern === text : pattern.toLowerCase() === text.toLowerCase();
  return compile(pattern, caseSensitive ? 's' : 'is').test(text);
}
