/**
 * Undecidable conditions judged together (requirements.md §4, decided 2026-12-02). A statement whose
 * condition rests on a key the audit does not know is `conditional` on its own; but several such
 * statements may decide together: a `Bool` and a `BoolIfExists` on the same key that can never both hold,
 * two Deny statements with complementary `StringEquals`/`StringNotEquals`, an Allow and a Deny with the
 * same condition. IAM's answer is then fixed, and the audit gives it.
 *
 * How: the unknown keys are enumerated over the values that can tell the statements apart — absent, each
 * value the conditions name, and one value none names — and the decision is computed in each of these
 * "worlds". If every world gives the same answer (or every world denies), that is IAM's answer; if the
 * worlds disagree, the request is `conditional`. Only keys whose clauses compare for equality (`String`,
 * `Arn` and `Bool` operators without wildcards or set prefixes, their `IfExists` forms, `Null`) are
 * enumerated: for those, the values listed are every case that matters. A clause on any other key, and a
 * statement undecided for another reason (an unresolved policy variable in its Resource), is a free
 * yes-or-no in every world — which can only leave more answers `conditional`, never invent a fixed one.
 *
 * Absent keys follow the condition-operators page: "If the key that you specify in a policy condition is
 * not present in the request context, the values do not match and the condition is false. If the policy
 * condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is
 * not present, the condition is true. This logic applies to all condition operators except ...IfExists
 * and Null check." https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { evaluateClause, parseOperator, substituteVariables, type Tristate } from './conditions.js';
import type { PolicyStatement } from './document.js';
import type { ConditionContext, EvaluationResult, StatementRef } from './evaluation-types.js';
import { hasWildcard } from './match.js';

/** A statement that applies to the request or not depending on what the audit cannot know. */
export interface UndecidedStatement {
  readonly ref: StatementRef;
  readonly statement: PolicyStatement;
  readonly inBoundary: boolean;
  /** The resource matched for certain: only the condition is undecided. */
  readonly conditionOnly: boolean;
  /** The document has policy variables (Version 2012-10-17). */
  readonly variables: boolean;
}

export interface DefiniteTally {
  readonly identityAllow: readonly StatementRef[];
  readonly identityDeny: readonly StatementRef[];
  readonly boundaryAllow: readonly StatementRef[];
  readonly boundaryDeny: readonly StatementRef[];
  /** `undefined` when the role has no permissions boundary. */
  readonly boundarySource?: string;
}

/** At most this many worlds are tried; beyond, the request stays `conditional`. */
const WORLD_BUDGET = 4096;

/**
 * At most this many statement evaluations in all (worlds × undecided statements): a policy written to make
 * the audit slow gets `conditional`, in bounded time, not IAM's answer.
 */
const WORK_BUDGET = 200_000;

const EQUALITY_OPERATORS: ReadonlySet<string> = new Set([
  'stringequals',
  'stringnotequals',
  'stringlike',
  'stringnotlike',
  'arnequals',
  'arnnotequals',
  'arnlike',
  'arnnotlike',
  'bool',
  'null',
]);

interface KeyInfo {
  enumerable: boolean;
  booleanOnly: boolean;
  readonly values: Set<string>;
}

/** A value no condition names: stands for every other value the key may have. */
const OTHER = '\u0000lra-other-value';

function has(context: ConditionContext, key: string): boolean {
  return context[key.toLowerCase()] !== undefined;
}

/** The unknown keys of the conditions and whether each can be enumerated. */
function unknownKeys(
  entries: readonly UndecidedStatement[],
  context: ConditionContext,
): Map<string, KeyInfo> {
  const keys = new Map<string, KeyInfo>();
  for (const entry of entries) {
    if (!entry.conditionOnly) continue;
    for (const [operator, clauses] of Object.entries(entry.statement.Condition ?? {})) {
      const parsed = parseOperator(operator);
      for (const [key, values] of Object.entries(clauses)) {
        if (has(context, key)) continue;
        const lower = key.toLowerCase();
        let info = keys.get(lower);
        if (info === undefined) {
          info = { enumerable: true, booleanOnly: true, values: new Set() };
          keys.set(lower, info);
        }
        if (parsed.set !== undefined || !EQUALITY_OPERATORS.has(parsed.name)) {
          info.enumerable = false;
          continue;
        }
        if (parsed.name !== 'bool' && parsed.name !== 'null') info.booleanOnly = false;
        if (parsed.name === 'null') continue;
        for (const raw of values) {
          const value = entry.variables ? substituteVariables(raw, context) : raw;
          // A value that is a pattern, or that holds an unknown variable, is not an equality test.
          if (value === undefined || (parsed.name.includes('like') && hasWildcard(value))) {
            info.enumerable = false;
            break;
          }
          info.values.add(parsed.name === 'bool' ? value.toLowerCase() : value);
        }
      }
    }
  }
  return keys;
}

/** The statement's condition in one world: `world` gives each enumerated key a value or absence. */
function conditionInWorld(
  entry: UndecidedStatement,
  context: ConditionContext,
  world: ReadonlyMap<string, string | undefined>,
  worldContext: ConditionContext,
): Tristate {
  let unknown = false;
  for (const [operator, clauses] of Object.entries(entry.statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(clauses)) {
      const lower = key.toLowerCase();
      let result: Tristate;
      const known = context[lower];
      const options = { variables: entry.variables };
      if (known !== undefined) {
        result = evaluateClause(
          operator,
          values,
          typeof known === 'string' ? [known] : known,
          worldContext,
          options,
        );
      } else if (world.has(lower)) {
        const value = world.get(lower);
        result = evaluateClause(
          operator,
          values,
          value === undefined ? undefined : [value],
          worldContext,
          options,
        );
      } else result = 'unknown';
      if (result === false) return false;
      if (result === 'unknown') unknown = true;
    }
  }
  return unknown ? 'unknown' : true;
}

type Outcome = 'allowed' | 'explicit-deny' | 'boundary' | 'implicit-deny';

/**
 * IAM's fixed answer for a request whose undecided statements decide together, or `undefined` when the
 * answer really depends on what the audit cannot know (or there are too many cases to try).
 */
export function jointDecision(
  definite: DefiniteTally,
  undecided: readonly UndecidedStatement[],
  context: ConditionContext,
): EvaluationResult | undefined {
  const keys = [...unknownKeys(undecided, context)].filter(([, info]) => info.enumerable);
  const choices: (string | undefined)[][] = keys.map(([, info]) => {
    const values: (string | undefined)[] = [undefined, ...info.values];
    if (info.booleanOnly) {
      for (const value of ['true', 'false']) if (!info.values.has(value)) values.push(value);
    } else values.push(OTHER);
    return values;
  });
  let worlds = 1;
  for (const list of choices) {
    worlds *= list.length;
    if (worlds > WORLD_BUDGET) return undefined;
  }
  let work = 0;

  const outcomes = new Set<Outcome>();
  const allowing = new Set<UndecidedStatement>();
  const denying = new Set<UndecidedStatement>();
  let budget = WORLD_BUDGET;
  const counters = choices.map(() => 0);
  for (let w = 0; w < worlds; w++) {
    const world = new Map<string, string | undefined>();
    const worldContext: Record<string, string | readonly string[]> = { ...context };
    keys.forEach(([key], i) => {
      const value = choices[i]?.[counters[i] ?? 0];
      world.set(key, value);
      if (value !== undefined) worldContext[key] = value;
    });
    // Each undecided statement: applies, does not, or is free (still unknown in this world).
    const applies: Tristate[] = undecided.map((entry) =>
      entry.conditionOnly ? conditionInWorld(entry, context, world, worldContext) : 'unknown',
    );
    const free = applies.flatMap((value, i) => (value === 'unknown' ? [i] : []));
    if (free.length > 12) return undefined;
    const subsets = 2 ** free.length;
    budget -= subsets;
    work += (subsets + 1) * undecided.length;
    if (budget < 0 || work > WORK_BUDGET) return undefined;
    for (let subset = 0; subset < subsets; subset++) {
      const holds = (i: number): boolean => {
        const value = applies[i];
        if (value !== 'unknown') return value === true;
        return ((subset >> free.indexOf(i)) & 1) === 1;
      };
      let identityAllow = definite.identityAllow.length > 0;
      let deny = definite.identityDeny.length > 0 || definite.boundaryDeny.length > 0;
      let boundaryAllow = definite.boundaryAllow.length > 0;
      const allowedHere: UndecidedStatement[] = [];
      const deniedHere: UndecidedStatement[] = [];
      undecided.forEach((entry, i) => {
        if (!holds(i)) return;
        if (entry.statement.Effect === 'Deny') {
          deny = true;
          deniedHere.push(entry);
        } else if (entry.inBoundary) boundaryAllow = true;
        else {
          identityAllow = true;
          allowedHere.push(entry);
        }
      });
      let outcome: Outcome;
      if (deny) outcome = 'explicit-deny';
      else if (!identityAllow) outcome = 'implicit-deny';
      else if (definite.boundarySource !== undefined && !boundaryAllow) outcome = 'boundary';
      else outcome = 'allowed';
      outcomes.add(outcome);
      if (outcome === 'allowed') for (const entry of allowedHere) allowing.add(entry);
      if (outcome === 'explicit-deny') for (const entry of deniedHere) denying.add(entry);
      if (outcomes.has('allowed') && outcomes.size > 1) return undefined;
    }
    // Next world (mixed-radix counter).
    for (let i = 0; i < counters.length; i++) {
      counters[i] = (counters[i] ?? 0) + 1;
      if ((counters[i] ?? 0) < (choices[i]?.length ?? 1)) break;
      counters[i] = 0;
    }
  }
  const refsOf = (set: Set<UndecidedStatement>) => undecided.filter((e) => set.has(e)).map((e) => e.ref);
  if (outcomes.has('allowed')) {
    return { decision: 'allowed', allowedBy: [...definite.identityAllow, ...refsOf(allowing)] };
  }
  if (outcomes.has('explicit-deny')) {
    return {
      decision: 'explicit-deny',
      deniedBy: [...definite.identityDeny, ...definite.boundaryDeny, ...refsOf(denying)],
    };
  }
  if (outcomes.has('boundary') && definite.boundarySource !== undefined) {
    return { decision: 'boundary', boundary: definite.boundarySource };
  }
  return { decision: 'implicit-deny' };
}
