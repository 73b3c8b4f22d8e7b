/**
 * Identity-policy evaluation for one request, the part of IAM's logic that an execution role's own
 * policies decide: an explicit Deny anywhere wins; otherwise an identity policy must allow, and, when the
 * role has a permissions boundary, the boundary must allow too.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Service control policies, resource control policies, session policies and resource-based policies are
 * outside what an account export shows, and outside v1.
 *
 * Three refinements (requirements.md §4, decided 2026-12-02):
 * - policy variables are substituted only in documents of `Version` 2012-10-17 (conditions.ts);
 * - a request on an any-name resource (any-name.ts) is allowed only by statements that cover every name;
 *   a Deny, or a NotResource exclusion, that covers only some names makes it `conditional`;
 * - statements undecided on their own are judged together (joint-conditions.ts).
 * A statement IAM would reject takes no part (policy-problems.ts).
 */
import { anyNameCoverage, anyNamePrefix, type Coverage } from './any-name.js';
import { evaluateCondition, hasPolicyVariables, substituteVariables, type Tristate } from './conditions.js';
import type { PolicyStatement } from './document.js';
import type {
  ConditionContext,
  EvaluationRequest,
  EvaluationResult,
  RolePolicies,
  StatementRef,
} from './evaluation-types.js';
import { jointDecision, type UndecidedStatement } from './joint-conditions.js';
import { actionMatches, replaceVariables, resourceMatches } from './match.js';
import { isEvaluable } from './policy-problems.js';

/**
 * How a statement meets a request: `partial` when its Resource patterns cover only some names of an
 * any-name resource (an Allow then does not meet the need; a Deny makes it conditional).
 */
export type StatementMatch = boolean | 'unknown' | 'partial';

/** Three-valued OR of a pattern list, without an intermediate array: the evaluator's innermost loop. */
function anyResourcePattern(
  patterns: readonly string[],
  request: EvaluationRequest,
  variables: boolean,
): Tristate {
  let unknown = false;
  for (const pattern of patterns) {
    const matched = resourcePatternMatches(pattern, request, variables);
    if (matched === true) return true;
    if (matched === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function anyActionPattern(patterns: readonly string[], action: string): boolean {
  for (const pattern of patterns) if (actionMatches(pattern, action)) return true;
  return false;
}

function resourcePatternMatches(pattern: string, request: EvaluationRequest, variables: boolean): Tristate {
  if (!variables || !pattern.includes('${')) return resourceMatches(pattern, request.resource);
  const substituted = substituteVariables(pattern, request.context);
  if (substituted !== undefined) return resourceMatches(substituted, request.resource);
  // A variable we cannot resolve: the statement may or may not cover the resource.
  const widened = replaceVariables(pattern, () => '*');
  return resourceMatches(widened, request.resource) ? 'unknown' : false;
}

/**
 * How much of an any-name resource a pattern list covers; `unknown` when a pattern holds a variable we
 * cannot resolve and might reach the names.
 */
function anyNamePatterns(
  patterns: readonly string[],
  request: EvaluationRequest,
  variables: boolean,
): Coverage | 'unknown' {
  // The resource without its final `*`, without slicing it: this runs for every statement of the logs needs.
  const resource = request.resource;
  const length = resource.endsWith('*') ? resource.length - 1 : resource.length;
  if (!variables || !patterns.some((pattern) => pattern.includes('${')))
    return anyNameCoverage(patterns, resource, length);
  const prefix = anyNamePrefix(resource);
  const resolved: string[] = [];
  let unresolvedReach = false;
  for (const pattern of patterns) {
    if (!variables || !pattern.includes('${')) {
      resolved.push(pattern);
      continue;
    }
    const substituted = substituteVariables(pattern, request.context);
    if (substituted !== undefined) resolved.push(substituted);
    else if (anyNameCoverage([replaceVariables(pattern, () => '*')], prefix) !== 'none')
      unresolvedReach = true;
  }
  const coverage = anyNameCoverage(resolved, prefix);
  if (coverage === 'all') return 'all';
  return unresolvedReach ? 'unknown' : coverage;
}

function resourcePart(
  statement: PolicyStatement,
  request: EvaluationRequest,
  variables: boolean,
): StatementMatch {
  if (request.anyName === true) {
    if (statement.Resource !== undefined) {
      const coverage = anyNamePatterns(statement.Resource, request, variables);
      if (coverage === 'all') return true;
      if (coverage === 'unknown') return 'unknown';
      return coverage === 'some' ? 'partial' : false;
    }
    if (statement.NotResource !== undefined) {
      const excluded = anyNamePatterns(statement.NotResource, request, variables);
      if (excluded === 'all') return false;
      // Excluding some of the names: whether Lambda's names are among them is not known.
      return excluded === 'none' ? true : 'unknown';
    }
    return false;
  }
  if (statement.Resource !== undefined) return anyResourcePattern(statement.Resource, request, variables);
  if (statement.NotResource !== undefined) {
    const excluded = anyResourcePattern(statement.NotResource, request, variables);
    return excluded === 'unknown' ? 'unknown' : !excluded;
  }
  return false;
}

/**
 * How a statement meets a request: its action, resource and condition. `version` is the document's
 * `Version` (policy variables only in 2012-10-17). A statement IAM would reject never applies.
 */
export function statementMatch(
  statement: PolicyStatement,
  request: EvaluationRequest,
  version: string | undefined,
): StatementMatch {
  if (statement.Action !== undefined) {
    if (!anyActionPattern(statement.Action, request.action)) return false;
  } else if (statement.NotAction !== undefined) {
    if (anyActionPattern(statement.NotAction, request.action)) return false;
  } else return false;
  return matchBeyondAction(statement, request, version);
}

/**
 * `statementMatch` of a statement whose Action or NotAction is already known to match the request's action
 * (the audit's reduced policies hold only such statements, audit/relevant-policies.ts): its action patterns
 * are not matched again.
 */
export function matchBeyondAction(
  statement: PolicyStatement,
  request: EvaluationRequest,
  version: string | undefined,
): StatementMatch {
  if (!isEvaluable(statement)) return false;

  const variables = hasPolicyVariables(version);
  const resource = resourcePart(statement, request, variables);
  if (resource === false) return false;
  if (statement.Condition === undefined) return resource;
  // Three-valued AND of the resource match and the condition: false wins, then unknown.
  const condition = evaluateCondition(statement.Condition, request.context, { variables });
  if (condition === false) return false;
  if (condition === 'unknown') return 'unknown';
  return resource;
}

/** What the statements that apply to a request say, by effect; each list is created on first use. */
export interface Tally {
  allow: StatementRef[] | undefined;
  allowUndecided: StatementRef[] | undefined;
  /** Allows that cover only some names of an any-name resource. */
  allowPartial: StatementRef[] | undefined;
  deny: StatementRef[] | undefined;
  denyUndecided: StatementRef[] | undefined;
  /** The undecided statements themselves, for judging them together (joint-conditions.ts). */
  undecided: UndecidedStatement[] | undefined;
}

export function newTally(): Tally {
  return {
    allow: undefined,
    allowUndecided: undefined,
    allowPartial: undefined,
    deny: undefined,
    denyUndecided: undefined,
    undecided: undefined,
  };
}

/**
 * Adds to `tally` the statements of one document (or the part of it that can match) that apply.
 * `version` is the document's `Version` (`undefined` when it has none, which IAM reads as 2008-10-17);
 * `inBoundary` marks the permissions boundary's tally; `actionsMatched`, statements whose Action or NotAction
 * is known to match the request's action.
 */
export function tallyStatements(
  tally: Tally,
  source: string,
  statements: readonly PolicyStatement[],
  request: EvaluationRequest,
  version: string | undefined,
  inBoundary = false,
  actionsMatched = false,
): void {
  for (const statement of statements) {
    const applies = actionsMatched
      ? matchBeyondAction(statement, request, version)
      : statementMatch(statement, request, version);
    if (applies === false) continue;
    const ref = { source, statement: statement.id };
    if (applies === 'partial') {
      if (statement.Effect === 'Deny') tally.denyUndecided = appended(tally.denyUndecided, ref);
      else tally.allowPartial = appended(tally.allowPartial, ref);
      continue;
    }
    if (statement.Effect === 'Deny') {
      if (applies === true) tally.deny = appended(tally.deny, ref);
      else tally.denyUndecided = appended(tally.denyUndecided, ref);
    } else if (applies === true) tally.allow = appended(tally.allow, ref);
    else tally.allowUndecided = appended(tally.allowUndecided, ref);
    if (applies === 'unknown') {
      tally.undecided ??= [];
      tally.undecided.push({
        ref,
        statement,
        inBoundary,
        conditionOnly:
          statement.Condition !== undefined &&
          resourcePart(statement, request, hasPolicyVariables(version)) === true,
        variables: hasPolicyVariables(version),
      });
    }
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
 * when the role has none; `boundarySource` names it). With the request's `context`, statements that are
 * undecided on their own are judged together before a request is called `conditional`.
 */
export function decide(
  identity: Tally,
  boundary: Tally | undefined,
  boundarySource: string,
  context?: ConditionContext,
): EvaluationResult {
  if (identity.deny !== undefined || boundary?.deny !== undefined) {
    return { decision: 'explicit-deny', deniedBy: [...(identity.deny ?? NONE), ...(boundary?.deny ?? NONE)] };
  }
  if (identity.allow === undefined && identity.allowUndecided === undefined) return implicitDeny(identity);
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
    if (undecided.length > 0) {
      const joint =
        context === undefined ? undefined : judgedTogether(identity, boundary, boundarySource, context);
      if (joint !== undefined) return joint.decision === 'implicit-deny' ? implicitDeny(identity) : joint;
      return { decision: 'conditional', undecided };
    }
  }
  return { decision: 'allowed', allowedBy: identity.allow ?? NONE };
}

function implicitDeny(identity: Tally): EvaluationResult {
  return identity.allowPartial === undefined
    ? { decision: 'implicit-deny' }
    : { decision: 'implicit-deny', partiallyAllowedBy: identity.allowPartial };
}

/**
 * The undecided statements judged together. A Deny that covers only some names (no `undecided` entry of
 * its own, see `tallyStatements`) keeps the request `conditional`: which names Lambda uses is not known.
 */
function judgedTogether(
  identity: Tally,
  boundary: Tally | undefined,
  boundarySource: string,
  context: ConditionContext,
): EvaluationResult | undefined {
  const undecided = [...(identity.undecided ?? []), ...(boundary?.undecided ?? [])];
  const entries =
    (identity.denyUndecided?.length ?? 0) +
    (boundary?.denyUndecided?.length ?? 0) +
    (identity.allowUndecided?.length ?? 0) +
    (boundary?.allowUndecided?.length ?? 0);
  if (undecided.length !== entries) return undefined;
  return jointDecision(
    {
      identityAllow: identity.allow ?? NONE,
      identityDeny: identity.deny ?? NONE,
      boundaryAllow: boundary?.allow ?? NONE,
      boundaryDeny: boundary?.deny ?? NONE,
      ...(boundary === undefined ? {} : { boundarySource }),
    },
    undecided,
    context,
  );
}

/** Decides whether the role's policies allow one request. */
export function evaluate(policies: RolePolicies, request: EvaluationRequest): EvaluationResult {
  const identity = newTally();
  for (const { source, document } of policies.identity) {
    tallyStatements(identity, source, document.Statement, request, document.Version);
  }
  if (policies.boundary === undefined) return decide(identity, undefined, '', request.context);
  const boundary = newTally();
  const { source, document } = policies.boundary;
  tallyStatements(boundary, source, document.Statement, request, document.Version, true);
  return decide(identity, boundary, policies.boundary.source, request.context);
}

const ACCOUNT = /^\d{12}$/;

/** `text.split(':')[4] ?? ''` (an ARN's account field) without splitting the whole text. */
function fifthField(text: string): string {
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = text.indexOf(':', start) + 1;
    if (start === 0) return '';
  }
  const end = text.indexOf(':', start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

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
  const roleAccount = fifthField(input.roleArn);
  const context: Record<string, string> = {
    'aws:securetransport': 'true',
    'aws:requestedregion': input.region,
    'aws:principalarn': input.roleArn,
    'aws:principaltype': 'AssumedRole',
  };
  if (ACCOUNT.test(roleAccount)) context['aws:principalaccount'] = roleAccount;
  const resourceAccount = input.resource.startsWith('arn:') ? fifthField(input.resource) : '';
  if (ACCOUNT.test(resourceAccount)) context['aws:resourceaccount'] = resourceAccount;
  return context;
}
