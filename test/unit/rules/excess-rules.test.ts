import {
  allow,
  doc,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  role,
  roleArn,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf } from './audit-helper.js';

const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

function single(statements: Record<string, unknown>[], mappings = [mapping('f', QUEUE)]) {
  return {
    functions: [lambdaFunction('f')],
    roles: [role('f-role', { inline: { main: doc(logsStatement('f'), ...statements) } })],
    mappings,
  };
}

describe('wildcard-action', () => {
  it('reports Action * as high', async () => {
    const report = await audit(single([allow('*', '*')]));
    expect(findingsOf(report, 'f', 'wildcard-action')).toMatchObject([
      { severity: 'high', action: '*', cause: { kind: 'policy', policy: 'inline:main', statement: '1' } },
    ]);
  });

  it('reports service:* as medium', async () => {
    const report = await audit(single([allow('sqs:*', QUEUE)]));
    expect(findingsOf(report, 'f', 'wildcard-action')).toMatchObject([
      { severity: 'medium', action: 'sqs:*', resource: QUEUE },
    ]);
  });

  it('reports an Allow with NotAction as high', async () => {
    const report = await audit(
      single([allow(SQS_READ, QUEUE), { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]),
    );
    expect(findingsOf(report, 'f', 'wildcard-action')).toMatchObject([{ severity: 'high' }]);
  });

  it('leaves narrower wildcards such as sqs:Receive* alone', async () => {
    const report = await audit(
      single([allow(['sqs:Receive*', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], QUEUE)]),
    );
    expect(findingsOf(report, 'f', 'wildcard-action')).toEqual([]);
  });
});

describe('unused-source-permission', () => {
  it('reports Kinesis actions on a function without a Kinesis mapping, saying code may use them and how to suppress', async () => {
    const report = await audit(
      single([allow(SQS_READ, QUEUE), allow(['kinesis:GetRecords', 'kinesis:DescribeStream'], '*')]),
    );
    const [finding, ...rest] = findingsOf(report, 'f', 'unused-source-permission');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'medium', action: 'kinesis:DescribeStream' });
    expect(finding?.message).toContain('SDK');
    expect(finding?.message).toContain('suppress');
  });

  it('says so when only the named functions were read and the role may have others', async () => {
    const spec = single([allow(SQS_READ, QUEUE), allow(['kinesis:GetRecords'], '*')]);
    const whole = await audit(spec);
    const partial = await audit({ ...spec, partial: true });
    const [complete] = findingsOf(whole, 'f', 'unused-source-permission');
    const [caveated] = findingsOf(partial, 'f', 'unused-source-permission');
    expect(complete?.message).not.toContain('Only the named functions were read');
    expect(caveated?.message).toContain(
      'Only the named functions were read: another function of this role may use it',
    );
    expect(caveated?.id).toBe(complete?.id);
  });

  it('does not call unused what another function of the same role reads', async () => {
    const shared = roleArn('shared-role');
    const stream = `arn:aws:kinesis:${PREFIX}:stream/clicks`;
    const report = await audit({
      functions: [lambdaFunction('a', { Role: shared }), lambdaFunction('b', { Role: shared })],
      roles: [
        role('shared-role', {
          inline: {
            main: doc(
              allow(
                ['logs:CreateLogStream', 'logs:PutLogEvents'],
                `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/*`,
              ),
              allow(SQS_READ, QUEUE),
              allow(['kinesis:GetRecords'], stream),
            ),
          },
        }),
      ],
      mappings: [mapping('a', QUEUE), mapping('b', stream)],
    });
    expect(findingsOf(report, 'a', 'unused-source-permission')).toEqual([]);
    expect(findingsOf(report, 'b', 'unused-source-permission')).toEqual([]);
    expect(resultOf(report, 'a').sharedWith).toEqual(['b']);
  });

  it('leaves service wildcards to wildcard-action', async () => {
    const report = await audit(single([allow(SQS_READ, QUEUE), allow('kinesis:*', '*')]));
    expect(findingsOf(report, 'f', 'unused-source-permission')).toEqual([]);
  });

  it('expands patterns through the action catalog', async () => {
    const report = await audit(single([allow(SQS_READ, QUEUE), allow('dynamodb:GetShard*', '*')]));
    expect(findingsOf(report, 'f', 'unused-source-permission')).toMatchObject([
      { action: 'dynamodb:GetShardIterator' },
    ]);
  });
});

describe('overbroad-resource', () => {
  it('reports a needed action granted on * once per statement and resource, listing the actions', async () => {
    const report = await audit(single([allow(SQS_READ, '*')]));
    const findings = findingsOf(report, 'f', 'overbroad-resource');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'low', resource: QUEUE, action: 'sqs:DeleteMessage' });
    expect(findings[0]?.message).toContain('sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage');
  });

  it('reports a grant on every queue of the account', async () => {
    const report = await audit(single([allow(SQS_READ, `arn:aws:sqs:${PREFIX}:*`)]));
    expect(findingsOf(report, 'f', 'overbroad-resource')).toHaveLength(1);
  });

  it('does not call the log group pattern broader than a stream of that group', async () => {
    const report = await audit(single([allow(SQS_READ, QUEUE)]));
    expect(findingsOf(report, 'f', 'overbroad-resource')).toEqual([]);
  });

  it('ignores requirements on *', async () => {
    const report = await audit({
      functions: [lambdaFunction('f', { TracingConfig: { Mode: 'Active' } })],
      roles: [
        role('f-role', {
          inline: {
            main: doc(logsStatement('f'), allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*')),
          },
        }),
      ],
    });
    expect(findingsOf(report, 'f', 'overbroad-resource')).toEqual([]);
  });
});

describe('unknown-action', () => {
  it('calls out a misspelt action with the action it was probably meant to be', async () => {
    const report = await audit(
      single([allow(['sqs:RecieveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], QUEUE)]),
    );
    const [finding] = findingsOf(report, 'f', 'unknown-action');
    expect(finding).toMatchObject({ action: 'sqs:RecieveMessage', severity: 'medium' });
    expect(finding?.message).toContain('Did you mean sqs:ReceiveMessage?');
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([{ action: 'sqs:ReceiveMessage' }]);
  });

  it('reports a wildcard that matches no action', async () => {
    const report = await audit(single([allow(SQS_READ, QUEUE), allow('sqs:Recieve*', QUEUE)]));
    expect(findingsOf(report, 'f', 'unknown-action')).toMatchObject([{ action: 'sqs:Recieve*' }]);
  });

  it("stays quiet on SAM's SQSPollerPolicy, which names SQS batch operations beside their actions", async () => {
    const poller = allow(
      [
        'sqs:ChangeMessageVisibility',
        'sqs:ChangeMessageVisibilityBatch',
        'sqs:DeleteMessage',
        'sqs:DeleteMessageBatch',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ],
      QUEUE,
    );
    const report = await audit(single([poller]));
    expect(findingsOf(report, 'f', 'unknown-action')).toEqual([]);
    expect(resultOf(report, 'f').findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
  });

  it('names the action that authorizes a batch operation named alone', async () => {
    const report = await audit(
      single([allow(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes', 'sqs:DeleteMessageBatch'], QUEUE)]),
    );
    const [finding] = findingsOf(report, 'f', 'unknown-action');
    expect(finding).toMatchObject({ action: 'sqs:DeleteMessageBatch', severity: 'medium' });
    expect(finding?.message).toContain('IAM authorizes it with sqs:DeleteMessage');
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([{ action: 'sqs:DeleteMessage' }]);
  });

  it('reports an unknown service prefix as low', async () => {
    const report = await audit(single([allow(SQS_READ, QUEUE), allow('notaservice:DoThing', '*')]));
    expect(findingsOf(report, 'f', 'unknown-action')).toMatchObject([{ severity: 'low' }]);
  });
});

describe('trust policy rules', () => {
  function withTrust(trust: unknown) {
    return {
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { trust, inline: { main: doc(logsStatement('f')) } })],
    };
  }

  it('reports a trust policy that does not let Lambda assume the role as critical', async () => {
    const report = await audit(
      withTrust(
        doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      ),
    );
    expect(findingsOf(report, 'f', 'trust-policy-not-lambda')).toMatchObject([{ severity: 'critical' }]);
    expect(findingsOf(report, 'f', 'trust-policy-too-broad')).toMatchObject([{ severity: 'medium' }]);
  });

  it('reports an unconditional Deny of Lambda', async () => {
    const report = await audit(
      withTrust(
        doc(
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: '*', Action: 'sts:*' },
        ),
      ),
    );
    expect(findingsOf(report, 'f', 'trust-policy-not-lambda')).toHaveLength(1);
  });

  it('reports a trust policy open to anyone as high', async () => {
    const report = await audit(
      withTrust(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' })),
    );
    expect(findingsOf(report, 'f', 'trust-policy-not-lambda')).toEqual([]);
    expect(findingsOf(report, 'f', 'trust-policy-too-broad')).toMatchObject([{ severity: 'high' }]);
  });

  it('reports another account as medium and accepts the role itself', async () => {
    const report = await audit(
      withTrust(
        doc(
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: roleArn('f-role') }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' },
        ),
      ),
    );
    const findings = findingsOf(report, 'f', 'trust-policy-too-broad');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'medium',
      cause: { kind: 'trust-policy', statement: '2' },
    });
    expect(findings[0]?.message).toContain('another account');
  });

  it('finds nothing in the trust policy AWS documents', async () => {
    const report = await audit(withTrust(undefined));
    expect(findingsOf(report, 'f').filter((finding) => finding.rule.startsWith('trust'))).toEqual([]);
  });
});

describe('role-unavailable', () => {
  it('reports a role the account does not have as critical, and nothing else', async () => {
    const report = await audit({ functions: [lambdaFunction('f')] });
    expect(findingsOf(report, 'f')).toMatchObject([
      { rule: 'role-unavailable', severity: 'critical', resource: roleArn('f-role') },
    ]);
    expect(resultOf(report, 'f').recommendedPolicy).not.toBeNull();
  });
});
