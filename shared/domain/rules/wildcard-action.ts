/**
 * `wildcard-action`: an Allow of `*`, of `service:*`, or with `NotAction` in an identity policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
import type { Severity } from '../report.js';
import {
  capitalise,
  describeStatement,
  isServiceWildcard,
  type LocatedStatement,
  policyCause,
} from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

const CODE_NOTE =
  "The function's code may need some of these actions through the SDK: list those, and suppress this finding only with a reason.";

export const wildcardAction: Rule = {
  scope: 'role',
  id: 'wildcard-action',
  check(context) {
    const findings: RawFinding[] = [];
    for (const { source, document } of context.policies.identity) {
      for (const statement of document.Statement) {
        // Most statements name actions: nothing is made for them.
        if (statement.Effect !== 'Allow') continue;
        if (statement.NotAction === undefined && !namesServiceWildcard(statement.Action)) continue;
        findings.push(finding({ source, statement }));
      }
    }
    return findings;
  },
};

function namesServiceWildcard(actions: readonly string[] | undefined): boolean {
  if (actions === undefined) return false;
  for (const pattern of actions) if (isServiceWildcard(pattern)) return true;
  return false;
}

/** The finding of an Allow statement that uses NotAction or grants `*` or `service:*`. */
function finding(located: LocatedStatement): RawFinding {
  const { statement } = located;
  const resource = statement.Resource?.length === 1 ? statement.Resource[0] : undefined;
  const onResource = resource === undefined ? '' : ` on ${resource}`;
  if (statement.NotAction !== undefined) {
    return {
      rule: 'wildcard-action',
      severity: 'high',
      message: `${capitalise(describeStatement(located))} allows every action except ${statement.NotAction.join(', ')}${onResource}: that is almost everything AWS offers, now and in the future. ${CODE_NOTE}`,
      ...(resource === undefined ? {} : { resource }),
      cause: policyCause(located),
      remediation:
        'Replace NotAction with the list of actions the function needs (start from its recommended policy).',
    };
  }
  const wildcards = (statement.Action ?? []).filter(isServiceWildcard);
  const everything = wildcards.includes('*');
  const severity: Severity = everything ? 'high' : 'medium';
  const what = everything
    ? 'every action of every service'
    : `every action of ${wildcards.map((w) => w.split(':')[0]).join(', ')}`;
  return {
    rule: 'wildcard-action',
    severity,
    message: `${capitalise(describeStatement(located))} allows ${what} (${wildcards.join(', ')})${onResource}. ${CODE_NOTE}`,
    action: everything ? '*' : (wildcards[0] ?? '*'),
    actions: wildcards,
    ...(resource === undefined ? {} : { resource }),
    cause: policyCause(located),
    remediation:
      'Replace the wildcard with the actions the function uses (start from its recommended policy).',
  };
}
