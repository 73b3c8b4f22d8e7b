/**
 * Condition evaluation in three values. The audit knows a few keys for requests Lambda makes with the
 * execution role (see `conditionContext`); a condition on any other key cannot be decided offline, and is
 * `'unknown'` rather than guessed. Operators and set prefixes as in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *
 * Policy variables (`${aws:PrincipalAccount}`) are substituted only when the document's `Version` is
 * `2012-10-17`: "with 2008-10-17 … variables such as ${aws:username} aren't recognized as variables and are
 * instead treated as literal strings" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
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

/** The policy language version that has policy variables; every other `Version` reads `${…}` literally. */
export const VARIABLES_VERSION = '2012-10-17';

/** Whether a document of this `Version` has policy variables (an absent Version means 2008-10-17). */
export function hasPolicyVariables(version: string | undefined): boolean {
  return version === VARIABLES_VERSION;
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

/**
 * Every condition operator IAM accepts, lower-cased, without the `IfExists` suffix and the
 * `ForAnyValue:`/`ForAllValues:` prefixes (the condition-operators page lists them). An operator outside
 * this list makes IAM reject the policy ("Invalid Condition type").
 */
const KNOWN_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringnotequals',
  'stringequalsignorecase',
  'stringnotequalsignorecase',
  'stringlike',
  'stringnotlike',
  'numericequals',
  'numericnotequals',
  'numericlessthan',
  'numericlessthanequals',
  'numericgreaterthan',
  'numericgreaterthanequals',
  'dateequals',
  'datenotequals',
  'datelessthan',
  'datelessthanequals',
  'dategreaterthan',
  'dategreaterthanequals',
  'bool',
  'binaryequals',
  'ipaddress',
  'notipaddress',
  'arnequals',
  'arnlike',
  'arnnotequals',
  'arnnotlike',
  'null',
]);

/** An operator split into its parts: base name (lower-cased), set prefix, `IfExists`. */
export interface ParsedOperator {
  readonly name: string;
  readonly set?: 'any' | 'all';
  readonly ifExists: boolean;
}

export function parseOperator(operator: string): ParsedOperator {
  let name = operator.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) {
    set = 'any';
    name = name.slice('foranyvalue:'.length);
  } else if (name.startsWith('forallvalues:')) {
    set = 'all';
    name = name.slice('forallvalues:'.length);
  }
  // `Null` has no IfExists form ("NullIfExists" is not an operator).
  const ifExists = name !== 'nullifexists' && name.endsWith('ifexists');
  if (ifExists) name = name.slice(0, -'ifexists'.length);
  return { name, ifExists, ...(set === undefined ? {} : { set }) };
}

/** Whether IAM knows the condition operator (with its prefixes and suffix). */
export function isKnownOperator(operator: string): boolean {
  return KNOWN_OPERATORS.has(parseOperator(operator).name);
}

export interface ConditionOptions {
  /** Substitute policy variables in condition values (only documents of Version 2012-10-17 have them). */
  readonly variables?: boolean;
}

/**
 * One condition clause (operator, key, values) against the key's request values (`undefined`: the key is
 * absent from the request). Every key a caller passes here has a definite state, so the answer is
 * `'unknown'` only for operators the audit does not compare (numeric, date, IP, binary) or unresolved
 * variables. Absent keys follow the operators page: "If the key that you specify in a policy condition is
 * not present in the request context, the values do not match and the condition is false. If the policy
 * condition requires that the key is not matched … the condition is true", except `…IfExists` (true) and
 * `Null`.
 */
export function evaluateClause(
  operator: string,
  policyValues: readonly string[],
  requestValues: readonly string[] | undefined,
  context: ConditionContext,
  options: ConditionOptions = {},
): Tristate {
  const { name, set, ifExists } = parseOperator(operator);
  if (name === 'null') {
    const wantsAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    const wantsPresent = policyValues.some((v) => v.toLowerCase() === 'false');
    return requestValues === undefined ? wantsAbsent : wantsPresent;
  }
  const comparator = comparators[name];
  if (requestValues === undefined) {
    if (ifExists) return true;
    if (set === 'all') return true;
    if (set === 'any') return false;
    if (comparator !== undefined) return comparator.negated;
    return name.startsWith('numericnot') || name.startsWith('datenot') || name === 'notipaddress';
  }
  // Numeric, date, IP and binary operators only ever concern keys we do not know.
  if (comparator === undefined) return 'unknown';

  const resolved: string[] = [];
  for (const value of policyValues) {
    const substituted = options.variables === false ? value : substituteVariables(value, context);
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

/**
 * Whether a statement's condition holds for a request with the known keys of `context`. A clause on a key
 * the context does not hold is `'unknown'`: whether the key is present is not known either.
 */
export function evaluateCondition(
  block: ConditionBlock | undefined,
  context: ConditionContext,
  options: ConditionOptions = {},
): Tristate {
  if (block === undefined) return true;
  let unknown = false;
  for (const [operator, keys] of Object.entries(block)) {
    for (const [key, values] of Object.entries(keys)) {
      const requestValues = lookup(context, key);
      const result =
        requestValues === undefined
          ? 'unknown'
          : evaluateClause(operator, values, requestValues, context, options);
      if (result === false) return false;
      if (result === 'unknown') unknown = true;
    }
  }
  return unknown ? 'unknown' : true;
}
