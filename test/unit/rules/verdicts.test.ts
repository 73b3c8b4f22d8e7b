/**
 * Issue 9's verdicts, from the AWS documentation they rest on:
 * - the execution-role permissions of each source and setting (Lambda developer guide pages, cited per case);
 * - the Service Authorization Reference for the resource types EC2 and RDS actions authorize on
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html: CreateNetworkInterface
 *   → network-interface, subnet, security-group; DeleteNetworkInterface → network-interface);
 * - AWS SAM's DocumentDB policy template, which scopes rds:DescribeDBClusterParameters and
 *   rds:DescribeDBSubnetGroups to cluster-pg:* and subgrp:* of the account and region.
 */
import {
  ACCOUNT,
  allow,
  deny,
  doc,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  REGION,
  role,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf } from './audit-helper.js';

const MANAGED = (name: string) => `arn:aws:iam::aws:policy/service-role/${name}`;
const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const DLQ = `arn:aws:sqs:${PREFIX}:orders-dlq`;
const STREAM = `arn:aws:kinesis:${PREFIX}:stream/clicks`;
const TABLE = `arn:aws:dynamodb:${PREFIX}:table/Orders`;
const TABLE_STREAM = `${TABLE}/stream/2026-01-15T10:00:00.000`;
const CLUSTER = `arn:aws:kafka:${PREFIX}:cluster/orders/11111111-2222-3333-4444-555555555555-1`;
const SECRET = `arn:aws:secretsmanager:${PREFIX}:secret:AmazonMSK_orders-AbCdEf`;
const DOCDB = `arn:aws:rds:${PREFIX}:cluster:catalog`;
const DOCDB_SECRET = `arn:aws:secretsmanager:${PREFIX}:secret:catalog-AbCdEf`;
const VPC = { SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'] };
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];
const DESCRIBE_ACTIONS = ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'];

function vpcFunction(statements: Record<string, unknown>[], attached: string[] = []) {
  return {
    functions: [lambdaFunction('f', { VpcConfig: VPC })],
    roles: [role('f-role', { inline: { main: doc(logsStatement('f'), ...statements) }, attached })],
  };
}

const unsuppressed = (report: Awaited<ReturnType<typeof audit>>, rule?: string) =>
  findingsOf(report, 'f', rule).filter((finding) => finding.severity !== 'info');

describe('EC2 network-interface needs, judged on what the call touches (configuration-vpc.html)', () => {
  it.each([
    ['the account and region, as AWS’s Amazon MQ sample scopes them', [`arn:aws:ec2:${PREFIX}:*/*`]],
    [
      'network interfaces plus the function’s subnets and security group',
      [
        `arn:aws:ec2:${PREFIX}:network-interface/*`,
        `arn:aws:ec2:${PREFIX}:subnet/subnet-1`,
        `arn:aws:ec2:${PREFIX}:subnet/subnet-2`,
        `arn:aws:ec2:${PREFIX}:security-group/sg-1`,
      ],
    ],
  ])('meets them with a grant on %s, and calls it no broader than the need', async (_, resources) => {
    const report = await audit(vpcFunction([allow(ENI_ACTIONS, resources), allow(DESCRIBE_ACTIONS, '*')]));
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
    expect(findingsOf(report, 'f', 'overbroad-resource')).toEqual([]);
    expect(resultOf(report, 'f').compliant).toBe(true);
  });

  it('misses CreateNetworkInterface when the subnets are left out, naming what the call touches', async () => {
    const report = await audit(
      vpcFunction([
        allow(ENI_ACTIONS, `arn:aws:ec2:${PREFIX}:network-interface/*`),
        allow(DESCRIBE_ACTIONS, '*'),
      ]),
    );
    const missing = findingsOf(report, 'f', 'missing-permission');
    expect(missing).toMatchObject([
      { action: 'ec2:CreateNetworkInterface', resource: '*', decision: 'implicit-deny' },
    ]);
    expect(missing[0]?.message).toContain(`arn:aws:ec2:${PREFIX}:subnet/subnet-1`);
    expect(missing[0]?.message).toContain(`arn:aws:ec2:${PREFIX}:security-group/sg-1`);
  });

  it('calls an inline grant on * broader than the need (low)', async () => {
    const report = await audit(vpcFunction([allow([...ENI_ACTIONS, ...DESCRIBE_ACTIONS], '*')]));
    expect(findingsOf(report, 'f', 'overbroad-resource')).toMatchObject([
      { severity: 'low', resource: `arn:aws:ec2:${PREFIX}:network-interface/*` },
    ]);
    expect(resultOf(report, 'f').compliant).toBe(false);
  });

  it('calls the same grant from AWSLambdaVPCAccessExecutionRole context (info), and the function compliant', async () => {
    const report = await audit(vpcFunction([], [MANAGED('AWSLambdaVPCAccessExecutionRole')]));
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
    const broad = findingsOf(report, 'f', 'overbroad-resource');
    expect(broad.map((finding) => finding.severity)).toEqual(['info', 'info']);
    expect(broad[0]?.awsManagedBaseline).toEqual(['AWSLambdaVPCAccessExecutionRole']);
    expect(resultOf(report, 'f').compliant).toBe(true);
  });

  it('judges a self-managed Kafka mapping’s interfaces on its VPC_SUBNET and VPC_SECURITY_GROUP', async () => {
    const kafka = mapping('f', undefined, {
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b-1.kafka.internal:9092'] } },
      Topics: ['orders'],
      SourceAccessConfigurations: [
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-9' },
        { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-9' },
      ],
    });
    const statements = [
      allow('ec2:CreateNetworkInterface', [
        `arn:aws:ec2:${PREFIX}:network-interface/*`,
        `arn:aws:ec2:${PREFIX}:subnet/subnet-9`,
        `arn:aws:ec2:${PREFIX}:security-group/sg-9`,
      ]),
      allow('ec2:DeleteNetworkInterface', `arn:aws:ec2:${PREFIX}:network-interface/*`),
      allow(
        [
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeVpcs',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
        ],
        '*',
      ),
    ];
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f'), ...statements) } })],
      mappings: [kafka],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
    expect(findingsOf(report, 'f', 'overbroad-resource')).toEqual([]);
  });
});

describe('network interfaces of a source whose subnets the mapping does not show (with-msk-permissions.html)', () => {
  it('calls a grant on named subnets unverifiable: they may be the cluster’s', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              logsStatement('f'),
              allow(['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], '*'),
              allow('ec2:CreateNetworkInterface', [
                `arn:aws:ec2:${PREFIX}:network-interface/*`,
                `arn:aws:ec2:${PREFIX}:subnet/subnet-1`,
                `arn:aws:ec2:${PREFIX}:security-group/*`,
              ]),
              allow('ec2:DeleteNetworkInterface', `arn:aws:ec2:${PREFIX}:network-interface/*`),
              allow(
                [
                  'ec2:DescribeNetworkInterfaces',
                  'ec2:DescribeVpcs',
                  'ec2:DescribeSubnets',
                  'ec2:DescribeSecurityGroups',
                ],
                '*',
              ),
              allow('secretsmanager:GetSecretValue', SECRET),
            ),
          },
        }),
      ],
      mappings: [
        mapping('f', CLUSTER, {
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
          Topics: ['t'],
        }),
      ],
    });
    const missing = findingsOf(report, 'f', 'missing-permission');
    expect(missing).toMatchObject([
      { action: 'ec2:CreateNetworkInterface', decision: 'unverifiable', severity: 'medium' },
    ]);
    expect(missing[0]?.message).toContain(`arn:aws:ec2:${PREFIX}:subnet/*`);
  });
});

describe('DocumentDB “any grant” needs (with-documentdb.html, AWS SAM’s DocumentDB policy)', () => {
  const docdb = (settings: string | string[]) => ({
    functions: [lambdaFunction('f')],
    roles: [
      role('f-role', {
        inline: {
          main: doc(
            logsStatement('f'),
            allow('rds:DescribeDBClusters', DOCDB),
            allow(['rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups'], settings),
            allow('secretsmanager:GetSecretValue', DOCDB_SECRET),
            allow(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'], `arn:aws:ec2:${PREFIX}:*/*`),
            allow(
              [
                'ec2:DescribeNetworkInterfaces',
                'ec2:DescribeVpcs',
                'ec2:DescribeSubnets',
                'ec2:DescribeSecurityGroups',
              ],
              '*',
            ),
          ),
        },
      }),
    ],
    mappings: [
      mapping('f', DOCDB, { SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: DOCDB_SECRET }] }),
    ],
  });

  it('meets them with SAM’s cluster-pg:* and subgrp:* of the account and region', async () => {
    const report = await audit(
      docdb([`arn:aws:rds:${PREFIX}:cluster-pg:*`, `arn:aws:rds:${PREFIX}:subgrp:*`]),
    );
    expect(findingsOf(report, 'f')).toEqual([]);
  });

  it('calls a narrower grant unverifiable, a grant elsewhere missing, and * broader than needed', async () => {
    const narrow = await audit(
      docdb([`arn:aws:rds:${PREFIX}:cluster-pg:default*`, `arn:aws:rds:${PREFIX}:subgrp:*`]),
    );
    expect(findingsOf(narrow, 'f', 'missing-permission')).toMatchObject([
      { action: 'rds:DescribeDBClusterParameters', decision: 'unverifiable', severity: 'medium' },
    ]);
    const elsewhere = await audit(
      docdb(['arn:aws:rds:us-east-1:*:cluster-pg:*', `arn:aws:rds:${PREFIX}:subgrp:*`]),
    );
    expect(findingsOf(elsewhere, 'f', 'missing-permission')).toMatchObject([
      { action: 'rds:DescribeDBClusterParameters', decision: 'implicit-deny' },
    ]);
    const everything = await audit(docdb('*'));
    expect(findingsOf(everything, 'f', 'missing-permission')).toEqual([]);
    expect(findingsOf(everything, 'f', 'overbroad-resource').map((f) => f.resource)).toEqual([
      `arn:aws:rds:${PREFIX}:cluster-pg:*`,
      `arn:aws:rds:${PREFIX}:subgrp:*`,
    ]);
  });
});

describe('a need met by either of two actions (with-msk-permissions.html: DescribeClusterV2 or DescribeCluster)', () => {
  it('reports the better decision of the two alternatives', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(
              logsStatement('f'),
              allow('kafka:DescribeCluster', CLUSTER, {
                Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
              }),
              allow('kafka:GetBootstrapBrokers', '*'),
              allow(
                ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'],
                `arn:aws:ec2:${PREFIX}:*/*`,
              ),
              allow(
                [
                  'ec2:DescribeNetworkInterfaces',
                  'ec2:DescribeVpcs',
                  'ec2:DescribeSubnets',
                  'ec2:DescribeSecurityGroups',
                ],
                '*',
              ),
              allow('secretsmanager:GetSecretValue', SECRET),
            ),
          },
        }),
      ],
      mappings: [
        mapping('f', CLUSTER, {
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
          Topics: ['t'],
        }),
      ],
    });
    // DescribeClusterV2 is not allowed at all; DescribeCluster depends on a condition: the better decision is
    // reported, under the need's name (its first action), so that the finding keeps its id.
    const [finding, ...more] = findingsOf(report, 'f', 'missing-permission');
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      action: 'kafka:DescribeClusterV2',
      decision: 'conditional',
      severity: 'medium',
    });
    expect(finding?.message).toMatch(
      /^.*\. kafka:DescribeCluster \(any one of kafka:DescribeClusterV2, kafka:DescribeCluster would do\)/,
    );
  });
});

describe('excess that is really excess (invocation-eventsourcemapping.html)', () => {
  const producer = (statements: Record<string, unknown>[], config = {}) => ({
    functions: [lambdaFunction('f', config)],
    roles: [role('f-role', { inline: { main: doc(logsStatement('f'), ...statements) } })],
  });

  it.each([
    [
      'an SDK producer’s grantSendMessages',
      [allow(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], QUEUE)],
    ],
    [
      'an SDK producer’s grantWrite on a stream',
      [allow(['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'], STREAM)],
    ],
    [
      'grantReadWriteData on a table (GetRecords authorizes on the table’s stream, not the table)',
      [
        allow(
          ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:PutItem'],
          [TABLE, `${TABLE}/index/*`],
        ),
      ],
    ],
  ])('does not call %s event-source access', async (_, statements) => {
    const report = await audit(producer(statements));
    expect(findingsOf(report, 'f', 'unused-source-permission')).toEqual([]);
  });

  it('does not count the function’s own dead-letter queue as event-source access', async () => {
    const report = await audit(
      producer([allow(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], DLQ)], {
        DeadLetterConfig: { TargetArn: DLQ },
      }),
    );
    expect(findingsOf(report, 'f', 'unused-source-permission')).toEqual([]);
  });

  it('still reports queue consumption on another queue, once per family with every statement named', async () => {
    const report = await audit(
      producer([
        allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], QUEUE),
        allow('sqs:ReceiveMessage', `${QUEUE}-2`),
      ]),
    );
    const findings = findingsOf(report, 'f', 'unused-source-permission');
    expect(findings).toMatchObject([
      {
        severity: 'medium',
        action: 'sqs:DeleteMessage',
        causes: [
          { kind: 'policy', policy: 'inline:main', statement: '1' },
          { kind: 'policy', policy: 'inline:main', statement: '2' },
        ],
      },
    ]);
    expect(findings[0]?.message).toContain('Statement[2] of inline policy main');
  });

  it('reports AWSLambdaSQSQueueExecutionRole on a function without an SQS mapping at full severity', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { attached: [MANAGED('AWSLambdaSQSQueueExecutionRole')] })],
    });
    expect(findingsOf(report, 'f', 'unused-source-permission')).toMatchObject([{ severity: 'medium' }]);
  });
});

describe('AWS’s managed baseline as context (lambda-intro-execution-role.html and each source’s page)', () => {
  it.each([
    ['SQS (services-sqs-configure.html)', 'AWSLambdaSQSQueueExecutionRole', QUEUE],
    ['Kinesis (services-kinesis-create.html)', 'AWSLambdaKinesisExecutionRole', STREAM],
    [
      'DynamoDB Streams (services-dynamodb-eventsourcemapping.html)',
      'AWSLambdaDynamoDBExecutionRole',
      TABLE_STREAM,
    ],
  ])('finds a function whose role is only the managed policy for %s compliant', async (_, policy, source) => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { attached: [MANAGED(policy)] })],
      mappings: [mapping('f', source)],
    });
    const result = resultOf(report, 'f');
    expect(result.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.compliant).toBe(true);
  });

  it('finds an MSK function compliant with AWSLambdaMSKExecutionRole and one statement that reads its secret', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          attached: [MANAGED('AWSLambdaMSKExecutionRole')],
          inline: { secret: doc(allow('secretsmanager:GetSecretValue', SECRET)) },
        }),
      ],
      mappings: [
        mapping('f', CLUSTER, {
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
          Topics: ['t'],
        }),
      ],
    });
    expect(unsuppressed(report)).toEqual([]);
    expect(resultOf(report, 'f').compliant).toBe(true);
  });

  it('reports logs on * granted by two AWS managed policies once, naming both', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          attached: [MANAGED('AWSLambdaBasicExecutionRole'), MANAGED('AWSLambdaSQSQueueExecutionRole')],
        }),
      ],
      mappings: [mapping('f', QUEUE)],
    });
    const logs = findingsOf(report, 'f', 'overbroad-resource').filter((f) => f.action?.startsWith('logs:'));
    expect(logs).toMatchObject([
      {
        severity: 'info',
        causes: [
          { policy: MANAGED('AWSLambdaBasicExecutionRole') },
          { policy: MANAGED('AWSLambdaSQSQueueExecutionRole') },
        ],
        awsManagedBaseline: ['AWSLambdaBasicExecutionRole', 'AWSLambdaSQSQueueExecutionRole'],
      },
    ]);
  });

  it('grades them low when the setting asks, which makes the function non-compliant', async () => {
    const report = await audit(
      {
        functions: [lambdaFunction('f')],
        roles: [role('f-role', { attached: [MANAGED('AWSLambdaBasicExecutionRole')] })],
      },
      { awsManagedBaseline: 'low' },
    );
    expect(findingsOf(report, 'f', 'overbroad-resource')).toMatchObject([{ severity: 'low' }]);
    expect(resultOf(report, 'f').compliant).toBe(false);
  });

  it('keeps a finding low when an inline statement grants the same as the managed policy', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          attached: [MANAGED('AWSLambdaBasicExecutionRole')],
          inline: { main: doc(allow(['logs:CreateLogStream', 'logs:PutLogEvents'], '*')) },
        }),
      ],
    });
    expect(findingsOf(report, 'f', 'overbroad-resource')).toMatchObject([{ severity: 'low' }]);
  });

  it('does not treat a managed policy as baseline for a function AWS does not recommend it for', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { attached: [MANAGED('AWSLambdaVPCAccessExecutionRole')] })],
    });
    expect(findingsOf(report, 'f', 'overbroad-resource')).toMatchObject([{ severity: 'low' }]);
  });
});

describe('logs need every stream name (Resource element wildcards)', () => {
  it('does not let log-stream:? write the function’s logs', async () => {
    const group = `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(allow(['logs:CreateLogStream', 'logs:PutLogEvents'], `${group}:log-stream:?`)),
          },
        }),
      ],
    });
    const missing = findingsOf(report, 'f', 'missing-permission');
    expect(missing.map((finding) => [finding.action, finding.decision])).toEqual([
      ['logs:CreateLogStream', 'implicit-deny'],
      ['logs:PutLogEvents', 'implicit-deny'],
    ]);
    expect(missing[0]?.message).toContain('allows it only for some names');
  });

  it('makes a Deny on some streams conditional', async () => {
    const group = `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f`;
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', {
          inline: {
            main: doc(logsStatement('f'), deny('logs:PutLogEvents', `${group}:log-stream:2026/*`)),
          },
        }),
      ],
    });
    expect(findingsOf(report, 'f', 'missing-permission')).toMatchObject([
      { action: 'logs:PutLogEvents', decision: 'conditional', severity: 'medium' },
    ]);
  });
});

describe('invalid-policy (reference_policies_grammar.html)', () => {
  it.each([
    [
      'Action with NotAction',
      { Effect: 'Allow', Action: 'sqs:*', NotAction: 'iam:*', Resource: '*' },
      'both Action and NotAction',
    ],
    ['no Resource', { Effect: 'Allow', Action: 'sqs:ReceiveMessage' }, 'neither Resource nor NotResource'],
    [
      'an unknown condition operator',
      {
        Effect: 'Allow',
        Action: 'sqs:*',
        Resource: '*',
        Condition: { StringEqualz: { 'aws:SourceVpce': 'x' } },
      },
      'condition operator "StringEqualz"',
    ],
    [
      'an Effect in the wrong case',
      { Effect: 'allow', Action: 'sqs:*', Resource: '*' },
      'Effect must be "Allow" or "Deny"',
    ],
    ['an unknown element', { Effect: 'Allow', Actions: 'sqs:*', Resource: '*' }, 'element "Actions"'],
  ])('reports a statement with %s, naming it and what is wrong', async (_, bad, problem) => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { inline: { main: doc(logsStatement('f'), bad) } })],
    });
    const findings = findingsOf(report, 'f', 'invalid-policy');
    expect(findings).toMatchObject([
      { severity: 'medium', cause: { kind: 'policy', policy: 'inline:main', statement: '1' } },
    ]);
    expect(findings[0]?.message).toContain('Statement[1] of inline policy main');
    expect(findings[0]?.message).toContain(problem);
    // The rest of the document is audited: the logs statement still meets the logs need.
    expect(findingsOf(report, 'f', 'missing-permission')).toEqual([]);
  });

  it('reports an unknown Version for the whole document', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [
        role('f-role', { inline: { main: { Version: '2012-10-18', Statement: [logsStatement('f')] } } }),
      ],
    });
    expect(findingsOf(report, 'f', 'invalid-policy')).toMatchObject([
      { cause: { kind: 'policy', policy: 'inline:main' }, message: expect.stringContaining('"2012-10-18"') },
    ]);
  });

  it('reports a trust policy statement with a Resource', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Resource: '*',
        },
      ],
    };
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [role('f-role', { trust, inline: { main: doc(logsStatement('f')) } })],
    });
    expect(findingsOf(report, 'f', 'invalid-policy')).toMatchObject([
      {
        cause: { kind: 'trust-policy', statement: '0' },
        message: expect.stringContaining('cannot have a Resource'),
      },
    ]);
  });
});

describe('input warnings', () => {
  const logsOnly = role('f-role', { inline: { main: doc(logsStatement('f')) } });

  it('audits a function listed twice with the same configuration once, with a warning', async () => {
    const report = await audit({ functions: [lambdaFunction('f'), lambdaFunction('f')], roles: [logsOnly] });
    expect(report.functions.map((result) => result.functionName)).toEqual(['f']);
    expect(report.summary.functions).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ functionName: 'f', message: expect.stringContaining('listed 2 times') }),
    ]);
  });

  it('does not audit a function listed twice with different configurations', async () => {
    const report = await audit({
      functions: [lambdaFunction('f'), lambdaFunction('f', { TracingConfig: { Mode: 'Active' } })],
      roles: [logsOnly],
    });
    expect(report.functions).toEqual([]);
    expect(report.errors).toEqual([
      expect.objectContaining({
        functionName: 'f',
        message: expect.stringContaining('different configurations'),
      }),
    ]);
  });

  it('names a mapping whose function the account does not hold', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [logsOnly],
      mappings: [mapping('gone', QUEUE)],
    });
    expect(report.warnings).toEqual([
      expect.objectContaining({
        resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:gone`,
        message: expect.stringContaining('invokes function gone'),
      }),
    ]);
    expect(resultOf(report, 'f').compliant).toBe(true);
  });

  it('says nothing about other mappings when only some functions are audited', async () => {
    const report = await audit(
      { functions: [lambdaFunction('f')], roles: [logsOnly], mappings: [mapping('gone', QUEUE)] },
      { functionNames: ['f'] },
    );
    expect(report.warnings).toBeUndefined();
  });
});
