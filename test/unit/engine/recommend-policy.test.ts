import { recommendPolicy } from '../../../shared/domain/recommend/recommend-policy.js';
import { deriveRequirements } from '../../../shared/domain/requirements/derive.js';
import { lambdaFunction, mapping, PREFIX } from '../../support/snapshot-builder.js';

describe('recommended policy', () => {
  it('grants the logs of the function’s own group, CreateLogGroup included', () => {
    const policy = recommendPolicy(deriveRequirements(lambdaFunction('f'), []).requirements);
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [`arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f:*`],
        },
      ],
    });
  });

  it('makes one readable statement per source, splitting actions by resource', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [
      mapping('f', `arn:aws:sqs:${PREFIX}:orders`),
      mapping('f', `arn:aws:dynamodb:${PREFIX}:table/Orders/stream/2026`, {
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:s3:::failed' } },
      }),
    ]);
    const statements = recommendPolicy(derived.requirements)?.Statement ?? [];
    expect(statements.map((statement) => [statement.Sid, statement.Action, statement.Resource])).toEqual([
      [
        'WriteLogs',
        ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        [`arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f:*`],
      ],
      [
        'ReadQueueOrders',
        ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        [`arn:aws:sqs:${PREFIX}:orders`],
      ],
      [
        'ReadTableStreamOrders',
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        [`arn:aws:dynamodb:${PREFIX}:table/Orders/stream/2026`],
      ],
      ['ListTableStreams', ['dynamodb:ListStreams'], ['*']],
      ['WriteFailedRecordsFailed', ['s3:PutObject'], ['arn:aws:s3:::failed/*']],
      ['WriteFailedRecordsFailedList', ['s3:ListBucket'], ['arn:aws:s3:::failed']],
    ]);
  });

  it('grants an (action, resource) pair once even when two settings need it', () => {
    const derived = deriveRequirements(lambdaFunction('f', { VpcConfig: { SubnetIds: ['subnet-1'] } }), [
      mapping('f', `arn:aws:mq:${PREFIX}:broker:b:id-1`),
    ]);
    const statements = recommendPolicy(derived.requirements)?.Statement ?? [];
    const grants = statements.flatMap((statement) =>
      statement.Action.flatMap((action) => statement.Resource.map((r) => `${action} ${r}`)),
    );
    expect(new Set(grants).size).toBe(grants.length);
    expect(grants).toContain('ec2:DescribeVpcs *');
    expect(grants).toContain(`ec2:AssignPrivateIpAddresses arn:aws:ec2:${PREFIX}:network-interface/*`);
  });

  it('grants the network-interface actions on what the calls touch, not on *', () => {
    const derived = deriveRequirements(
      lambdaFunction('f', { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } }),
      [],
    );
    const statements = recommendPolicy(derived.requirements)?.Statement ?? [];
    const create = statements.find((statement) => statement.Action.includes('ec2:CreateNetworkInterface'));
    expect(create?.Resource).toEqual([
      `arn:aws:ec2:${PREFIX}:network-interface/*`,
      `arn:aws:ec2:${PREFIX}:security-group/sg-1`,
      `arn:aws:ec2:${PREFIX}:subnet/subnet-1`,
    ]);
    const describe = statements.find((statement) => statement.Action.includes('ec2:DescribeSubnets'));
    expect(describe?.Resource).toEqual(['*']);
  });

  it('is deterministic whatever the order of the mappings', () => {
    const a = mapping('f', `arn:aws:sqs:${PREFIX}:a`);
    const b = mapping('f', `arn:aws:kinesis:${PREFIX}:stream/b`);
    const fn = lambdaFunction('f');
    expect(recommendPolicy(deriveRequirements(fn, [a, b]).requirements)).toEqual(
      recommendPolicy(deriveRequirements(fn, [b, a]).requirements),
    );
  });
});
