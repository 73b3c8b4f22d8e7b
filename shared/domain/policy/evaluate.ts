/**
 * Identity-policy evaluation for one request, the part of IAM's logic that an execution role's own
 * policies decide: an explicit Deny anywhere wins; otherwise an identity policy must allow, and, when the
 * role has a permissions boundary, the boundary must allow too.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Service control policies, resource control policies, session policies and resource-based policies are
 * outside what an account export shows, and outside v1.
 */
import { evaluateCondition, substituteVariables, type Tristate } from './conditions.js';
import type { PolicyStatement } from './document.js';
import type {
  ConditionContext,
  EvaluationRequest,
  EvaluationResult,
  RolePolicies,
  StatementRef,
} from './evaluation-types.js';
import { actionMatches, replaceVariables, resourceMatches } from './match.js';

/** Three-valued OR of a pattern list, without an intermediate array: the evaluator's innermost loop. */
function anyResourcePattern(patterns: readonly string[], request: EvaluationRequest): Tristate {
  let unknown = false;
  for (const pattern of patterns) {
    const matched = resourcePatternMatches(pattern, request);
    if (matched === true) return true;
    if (matched === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function anyActionPattern(patterns: readonly string[], action: string): boolean {
  for (const pattern of patterns) if (actionMatches(pattern, action)) return true;
  return false;
}

function resourcePatternMatches(pattern: string, request: EvaluationRequest): Tristate {
  if (!pattern.includes('${')) return resourceMatches(pattern, request.resource);
  const substituted = substituteVariables(pattern, request.context);
  if (substituted !== undefined) return resourceMatches(substituted, request.resource);
  // A variable we cannot resolve: the statement may or may not cover the resource.
  const widened = replaceVariables(pattern, () => '*');
  return resourceMatches(widened, request.resource) ? 'unknown' : false;
}

/** Whether a statement applies to a request: its action, resource and condition all match. */
export function statementApplies(statement: PolicyStatement, request: EvaluationRequest): Tristate {
  if (statement.Action !== undefined) {
    if (!anyActionPattern(statement.Action, request.action)) return false;
  } else if (statement.NotAction !== undefined) {
    if (anyActionPattern(statement.NotAction, request.action)) return false;
  } else return false;

  let resource: Tristate;
  if (statement.Resource !== undefined) {
    resource = anyResourcePattern(statement.Resource, request);
  } else if (statement.NotResource !== undefined) {
    const excluded = anyResourcePattern(statement.NotResource, request);
    resource = excluded === 'unknown' ? 'unknown' : !excluded;
  } else {
    return false;
  }
  if (resource === false) return false;
  if (statement.Condition === undefined) return resource;
  // Three-valued AND of the resource match and the condition: false wins, then unknown.
  const condition = evaluateCondition(statement.Condition, request.context);
  if (condition === false) return false;
  return resource === 'unknown' || condition === 'unknown' ? 'unknown' : true;
}

/** What the statements that apply to a request say, by effect; each list is created on first use. */
export interface Tally {
  allow: StatementRef[] | undefined;
  allowUndecided: StatementRef[] | undefined;
  deny: StatementRef[] | undefined;
  denyUndecided: StatementRef[] | undefined;
}

export function newTally(): Tally {
  return { allow: undefined, allowUndecided: undefined, deny: undefined, denyUndecided: undefined };
}

/** Adds to `tally` the statements of one document (or the part of it that can match) that apply. */
export function tallyStatements(
  tally: Tally,
  source: string,
  statements: readonly PolicyStatement[],
  request: EvaluationRequest,
): void {
  for (const statement of statements) {
    const applies = statementApplies(statement, request);
    if (applies === false) continue;
    const ref = { source, statement: statement.id };
    if (statement.Effect === 'Deny') {
      if (applies === true) tally.deny = appended(tally.deny, ref);
      else tally.denyUndecided = appended(tally.denyUndecided, ref);
    } else if (applies === true) tally.allow = appended(tally.allow, ref);
    else tally.allowUndecided = appended(tally.allowUndecided, ref);
  }
}

function appended(list: StatementRef[] | undefined, ref: StatementRef): StatementRef[] {
  if (list === undefined) return [ref];
  list.push(ref);
  return list;
}

const NONE: readonly StatementRef[] = [];

/**
 * IAM's decision from the tallies of the identity policies and of the permissions boundary (`undefined`
 * when the role has none; `boundarySource` names it).
 */
export function decide(
  identity: Tally,
  boundary: Tally | undefined,
  boundarySource: string,
): EvaluationResult {
  if (identity.deny !== undefined || boundary?.deny !== undefined) {
    return { decision: 'explicit-deny', deniedBy: [...(identity.deny ?? NONE), ...(boundary?.deny ?? NONE)] };
  }
  if (identity.allow === undefined && identity.allowUndecided === undefined)
    return { decision: 'implicit-deny' };
  if (boundary !== undefined && boundary.allow === undefined && boundary.allowUndecided === undefined) {
    return { decision: 'boundary', boundary: boundarySource };
  }
  if (
    identity.denyUndecided !== undefined ||
    boundary?.denyUndecided !== undefined ||
    identity.allow === undefined ||
    (boundary !== undefined && boundary.allow === undefined)
  ) {
    const undecided = [
      ...(identity.denyUndecided ?? NONE),
      ...(boundary?.denyUndecided ?? NONE),
      ...(identity.allow === undefined ? (identity.allowUndecided ?? NONE) : NONE),
      ...(boundary !== undefined && boundary.allow === undefined ? (boundary.allowUndecided ?? NONE) : NONE),
    ];
    if (undecided.length > 0) return { decision: 'conditional', undecided };
  }
  return { decision: 'allowed', allowedBy: identity.allow ?? NONE };
}

/** Decides whether the role's policies allow one request. */
export function evaluate(policies: RolePolicies, request: EvaluationRequest): EvaluationResult {
  const identity = newTally();
  for (const { source, document } of policies.identity) {
    tallyStatements(identity, source, document.Statement, request);
  }
  if (policies.boundary === undefined) return decide(identity, undefined, '');
  const boundary = newTally();
  tallyStatements(boundary, policies.boundary.source, policies.boundary.document.Statement, request);
  return decide(identity, boundary, policies.boundary.source);
}

const ACCOUNT = /^\d{12}$/;

/**
 * The condition keys whose values are known for requests Lambda makes with an execution role
 * (requirements.md §4): transport, region, the principal, and the resource's account where its ARN
 * shows one. Keys are stored lower-cased: condition keys are case-insensitive.
 */
export function conditionContext(input: {
  roleArn: string;
  region: string;
  resource: string;
}): ConditionContext {
  const roleAccount = input.roleArn.split(':')[4] ?? '';
  const context: Record<string, string> = {
    'aws:securetransport': 'true',
    'aws:requestedregion': input.region,
    'aws:principalarn': input.roleArn,
    'aws:principaltype': 'AssumedRole',
  };
  if (ACCOUNT.test(roleAccount)) context['aws:principalaccount'] = roleAccount;
  const resourceAccount = input.resource.startsWith('arn:') ? (input.resource.split(':')[4] ?? '') : '';
  if (ACCOUNT.test(resourceAccount)) context['aws:resourceaccount'] = resourceAccount;
  return context;
}
