/**
 * `missing-permission`: every requirement the function's configuration implies must be allowed by its
 * execution role. The decision comes from the policy evaluator; this rule only says what breaks.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
import type { UnknownGrant } from '../model.js';
import type { EvaluationResult, RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches } from '../policy/match.js';
import type { DenyDecision } from '../report.js';
import type { Requirement } from '../requirements/derive.js';
import {
  capitalise,
  describePolicy,
  describeStatement,
  identityStatements,
  lowerSeverity,
} from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

interface Verdict {
  readonly decision: DenyDecision;
  readonly action: string;
  readonly why: string;
}

function refs(list: readonly { source: string; statement: string }[]): string {
  return list
    .map((ref) =>
      describeStatement({ source: ref.source, statement: { id: ref.statement, Effect: 'Allow' } }),
    )
    .join('; ');
}

function explain(result: Exclude<EvaluationResult, { decision: 'allowed' }>): string {
  switch (result.decision) {
    case 'implicit-deny':
      return 'no statement of the role’s policies allows it';
    case 'explicit-deny':
      return `it is denied by ${refs(result.deniedBy)}`;
    case 'boundary':
      return `the ${describePolicy(result.boundary)} does not allow it`;
    case 'conditional':
      return `it depends on a condition that cannot be decided from the configuration (${refs(result.undecided)})`;
  }
}

/** Names unknown grants for a message: `role X (defined outside the template)`. */
function describeUnknown(grants: readonly UnknownGrant[]): string {
  return grants.map((grant) => `${grant.source} (${grant.reason})`).join('; ');
}

/**
 * What unknown grants (template mode) make of a decision: an allow that an unknown boundary or Deny may
 * take back, and an implicit deny that an unknown policy may lift, are `unverifiable`.
 */
function unknownVerdict(result: EvaluationResult, action: string, context: RuleContext): Verdict | undefined {
  const unknown = context.unknownGrants;
  if (unknown === undefined || unknown.length === 0) return undefined;
  if (result.decision === 'allowed') {
    const limits = unknown.filter((grant) => grant.kind !== 'identity');
    if (limits.length === 0) return undefined;
    return {
      decision: 'unverifiable',
      action,
      why: `the known policies allow it, but what it also depends on cannot be known: ${describeUnknown(limits)}`,
    };
  }
  if (result.decision !== 'implicit-deny') return undefined;
  const grants = unknown.filter((grant) => grant.kind === 'identity');
  if (grants.length === 0) return undefined;
  return {
    decision: 'unverifiable',
    action,
    why: `no known statement allows it, and what may allow it cannot be known: ${describeUnknown(grants)}`,
  };
}

/** The evaluation of one action of a requirement, or `undefined` when it is allowed. */
function verdictFor(requirement: Requirement, action: string, context: RuleContext): Verdict | undefined {
  const result = context.evaluate(action, requirement.resource);
  const unknown = unknownVerdict(result, action, context);
  if (unknown !== undefined) return unknown;
  if (result.decision === 'allowed') return undefined;
  if (
    requirement.mode === 'any-grant' &&
    result.decision === 'implicit-deny' &&
    anyAllowOf(context.policies, action)
  ) {
    return {
      decision: 'unverifiable',
      action,
      why: 'it is allowed only on some resources, and which resource Lambda uses cannot be derived from the configuration',
    };
  }
  if (requirement.unverifiable !== undefined) {
    return {
      decision: 'unverifiable',
      action,
      why: `${explain(result)}; it is needed only if ${requirement.unverifiable}`,
    };
  }
  return { decision: result.decision, action, why: explain(result) };
}

function anyAllowOf(policies: RolePolicies, action: string): boolean {
  return identityStatements(policies).some(
    ({ statement }) =>
      statement.Effect === 'Allow' &&
      (statement.Action ?? []).some((pattern) => actionMatches(pattern, action)),
  );
}

function remediation(requirement: Requirement, verdict: Verdict): string {
  const grant = `Allow ${verdict.action} on ${requirement.grantResource}`;
  switch (verdict.decision) {
    case 'explicit-deny':
      return `Remove ${verdict.action} from the Deny statement, or narrow the Deny so that it leaves ${requirement.resource} out.`;
    case 'boundary':
      return `${grant} in the role’s permissions boundary as well as in its identity policies.`;
    case 'conditional':
      return `Check the condition of the statement; if it does not hold for Lambda's requests, ${grant.charAt(0).toLowerCase()}${grant.slice(1)} without it.`;
    default:
      return `${grant} (see the function’s recommended policy).`;
  }
}

export const missingPermission: Rule = {
  id: 'missing-permission',
  check(context) {
    const findings: RawFinding[] = [];
    for (const requirement of context.derived.requirements) {
      const verdicts: Verdict[] = [];
      let satisfied = false;
      for (const action of requirement.actions) {
        const verdict = verdictFor(requirement, action, context);
        if (verdict === undefined) {
          satisfied = true;
          break;
        }
        verdicts.push(verdict);
      }
      const verdict = verdicts[0];
      if (satisfied || verdict === undefined) continue;
      const alternatives =
        requirement.actions.length > 1 ? ` (any one of ${requirement.actions.join(', ')} would do)` : '';
      const disabled = requirement.disabled ? ' The mapping is disabled now; enabling it will fail.' : '';
      const uncertain = verdict.decision === 'conditional' || verdict.decision === 'unverifiable';
      findings.push({
        rule: 'missing-permission',
        severity: uncertain ? lowerSeverity(requirement.severity) : requirement.severity,
        message: `${capitalise(requirement.breaks)}. ${verdict.action}${alternatives} on ${requirement.resource} is needed by ${requirement.origin}, but ${verdict.why}.${disabled}`,
        action: verdict.action,
        resource: requirement.resource,
        decision: verdict.decision,
        cause: requirement.cause,
        remediation: `${remediation(requirement, verdict)} ${requirement.docsUrl}`,
      });
    }
    for (const note of context.derived.notes) {
      findings.push({
        rule: 'missing-permission',
        severity: 'info',
        message: note.message,
        ...(note.resource === undefined ? {} : { resource: note.resource }),
        decision: 'unverifiable',
        cause: note.cause,
        remediation: 'Check by hand what this source or destination needs from the execution role.',
      });
    }
    return findings;
  },
};
