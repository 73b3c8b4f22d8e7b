/**
 * The fix for a finding, in plain words. The engine's `remediation` is preferred; these sentences are the
 * fallback for findings that carry none, so that every line a person reads says what to do.
 */
import type { Finding } from '../../domain/report.js';

export function plainFix(finding: Finding): string {
  if (finding.remediation) return finding.remediation;
  const action = finding.action ?? 'the action';
  const resource = finding.resource ?? '*';
  switch (finding.rule) {
    case 'missing-permission':
      return `allow ${action} on ${resource} in the role's policy`;
    case 'wildcard-action':
      return 'replace the wildcard with the actions the function needs (see the recommended policy)';
    case 'unused-source-permission':
      return `remove ${action} unless the function's code calls it, or suppress the finding with a reason`;
    case 'overbroad-resource':
      return `narrow the Resource of ${action} to the ARNs the function uses (see the recommended policy)`;
    case 'trust-policy-not-lambda':
      return 'let the service principal lambda.amazonaws.com assume the role (sts:AssumeRole) in its trust policy';
    case 'trust-policy-too-broad':
      return 'remove every principal other than lambda.amazonaws.com from the trust policy';
    case 'role-unavailable':
      return 'recreate the role, or give the function an existing role';
    case 'unknown-action':
      return 'correct the action name as the Service Authorization Reference spells it';
    default:
      return 'see docs/rules.md';
  }
}
