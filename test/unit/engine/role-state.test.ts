/**
 * What the engine keeps per role (the role's evaluator and statement indexes, its evaluations on `*` and
 * on network resources, the outcomes of role-level rules) must not carry one function's verdicts over to
 * another: functions of one role with different mappings, resources and settings get the same report
 * whether they are audited together (the state shared) or each alone (the state made afresh).
 */
import {
  allow,
  deny,
  doc,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  role,
  roleArn,
  type SnapshotSpec,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf } from '../rules/audit-helper.js';

const SHARED = roleArn('shared-role');
const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const STREAM = `arn:aws:kinesis:${PREFIX}:stream/clicks`;
const NETWORK = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'];

const spec: SnapshotSpec = {
  functions: [
    lambdaFunction('reader', { Role: SHARED }),
    lambdaFunction('streamer', { Role: SHARED }),
    lambdaFunction('vpc', {
      Role: SHARED,
      VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
    }),
  ],
  roles: [
    role('shared-role', {
      inline: {
        reader: doc(
          logsStatement('reader'),
          // Every queue of the account: overbroad for the reader, whose queue it is.
          allow(
            ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            `arn:aws:sqs:${PREFIX}:*`,
          ),
        ),
        streamer: doc(
          logsStatement('streamer'),
          // GetRecords missing: the streamer's need, no other function's.
          allow(['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:ListShards'], STREAM),
        ),
        vpc: doc(allow(NETWORK, '*'), deny('sqs:DeleteMessage', QUEUE)),
      },
    }),
  ],
  mappings: [mapping('reader', QUEUE), mapping('streamer', STREAM)],
};

describe('per-role state', () => {
  it('gives each function of a role the verdicts it gets when audited alone', async () => {
    const together = await audit(spec);
    for (const name of ['reader', 'streamer', 'vpc']) {
      const alone = await audit(spec, { functionNames: [name] });
      expect(resultOf(together, name)).toEqual(resultOf(alone, name));
    }
  });

  it('is tried on functions whose verdicts differ', async () => {
    const report = await audit(spec);
    // The Deny reaches the reader's queue only, GetRecords is the streamer's need only.
    expect(findingsOf(report, 'reader', 'missing-permission').map((f) => f.action)).toContain(
      'sqs:DeleteMessage',
    );
    expect(findingsOf(report, 'streamer', 'missing-permission').map((f) => f.action)).toContain(
      'kinesis:GetRecords',
    );
    expect(findingsOf(report, 'reader', 'overbroad-resource')).not.toHaveLength(0);
    expect(findingsOf(report, 'streamer', 'overbroad-resource')).toHaveLength(0);
    // The vpc function has no log statement of its own: the others' do not cover it.
    const vpcMissing = findingsOf(report, 'vpc', 'missing-permission').map((f) => f.action);
    expect(vpcMissing).toContain('logs:CreateLogStream');
    expect(vpcMissing).not.toContain('sqs:DeleteMessage');
    expect(findingsOf(report, 'reader', 'missing-permission').map((f) => f.action)).not.toContain(
      'logs:CreateLogStream',
    );
  });
});
