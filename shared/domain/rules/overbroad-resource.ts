/**
 * `overbroad-resource`: a required action is allowed by a statement whose resource patterns also match
 * a sibling of the needed resource (another queue, the same queue name in another region or account),
 * i.e. more than the function needs. Only for requirements whose resource is not `*`. One finding per
 * (statement, needed resource), listing the actions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import type { PolicyStatement } from '../policy/document.js';
import { statementApplies } from '../policy/evaluate.js';
import type { RolePolicies } from '../policy/evaluation-types.js';
import type { Requirement } from '../requirements/derive.js';
import { siblingResources } from '../requirements/siblings.js';
import { capitalise, describeStatement, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

interface Broad {
  readonly source: string;
  readonly statement: PolicyStatement;
  readonly requirement: Requirement;
  readonly actions: Set<string>;
  readonly sibling: string;
}

const indexCache = new WeakMap<RolePolicies, Map<string, PolicyStatement>>();

/** Identity statements by `source␟id`, to find the statements an evaluation names; memoised per role. */
function statementIndex(policies: RolePolicies): Map<string, PolicyStatement> {
  let index = indexCache.get(policies);
  if (index === undefined) {
    index = new Map();
    for (const { source, document } of policies.identity) {
      for (const statement of document.Statement) index.set(`${source}\u001f${statement.id}`, statement);
    }
    indexCache.set(policies, index);
  }
  return index;
}

export const overbroadResource: Rule = {
  id: 'overbroad-resource',
  check(context) {
    const index = statementIndex(context.policies);
    let needed: Set<string> | undefined;
    const coveredSibling = new Map<string, string>();
    const broad = new Map<string, Broad>();
    for (const requirement of context.derived.requirements) {
      if (requirement.resource === '*' || requirement.mode !== 'exact') continue;
      let siblings: string[] | undefined;
      for (const action of requirement.actions) {
        const result = context.evaluate(action, requirement.resource);
        if (result.decision !== 'allowed') continue;
        for (const ref of result.allowedBy) {
          const statement = index.get(`${ref.source}\u001f${ref.statement}`);
          if (statement === undefined) continue;
          // Exact ARNs (no wildcard, no variable) match only themselves: never broader than the need.
          if (statement.Resource?.every((pattern) => !/[*?$]/.test(pattern)) === true) continue;
          // The sibling a statement covers depends on the statement and the resource, not on the action
          // (the action already matched): the two log actions, the three queue actions ask once.
          const memoKey = `${ref.source}\u001f${ref.statement}\u001f${requirement.resource}`;
          let sibling = coveredSibling.get(memoKey);
          if (sibling === undefined) {
            if (statement.Condition === undefined && statement.Resource?.includes('*') === true) {
              // A grant on every resource: broader than one needed resource, whatever its siblings.
              sibling = '*';
            } else {
              needed ??= new Set(
                context.derived.requirements.flatMap((r) =>
                  r.actions.map((a) => `${a.toLowerCase()} ${r.resource}`),
                ),
              );
              const known = needed;
              siblings ??= siblingResources(requirement.resource);
              sibling =
                siblings.find(
                  (candidate) =>
                    !known.has(`${action.toLowerCase()} ${candidate}`) &&
                    statementApplies(statement, {
                      action,
                      resource: candidate,
                      context: context.requestContext(candidate),
                    }) === true,
                ) ?? '';
            }
            coveredSibling.set(memoKey, sibling);
          }
          if (sibling === '') continue;
          const key = `${ref.source}\u001f${ref.statement}\u001f${requirement.resource}`;
          const entry = broad.get(key) ?? {
            source: ref.source,
            statement,
            requirement,
            actions: new Set<string>(),
            sibling,
          };
          entry.actions.add(action);
          broad.set(key, entry);
        }
      }
    }
    const findings: RawFinding[] = [];
    for (const entry of broad.values()) {
      const actions = [...entry.actions].sort();
      const located = { source: entry.source, statement: entry.statement };
      const granted = (entry.statement.Resource ?? entry.statement.NotResource ?? []).join(', ');
      const notResource = entry.statement.Resource === undefined ? 'every resource except ' : '';
      findings.push({
        rule: 'overbroad-resource',
        severity: 'low',
        message: `${capitalise(describeStatement(located))} grants ${actions.join(', ')} on ${notResource}${granted}, which also covers ${entry.sibling === '*' ? 'every other resource' : `resources such as ${entry.sibling}`}; ${entry.requirement.origin} needs only ${entry.requirement.resource}. The function’s code may use these actions on other resources through the SDK: if so, suppress this finding (rule overbroad-resource) with that reason.`,
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
