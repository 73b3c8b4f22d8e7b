/**
 * Condition evaluation in three values. The audit knows a few keys for requests Lambda makes with the
 * execution role (see `conditionContext`); a condition on any other key cannot be decided offline, and is
 * `'unknown'` rather than guessed. Operators and set prefixes as in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import type { ConditionBlock } from './document.js';
import type { ConditionContext } from './evaluation-types.js';
import { replaceVariables, textMatches } from './match.js';

export type Tristate = boolean | 'unknown';

/** Three-valued AND: false wins, then unknown. */
export function and3(values: Iterable<Tristate>): Tristate {
  let unknown = false;
  for (const value of values) {
    if (value === false) return false;
    if (value === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

/** Three-valued OR: true wins, then unknown. */
export function or3(values: Iterable<Tristate>): Tristate {
  let unknown = false;
  for (const value of values) {
    if (value === true) return true;
    if (value === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function lookup(context: ConditionContext, key: string): readonly string[] | undefined {
  const value = context[key.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

/** Substitutes `${aws:...}` policy variables whose value is known; `undefined` when one is not. */
export function substituteVariables(text: string, context: ConditionContext): string | undefined {
  if (!text.includes('${')) return text;
  let unresolved = false;
  const result = replaceVariables(text, (name) => {
    // ${*}, ${?} and ${$} are escapes for the literal characters.
    if (name === '*' || name === '?' || name === '$') return name;
    const value = lookup(context, name);
    if (value === undefined || value.length !== 1 || value[0] === undefined) {
      unresolved = true;
      return '';
    }
    return value[0];
  });
  return unresolved ? undefined : result;
}

type Comparator = (policyValue: string, requestValue: string) => boolean;

const comparators: Record<string, { compare: Comparator; negated: boolean }> = {
  stringequals: { compare: (p, r) => p === r, negated: false },
  stringnotequals: { compare: (p, r) => p === r, negated: true },
  stringequalsignorecase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  stringnotequalsignorecase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  stringlike: { compare: (p, r) => textMatches(p, r, true), negated: false },
  stringnotlike: { compare: (p, r) => textMatches(p, r, true), negated: true },
  arnequals: { compare: (p, r) => textMatches(p, r, true), negated: false },
  arnlike: { compare: (p, r) => textMatches(p, r, true), negated: false },
  arnnotequals: { compare: (p, r) => textMatches(p, r, true), negated: true },
  arnnotlike: { compare: (p, r) => textMatches(p, r, true), negated: true },
  bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

function evaluateOperator(
  operator: string,
  key: string,
  policyValues: readonly string[],
  context: ConditionContext,
): Tristate {
  let name = operator.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) {
    set = 'any';
    name = name.slice('foranyvalue:'.length);
  } else if (name.startsWith('forallvalues:')) {
    set = 'all';
    name = name.slice('forallvalues:'.length);
  }
  const ifExists = name.endsWith('ifexists');
  if (ifExists) name = name.slice(0, -'ifexists'.length);

  const requestValues = lookup(context, key);
  if (name === 'null') {
    if (requestValues === undefined) return 'unknown';
    // Null:true asks "is the key absent?"; every key we know is present.
    return policyValues.some((v) => v.toLowerCase() === 'false');
  }
  const comparator = comparators[name];
  // Numeric, date, IP and binary operators only ever concern keys we do not know.
  if (comparator === undefined || requestValues === undefined) return 'unknown';

  const resolved: string[] = [];
  for (const value of policyValues) {
    const substituted = substituteVariables(value, context);
    if (substituted === undefined) return 'unknown';
    resolved.push(substituted);
  }
  const matchesOne = (requestValue: string): boolean => {
    const hit = resolved.some((p) => comparator.compare(p, requestValue));
    return comparator.negated ? !hit : hit;
  };
  if (set === 'all') return requestValues.every(matchesOne);
  return requestValues.some(matchesOne);
}

/** Whether a statement's condition holds for a request with the known keys of `context`. */
export function evaluateCondition(block: ConditionBlock | undefined, context: ConditionContext): Tristate {
  if (block === undefined) return true;
  const results: Tristate[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    for (const [key, values] of Object.entries(keys)) {
      results.push(evaluateOperator(operator, key, values, context));
    }
  }
  return and3(results);
}
