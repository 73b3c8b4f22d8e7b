import type {
  EncryptionFacts,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
} from '../../../shared/domain/model.js';
import { REQUIREMENT_CATALOG } from '../../../shared/domain/requirements/catalog.js';
import { deriveRequirements } from '../../../shared/domain/requirements/derive.js';
import {
  deriveEncryptionNeeds,
  encryptedResourceUses,
} from '../../../shared/domain/requirements/encryption.js';
import { functionArn, lambdaFunction, mapping, PREFIX } from '../../support/snapshot-builder.js';

const NETWORK = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
].map((action) => [action, '*'] as const);

const SECRET = `arn:aws:secretsmanager:${PREFIX}:secret:kafka-auth-AbCdEf`;
const CLUSTER = `arn:aws:kafka:${PREFIX}:cluster/orders/11111111-2222-3333-4444-555555555555-1`;
const LOG_STREAMS = (group: string) => `arn:aws:logs:${PREFIX}:log-group:${group}:log-stream:*`;
const BASE_LOGS = [
  ['logs:CreateLogStream', LOG_STREAMS('/aws/lambda/f')],
  ['logs:PutLogEvents', LOG_STREAMS('/aws/lambda/f')],
] as const;

/** One customer managed key, named by every resource below through its alias (requirements.md §2a). */
const KEY = `arn:aws:kms:${PREFIX}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEYED = (...resources: string[]): EncryptionFacts => ({
  resources: new Map(
    resources.map((resourceArn) => [resourceArn, { resourceArn, kmsKeyId: 'alias/orders' }]),
  ),
  keys: [{ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Arn: KEY, KeyManager: 'CUSTOMER' }],
  aliases: [
    {
      AliasName: 'alias/orders',
      AliasArn: `arn:aws:kms:${PREFIX}:alias/orders`,
      TargetKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  ],
  unreadable: new Map(),
  origin: 'test',
});

interface Case {
  readonly entry: string;
  readonly fn?: FunctionConfiguration;
  readonly mapping?: EventSourceMapping;
  readonly invokeConfig?: EventInvokeConfig;
  /** The keys of the resources the function uses (the `kms-*` entries). */
  readonly encryption?: EncryptionFacts;
  /** Expected (first action, resource) pairs of this entry. */
  readonly expected: readonly (readonly [string, string])[];
}

const CASES: readonly Case[] = [
  { entry: 'logs', expected: BASE_LOGS },
  {
    entry: 'logs',
    fn: lambdaFunction('f', { LoggingConfig: { LogGroup: '/shop/custom' } }),
    expected: [
      ['logs:CreateLogStream', LOG_STREAMS('/shop/custom')],
      ['logs:PutLogEvents', LOG_STREAMS('/shop/custom')],
    ],
  },
  {
    entry: 'vpc',
    fn: lambdaFunction('f', { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } }),
    expected: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ].map((action) => [action, '*'] as const),
  },
  {
    entry: 'tracing',
    fn: lambdaFunction('f', { TracingConfig: { Mode: 'Active' } }),
    expected: [
      ['xray:PutTraceSegments', '*'],
      ['xray:PutTelemetryRecords', '*'],
    ],
  },
  {
    entry: 'dead-letter-sqs',
    fn: lambdaFunction('f', { DeadLetterConfig: { TargetArn: `arn:aws:sqs:${PREFIX}:dlq` } }),
    expected: [['sqs:SendMessage', `arn:aws:sqs:${PREFIX}:dlq`]],
  },
  {
    entry: 'dead-letter-sns',
    fn: lambdaFunction('f', { DeadLetterConfig: { TargetArn: `arn:aws:sns:${PREFIX}:failures` } }),
    expected: [['sns:Publish', `arn:aws:sns:${PREFIX}:failures`]],
  },
  ...(
    [
      ['sqs', `arn:aws:sqs:${PREFIX}:done`, [['sqs:SendMessage', `arn:aws:sqs:${PREFIX}:done`]]],
      ['sns', `arn:aws:sns:${PREFIX}:done`, [['sns:Publish', `arn:aws:sns:${PREFIX}:done`]]],
      ['lambda', functionArn('next'), [['lambda:InvokeFunction', functionArn('next')]]],
      [
        'eventbridge',
        `arn:aws:events:${PREFIX}:event-bus/media`,
        [['events:PutEvents', `arn:aws:events:${PREFIX}:event-bus/media`]],
      ],
      [
        's3',
        'arn:aws:s3:::failed-records',
        [
          ['s3:PutObject', 'arn:aws:s3:::failed-records/*'],
          ['s3:ListBucket', 'arn:aws:s3:::failed-records'],
        ],
      ],
    ] as const
  ).map(
    ([kind, target, expected]): Case => ({
      entry: `async-destination-${kind}`,
      invokeConfig: {
        FunctionArn: `${functionArn('f')}:live`,
        DestinationConfig: { OnFailure: { Destination: target } },
      },
      expected,
    }),
  ),
  {
    entry: 'sqs',
    mapping: mapping('f', `arn:aws:sqs:${PREFIX}:orders`),
    expected: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map(
      (action) => [action, `arn:aws:sqs:${PREFIX}:orders`] as const,
    ),
  },
  {
    entry: 'kinesis',
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks`),
    expected: [
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
    ].map((action) => [action, `arn:aws:kinesis:${PREFIX}:stream/clicks`] as const),
  },
  {
    entry: 'kinesis-consumer',
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks/consumer/fanout:1767225600`),
    expected: [
      ...[
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ].map((action) => [action, `arn:aws:kinesis:${PREFIX}:stream/clicks`] as const),
      ['kinesis:SubscribeToShard', `arn:aws:kinesis:${PREFIX}:stream/clicks/consumer/fanout:1767225600`],
    ],
  },
  {
    entry: 'dynamodb-streams',
    mapping: mapping('f', `arn:aws:dynamodb:${PREFIX}:table/Orders/stream/2026-01-15T10:00:00.000`),
    expected: [
      ...['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].map(
        (action) =>
          [action, `arn:aws:dynamodb:${PREFIX}:table/Orders/stream/2026-01-15T10:00:00.000`] as const,
      ),
      ['dynamodb:ListStreams', '*'],
    ],
  },
  {
    entry: 'msk',
    mapping: mapping('f', CLUSTER, {
      Topics: ['payments'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'billing' },
    }),
    expected: [
      ['kafka:DescribeClusterV2', CLUSTER],
      ['kafka:GetBootstrapBrokers', '*'],
      ...NETWORK,
      ['kafka-cluster:Connect', CLUSTER],
      [
        'kafka-cluster:DescribeGroup',
        `arn:aws:kafka:${PREFIX}:group/orders/11111111-2222-3333-4444-555555555555-1/billing`,
      ],
      [
        'kafka-cluster:AlterGroup',
        `arn:aws:kafka:${PREFIX}:group/orders/11111111-2222-3333-4444-555555555555-1/billing`,
      ],
      [
        'kafka-cluster:DescribeTopic',
        `arn:aws:kafka:${PREFIX}:topic/orders/11111111-2222-3333-4444-555555555555-1/payments`,
      ],
      [
        'kafka-cluster:ReadData',
        `arn:aws:kafka:${PREFIX}:topic/orders/11111111-2222-3333-4444-555555555555-1/payments`,
      ],
    ],
  },
  {
    entry: 'msk-secret',
    mapping: mapping('f', CLUSTER, {
      Topics: ['payments'],
      SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
    }),
    expected: [['secretsmanager:GetSecretValue', SECRET]],
  },
  {
    entry: 'self-managed-kafka',
    mapping: mapping('f', undefined, {
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['kafka1.example.com:9096'] } },
      SourceAccessConfigurations: [
        { Type: 'SASL_SCRAM_256_AUTH', URI: SECRET },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' },
        { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-1' },
      ],
    }),
    expected: [['secretsmanager:GetSecretValue', SECRET], ...NETWORK],
  },
  {
    entry: 'mq',
    mapping: mapping('f', `arn:aws:mq:${PREFIX}:broker:orders:b-1234`, {
      SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: SECRET }],
      Queues: ['orders'],
    }),
    expected: [
      ['mq:DescribeBroker', `arn:aws:mq:${PREFIX}:broker:orders:b-1234`],
      ['secretsmanager:GetSecretValue', SECRET],
      ...NETWORK,
    ],
  },
  {
    entry: 'documentdb',
    mapping: mapping('f', `arn:aws:rds:${PREFIX}:cluster:catalog`, {
      SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: SECRET }],
    }),
    expected: [
      ['rds:DescribeDBClusters', `arn:aws:rds:${PREFIX}:cluster:catalog`],
      ['rds:DescribeDBClusterParameters', `arn:aws:rds:${PREFIX}:cluster-pg:*`],
      ['rds:DescribeDBSubnetGroups', `arn:aws:rds:${PREFIX}:subgrp:*`],
      ['secretsmanager:GetSecretValue', SECRET],
      ...NETWORK,
    ],
  },
  {
    entry: 'esm-on-failure-sqs',
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks`, {
      DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${PREFIX}:failed` } },
    }),
    expected: [['sqs:SendMessage', `arn:aws:sqs:${PREFIX}:failed`]],
  },
  {
    entry: 'esm-on-failure-sns',
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks`, {
      DestinationConfig: { OnFailure: { Destination: `arn:aws:sns:${PREFIX}:failed` } },
    }),
    expected: [['sns:Publish', `arn:aws:sns:${PREFIX}:failed`]],
  },
  {
    entry: 'esm-on-failure-s3',
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks`, {
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:s3:::failed-records' } },
    }),
    expected: [
      ['s3:PutObject', 'arn:aws:s3:::failed-records/*'],
      ['s3:ListBucket', 'arn:aws:s3:::failed-records'],
    ],
  },
  {
    entry: 'kms-read-queue',
    mapping: mapping('f', `arn:aws:sqs:${PREFIX}:orders`),
    encryption: KEYED(`arn:aws:sqs:${PREFIX}:orders`),
    expected: [['kms:Decrypt', KEY]],
  },
  {
    entry: 'kms-read-stream',
    // A consumer reads its parent stream, whose key it is.
    mapping: mapping('f', `arn:aws:kinesis:${PREFIX}:stream/clicks/consumer/fanout:1767225600`),
    encryption: KEYED(`arn:aws:kinesis:${PREFIX}:stream/clicks`),
    expected: [['kms:Decrypt', KEY]],
  },
  {
    entry: 'kms-read-secret',
    mapping: mapping('f', CLUSTER, {
      SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET }],
    }),
    encryption: KEYED(SECRET),
    expected: [['kms:Decrypt', KEY]],
  },
  {
    entry: 'kms-send-queue',
    fn: lambdaFunction('f', { DeadLetterConfig: { TargetArn: `arn:aws:sqs:${PREFIX}:dlq` } }),
    encryption: KEYED(`arn:aws:sqs:${PREFIX}:dlq`),
    expected: [
      ['kms:GenerateDataKey', KEY],
      ['kms:Decrypt', KEY],
    ],
  },
  {
    entry: 'kms-publish-topic',
    invokeConfig: {
      FunctionArn: functionArn('f'),
      DestinationConfig: { OnSuccess: { Destination: `arn:aws:sns:${PREFIX}:done` } },
    },
    encryption: KEYED(`arn:aws:sns:${PREFIX}:done`),
    expected: [
      ['kms:GenerateDataKey', KEY],
      ['kms:Decrypt', KEY],
    ],
  },
  { entry: 'trust-policy', expected: [] },
];

describe('requirement catalog', () => {
  it('has a test case for every entry', () => {
    const tested = new Set(CASES.map((testCase) => testCase.entry));
    expect(REQUIREMENT_CATALOG.map((entry) => entry.id).filter((id) => !tested.has(id))).toEqual([]);
  });

  it('gives every entry an AWS documentation link and a unique id', () => {
    for (const entry of REQUIREMENT_CATALOG)
      expect(entry.docsUrl).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(new Set(REQUIREMENT_CATALOG.map((entry) => entry.id)).size).toBe(REQUIREMENT_CATALOG.length);
  });

  it.each(CASES.map((testCase) => [testCase.entry, testCase] as const))(
    'derives the actions and resources of %s',
    (id, testCase) => {
      const fn = testCase.fn ?? lambdaFunction('f');
      const mappings = testCase.mapping === undefined ? [] : [testCase.mapping];
      const invokeConfigs = testCase.invokeConfig === undefined ? [] : [testCase.invokeConfig];
      const derived = deriveRequirements(fn, mappings, invokeConfigs);
      const keyed = deriveEncryptionNeeds(
        encryptedResourceUses(fn, mappings, invokeConfigs),
        testCase.encryption ?? KEYED(),
      );
      const pairs = [...derived.requirements, ...keyed.requirements]
        .filter((requirement) => requirement.entryId === id)
        .map((requirement) => [requirement.actions[0], requirement.resource]);
      expect(pairs).toEqual(testCase.expected);
      expect(derived.notes).toEqual([]);
    },
  );
});
