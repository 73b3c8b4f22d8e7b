/**
 * `invalid-policy`: a statement (or a document's `Version`) that IAM would reject when the policy is
 * written: `Action` with `NotAction`, no `Resource`/`NotResource`, an unknown condition operator, an
 * unknown `Version`, an `Effect` other than `Allow`/`Deny`… (policy/policy-problems.ts, which says why
 * such a statement grants and denies nothing in the audit). IAM validates policies on write, so in a real
 * account this comes only from an export edited by hand; in a template it is a deployment that will fail.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type { PolicyDocument } from '../policy/document.js';
import { type PolicyKind, policyProblems } from '../policy/policy-problems.js';
import type { FindingCause } from '../report.js';
import { allDocuments, capitalise, describePolicy, describeStatement } from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

const CONSEQUENCE =
  'IAM rejects such a policy when it is written, so it can only come from an export edited by hand or from a template whose deployment would fail.';

function findingsOf(source: string, document: PolicyDocument, kind: PolicyKind): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const problem of policyProblems(document, kind)) {
    const where =
      problem.statement === undefined
        ? describePolicy(source)
        : describeStatement({ source, statement: { id: problem.statement, Effect: 'Allow' } });
    const effect =
      problem.statement === undefined
        ? "The audit reads the document as IAM's 2008-10-17 language: policy variables stay literal text."
        : 'The audit counts the statement as granting and denying nothing.';
    const cause: FindingCause =
      kind === 'trust'
        ? {
            kind: 'trust-policy',
            ...(problem.statement === undefined ? {} : { statement: problem.statement }),
          }
        : {
            kind: 'policy',
            policy: source,
            ...(problem.statement === undefined ? {} : { statement: problem.statement }),
          };
    findings.push({
      rule: 'invalid-policy',
      severity: 'medium',
      message: `${capitalise(where)} is not valid IAM policy language: ${problem.problems.join('; ')}. ${CONSEQUENCE} ${effect}`,
      cause,
      remediation:
        problem.statement === undefined
          ? 'Set the document\'s Version to "2012-10-17".'
          : 'Correct the statement as the IAM policy grammar requires (IAM policy validation or Access Analyzer names the error), then apply the policy again.',
    });
  }
  return findings;
}

export const invalidPolicy: Rule = {
  scope: 'role',
  id: 'invalid-policy',
  check(context) {
    const findings: RawFinding[] = [];
    for (const { source, document } of allDocuments(context.policies)) {
      findings.push(...findingsOf(source, document, 'identity'));
    }
    if (context.trustPolicy !== undefined) {
      findings.push(...findingsOf(`trust:${context.roleArn}`, context.trustPolicy, 'trust'));
    }
    return findings;
  },
};
