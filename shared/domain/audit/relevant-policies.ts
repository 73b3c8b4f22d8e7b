/**
 * A role's policies reduced, per action, to the statements that can match it. Evaluating a request against
 * the reduced policies gives the same decision as against the whole role (a statement whose Action or
 * NotAction does not match never applies), and the evaluator then scans two statements instead of
 * twenty. Built from a per-role index of literal action names, memoised per policies object.
 */
import type { PolicyStatement, SourcedDocument } from '../policy/document.js';
import { decide, newTally, tallyStatements } from '../policy/evaluate.js';
import type { EvaluationRequest, EvaluationResult, RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches, hasWildcard } from '../policy/match.js';

interface IndexedDocument {
  readonly source: string;
  readonly version?: string;
  readonly statements: readonly PolicyStatement[];
  /** Statements naming the action literally, by lower-cased action. */
  readonly literal: ReadonlyMap<string, readonly PolicyStatement[]>;
  /** Statements with a wildcard Action or a NotAction: matched per action. */
  readonly patterns: readonly PolicyStatement[];
  /** The relevant statements of a document with patterns, by lower-cased action, once computed. */
  readonly withPatterns: Map<string, readonly PolicyStatement[]>;
}

interface ActionIndex {
  readonly identity: readonly IndexedDocument[];
  readonly boundary?: IndexedDocument;
  readonly byAction: Map<string, RolePolicies>;
}

/**
 * Indexes by document object and source: a managed policy attached to many roles is one document, indexed
 * once, and the statements found relevant to an action are then shared by every role that attaches it.
 */
const indexedDocuments = new WeakMap<SourcedDocument['document'], Map<string, IndexedDocument>>();

function indexDocument(sourced: SourcedDocument): IndexedDocument {
  let bySource = indexedDocuments.get(sourced.document);
  if (bySource === undefined) {
    bySource = new Map();
    indexedDocuments.set(sourced.document, bySource);
  }
  let indexed = bySource.get(sourced.source);
  if (indexed === undefined) {
    indexed = indexOf(sourced);
    bySource.set(sourced.source, indexed);
  }
  return indexed;
}

function indexOf({ source, document }: SourcedDocument): IndexedDocument {
  const literal = new Map<string, PolicyStatement[]>();
  const patterns: PolicyStatement[] = [];
  for (const statement of document.Statement) {
    const actions = statement.Action;
    if (actions === undefined || actions.some(hasWildcard)) {
      if (actions !== undefined || statement.NotAction !== undefined) patterns.push(statement);
      continue;
    }
    for (const action of actions) {
      const lower = action.toLowerCase();
      const list = literal.get(lower);
      if (list === undefined) literal.set(lower, [statement]);
      // An action listed twice in one statement keeps the statement once.
      else if (list[list.length - 1] !== statement) list.push(statement);
    }
  }
  return {
    source,
    ...(document.Version === undefined ? {} : { version: document.Version }),
    statements: document.Statement,
    literal,
    patterns,
    withPatterns: new Map(),
  };
}

const NONE: readonly PolicyStatement[] = [];

/** The statements of one document that can match `action`, in document order. */
function relevantStatements(
  indexed: IndexedDocument,
  action: string,
  lower: string,
): readonly PolicyStatement[] {
  const named = indexed.literal.get(lower) ?? NONE;
  if (indexed.patterns.length === 0) return named;
  const known = indexed.withPatterns.get(lower);
  if (known !== undefined) return known;
  const relevant = relevantWithPatterns(indexed, action, named);
  indexed.withPatterns.set(lower, relevant);
  return relevant;
}

function relevantWithPatterns(
  indexed: IndexedDocument,
  action: string,
  named: readonly PolicyStatement[],
): readonly PolicyStatement[] {
  const matched = indexed.patterns.filter((statement) =>
    statement.Action !== undefined
      ? statement.Action.some((pattern) => actionMatches(pattern, action))
      : !(statement.NotAction ?? []).some((pattern) => actionMatches(pattern, action)),
  );
  if (matched.length === 0) return named;
  if (named.length === 0) return matched;
  // Both kinds (rare): back to document order.
  const relevant = new Set([...named, ...matched]);
  return indexed.statements.filter((statement) => relevant.has(statement));
}

function relevantDocument(indexed: IndexedDocument, statements: readonly PolicyStatement[]): SourcedDocument {
  // Two literal shapes rather than a spread: this runs for every role and action.
  return {
    source: indexed.source,
    document:
      indexed.version === undefined
        ? { Statement: statements }
        : { Version: indexed.version, Statement: statements },
  };
}

const actionIndexes = new WeakMap<RolePolicies, ActionIndex>();

function actionIndexOf(policies: RolePolicies): ActionIndex {
  let index = actionIndexes.get(policies);
  if (index === undefined) {
    index = {
      identity: policies.identity.map(indexDocument),
      ...(policies.boundary === undefined ? {} : { boundary: indexDocument(policies.boundary) }),
      byAction: new Map(),
    };
    actionIndexes.set(policies, index);
  }
  return index;
}

/**
 * The role's policies reduced to the statements whose Action or NotAction can match `action`. A statement
 * that does not match the action never applies to the request, so the evaluation is the same, and the
 * evaluator scans two statements instead of twenty. Built from a per-role index of literal actions.
 */
export function policiesFor(policies: RolePolicies, action: string): RolePolicies {
  const index = actionIndexOf(policies);
  const lower = action.toLowerCase();
  const known = index.byAction.get(lower);
  if (known !== undefined) return known;
  // Documents with no statement for the action take no part in the decision (the boundary always does:
  // a boundary silent on the action denies it).
  const identity: SourcedDocument[] = [];
  for (const indexed of index.identity) {
    const statements = relevantStatements(indexed, action, lower);
    if (statements.length > 0) identity.push(relevantDocument(indexed, statements));
  }
  const boundary = index.boundary;
  const relevant =
    boundary === undefined
      ? { identity }
      : { identity, boundary: relevantDocument(boundary, relevantStatements(boundary, action, lower)) };
  index.byAction.set(lower, relevant);
  return relevant;
}

/**
 * Lower-cased action names, memoised: the audit asks about the same few dozen actions (the catalog's own
 * strings) thousands of times, and a lookup with a string made afresh would hash it afresh each time.
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

/**
 * `evaluate(policiesFor(policies, request.action), request)` without building the reduced policies: the
 * audit's path, which asks tens of thousands of questions and needs only the answers.
 */
export function evaluateRelevant(policies: RolePolicies, request: EvaluationRequest): EvaluationResult {
  const index = actionIndexOf(policies);
  const action = request.action;
  const lower = lowerCaseOf(action);
  const identity = newTally();
  for (const indexed of index.identity) {
    const statements = relevantStatements(indexed, action, lower);
    tallyStatements(identity, indexed.source, statements, request, indexed.version);
  }
  const boundary = index.boundary;
  if (boundary === undefined) return decide(identity, undefined, '', request.context);
  const boundaryTally = newTally();
  const statements = relevantStatements(boundary, action, lower);
  tallyStatements(boundaryTally, boundary.source, statements, request, boundary.version, true);
  return decide(identity, boundaryTally, boundary.source, request.context);
}
