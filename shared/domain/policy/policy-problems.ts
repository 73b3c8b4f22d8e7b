/**
 * What IAM would reject in a policy document: a pure function of a parsed document (parse.ts), so that
 * every source of documents (an export, the live account, a template) gets the same verdict. Rule
 * `invalid-policy` reports what this finds; the evaluator leaves such statements out.
 *
 * IAM validates a policy when it is written ("MalformedPolicyDocument"), so a statement found here cannot
 * exist in a real account: it comes from an export edited by hand or from a template that would fail to
 * deploy. The choice made here (requirements.md §3): such a statement grants nothing and denies nothing;
 * the document's other statements are judged as written, so that one broken statement is reported once
 * and does not turn every need the rest of the policy meets into a missing permission.
 *
 * The grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * - "Some JSON policy elements are mutually exclusive … you cannot use both Action and NotAction in the same
 *   policy statement. Other pairs … are Principal/NotPrincipal and Resource/NotResource."
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
 * - "Statements must include either a Resource or a NotResource element."
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
 * - "IAM supports the following Version element values: 2012-10-17 … 2008-10-17"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
 * - "The Effect value is case sensitive" (reference_policies_elements_effect.html).
 * - Condition operators: reference_policies_elements_condition_operators.html.
 */
import { isKnownOperator } from './conditions.js';
import type { PolicyDocument, PolicyStatement } from './document.js';

/** An identity policy or permissions boundary (needs Resource, has no Principal), or a role trust policy. */
export type PolicyKind = 'identity' | 'trust';

/** The `Version` values IAM accepts. An absent Version is accepted and means 2008-10-17. */
export const VALID_VERSIONS: readonly string[] = ['2012-10-17', '2008-10-17'];

export interface PolicyProblem {
  /** The statement's id (Sid, or its index), or `undefined` for a problem of the whole document. */
  readonly statement?: string;
  /** What is wrong, one clause each, said to a person. */
  readonly problems: readonly string[];
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** What IAM would reject in one normalised statement; empty when nothing. */
export function statementProblems(statement: PolicyStatement, kind: PolicyKind = 'identity'): string[] {
  // What `isEvaluable` checks is exactly what IAM rejects in an identity statement.
  if (kind === 'identity' && isEvaluable(statement)) return [];
  const problems: string[] = [];
  if (statement.Action !== undefined && statement.NotAction !== undefined)
    problems.push('it has both Action and NotAction');
  else if (statement.Action === undefined && statement.NotAction === undefined)
    problems.push('it has neither Action nor NotAction');
  if (statement.Resource !== undefined && statement.NotResource !== undefined)
    problems.push('it has both Resource and NotResource');
  if (statement.Principal !== undefined && statement.NotPrincipal !== undefined)
    problems.push('it has both Principal and NotPrincipal');
  if (kind === 'identity') {
    if (statement.Resource === undefined && statement.NotResource === undefined)
      problems.push('it has neither Resource nor NotResource');
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined)
      problems.push('an identity policy cannot name a Principal');
  } else {
    if (statement.Principal === undefined && statement.NotPrincipal === undefined)
      problems.push('a trust policy statement must name a Principal');
    if (statement.Resource !== undefined || statement.NotResource !== undefined)
      problems.push('a trust policy statement cannot have a Resource');
  }
  for (const operator of Object.keys(statement.Condition ?? {})) {
    if (!isKnownOperator(operator))
      problems.push(`the condition operator ${quoted(operator)} does not exist`);
  }
  for (const element of statement.unknownElements ?? []) {
    problems.push(`the element ${quoted(element)} is not part of the policy grammar`);
  }
  return problems;
}

/** Every problem of a document: its Version, the statements that could not be read, and the others. */
export function policyProblems(document: PolicyDocument, kind: PolicyKind = 'identity'): PolicyProblem[] {
  // The common case, a valid identity policy: nothing built.
  if (
    kind === 'identity' &&
    document.rejected === undefined &&
    (document.Version === undefined || VALID_VERSIONS.includes(document.Version)) &&
    document.Statement.every(isEvaluable)
  )
    return [];
  const result: PolicyProblem[] = [];
  if (document.Version !== undefined && !VALID_VERSIONS.includes(document.Version)) {
    result.push({
      problems: [
        `its Version ${quoted(document.Version)} is not one IAM accepts (${VALID_VERSIONS.join(' or ')})`,
      ],
    });
  }
  // In document order: readable statements fill the indexes the rejected ones leave free.
  const entries: { index: number; problem: PolicyProblem }[] = [];
  const rejectedIndexes = new Set<number>();
  for (const rejected of document.rejected ?? []) {
    rejectedIndexes.add(rejected.index);
    entries.push({
      index: rejected.index,
      problem: { statement: rejected.id, problems: [rejected.problem] },
    });
  }
  let index = 0;
  for (const statement of document.Statement) {
    while (rejectedIndexes.has(index)) index++;
    const problems = statementProblems(statement, kind);
    if (problems.length > 0) entries.push({ index, problem: { statement: statement.id, problems } });
    index++;
  }
  entries.sort((a, b) => a.index - b.index);
  for (const entry of entries) result.push(entry.problem);
  return result;
}

const knownOperators = new WeakMap<object, boolean>();

/**
 * Whether an identity or boundary statement takes part in evaluation: a statement IAM would reject grants
 * and denies nothing (see the module comment). The evaluator asks for every statement it matches: plain
 * property checks, and the condition's operators memoised per condition block.
 */
export function isEvaluable(statement: PolicyStatement): boolean {
  if (
    statement.unknownElements !== undefined ||
    statement.Principal !== undefined ||
    statement.NotPrincipal !== undefined ||
    (statement.Action === undefined) === (statement.NotAction === undefined) ||
    (statement.Resource === undefined) === (statement.NotResource === undefined)
  )
    return false;
  const condition = statement.Condition;
  if (condition === undefined) return true;
  let known = knownOperators.get(condition);
  if (known === undefined) {
    known = Object.keys(condition).every(isKnownOperator);
    knownOperators.set(condition, known);
  }
  return known;
}
