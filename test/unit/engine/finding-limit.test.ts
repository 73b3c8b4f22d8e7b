/**
 * A policy written to flood the report: findings that come from policy text are listed up to a bound per
 * function and rule, and one more finding says how many were left out, so that the function stays
 * non-compliant and nothing disappears silently.
 */
import { FINDINGS_LISTED_PER_RULE, limitFindings } from '../../../shared/domain/audit/finding-limit.js';
import type { RawFinding } from '../../../shared/domain/rules/types.js';
import {
  allow,
  doc,
  lambdaFunction,
  logsStatement,
  managedPolicy,
  role,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf } from '../rules/audit-helper.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const POLICY = 'arn:aws:iam::123456789012:policy/typos';

/** `count` misspellings of real SQS and EC2 actions (two letters swapped), none of them an action. */
function typos(count: number): string[] {
  const actions = [
    'ec2:DescribeInstances',
    'ec2:DescribeVolumes',
    'ec2:DescribeSubnets',
    'ec2:DescribeVpcs',
    'ec2:DescribeImages',
  ];
  return Array.from({ length: count }, (_, i) => {
    const action = actions[i % actions.length] ?? '';
    // DescribeX → DescirbeX, then a numbered suffix so that every pattern is distinct.
    return `${action.replace('Describe', 'Descirbe')}${i}`;
  });
}

describe('findings listed per function and rule', () => {
  it('lists the first findings of a flood and counts the rest in one finding of the same rule', async () => {
    const functions = ['a', 'b', 'c'].map((name) => lambdaFunction(name));
    const report = await audit({
      functions,
      roles: functions.map((fn) =>
        role(`${fn.FunctionName}-role`, {
          inline: { logs: doc(logsStatement(fn.FunctionName)) },
          attached: [POLICY],
        }),
      ),
      managedPolicies: [managedPolicy(POLICY, doc(allow(typos(100), '*')))],
    });
    expect(reportValidator()(report)).toEqual([]);
    for (const name of ['a', 'b', 'c']) {
      const unknown = findingsOf(report, name, 'unknown-action');
      expect(unknown).toHaveLength(FINDINGS_LISTED_PER_RULE + 1);
      const summary = unknown.find((finding) => finding.action === undefined);
      expect(summary?.message).toMatch(
        /^75 more unknown-action findings of this function are not listed: .* The most severe of those not listed is medium\.$/,
      );
      expect(summary?.severity).toBe('medium');
      expect(resultOf(report, name).compliant).toBe(false);
    }
    // The summary is a finding like the others: counted, with its own stable id.
    expect(report.summary.findings.medium).toBe(3 * (FINDINGS_LISTED_PER_RULE + 1));
    const ids = report.functions.flatMap((fn) => fn.findings.map((finding) => finding.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps findings under the bound as they are', async () => {
    const fn = lambdaFunction('a');
    const report = await audit({
      functions: [fn],
      roles: [role('a-role', { inline: { main: doc(logsStatement('a'), allow(typos(5), '*')) } })],
    });
    expect(findingsOf(report, 'a', 'unknown-action').map((finding) => finding.action)).toEqual(
      typos(5).sort(),
    );
  });

  it('lists the most severe first and summarises the rest with the most severe left out', () => {
    const finding = (rule: RawFinding['rule'], severity: RawFinding['severity'], n: number): RawFinding => ({
      rule,
      severity,
      message: `${rule} ${n}`,
    });
    const raw = [
      ...Array.from({ length: 4 }, (_, n) => finding('wildcard-action', 'medium', n)),
      finding('wildcard-action', 'high', 4),
      finding('wildcard-action', 'low', 5),
      ...Array.from({ length: 6 }, (_, n) => finding('missing-permission', 'critical', n)),
    ];
    const limited = limitFindings(raw, 3);
    const wildcard = limited.filter((f) => f.rule === 'wildcard-action');
    // The high one and the first two mediums, in the rule's order (the report then sorts by severity); then
    // one finding for the other three.
    expect(wildcard.map((f) => f.message)).toEqual([
      'wildcard-action 0',
      'wildcard-action 1',
      'wildcard-action 4',
      expect.stringMatching(
        /^3 more wildcard-action findings .* most severe of those not listed is medium\.$/,
      ),
    ]);
    expect(wildcard[3]?.severity).toBe('medium');
    // missing-permission comes from the function's own configuration, one finding per need: never cut.
    expect(limited.filter((f) => f.rule === 'missing-permission')).toHaveLength(6);
  });
});
