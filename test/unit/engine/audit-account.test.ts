import { auditAccount } from '../../../shared/domain/audit/audit-account.js';
import { RULES } from '../../../shared/domain/rules/index.js';
import {
  ACCOUNT,
  allow,
  doc,
  lambdaFunction,
  logsStatement,
  managedPolicy,
  mapping,
  PREFIX,
  role,
  roleArn,
  snapshot,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf, testCatalog } from '../rules/audit-helper.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

describe('auditing an account', () => {
  it('produces a report that validates against the contract schema', async () => {
    const report = await audit({
      functions: [lambdaFunction('a'), lambdaFunction('b'), lambdaFunction('c')],
      roles: [
        role('a-role', { inline: { main: doc(allow('*', '*')) } }),
        role('b-role', { inline: { main: doc(logsStatement('b'), allow('sqs:RecieveMessage', QUEUE)) } }),
      ],
      mappings: [mapping('b', QUEUE, { State: 'Disabled' })],
    });
    expect(reportValidator()(report)).toEqual([]);
    expect(report).toMatchObject({
      schemaVersion: '1',
      generatedAt: '2026-11-26T12:00:00.000Z',
      source: { account: ACCOUNT },
    });
  });

  it('counts unsuppressed findings per severity and compliant functions', async () => {
    const report = await audit(
      {
        functions: [lambdaFunction('ok'), lambdaFunction('broken')],
        roles: [role('ok-role', { inline: { main: doc(logsStatement('ok')) } }), role('broken-role')],
      },
      {
        suppressions: [
          { rule: 'missing-permission', function: 'broken', action: 'logs:PutLogEvents', reason: 'accepted' },
        ],
      },
    );
    expect(report.summary).toEqual({
      functions: 2,
      compliant: 1,
      findings: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
    });
    expect(resultOf(report, 'ok').compliant).toBe(true);
    expect(resultOf(report, 'broken').compliant).toBe(false);
  });

  it('is compliant when every remaining finding is suppressed', async () => {
    const report = await audit(
      { functions: [lambdaFunction('f')], roles: [role('f-role')] },
      { suppressions: [{ rule: 'missing-permission', function: 'f', reason: 'logs go elsewhere' }] },
    );
    expect(resultOf(report, 'f').compliant).toBe(true);
    expect(resultOf(report, 'f').findings.every((finding) => finding.suppressed === true)).toBe(true);
    expect(resultOf(report, 'f').findings[0]?.suppressionReason).toBe('logs go elsewhere');
  });

  it('uses the shipped copy of an AWS managed policy the snapshot lacks', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', { attached: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] }),
      ],
    });
    expect(report.errors).toEqual([]);
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
  });

  it('reports a function whose role attaches an unknown managed policy under errors, and audits the others', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:policy/team-policy`;
    const report = await audit({
      functions: [lambdaFunction('a'), lambdaFunction('b')],
      roles: [
        role('a-role', { attached: [missing] }),
        role('b-role', { inline: { main: doc(logsStatement('b')) } }),
      ],
    });
    expect(report.functions.map((result) => result.functionName)).toEqual(['b']);
    expect(report.errors).toMatchObject([{ functionName: 'a', resource: missing }]);
    expect(report.errors?.[0]?.message).toContain(missing);
    expect(report.summary).toMatchObject({ functions: 2, compliant: 1 });
  });

  it('reports an unreadable policy document under errors', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { broken: 'not json %%' } })],
    });
    expect(report.functions).toEqual([]);
    expect(report.errors?.[0]?.message).toMatch(/inline policy broken of role .* is unreadable/);
  });

  it('reports a function that read errors touch under errors, naming the resource', async () => {
    const report = await audit({
      functions: [lambdaFunction('f'), lambdaFunction('g')],
      roles: [role('g-role', { inline: { main: doc(logsStatement('g')) } })],
      readErrors: [{ resource: roleArn('f-role'), message: 'AccessDenied: iam:GetRole' }],
    });
    expect(report.functions.map((result) => result.functionName)).toEqual(['g']);
    expect(report.errors).toEqual([
      {
        functionName: 'f',
        resource: roleArn('f-role'),
        message: expect.stringContaining('AccessDenied: iam:GetRole'),
      },
    ]);
  });

  it('keeps a read error that touches no function', async () => {
    const report = await audit({
      functions: [],
      readErrors: [{ resource: 'event-invoke-configs', message: 'throttled' }],
    });
    expect(report.errors).toMatchObject([{ resource: 'event-invoke-configs' }]);
  });

  it('matches mappings on qualified function ARNs to the function', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f')) } })],
      mappings: [mapping('f', QUEUE, { FunctionArn: `arn:aws:lambda:${PREFIX}:function:f:live` })],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toHaveLength(3);
  });

  it('restricts the report to the named functions', async () => {
    const report = await audit(
      { functions: [lambdaFunction('a'), lambdaFunction('b')], roles: [role('a-role'), role('b-role')] },
      { functionNames: [`arn:aws:lambda:${PREFIX}:function:b`] },
    );
    expect(report.functions.map((result) => result.functionName)).toEqual(['b']);
    expect(report.summary.functions).toBe(1);
  });

  it('orders findings by severity, rule and action, and gives them stable ids', async () => {
    const spec = {
      functions: [lambdaFunction('f', { VpcConfig: { SubnetIds: ['subnet-1'] } })],
      roles: [
        role('f-role', { inline: { main: doc(allow(SQS_READ, '*'), allow('kinesis:GetRecords', '*')) } }),
      ],
      mappings: [mapping('f', QUEUE)],
    };
    const first = await audit(spec);
    const second = await audit(spec);
    const findings = findingsOf(first, 'f');
    const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
    const ranks = findings.map((finding) => rank[finding.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const high = findings.filter((finding) => finding.severity === 'high').map((finding) => finding.action);
    expect(high).toEqual([...high].sort());
    expect(findingsOf(second, 'f').map((finding) => finding.id)).toEqual(
      findings.map((finding) => finding.id),
    );
    expect(new Set(findings.map((finding) => finding.id)).size).toBe(findings.length);
  });

  it('records a throwing rule as an error of the function and marks it not compliant (fail closed)', async () => {
    const rules = RULES as unknown as { id: string; check: unknown }[];
    const original = rules[1];
    if (original === undefined) throw new Error('no rule');
    rules[1] = {
      id: original.id,
      check: () => {
        throw new Error('boom');
      },
    };
    try {
      const report = auditAccount(
        snapshot({
          functions: [lambdaFunction('f')],
          roles: [role('f-role', { inline: { main: doc(logsStatement('f')) } })],
        }),
        { catalog: await testCatalog(), generatedAt: '2026-11-26T12:00:00.000Z' },
      );
      expect(resultOf(report, 'f').compliant).toBe(false);
      expect(report.errors).toMatchObject([{ functionName: 'f', message: expect.stringContaining('boom') }]);
    } finally {
      rules[1] = original;
    }
  });

  it('evaluates a permissions boundary the snapshot carries', async () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f')) }, boundary })],
      managedPolicies: [managedPolicy(boundary, doc(allow('sqs:*', '*')))],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { decision: 'boundary', action: 'logs:CreateLogStream' },
      { decision: 'boundary', action: 'logs:PutLogEvents' },
    ]);
  });
});

describe('read errors in a restricted audit', () => {
  it('keeps an error that concerns no function and leaves out one that concerns only another function', async () => {
    const report = await audit(
      {
        functions: [lambdaFunction('a'), lambdaFunction('b')],
        roles: [role('a-role', { inline: { main: doc(logsStatement('a')) } })],
        readErrors: [
          { resource: 'event-source-mappings', message: 'throttled' },
          { resource: roleArn('b-role'), message: 'AccessDenied' },
        ],
      },
      { functionNames: ['a'] },
    );
    expect(report.errors).toMatchObject([{ resource: 'event-source-mappings' }]);
  });
});
