/**
 * The auditor audits itself: the synthesized stack's functions, roles and mappings, read back from the
 * template as an account snapshot, go through the real engine, which must find nothing at all — no
 * missing permission (the stack would not work), no excess (it would not be least privilege).
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { DeployConfig } from '../../infra/config.js';
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { AUDITOR_SELF_SUPPRESSIONS } from '../../shared/auditor-permissions.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import type { AccountSnapshot, Role } from '../../shared/domain/model.js';
import { buildApp } from './support/synth.js';
import { type CfnTemplate, snapshotFromTemplate } from './support/template-snapshot.js';

function snapshotOf(overrides: Partial<DeployConfig>): AccountSnapshot {
  const { home } = buildApp(overrides);
  return snapshotFromTemplate(Template.fromStack(home).toJSON() as CfnTemplate, home.region);
}

async function audit(snapshot: AccountSnapshot) {
  return auditAccount(snapshot, {
    catalog: await loadActionCatalog(),
    generatedAt: '2026-11-26T00:00:00.000Z',
    suppressions: AUDITOR_SELF_SUPPRESSIONS,
  });
}

/** The snapshot with one role's statements rewritten (to show the audit would notice). */
function withRole(snapshot: AccountSnapshot, roleArn: string, edit: (role: Role) => Role): AccountSnapshot {
  const roles = new Map(snapshot.roles);
  const role = roles.get(roleArn);
  if (role === undefined) throw new Error(`no role ${roleArn}`);
  roles.set(roleArn, edit(role));
  return { ...snapshot, roles };
}

function functionNamed(snapshot: AccountSnapshot, prefix: string) {
  const fn = snapshot.functions.find((f) => f.FunctionName.startsWith(prefix));
  if (fn === undefined) throw new Error(`no function ${prefix}`);
  return fn;
}

const slackSecret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';
const configurations: [string, Partial<DeployConfig>, number][] = [
  ['the default deployment', {}, 2],
  [
    'a deployment with Slack (Secrets Manager) and extra regions',
    { slackWebhookSecretArn: slackSecret, extraRegions: ['us-west-2', 'us-east-1'] },
    3,
  ],
  ['a deployment that sends findings to Security Hub', { securityHub: true }, 2],
  [
    'a deployment in us-east-1 with Slack (SSM parameter)',
    { region: 'us-east-1', slackWebhookParameterName: '/lambda-role-audit/slack-webhook' },
    3,
  ],
  ['a deployment with the AWS Chatbot topic', { chatbotTopic: true }, 3],
];

describe('the auditor audits its own stack', () => {
  it.each(configurations)('finds nothing at all in %s', async (_, overrides, functionCount) => {
    const report = await audit(snapshotOf(overrides));

    expect(report.errors ?? []).toEqual([]);
    expect(report.functions).toHaveLength(functionCount);
    // Only the declared reads of the account's source keys, each suppressed with its reason.
    expect(
      report.functions.map((f) => [f.functionName, f.findings.filter((x) => x.suppressed !== true)]),
    ).toEqual(report.functions.map((f) => [f.functionName, []]));
    const declared = new Set(AUDITOR_SELF_SUPPRESSIONS.map((s) => `${s.rule} ${s.action}`));
    for (const finding of report.functions.flatMap((f) => f.findings))
      expect(declared.has(`${finding.rule} ${finding.action}`)).toBe(true);
    expect(report.summary.compliant).toBe(functionCount);
  });

  it('gives the change handler exactly the SQS read its mapping needs, on its own queue', () => {
    const snapshot = snapshotOf({});
    expect(snapshot.eventSourceMappings).toHaveLength(1);
    const [mapping] = snapshot.eventSourceMappings;
    const handler = functionNamed(snapshot, 'ChangeHandlerFunction');
    expect(mapping?.FunctionArn).toBe(handler.FunctionArn);
    expect(mapping?.EventSourceArn).toBe('arn:aws:sqs:eu-west-1:123456789012:ChangeEventQueue');

    const sqsStatements = (roleArn: string) =>
      (snapshot.roles.get(roleArn)?.RolePolicyList ?? []).flatMap((policy) =>
        policy.PolicyDocument.ok
          ? policy.PolicyDocument.document.Statement.filter((s) =>
              (s.Action ?? []).some((a) => a.startsWith('sqs:') && a !== 'sqs:SendMessage'),
            )
              // The reads of the keys of every queue (not a queue's messages) are a statement of their own.
              .filter((s) => s.id !== 'ReadQueueEncryption')
              .map((s) => ({ actions: s.Action, resources: s.Resource }))
          : [],
      );
    expect(sqsStatements(handler.Role)).toEqual([
      {
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: ['arn:aws:sqs:eu-west-1:123456789012:ChangeEventQueue'],
      },
    ]);
    for (const other of snapshot.functions.filter((f) => f !== handler)) {
      expect(sqsStatements(other.Role)).toEqual([]);
    }
  });

  it('would report the change handler if its role lost the queue permissions', async () => {
    const snapshot = snapshotOf({});
    const handler = functionNamed(snapshot, 'ChangeHandlerFunction');
    const broken = withRole(snapshot, handler.Role, (role) => ({
      ...role,
      RolePolicyList: role.RolePolicyList.map((policy) =>
        policy.PolicyDocument.ok
          ? {
              ...policy,
              PolicyDocument: {
                ok: true,
                document: {
                  ...policy.PolicyDocument.document,
                  Statement: policy.PolicyDocument.document.Statement.filter(
                    (s) => s.Sid !== 'PollChangeQueue',
                  ),
                },
              },
            }
          : policy,
      ),
    }));
    const report = await audit(broken);
    const findings = report.functions.find((f) => f.functionArn === handler.FunctionArn)?.findings ?? [];
    // sqs:GetQueueAttributes stays granted on every queue, for reading their keys (ReadQueueEncryption).
    expect(findings.filter((f) => f.rule === 'missing-permission').map((f) => f.action)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
  });

  it('would report the sweep if its role could read a queue it has no mapping for', async () => {
    const snapshot = snapshotOf({});
    const sweep = functionNamed(snapshot, 'SweepFunction');
    const widened = withRole(snapshot, sweep.Role, (role) => ({
      ...role,
      RolePolicyList: [
        ...role.RolePolicyList,
        {
          PolicyName: 'Extra',
          PolicyDocument: {
            ok: true,
            document: {
              Version: '2012-10-17',
              Statement: [
                {
                  id: 'PollChangeQueue',
                  Effect: 'Allow',
                  Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
                  Resource: ['arn:aws:sqs:eu-west-1:123456789012:ChangeEventQueue'],
                },
              ],
            },
          },
        },
      ],
    }));
    const report = await audit(widened);
    const findings = report.functions.find((f) => f.functionArn === sweep.FunctionArn)?.findings ?? [];
    expect(findings.map((f) => f.rule)).toContain('unused-source-permission');
  });
});
