/**
 * `overbroad-resource`: a required action is allowed by a statement whose resource patterns also match
 * a sibling of the needed resource (another queue, the same queue name in another region or account),
 * i.e. more than the function needs. Only for requirements whose resource is not `*`. One finding per
 * (statement, needed resource), listing the actions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import type { PolicyStatement } from '../policy/document.js';
import { conditionContext, evaluate, statementApplies } from '../policy/evaluate.js';
import type { Requirement } from '../requirements/derive.js';
import { capitalise, describeStatement, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

interface Broad {
  readonly source: string;
  readonly statement: PolicyStatement;
  readonly requirement: Requirement;
  readonly actions: Set<string>;
  readonly sibling: string;
}

function statementIndex(context: RuleContext): Map<string, PolicyStatement> {
  const index = new Map<string, PolicyStatement>();
  for (const { source, document } of context.policies.identity) {
    for (const statement of document.Statement) index.set(`${source}\u001f${statement.id}`, statement);
  }
  return index;
}

export const overbroadResource: Rule = {
  id: 'overbroad-resource',
  check(context) {
    const index = statementIndex(context);
    const needed = new Set(
      context.derived.requirements.flatMap((r) =>
        r.actions.map((action) => `${action.toLowerCase()} ${r.resource}`),
      ),
    );
    const broad = new Map<string, Broad>();
    for (const requirement of context.derived.requirements) {
      if (requirement.resource === '*' || requirement.mode !== 'exact' || requirement.siblings.length === 0)
        continue;
      for (const action of requirement.actions) {
        const request = {
          action,
          resource: requirement.resource,
          context: conditionContext({
            roleArn: context.roleArn,
            region: context.region,
            resource: requirement.resource,
          }),
        };
        const result = evaluate(context.policies, request);
        if (result.decision !== 'allowed') continue;
        const siblings = requirement.siblings.filter(
          (sibling) => !needed.has(`${action.toLowerCase()} ${sibling}`),
        );
        for (const ref of result.allowedBy) {
          const statement = index.get(`${ref.source}\u001f${ref.statement}`);
          if (statement === undefined) continue;
          const sibling = siblings.find(
            (candidate) =>
              statementApplies(statement, {
                action,
                resource: candidate,
                context: conditionContext({
                  roleArn: context.roleArn,
                  region: context.region,
                  resource: candidate,
                }),
              }) === true,
          );
          if (sibling === undefined) continue;
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
        message: `${capitalise(describeStatement(located))} grants ${actions.join(', ')} on ${notResource}${granted}, which also covers resources such as ${entry.sibling}; ${entry.requirement.origin} needs only ${entry.requirement.resource}. The function’s code may use these actions on other resources through the SDK: if so, suppress this finding (rule overbroad-resource) with that reason.`,
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
