/**
 * `invalid-policy` for what the source found invalid before a document could be read from it (template
 * mode: a `PolicyDocument` that is not a document, a statement IAM would reject for its shape, a malformed
 * intrinsic CloudFormation would reject). The validity of parsed documents is judged elsewhere; this rule
 * only reports what the source recorded, so that it is a finding with its place, not a crash and not a
 * silent pass. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type { Rule } from './types.js';

export const policyProblems: Rule = {
  id: 'invalid-policy',
  scope: 'role',
  check(context) {
    return (context.policyProblems ?? []).map((problem) => ({
      rule: 'invalid-policy' as const,
      severity: 'medium' as const,
      message: `${problem.statement === undefined ? 'The' : `Statement ${problem.statement} of the`} ${
        problem.policy.startsWith('inline:')
          ? `inline policy ${problem.policy.slice('inline:'.length)}`
          : `policy ${problem.policy}`
      } would be rejected: ${problem.message}. Until it is fixed, the permissions it was meant to give or take are unknown.`,
      cause: {
        kind: 'policy' as const,
        policy: problem.policy,
        ...(problem.statement === undefined ? {} : { statement: problem.statement }),
      },
      remediation:
        'Correct the policy so that it is a valid IAM policy document (Version, Statement with Effect, Action or NotAction, Resource or NotResource), with intrinsic functions of the form CloudFormation expects.',
    }));
  },
};
