/**
 * Whether two IAM wildcard patterns (`*` any run of characters, `?` one character) match at least one
 * string in common, e.g. whether a policy's resource pattern can name a resource of a given type
 * (a table ARN `arn:aws:dynamodb:R:A:table/T` and the format of a table's streams, `…:table/NAME/stream/LABEL`
 * with NAME and LABEL as `*`, do not).
 *
 * The product of the two patterns' automata, explored once: O(|a|·|b|) steps, which is linear in a policy's
 * pattern when the other is a short ARN format. No RegExp is built from either pattern.
 */
export function patternsOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const state = i * width + j;
    if (seen[state] === 1) return;
    seen[state] = 1;
    stack.push(state);
  };
  while (stack.length > 0) {
    const state = stack.pop() as number;
    const i = Math.floor(state / width);
    const j = state % width;
    if (i === a.length && j === b.length) return true;
    const x = i < a.length ? a.charCodeAt(i) : -1;
    const y = j < b.length ? b.charCodeAt(j) : -1;
    // A `*` may match nothing.
    if (x === 42) push(i + 1, j);
    if (y === 42) push(i, j + 1);
    if (x === -1 || y === -1) continue;
    // One character both can match: a wildcard takes any, two literals must be equal.
    const xWild = x === 42 || x === 63;
    const yWild = y === 42 || y === 63;
    if (xWild || yWild || x === y) push(x === 42 ? i : i + 1, y === 42 ? j : j + 1);
  }
  return false;
}
