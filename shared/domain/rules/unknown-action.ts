/**
 * `unknown-action`: an action in a policy (identity or boundary) that the Service Authorization Reference
 * does not know, such as `sqs:RecieveMessage`, or a wildcard that matches no action. IAM stores such
 * names without complaint, and they grant or deny nothing.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 *
 * SQS's batch operations are API names, not IAM actions: IAM authorizes `DeleteMessageBatch` with
 * `sqs:DeleteMessage`, and so on ("Specifying SendMessage, DeleteMessage, or ChangeMessageVisibility ...
 * also grants permissions for the corresponding batch versions of those actions",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html). AWS SAM's
 * `SQSPollerPolicy` template writes both names; a statement that names the batch operation beside the
 * action that authorizes it is harmless and not reported. Named alone, the batch name grants nothing, and
 * the finding names the action that does.
 */
import type { ActionCatalog } from '../policy/action-catalog.js';
import type { PolicyDocument, PolicyStatement } from '../policy/document.js';
import { actionMatches } from '../policy/match.js';
import type { Severity } from '../report.js';
import { allDocuments, describeStatement, hasWildcard, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

/** SQS batch operations (lower case) and the IAM action that authorizes each. */
const AUTHORIZED_BY: ReadonlyMap<string, string> = new Map([
  ['sqs:sendmessagebatch', 'sqs:SendMessage'],
  ['sqs:deletemessagebatch', 'sqs:DeleteMessage'],
  ['sqs:changemessagevisibilitybatch', 'sqs:ChangeMessageVisibility'],
]);

/** The lengths of those names: lower-casing keeps the length of every name that can equal one. */
const BATCH_LENGTHS: ReadonlySet<number> = new Set([...AUTHORIZED_BY.keys()].map((name) => name.length));

function problemWith(
  pattern: string,
  statement: PolicyStatement,
  context: { readonly catalog: ActionCatalog },
): { severity: Severity; text: string; suggestion?: string } | undefined {
  if (pattern === '*') return undefined;
  // Only a name of a batch operation's length can be one (no lower-cased copy of every other name).
  const authorizing = BATCH_LENGTHS.has(pattern.length)
    ? AUTHORIZED_BY.get(pattern.toLowerCase())
    : undefined;
  if (authorizing !== undefined) {
    const inAction = statement.Action?.includes(pattern) === true;
    if (inAction && statement.Action?.some((other) => actionMatches(other, authorizing))) return undefined;
    return {
      severity: 'medium',
      text: `${pattern} is an API operation, not an IAM action (IAM authorizes it with ${authorizing})`,
      suggestion: authorizing,
    };
  }
  const colon = pattern.indexOf(':');
  if (colon <= 0) return { severity: 'medium', text: `"${pattern}" is not an action name (service:Action)` };
  const service = pattern.slice(0, colon);
  if (hasWildcard(pattern)) {
    if (!hasWildcard(service) && context.catalog.has(`${service}:x`) === undefined) {
      return {
        severity: 'low',
        text: `the service prefix "${service}" of ${pattern} is not in the action catalog`,
      };
    }
    return !context.catalog.matchesAny(pattern)
      ? { severity: 'medium', text: `the pattern ${pattern} matches no action` }
      : undefined;
  }
  const known = context.catalog.has(pattern);
  if (known === true) return undefined;
  if (known === undefined) {
    return {
      severity: 'low',
      text: `the service prefix "${service}" of ${pattern} is not in the action catalog`,
    };
  }
  const suggestion = context.catalog.suggest(pattern);
  return {
    severity: 'medium',
    text: `${pattern} is not an action of ${service}`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/**
 * The findings of one document, memoised per catalog, document and source: a managed policy attached to
 * many roles is one document object, and its findings do not depend on the role.
 */
const byDocument = new WeakMap<ActionCatalog, WeakMap<PolicyDocument, Map<string, readonly RawFinding[]>>>();

function documentFindings(
  source: string,
  document: PolicyDocument,
  catalog: ActionCatalog,
): readonly RawFinding[] {
  let documents = byDocument.get(catalog);
  if (documents === undefined) {
    documents = new WeakMap();
    byDocument.set(catalog, documents);
  }
  let bySource = documents.get(document);
  if (bySource === undefined) {
    bySource = new Map();
    documents.set(document, bySource);
  }
  let findings = bySource.get(source);
  if (findings === undefined) {
    findings = findingsOf(source, document, { catalog });
    bySource.set(source, findings);
  }
  return findings;
}

function findingsOf(
  source: string,
  document: PolicyDocument,
  context: { readonly catalog: ActionCatalog },
): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const statement of document.Statement) {
    for (const pattern of statement.Action ?? NONE)
      patternFindings(source, statement, pattern, context, findings);
    for (const pattern of statement.NotAction ?? NONE)
      patternFindings(source, statement, pattern, context, findings);
  }
  return findings;
}

const NONE: readonly string[] = [];

/** Adds the finding of one Action or NotAction pattern to `findings`, if it has a problem. */
function patternFindings(
  source: string,
  statement: PolicyStatement,
  pattern: string,
  context: { readonly catalog: ActionCatalog },
  findings: RawFinding[],
): void {
  const problem = problemWith(pattern, statement, context);
  if (problem === undefined) return;
  const located = { source, statement };
  const effect =
    statement.Effect === 'Allow' ? 'it grants nothing' : 'the Deny it was meant to express protects nothing';
  findings.push({
    rule: 'unknown-action',
    severity: problem.severity,
    message: `In ${describeStatement(located)}, ${problem.text}: ${effect}.${problem.suggestion === undefined ? '' : ` Did you mean ${problem.suggestion}?`} If the action is newer than this tool's action catalog, suppress this finding with that reason.`,
    action: pattern,
    cause: policyCause(located),
    remediation:
      problem.suggestion === undefined
        ? 'Correct the action name (IAM does not validate it).'
        : `Write ${problem.suggestion} instead of ${pattern} (IAM does not validate action names).`,
  });
}

export const unknownAction: Rule = {
  scope: 'role',
  id: 'unknown-action',
  check(context) {
    return allDocuments(context.policies).flatMap(({ source, document }) =>
      documentFindings(source, document, context.catalog),
    );
  },
};
