/**
 * `role-unavailable`: the function names an execution role the account does not have (and no read error
 * explains its absence). Every invocation fails.
 * https://docs.aws.amazon.com/lambda/latest/dg/permissions-executionrole-update.html
 */
import type { Rule } from './types.js';

export const roleUnavailable: Rule = {
  id: 'role-unavailable',
  check(context) {
    if (context.role !== undefined) return [];
    return [
      {
        rule: 'role-unavailable',
        severity: 'critical',
        message: `The execution role ${context.roleArn} does not exist in the account: the function cannot run.`,
        resource: context.roleArn,
        cause: { kind: 'function-configuration', setting: 'Role' },
        remediation:
          'Create the role with a trust policy for lambda.amazonaws.com and the recommended policy, or point the function at an existing role; then update the function so that Lambda re-creates its KMS grants.',
      },
    ];
  },
};
