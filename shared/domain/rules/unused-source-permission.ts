/**
 * `unused-source-permission`: the role grants actions of an event-source family (SQS, Kinesis, DynamoDB
 * Streams, MSK, Amazon MQ, DocumentDB) while neither this function nor any other function of the same role
 * has a mapping of that family. Wildcards `*` and `service:*` are `wildcard-action`'s to report.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
 */
import { familyOfAction, SOURCE_FAMILIES, type SourceFamily } from '../requirements/catalog.js';
import {
  capitalise,
  describeStatement,
  hasWildcard,
  identityStatements,
  isServiceWildcard,
  type LocatedStatement,
  policyCause,
} from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

function grantedActions(located: LocatedStatement, context: RuleContext): string[] {
  const actions: string[] = [];
  for (const pattern of located.statement.Action ?? []) {
    if (isServiceWildcard(pattern)) continue;
    if (hasWildcard(pattern)) actions.push(...context.catalog.expand(pattern));
    else actions.push(context.catalog.canonical(pattern) ?? pattern);
  }
  return actions;
}

export const unusedSourcePermission: Rule = {
  id: 'unused-source-permission',
  check(context) {
    const findings: RawFinding[] = [];
    for (const located of identityStatements(context.policies)) {
      if (located.statement.Effect !== 'Allow') continue;
      const byFamily = new Map<SourceFamily, Set<string>>();
      for (const action of grantedActions(located, context)) {
        const family = familyOfAction(action);
        if (family === undefined || context.derived.families.has(family)) continue;
        // Another function of the role reads this kind of source: shared-role context, not a finding.
        if ((context.familiesOfOthers.get(family) ?? []).length > 0) continue;
        const set = byFamily.get(family) ?? new Set<string>();
        set.add(action);
        byFamily.set(family, set);
      }
      for (const [family, set] of byFamily) {
        const actions = [...set].sort();
        const first = actions[0] ?? '';
        const shared =
          context.sharedWith.length > 0
            ? ` None of the other functions of the role (${context.sharedWith.join(', ')}) has one either.`
            : '';
        findings.push({
          rule: 'unused-source-permission',
          severity: 'medium',
          message: `${capitalise(describeStatement(located))} grants ${SOURCE_FAMILIES[family].title} actions (${actions.join(', ')}), but the function has no event source mapping of that kind.${shared} The function’s code may call them through the SDK: if so, suppress this finding (rule unused-source-permission, action ${first}) with that reason.`,
          action: first,
          actions,
          cause: policyCause(located),
          remediation: `Remove ${actions.join(', ')} from the statement, or scope them to the resources the code uses and suppress the finding.`,
        });
      }
    }
    return findings;
  },
};
