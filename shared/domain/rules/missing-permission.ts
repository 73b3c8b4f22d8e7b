/**
 * `missing-permission`: every requirement the function's configuration implies must be allowed by its
 * execution role. The decision comes from the policy evaluator; this rule only says what breaks.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
import type { UnknownGrant } from '../model.js';
import type { EvaluationResult, StatementRef } from '../policy/evaluation-types.js';
import type { DenyDecision } from '../report.js';
import type { Requirement } from '../requirements/derive.js';
import { evaluateNeed, failing, type NeedEvaluation } from './need-evaluation.js';
import { capitalise, describePolicy, describeStatement, lowerSeverity } from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

interface Verdict {
  readonly decision: DenyDecision;
  readonly action: string;
  readonly why: string;
}

function refs(list: readonly StatementRef[]): string {
  return list
    .map((ref) =>
      describeStatement({ source: ref.source, statement: { id: ref.statement, Effect: 'Allow' } }),
    )
    .join('; ');
}

function explain(result: Exclude<EvaluationResult, { decision: 'allowed' }>): string {
  switch (result.decision) {
    case 'implicit-deny':
      return result.partiallyAllowedBy === undefined
        ? "no statement of the role's policies allows it"
        : `${refs(result.partiallyAllowedBy)} allows it only for some names, and Lambda chooses the names`;
    case 'explicit-deny':
      return `it is denied by ${refs(result.deniedBy)}`;
    case 'boundary':
      return `the ${describePolicy(result.boundary)} does not allow it`;
    case 'conditional':
      return `it depends on a condition that cannot be decided from the configuration (${refs(result.undecided)})`;
  }
}

/** `on X, Y` for a need judged on what the call touches; nothing otherwise. */
function where(requirement: Requirement, failed: readonly NeedEvaluation[]): string {
  if (requirement.touches === undefined) return '';
  return ` on ${failed.map((evaluation) => evaluation.resource).join(', ')} (what the call touches)`;
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

/** Whether `action` is allowed on its resource, or on every resource it touches. */
function allowed(requirement: Requirement, action: string, context: RuleContext): boolean {
  const touches = requirement.touches;
  if (touches === undefined)
    return context.evaluate(action, requirement.resource, requirement.anyName).decision === 'allowed';
  for (const touched of touches)
    if (context.evaluate(action, touched.resource, touched.anyName).decision !== 'allowed') return false;
  return true;
}

/** The evaluation of one action of a requirement, or `undefined` when it is allowed. */
function verdictFor(requirement: Requirement, action: string, context: RuleContext): Verdict | undefined {
  // The common case, allowed on every resource it is judged on: no evaluation list is built.
  if (
    (context.unknownGrants === undefined || context.unknownGrants.length === 0) &&
    allowed(requirement, action, context)
  )
    return undefined;
  const evaluations = evaluateNeed(context, requirement, action);
  const failed = failing(evaluations);
  const worst = failed[0];
  if (worst === undefined) {
    // Allowed on everything it touches: an unknown boundary or Deny (template mode) may still take it back.
    const first = evaluations[0];
    return first === undefined ? undefined : unknownVerdict(first.result, action, context);
  }
  const result = worst.result as Exclude<EvaluationResult, { decision: 'allowed' }>;
  const unknown = unknownVerdict(result, action, context);
  if (unknown !== undefined) return unknown;
  if (
    requirement.mode === 'any-grant' &&
    result.decision === 'implicit-deny' &&
    result.partiallyAllowedBy !== undefined
  ) {
    return {
      decision: 'unverifiable',
      action,
      why: `it is allowed only on some resources of that type (${refs(result.partiallyAllowedBy)}), and which one Lambda uses cannot be derived from the configuration`,
    };
  }
  if (
    worst.notInConfiguration === true &&
    result.decision === 'implicit-deny' &&
    result.partiallyAllowedBy !== undefined
  ) {
    return {
      decision: 'unverifiable',
      action,
      why: `it is allowed only on some of the resources of ${worst.resource} (${refs(result.partiallyAllowedBy)}), and which ones the call touches (the cluster's or broker's subnets and security groups) is not in the configuration`,
    };
  }
  const why = `${explain(result)}${where(requirement, failed)}`;
  if (requirement.unverifiable !== undefined) {
    return {
      decision: 'unverifiable',
      action,
      why: `${why}; it is needed only if ${requirement.unverifiable}`,
    };
  }
  return { decision: result.decision, action, why };
}

/**
 * How good a verdict is for a need met by either of several actions: a `conditional` or `unverifiable`
 * alternative may well be allowed, a denied one is not (requirements.md §4: the best decision of the
 * alternatives is reported; the first, AWS's recommended one, on a tie).
 */
function rank(verdict: Verdict): number {
  return verdict.decision === 'conditional' || verdict.decision === 'unverifiable' ? 0 : 1;
}

function grantText(requirement: Requirement): string {
  return requirement.touches === undefined
    ? requirement.grantResource
    : requirement.touches.map((touched) => touched.resource).join(', ');
}

function remediation(requirement: Requirement, verdict: Verdict): string {
  const grant = `Allow ${verdict.action} on ${grantText(requirement)}`;
  switch (verdict.decision) {
    case 'explicit-deny':
      return `Remove ${verdict.action} from the Deny statement, or narrow the Deny so that it leaves ${requirement.resource} out.`;
    case 'boundary':
      return `${grant} in the role's permissions boundary as well as in its identity policies.`;
    case 'conditional':
      return `Check the condition of the statement; if it does not hold for Lambda's requests, ${grant.charAt(0).toLowerCase()}${grant.slice(1)} without it.`;
    default:
      return `${grant} (see the function's recommended policy).`;
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
      if (satisfied) continue;
      let verdict: Verdict | undefined;
      for (const candidate of verdicts)
        if (verdict === undefined || rank(candidate) < rank(verdict)) verdict = candidate;
      if (verdict === undefined) continue;
      const alternatives =
        requirement.actions.length > 1 ? ` (any one of ${requirement.actions.join(', ')} would do)` : '';
      const disabled = requirement.disabled ? ' The mapping is disabled now; enabling it will fail.' : '';
      const uncertain = verdict.decision === 'conditional' || verdict.decision === 'unverifiable';
      findings.push({
        rule: 'missing-permission',
        severity: uncertain ? lowerSeverity(requirement.severity) : requirement.severity,
        message: `${capitalise(requirement.breaks)}. ${verdict.action}${alternatives} on ${requirement.resource} is needed by ${requirement.origin}, but ${verdict.why}.${disabled}`,
        // The need keeps the name of its first action (AWS's recommended one) whichever alternative's decision
        // is reported, so that its finding id stays the same when another alternative's decision changes.
        action: requirement.actions[0] ?? verdict.action,
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
