/**
 * `wildcard-action`: an Allow of `*`, of `service:*`, or with `NotAction` in an identity policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
 */
import type { Severity } from '../report.js';
import {
  capitalise,
  describeStatement,
  identityStatements,
  isServiceWildcard,
  policyCause,
} from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

const CODE_NOTE =
  'The function’s code may need some of these actions through the SDK: list those, and suppress this finding only with a reason.';

export const wildcardAction: Rule = {
  scope: 'role',
  id: 'wildcard-action',
  check(context) {
    const findings: RawFinding[] = [];
    for (const located of identityStatements(context.policies)) {
      const { statement } = located;
      if (statement.Effect !== 'Allow') continue;
      const resource = statement.Resource?.length === 1 ? statement.Resource[0] : undefined;
      const onResource = resource === undefined ? '' : ` on ${resource}`;
      if (statement.NotAction !== undefined) {
        findings.push({
          rule: 'wildcard-action',
          severity: 'high',
          message: `${capitalise(describeStatement(located))} allows every action except ${statement.NotAction.join(', ')}${onResource}: that is almost everything AWS offers, now and in the future. ${CODE_NOTE}`,
          ...(resource === undefined ? {} : { resource }),
          cause: policyCause(located),
          remediation:
            'Replace NotAction with the list of actions the function needs (start from its recommended policy).',
        });
        continue;
      }
      const wildcards = (statement.Action ?? []).filter(isServiceWildcard);
      if (wildcards.length === 0) continue;
      const everything = wildcards.includes('*');
      const severity: Severity = everything ? 'high' : 'medium';
      const what = everything
        ? 'every action of every service'
        : `every action of ${wildcards.map((w) => w.split(':')[0]).join(', ')}`;
      findings.push({
        rule: 'wildcard-action',
        severity,
        message: `${capitalise(describeStatement(located))} allows ${what} (${wildcards.join(', ')})${onResource}. ${CODE_NOTE}`,
        action: everything ? '*' : (wildcards[0] ?? '*'),
        actions: wildcards,
        ...(resource === undefined ? {} : { resource }),
        cause: policyCause(located),
        remediation:
          'Replace the wildcard with the actions the function uses (start from its recommended policy).',
      });
    }
    return findings;
  },
};
