/**
 * A role's policies reduced, per action, to the statements that can match it. Evaluating a request against
 * the reduced policies gives the same decision as against the whole role (a statement whose Action or
 * NotAction does not match never applies), and the evaluator then scans two statements instead of
 * twenty. Computed per role and action on first use, memoised per policies object.
 */
import type { PolicyDocument, PolicyStatement, SourcedDocument } from '../policy/document.js';
import { decide, newTally, tallyStatements } from '../policy/evaluate.js';
import type { EvaluationRequest, EvaluationResult, RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches } from '../policy/match.js';

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
 * Documents of more statements than this keep what they answered, per action: a large managed policy
 * attached to many roles is scanned once per action, not once per role and action. A role's own small
 * documents are scanned directly (a scan of a few literal names is cheaper than an index of them).
 */
const SCANNED_DIRECTLY = 8;
/** Per document object (large ones only): action → relevant statements. */
const scannedDocuments = new WeakMap<PolicyDocument, Map<string, readonly PolicyStatement[]>>();

function relevantStatements(document: PolicyDocument, action: string): readonly PolicyStatement[] {
  if (document.Statement.length <= SCANNED_DIRECTLY) return scan(document, action);
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

function relevantDocument({ source, document }: SourcedDocument, action: string): RelevantDocument {
  return { source, version: document.Version, statements: relevantStatements(document, action) };
}

/** Per policies object (one per role): action, as asked → plan. */
const plans = new WeakMap<RolePolicies, Map<string, ActionPlan>>();

function planOf(policies: RolePolicies, action: string): ActionPlan {
  let byAction = plans.get(policies);
  if (byAction === undefined) {
    byAction = new Map();
    plans.set(policies, byAction);
  }
  let plan = byAction.get(action);
  if (plan === undefined) {
    // Documents with no statement for the action take no part in the decision (the boundary always does:
    // a boundary silent on the action denies it).
    const identity: RelevantDocument[] = [];
    for (const sourced of policies.identity) {
      const relevant = relevantDocument(sourced, action);
      if (relevant.statements.length > 0) identity.push(relevant);
    }
    plan =
      policies.boundary === undefined
        ? { identity }
        : { identity, boundary: relevantDocument(policies.boundary, action) };
    if (byAction.size > 10_000) byAction.clear();
    byAction.set(action, plan);
  }
  return plan;
}

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
  const plan = planOf(policies, request.action);
  const identity = newTally();
  for (const relevant of plan.identity) {
    tallyStatements(identity, relevant.source, relevant.statements, request, relevant.version);
  }
  const boundary = plan.boundary;
  if (boundary === undefined) return decide(identity, undefined, '', request.context);
  const boundaryTally = newTally();
  tallyStatements(boundaryTally, boundary.source, boundary.statements, request, boundary.version, true);
  return decide(identity, boundaryTally, boundary.source, request.context);
}
