/**
 * A role's policies reduced, per action, to the statements that can match it. Evaluating a request against
 * the reduced policies gives the same decision as against the whole role (a statement whose Action or
 * NotAction does not match never applies), and the evaluator then scans two statements instead of
 * twenty. Indexed once per role (policies object); each action's reduction is made on first use.
 */
import type { PolicyDocument, PolicyStatement, SourcedDocument } from '../policy/document.js';
import { decide, newTally, tallyStatements } from '../policy/evaluate.js';
import type { EvaluationRequest, EvaluationResult, RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches, hasWildcard } from '../policy/match.js';

/** The statements of one document that can match an action, in document order. */
interface RelevantDocument {
  readonly source: string;
  readonly version: string | undefined;
  readonly statements: readonly PolicyStatement[];
}

/** What takes part in the decision on one action: the documents with a relevant statement, the boundary. */
interface ActionPlan {
  readonly identity: readonly RelevantDocument[];
  readonly boundary?: RelevantDocument;
}

const NONE: readonly PolicyStatement[] = [];

/** Whether a statement's Action or NotAction matches `action` (a statement with neither never applies). */
function canMatch(statement: PolicyStatement, action: string): boolean {
  const actions = statement.Action;
  if (actions !== undefined) {
    for (const pattern of actions) if (actionMatches(pattern, action)) return true;
    return false;
  }
  const excluded = statement.NotAction;
  if (excluded === undefined) return false;
  for (const pattern of excluded) if (actionMatches(pattern, action)) return false;
  return true;
}

/** The statements of `document` that can match `action`, in document order; no array when none can. */
function scan(document: PolicyDocument, action: string): readonly PolicyStatement[] {
  let relevant: PolicyStatement[] | undefined;
  for (const statement of document.Statement) {
    if (!canMatch(statement, action)) continue;
    relevant ??= [];
    relevant.push(statement);
  }
  return relevant ?? NONE;
}

/**
 * Documents of more action patterns than this keep what they answered, per action: a large managed policy
 * attached to many roles is scanned once per action, not once per role. The role's other documents are
 * indexed together, once per role (see `RoleIndex`).
 */
const LARGE_DOCUMENT = 32;
/** Per large document object: action → relevant statements. */
const scannedDocuments = new WeakMap<PolicyDocument, Map<string, readonly PolicyStatement[]>>();

function memoisedScan(document: PolicyDocument, action: string): readonly PolicyStatement[] {
  let byAction = scannedDocuments.get(document);
  if (byAction === undefined) {
    byAction = new Map();
    scannedDocuments.set(document, byAction);
  }
  let statements = byAction.get(action);
  if (statements === undefined) {
    statements = scan(document, action);
    // Bounded, so that a long-running handler asking about ever new names cannot grow it without limit.
    if (byAction.size > 10_000) byAction.clear();
    byAction.set(action, statements);
  }
  return statements;
}

function patternCount(document: PolicyDocument): number {
  let count = 0;
  for (const statement of document.Statement)
    count += (statement.Action?.length ?? 0) + (statement.NotAction?.length ?? 0);
  return count;
}

/** A statement of one of the role's documents, with where it is: the document's index, its own. */
interface Placed {
  readonly document: number;
  readonly at: number;
  readonly statement: PolicyStatement;
  /**
   * Its document reduced to it alone, made on first use: the part a plan takes of a document when this is
   * its only relevant statement (most often), shared by every plan of the role that does.
   */
  alone: RelevantDocument | undefined;
}

/**
 * One role's identity documents indexed together, once: the statements that name an action literally, by
 * lower-cased action; those with a wildcard Action or a NotAction, matched per action; the large documents
 * (`LARGE_DOCUMENT`), scanned per action and memoised per document. And the plans made from them.
 */
interface RoleIndex {
  readonly literal: Map<string, Placed[]>;
  readonly patterns: readonly Placed[];
  /** Per document: whether it is large (answered by `memoisedScan`). */
  readonly large: readonly boolean[];
  readonly plans: Map<string, ActionPlan>;
}

function roleIndexOf(policies: RolePolicies): RoleIndex {
  const literal = new Map<string, Placed[]>();
  const patterns: Placed[] = [];
  const large: boolean[] = [];
  for (let index = 0; index < policies.identity.length; index++) {
    const { document } = policies.identity[index] as SourcedDocument;
    const isLarge = patternCount(document) > LARGE_DOCUMENT;
    large.push(isLarge);
    if (isLarge) continue;
    for (let at = 0; at < document.Statement.length; at++) {
      const statement = document.Statement[at] as PolicyStatement;
      const actions = statement.Action;
      if (actions === undefined || actions.some(hasWildcard)) {
        if (actions !== undefined || statement.NotAction !== undefined)
          patterns.push({ document: index, at, statement, alone: undefined });
        continue;
      }
      let placed: Placed | undefined;
      for (const action of actions) {
        const lower = lowerCaseOf(action);
        const list = literal.get(lower);
        placed ??= { document: index, at, statement, alone: undefined };
        if (list === undefined) literal.set(lower, [placed]);
        // An action listed twice in one statement keeps the statement once.
        else if (list[list.length - 1] !== placed) list.push(placed);
      }
    }
  }
  return { literal, patterns, large, plans: new Map() };
}

/**
 * Lower-cased action names, memoised: the audit asks about the same few dozen actions and policies name
 * the same few hundred, and a lower-cased copy made afresh would be hashed afresh each time.
 */
const lowerCased = new Map<string, string>();

function lowerCaseOf(action: string): string {
  let lower = lowerCased.get(action);
  if (lower === undefined) {
    lower = action.toLowerCase();
    // Bounded, so that a long-running handler cannot grow it without limit.
    if (lowerCased.size > 10_000) lowerCased.clear();
    lowerCased.set(action, lower);
  }
  return lower;
}

const NO_PLACED: readonly Placed[] = [];

/** The relevant statements of the role's small documents, in role order (by document, then statement). */
function relevantPlaced(index: RoleIndex, action: string): readonly Placed[] {
  const named = index.literal.get(lowerCaseOf(action)) ?? NO_PLACED;
  let matched: Placed[] | undefined;
  for (const placed of index.patterns) {
    if (!canMatch(placed.statement, action)) continue;
    matched ??= [];
    matched.push(placed);
  }
  if (matched === undefined) return named;
  if (named.length === 0) return matched;
  // Both kinds (rare): back to role order.
  return [...named, ...matched].sort((a, b) => a.document - b.document || a.at - b.at);
}

/** Per policies object (one per role). */
const roleIndexes = new WeakMap<RolePolicies, RoleIndex>();

function roleIndex(policies: RolePolicies): RoleIndex {
  let index = roleIndexes.get(policies);
  if (index === undefined) {
    index = roleIndexOf(policies);
    roleIndexes.set(policies, index);
  }
  return index;
}

function planOf(policies: RolePolicies, action: string): ActionPlan {
  return indexedPlan(policies, roleIndex(policies), action);
}

function indexedPlan(policies: RolePolicies, index: RoleIndex, action: string): ActionPlan {
  let plan = index.plans.get(action);
  if (plan === undefined) {
    plan = makePlan(policies, index, action);
    if (index.plans.size > 10_000) index.plans.clear();
    index.plans.set(action, plan);
  }
  return plan;
}

function makePlan(policies: RolePolicies, index: RoleIndex, action: string): ActionPlan {
  // Documents with no statement for the action take no part in the decision (the boundary always does:
  // a boundary silent on the action denies it). Arrays are made with their first element: a literal is
  // allocated at its size, where `[]` then push reserves room for seventeen (this runs for every action of
  // every role).
  let identity: RelevantDocument[] | undefined;
  const placed = relevantPlaced(index, action);
  let next = 0;
  for (let at = 0; at < policies.identity.length; at++) {
    const { source, document } = policies.identity[at] as SourcedDocument;
    let relevant: RelevantDocument | undefined;
    if (index.large[at] === true) {
      const statements = memoisedScan(document, action);
      if (statements.length > 0) relevant = { source, version: document.Version, statements };
    } else if (next < placed.length && (placed[next] as Placed).document === at) {
      const first = placed[next] as Placed;
      next++;
      if (next < placed.length && (placed[next] as Placed).document === at) {
        const own: PolicyStatement[] = [first.statement];
        while (next < placed.length && (placed[next] as Placed).document === at) {
          own.push((placed[next] as Placed).statement);
          next++;
        }
        relevant = { source, version: document.Version, statements: own };
      } else relevant = first.alone ??= { source, version: document.Version, statements: [first.statement] };
    }
    if (relevant === undefined) continue;
    if (identity === undefined) identity = [relevant];
    else identity.push(relevant);
  }
  const boundary = policies.boundary;
  return boundary === undefined
    ? { identity: identity ?? NO_DOCUMENTS }
    : {
        identity: identity ?? NO_DOCUMENTS,
        boundary: {
          source: boundary.source,
          version: boundary.document.Version,
          statements: memoisedScan(boundary.document, action),
        },
      };
}

const NO_DOCUMENTS: readonly RelevantDocument[] = [];

function asSourced(relevant: RelevantDocument): SourcedDocument {
  return {
    source: relevant.source,
    document:
      relevant.version === undefined
        ? { Statement: relevant.statements }
        : { Version: relevant.version, Statement: relevant.statements },
  };
}

/**
 * The role's policies reduced to the statements whose Action or NotAction can match `action`. A statement
 * that does not match the action never applies to the request, so the evaluation is the same, and the
 * evaluator scans two statements instead of twenty.
 */
export function policiesFor(policies: RolePolicies, action: string): RolePolicies {
  const plan = planOf(policies, action);
  const identity = plan.identity.map(asSourced);
  return plan.boundary === undefined ? { identity } : { identity, boundary: asSourced(plan.boundary) };
}

/**
 * `evaluate(policiesFor(policies, request.action), request)` without building the reduced policies: the
 * audit's path, which asks tens of thousands of questions and needs only the answers.
 */
export function evaluateRelevant(policies: RolePolicies, request: EvaluationRequest): EvaluationResult {
  return evaluatePlan(planOf(policies, request.action), request);
}

/**
 * `evaluateRelevant` with `policies` fixed, for a caller that keeps it per role (the audit's per-role
 * state): the role's index is looked up once rather than for every question.
 */
export function relevantEvaluator(policies: RolePolicies): (request: EvaluationRequest) => EvaluationResult {
  const index = roleIndex(policies);
  return (request) => evaluatePlan(indexedPlan(policies, index, request.action), request);
}

function evaluatePlan(plan: ActionPlan, request: EvaluationRequest): EvaluationResult {
  const identity = newTally();
  // A plan holds only statements whose Action or NotAction matches the action: they are not matched again.
  for (const relevant of plan.identity) {
    tallyStatements(identity, relevant.source, relevant.statements, request, relevant.version, false, true);
  }
  const boundary = plan.boundary;
  if (boundary === undefined) return decide(identity, undefined, '', request.context);
  const boundaryTally = newTally();
  tallyStatements(boundaryTally, boundary.source, boundary.statements, request, boundary.version, true, true);
  return decide(identity, boundaryTally, boundary.source, request.context);
}
