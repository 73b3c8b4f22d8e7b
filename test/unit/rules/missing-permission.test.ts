import {
  allow,
  deny,
  doc,
  lambdaFunction,
  logsStatement,
  managedPolicy,
  mapping,
  PREFIX,
  role,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf } from './audit-helper.js';

const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

function sqsFunction(
  statements: Record<string, unknown>[],
  extra: { boundary?: string; state?: string } = {},
) {
  return {
    functions: [lambdaFunction('f')],
    roles: [
      role('f-role', {
        inline: { main: doc(logsStatement('f'), ...statements) },
        ...(extra.boundary === undefined ? {} : { boundary: extra.boundary }),
      }),
    ],
    mappings: [mapping('f', QUEUE, { State: extra.state ?? 'Enabled' })],
  };
}

describe('missing-permission', () => {
  it('finds nothing when every requirement is allowed', async () => {
    const report = await audit(sqsFunction([allow(SQS_READ, QUEUE)]));
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
  });

  it('reports an action no statement allows as implicit-deny, high, naming the mapping and what breaks', async () => {
    const report = await audit(sqsFunction([allow(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], QUEUE)]));
    const [finding, ...rest] = findingsOf(report, 'f', 'missing-permission');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      action: 'sqs:DeleteMessage',
      resource: QUEUE,
      decision: 'implicit-deny',
      severity: 'high',
      cause: { kind: 'event-source-mapping', eventSourceArn: QUEUE, state: 'Enabled' },
    });
    expect(finding?.message).toMatch(
      /cannot delete processed messages from queue orders: they return after the visibility timeout/,
    );
    expect(finding?.message).toContain('event source mapping 0000');
    expect(finding?.remediation).toContain(`Allow sqs:DeleteMessage on ${QUEUE}`);
  });

  it('reports an explicit deny', async () => {
    const report = await audit(sqsFunction([allow(SQS_READ, QUEUE), deny('sqs:DeleteMessage', '*')]));
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { action: 'sqs:DeleteMessage', decision: 'explicit-deny' },
    ]);
  });

  it('reports an action the permissions boundary leaves out', async () => {
    const boundary = 'arn:aws:iam::123456789012:policy/boundary';
    const report = await audit({
      ...sqsFunction([allow(SQS_READ, QUEUE)], { boundary }),
      managedPolicies: [
        managedPolicy(boundary, doc(allow(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes', 'logs:*'], '*'))),
      ],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { action: 'sqs:DeleteMessage', decision: 'boundary' },
    ]);
  });

  it('reports an allow under an undecidable condition as conditional, one severity lower', async () => {
    const report = await audit(
      sqsFunction([
        allow(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], QUEUE),
        allow('sqs:DeleteMessage', QUEUE, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
      ]),
    );
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { action: 'sqs:DeleteMessage', decision: 'conditional', severity: 'medium' },
    ]);
  });

  it('still checks a disabled mapping and says it is disabled', async () => {
    const report = await audit(sqsFunction([], { state: 'Disabled' }));
    const findings = findingsOf(report, 'f', 'missing-permission');
    expect(findings).toHaveLength(3);
    expect(findings.every((finding) => finding.message.includes('disabled'))).toBe(true);
  });

  it('reports missing log permissions of a custom log group on a stream of that group', async () => {
    const report = await audit({
      functions: [lambdaFunction('f', { LoggingConfig: { LogGroup: '/shop/f' } })],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f')) } })],
    });
    expect(findingsOf(report, 'f', 'missing-permission').map((f) => [f.action, f.resource])).toEqual([
      ['logs:CreateLogStream', `arn:aws:logs:${PREFIX}:log-group:/shop/f:log-stream:*`],
      ['logs:PutLogEvents', `arn:aws:logs:${PREFIX}:log-group:/shop/f:log-stream:*`],
    ]);
  });

  it('does not accept a grant on the log group without its streams', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              allow(
                ['logs:CreateLogStream', 'logs:PutLogEvents'],
                `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f`,
              ),
            ),
          },
        }),
      ],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toHaveLength(2);
  });

  it('is satisfied by either DescribeClusterV2 or DescribeCluster for MSK', async () => {
    const cluster = `arn:aws:kafka:${PREFIX}:cluster/orders/abc-1`;
    const secret = `arn:aws:secretsmanager:${PREFIX}:secret:s-Ab12Cd`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              logsStatement('f'),
              allow('kafka:DescribeCluster', cluster),
              allow(['kafka:GetBootstrapBrokers', 'ec2:*'], '*'),
              allow('secretsmanager:GetSecretValue', secret),
            ),
          },
        }),
      ],
      mappings: [
        mapping('f', cluster, { SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: secret }] }),
      ],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
  });

  it('reports missing MSK IAM-auth actions as unverifiable, medium', async () => {
    const cluster = `arn:aws:kafka:${PREFIX}:cluster/orders/abc-1`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              logsStatement('f'),
              allow(['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers', 'ec2:*'], '*'),
            ),
          },
        }),
      ],
      mappings: [mapping('f', cluster, { Topics: ['payments'] })],
    });
    const findings = findingsOf(report, 'f', 'missing-permission');
    expect(findings.map((finding) => finding.action).sort()).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeGroup',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
    ]);
    expect(
      findings.every((finding) => finding.decision === 'unverifiable' && finding.severity === 'medium'),
    ).toBe(true);
  });

  it('accepts any grant of a DocumentDB describe action whose resource is not derivable, and flags a narrower one as unverifiable', async () => {
    const cluster = `arn:aws:rds:${PREFIX}:cluster:catalog`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              logsStatement('f'),
              allow(['rds:DescribeDBClusters', 'rds:DescribeDBSubnetGroups'], '*'),
              allow('rds:DescribeDBClusterParameters', `arn:aws:rds:${PREFIX}:cluster-pg:catalog-params`),
              allow('ec2:*', '*'),
            ),
          },
        }),
      ],
      mappings: [mapping('f', cluster)],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { action: 'rds:DescribeDBClusterParameters', decision: 'unverifiable' },
    ]);
  });

  it('reports a destination of an unknown type as info, without blocking compliance', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f')) } })],
      invokeConfigs: [
        {
          FunctionArn: `arn:aws:lambda:${PREFIX}:function:f`,
          DestinationConfig: { OnSuccess: { Destination: `arn:aws:kafka:${PREFIX}:topic/x` } },
        },
      ],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { severity: 'info', decision: 'unverifiable' },
    ]);
    expect(report.functions[0]?.compliant).toBe(true);
  });
});
