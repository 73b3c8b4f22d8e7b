/**
 * `overbroad-resource`: a required action is allowed by a statement whose resource patterns also match
 * a sibling of the needed resource (another queue, the same queue name in another region or account),
 * i.e. more than the function needs. Only for requirements whose resource is not `*`. One finding per
 * (statement, needed resource), listing the actions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import { parseArn } from '../arn.js';
import type { PolicyStatement } from '../policy/document.js';
import { statementApplies } from '../policy/evaluate.js';
import type { RolePolicies } from '../policy/evaluation-types.js';
import type { Requirement } from '../requirements/derive.js';
import {
  resourceNoun,
  type SiblingProbe,
  type SiblingScope,
  siblingProbes,
} from '../requirements/siblings.js';
import { capitalise, describeStatement, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

interface Broad {
  readonly source: string;
  readonly statement: PolicyStatement;
  readonly requirement: Requirement;
  readonly actions: Set<string>;
  /** How far the grant reaches beyond the need: every resource, or siblings of another name, region or account. */
  readonly scope: SiblingScope | '*';
}

const indexCache = new WeakMap<RolePolicies, Map<string, Map<string, PolicyStatement>>>();

/** Identity statements by source then id, to find the statements an evaluation names; memoised per role. */
function statementIndex(policies: RolePolicies): Map<string, Map<string, PolicyStatement>> {
  let index = indexCache.get(policies);
  if (index === undefined) {
    index = new Map();
    for (const { source, document } of policies.identity) {
      let byId = index.get(source);
      if (byId === undefined) {
        byId = new Map();
        index.set(source, byId);
      }
      for (const statement of document.Statement) byId.set(statement.id, statement);
    }
    indexCache.set(policies, index);
  }
  return index;
}

/** Whether the function itself needs `action` on `resource` (a sibling it needs is no excess). */
function isNeeded(requirements: readonly Requirement[], action: string, resource: string): boolean {
  const lower = action.toLowerCase();
  for (const requirement of requirements) {
    if (requirement.resource !== resource) continue;
    for (const needed of requirement.actions) if (needed.toLowerCase() === lower) return true;
  }
  return false;
}

/** Exact ARNs (no wildcard, no variable) match only themselves: never broader than the need. */
function grantsExactResourcesOnly(statement: PolicyStatement): boolean {
  const patterns = statement.Resource;
  if (patterns === undefined) return false;
  for (const pattern of patterns) {
    if (pattern.includes('*') || pattern.includes('?') || pattern.includes('$')) return false;
  }
  return true;
}

/** The coverage a broad grant has beyond the need, in words (the sibling probes stay internal). */
function coverage(entry: Broad): string {
  const noun = resourceNoun(entry.requirement.resource);
  const nouns = noun.endsWith('s') ? `${noun}es` : `${noun}s`;
  if (entry.scope === '*') return `which covers every ${noun} in every account`;
  if (entry.scope === 'region') return `which also covers the ${noun} of that name in other regions`;
  if (entry.scope === 'account') return `which also covers the ${noun} of that name in other accounts`;
  const arn = parseArn(entry.requirement.resource);
  const account = arn?.account ? ` of account ${arn.account}` : '';
  const region = arn?.region ? ` in ${arn.region}` : '';
  return `which also covers other ${nouns}${account}${region}`;
}

export const overbroadResource: Rule = {
  id: 'overbroad-resource',
  check(context) {
    const index = statementIndex(context.policies);
    const requirements = context.derived.requirements;
    // Statement → needed resource → the excess it grants there (null: none), in order of discovery.
    const judged = new Map<PolicyStatement, Map<string, Broad | null>>();
    const broad: Broad[] = [];
    for (const requirement of requirements) {
      if (requirement.resource === '*' || requirement.mode !== 'exact') continue;
      let probes: SiblingProbe[] | undefined;
      for (const action of requirement.actions) {
        const result = context.evaluate(action, requirement.resource);
        if (result.decision !== 'allowed') continue;
        for (const ref of result.allowedBy) {
          const statement = index.get(ref.source)?.get(ref.statement);
          if (statement === undefined || grantsExactResourcesOnly(statement)) continue;
          let byResource = judged.get(statement);
          if (byResource === undefined) {
            byResource = new Map();
            judged.set(statement, byResource);
          }
          let entry = byResource.get(requirement.resource);
          // The excess a statement grants depends on the statement and the resource, not on the action
          // (the action already matched): the two log actions, the three queue actions ask once.
          if (entry === undefined) {
            let scope: Broad['scope'] | undefined;
            if (statement.Condition === undefined && statement.Resource?.includes('*') === true) {
              // A grant on every resource: broader than one needed resource, whatever its siblings.
              scope = '*';
            } else {
              probes ??= siblingProbes(requirement.resource);
              scope = probes.find(
                (probe) =>
                  !isNeeded(requirements, action, probe.arn) &&
                  statementApplies(statement, {
                    action,
                    resource: probe.arn,
                    context: context.requestContext(probe.arn),
                  }) === true,
              )?.scope;
            }
            entry =
              scope === undefined
                ? null
                : { source: ref.source, statement, requirement, actions: new Set<string>(), scope };
            byResource.set(requirement.resource, entry);
            if (entry !== null) broad.push(entry);
          }
          entry?.actions.add(action);
        }
      }
    }
    const findings: RawFinding[] = [];
    for (const entry of broad) {
      const actions = [...entry.actions].sort();
      const located = { source: entry.source, statement: entry.statement };
      const granted = (entry.statement.Resource ?? entry.statement.NotResource ?? []).join(', ');
      const notResource = entry.statement.Resource === undefined ? 'every resource except ' : '';
      findings.push({
        rule: 'overbroad-resource',
        severity: 'low',
        message: `${capitalise(describeStatement(located))} grants ${actions.join(', ')} on ${notResource}${granted}, ${coverage(entry)}; ${entry.requirement.origin} needs only ${entry.requirement.resource}. The function’s code may use these actions on other resources through the SDK: if so, suppress this finding (rule overbroad-resource) with that reason.`,
        action: actions[0] ?? '',
        actions,
        resource: entry.requirement.resource,
        cause: policyCause(located),
        remediation: `Scope the statement’s Resource to ${entry.requirement.grantResource}.`,
      });
    }
    return findings;
  },
};
