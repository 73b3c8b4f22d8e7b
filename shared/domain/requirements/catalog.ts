/**
 * The requirement catalog: what a Lambda function needs from its execution role, as data, in one table.
 * It is the code form of requirements.md (the product's reading of the AWS documentation); every entry
 * carries the AWS page it rests on. `derive.ts` turns a function, its mappings and its event invoke
 * configs into concrete requirements by filling the templates below.
 *
 * Templates use `{name}` placeholders, filled per function and per mapping:
 * `{P}` partition, `{R}` region, `{A}` account (of the function), `{source}` the mapping's EventSourceArn,
 * `{stream}` the Kinesis stream ARN (the parent stream of a consumer), `{consumer}` the consumer ARN,
 * `{secret}` each Secrets Manager ARN of the mapping's SourceAccessConfigurations, `{group}` the MSK
 * consumer-group ARN, `{topic}` each MSK topic ARN, `{logGroup}` the function's log group name,
 * `{target}` a destination ARN, `{bucket}` an S3 bucket name, `{Name}` a PascalCase name for Sids and
 * `{name}` a short resource name for messages, `{item}` the short name of the list item being expanded. A placeholder bound to a list makes one requirement per item.
 * `{key}` the ARN of the customer managed KMS key that encrypts a queue, stream, topic or secret (the
 * `kms` entries, filled by requirements/encryption.ts once the key is known).
 */
import type { Severity } from '../report.js';

/** Event source types as `derive.ts` recognises them from a mapping. */
export type EventSourceKind =
  | 'sqs'
  | 'kinesis'
  | 'kinesis-consumer'
  | 'dynamodb-streams'
  | 'msk'
  | 'self-managed-kafka'
  | 'mq'
  | 'documentdb';

/** Destination types of on-failure destinations, dead-letter queues and event invoke configs. */
export type DestinationKind = 'sqs' | 'sns' | 's3' | 'lambda' | 'eventbridge';

/** Groups of actions that only an event source mapping of that kind explains (`unused-source-permission`). */
export type SourceFamily = 'sqs' | 'kinesis' | 'dynamodb-streams' | 'kafka' | 'mq' | 'documentdb';

export type NeedCondition = 'vpc-subnet' | 'no-auth-secret';

/**
 * How a function uses a resource encrypted with a customer managed key (requirements.md §2a): a mapping
 * reads a queue, a stream or a secret; Lambda sends to a queue or publishes to a topic (dead-letter queue,
 * on-failure or asynchronous destination).
 */
export type KmsUse = 'read-queue' | 'read-stream' | 'read-secret' | 'send-queue' | 'publish-topic';

/**
 * What an EC2 network-interface call touches (requirements.md §1, decided 2026-12-02), from the Service
 * Authorization Reference: `ec2:CreateNetworkInterface` authorizes on the new network interface, the subnet
 * and the security groups; `ec2:DeleteNetworkInterface`, `ec2:AssignPrivateIpAddresses` and
 * `ec2:UnassignPrivateIpAddresses` on the network interface. The subnets and groups are the function's
 * (`VpcConfig`) or the mapping's (`VPC_SUBNET`/`VPC_SECURITY_GROUP`); where the configuration does not show
 * them (MSK, Amazon MQ, DocumentDB place them in the cluster's or broker's own) any subnet or group of the
 * function's account and region.
 */
export type TouchedResources = 'network-interface' | 'network-interface-placement';

export interface ActionNeed {
  /** Any one of these satisfies the need; the first is the one the recommended policy grants. */
  readonly anyOf: readonly string[];
  /** Template of the resource the action is evaluated on (`*` when the action has no resource type). */
  readonly resource: string;
  /**
   * The resource ends with a `*` that stands for any name Lambda may choose (a log stream, an object it
   * writes, a resource of a type): only a grant that covers every name meets it (policy/any-name.ts).
   */
  readonly anyName?: true;
  /**
   * The action is judged on the resources the call touches, not on `resource` (which stays `*`, the grant
   * AWS documents): each must be allowed, and a grant scoped to them is not broader than the need.
   */
  readonly touches?: TouchedResources;
  /** Template of the pattern the recommended policy grants; the evaluated resource when absent. */
  readonly grant?: string;
  /** Template of the recommended statement's Sid. */
  readonly sid: string;
  /** Template: what breaks when the action is not allowed, said to a person. */
  readonly breaks: string;
  /**
   * `any-grant`: which resource Lambda uses is not derivable from the configuration, so the need is met by
   * a grant that covers every resource of the action's type in the function's account and region (the
   * any-name `resource`); a narrower grant gives `unverifiable` (DocumentDB's describe actions, which
   * AWS SAM scopes to `cluster-pg:*` and `subgrp:*`).
   */
  readonly mode?: 'any-grant';
  /** Why the need may not apply: when not allowed it is reported with decision `unverifiable`. */
  readonly unverifiable?: string;
  /** Only when the mapping shows this. */
  readonly when?: NeedCondition;
}

export type EntryScope =
  | { readonly kind: 'event-source'; readonly source: EventSourceKind }
  | { readonly kind: 'esm-on-failure'; readonly destination: 'sqs' | 'sns' | 's3' }
  | { readonly kind: 'logs' | 'vpc' | 'tracing' | 'trust-policy' }
  | { readonly kind: 'dead-letter'; readonly destination: 'sqs' | 'sns' }
  | { readonly kind: 'async-destination'; readonly destination: DestinationKind }
  | { readonly kind: 'kms'; readonly use: KmsUse };

export interface CatalogEntry {
  readonly id: string;
  readonly title: string;
  readonly scope: EntryScope;
  /** How the entry is recognised in the configuration, for the docs. */
  readonly recognisedBy: string;
  readonly docsUrl: string;
  /** Severity of a `missing-permission` finding for this entry (lower for `conditional`/`unverifiable`). */
  readonly severity: Severity;
  readonly family?: SourceFamily;
  readonly needs: readonly ActionNeed[];
}

const NETWORK_BREAKS =
  'Lambda cannot manage the network interfaces the event source mapping uses to reach {name} inside its VPC: the mapping cannot connect';

/** What each network-interface action of Lambda touches; the others have no resource type (on `*`). */
const NETWORK_TOUCHES: Readonly<Record<string, TouchedResources>> = {
  'ec2:CreateNetworkInterface': 'network-interface-placement',
  'ec2:DeleteNetworkInterface': 'network-interface',
  'ec2:AssignPrivateIpAddresses': 'network-interface',
  'ec2:UnassignPrivateIpAddresses': 'network-interface',
};

function networkNeed(action: string, sid: string, breaks: string): ActionNeed {
  const touches = NETWORK_TOUCHES[action];
  return { anyOf: [action], resource: '*', sid, breaks, ...(touches === undefined ? {} : { touches }) };
}

/** The six ESM network actions (requirements.md §1). */
const ESM_NETWORK: readonly ActionNeed[] = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
].map((action) => networkNeed(action, 'EventSourceNetworkInterfaces', NETWORK_BREAKS));

function withCondition(needs: readonly ActionNeed[], when: NeedCondition): ActionNeed[] {
  return needs.map((need) => ({ ...need, when }));
}

const SECRET_NEED: ActionNeed = {
  anyOf: ['secretsmanager:GetSecretValue'],
  resource: '{secret}',
  sid: 'ReadSecret{ItemName}',
  breaks:
    'Lambda cannot read the secret {item} that authenticates the mapping to {source}: it cannot connect',
};

function kinesisStreamNeeds(): ActionNeed[] {
  const breaks: Record<string, string> = {
    'kinesis:DescribeStream': 'Lambda cannot describe stream {name}: the mapping cannot find its shards',
    'kinesis:DescribeStreamSummary':
      'Lambda cannot describe stream {name}: the mapping cannot be created or updated',
    'kinesis:GetRecords': 'Lambda cannot read records from stream {name}: the mapping delivers nothing',
    'kinesis:GetShardIterator':
      'Lambda cannot get shard iterators of stream {name}: the mapping cannot read or retry',
    'kinesis:ListShards': 'Lambda cannot list the shards of stream {name}: new shards are not read',
  };
  return Object.entries(breaks).map(([action, text]) => ({
    anyOf: [action],
    resource: '{stream}',
    sid: 'ReadStream{Name}',
    breaks: text,
  }));
}

const S3_DESTINATION = (sid: string, what: string): ActionNeed[] => [
  {
    anyOf: ['s3:PutObject'],
    resource: 'arn:{P}:s3:::{bucket}/*',
    anyName: true,
    sid,
    breaks: `Lambda cannot write ${what} to bucket {name}: they are lost`,
  },
  {
    anyOf: ['s3:ListBucket'],
    resource: 'arn:{P}:s3:::{bucket}',
    sid: `${sid}List`,
    breaks: `Lambda cannot list bucket {name}, which it needs to deliver ${what}: they are lost`,
  },
];

const DOCS = {
  sqs: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
  kinesis: 'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html',
  dynamodb: 'https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-eventsourcemapping.html',
  msk: 'https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html',
  kafka: 'https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-permissions.html',
  mq: 'https://docs.aws.amazon.com/lambda/latest/dg/process-mq-messages-with-lambda.html',
  documentdb: 'https://docs.aws.amazon.com/lambda/latest/dg/with-documentdb.html',
  onFailure: 'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html',
  logs: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html',
  vpc: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
  xray: 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
  async: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html',
  trust: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  sqsKeys:
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
  kinesisKeys: 'https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html',
  snsKeys: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
} as const;

/** The catalog. Order matters only for reading and for the order of the recommended statements. */
export const REQUIREMENT_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'logs',
    title: 'CloudWatch Logs',
    scope: { kind: 'logs' },
    recognisedBy: 'every function; log group = LoggingConfig.LogGroup, else /aws/lambda/FUNCTION_NAME',
    docsUrl: DOCS.logs,
    severity: 'high',
    needs: [
      {
        anyOf: ['logs:CreateLogStream'],
        resource: 'arn:{P}:logs:{R}:{A}:log-group:{logGroup}:log-stream:*',
        anyName: true,
        grant: 'arn:{P}:logs:{R}:{A}:log-group:{logGroup}:*',
        sid: 'WriteLogs',
        breaks: 'the function cannot create log streams in {logGroup}: its logs are lost',
      },
      {
        anyOf: ['logs:PutLogEvents'],
        resource: 'arn:{P}:logs:{R}:{A}:log-group:{logGroup}:log-stream:*',
        anyName: true,
        grant: 'arn:{P}:logs:{R}:{A}:log-group:{logGroup}:*',
        sid: 'WriteLogs',
        breaks: 'the function cannot write to its log group {logGroup}: its logs are lost',
      },
    ],
  },
  {
    id: 'vpc',
    title: 'VPC access',
    scope: { kind: 'vpc' },
    recognisedBy: 'VpcConfig.SubnetIds not empty',
    docsUrl: DOCS.vpc,
    severity: 'high',
    needs: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ].map((action) =>
      networkNeed(
        action,
        'VpcNetworkInterfaces',
        "Lambda cannot manage the function's network interfaces in its VPC: updates fail, and an idle function cannot become active again",
      ),
    ),
  },
  {
    id: 'tracing',
    title: 'Active tracing (X-Ray)',
    scope: { kind: 'tracing' },
    recognisedBy: 'TracingConfig.Mode = Active',
    docsUrl: DOCS.xray,
    severity: 'medium',
    needs: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => ({
      anyOf: [action],
      resource: '*',
      sid: 'WriteTraces',
      breaks: 'the function cannot send trace data to X-Ray: traces are lost',
    })),
  },
  {
    id: 'dead-letter-sqs',
    title: 'Dead-letter queue (SQS)',
    scope: { kind: 'dead-letter', destination: 'sqs' },
    recognisedBy: 'DeadLetterConfig.TargetArn is a queue ARN',
    docsUrl: DOCS.async,
    severity: 'high',
    needs: [
      {
        anyOf: ['sqs:SendMessage'],
        resource: '{target}',
        sid: 'SendToDeadLetterQueue{Name}',
        breaks: 'Lambda cannot send failed events to the dead-letter queue {name}: they are deleted',
      },
    ],
  },
  {
    id: 'dead-letter-sns',
    title: 'Dead-letter topic (SNS)',
    scope: { kind: 'dead-letter', destination: 'sns' },
    recognisedBy: 'DeadLetterConfig.TargetArn is a topic ARN',
    docsUrl: DOCS.async,
    severity: 'high',
    needs: [
      {
        anyOf: ['sns:Publish'],
        resource: '{target}',
        sid: 'PublishToDeadLetterTopic{Name}',
        breaks: 'Lambda cannot publish failed events to the dead-letter topic {name}: they are deleted',
      },
    ],
  },
  ...asyncDestinations(),
  {
    id: 'sqs',
    title: 'Amazon SQS event source',
    scope: { kind: 'event-source', source: 'sqs' },
    recognisedBy: 'EventSourceArn arn:P:sqs:R:A:QUEUE',
    docsUrl: DOCS.sqs,
    severity: 'high',
    family: 'sqs',
    needs: [
      {
        anyOf: ['sqs:ReceiveMessage'],
        resource: '{source}',
        sid: 'ReadQueue{Name}',
        breaks: 'Lambda cannot receive messages from queue {name}: the mapping delivers nothing',
      },
      {
        anyOf: ['sqs:DeleteMessage'],
        resource: '{source}',
        sid: 'ReadQueue{Name}',
        breaks:
          'Lambda cannot delete processed messages from queue {name}: they return after the visibility timeout and are processed again',
      },
      {
        anyOf: ['sqs:GetQueueAttributes'],
        resource: '{source}',
        sid: 'ReadQueue{Name}',
        breaks:
          'Lambda cannot read the attributes of queue {name}: the mapping cannot be created, updated or polled',
      },
    ],
  },
  {
    id: 'kinesis',
    title: 'Amazon Kinesis stream event source',
    scope: { kind: 'event-source', source: 'kinesis' },
    recognisedBy: 'EventSourceArn arn:P:kinesis:R:A:stream/NAME',
    docsUrl: DOCS.kinesis,
    severity: 'high',
    family: 'kinesis',
    needs: kinesisStreamNeeds(),
  },
  {
    id: 'kinesis-consumer',
    title: 'Amazon Kinesis enhanced fan-out consumer event source',
    scope: { kind: 'event-source', source: 'kinesis-consumer' },
    recognisedBy: 'EventSourceArn arn:P:kinesis:R:A:stream/NAME/consumer/CONSUMER:TIMESTAMP',
    docsUrl: DOCS.kinesis,
    severity: 'high',
    family: 'kinesis',
    needs: [
      ...kinesisStreamNeeds(),
      {
        anyOf: ['kinesis:SubscribeToShard'],
        resource: '{consumer}',
        sid: 'SubscribeConsumer{Name}',
        breaks: 'Lambda cannot subscribe to the shards of consumer {name}: the mapping delivers nothing',
      },
    ],
  },
  {
    id: 'dynamodb-streams',
    title: 'Amazon DynamoDB Streams event source',
    scope: { kind: 'event-source', source: 'dynamodb-streams' },
    recognisedBy: 'EventSourceArn arn:P:dynamodb:R:A:table/TABLE/stream/LABEL',
    docsUrl: DOCS.dynamodb,
    severity: 'high',
    family: 'dynamodb-streams',
    needs: [
      {
        anyOf: ['dynamodb:DescribeStream'],
        resource: '{source}',
        sid: 'ReadTableStream{Name}',
        breaks: 'Lambda cannot describe the stream of table {name}: the mapping cannot find its shards',
      },
      {
        anyOf: ['dynamodb:GetRecords'],
        resource: '{source}',
        sid: 'ReadTableStream{Name}',
        breaks: 'Lambda cannot read records from the stream of table {name}: the mapping delivers nothing',
      },
      {
        anyOf: ['dynamodb:GetShardIterator'],
        resource: '{source}',
        sid: 'ReadTableStream{Name}',
        breaks:
          'Lambda cannot get shard iterators of the stream of table {name}: the mapping cannot read or retry',
      },
      {
        anyOf: ['dynamodb:ListStreams'],
        resource: '*',
        sid: 'ListTableStreams',
        breaks: 'Lambda cannot list DynamoDB streams: the mapping for table {name} cannot be managed',
      },
    ],
  },
  {
    id: 'msk',
    title: 'Amazon MSK event source',
    scope: { kind: 'event-source', source: 'msk' },
    recognisedBy: 'EventSourceArn arn:P:kafka:R:A:cluster/NAME/UUID',
    docsUrl: DOCS.msk,
    severity: 'high',
    family: 'kafka',
    needs: [
      {
        anyOf: ['kafka:DescribeClusterV2', 'kafka:DescribeCluster'],
        resource: '{source}',
        sid: 'DescribeKafkaCluster{Name}',
        breaks:
          'Lambda cannot describe MSK cluster {name} (either kafka:DescribeClusterV2 or kafka:DescribeCluster is enough): the mapping cannot connect',
      },
      {
        anyOf: ['kafka:GetBootstrapBrokers'],
        resource: '*',
        sid: 'GetKafkaBootstrapBrokers',
        breaks: 'Lambda cannot get the bootstrap brokers of MSK cluster {name}: the mapping cannot connect',
      },
      ...ESM_NETWORK,
      // With an authentication secret Lambda uses it; the secret need is the `msk-secret` entry.
      ...withCondition(
        [
          {
            anyOf: ['kafka-cluster:Connect'],
            resource: '{source}',
            sid: 'KafkaConnect{Name}',
            breaks: 'Lambda cannot connect to MSK cluster {name} with IAM authentication',
          },
          {
            anyOf: ['kafka-cluster:DescribeGroup'],
            resource: '{group}',
            sid: 'KafkaConsumerGroup{Name}',
            breaks: 'Lambda cannot describe its consumer group on MSK cluster {name} with IAM authentication',
          },
          {
            anyOf: ['kafka-cluster:AlterGroup'],
            resource: '{group}',
            sid: 'KafkaConsumerGroup{Name}',
            breaks: 'Lambda cannot join its consumer group on MSK cluster {name} with IAM authentication',
          },
          {
            anyOf: ['kafka-cluster:DescribeTopic'],
            resource: '{topic}',
            sid: 'KafkaReadTopics{Name}',
            breaks: 'Lambda cannot describe topic {item} of MSK cluster {name} with IAM authentication',
          },
          {
            anyOf: ['kafka-cluster:ReadData'],
            resource: '{topic}',
            sid: 'KafkaReadTopics{Name}',
            breaks: 'Lambda cannot read topic {item} of MSK cluster {name} with IAM authentication',
          },
        ].map((need) => ({
          ...need,
          unverifiable:
            'the mapping has no authentication secret, so Lambda uses IAM authentication if the cluster has it enabled; whether it does is not visible in the mapping',
        })),
        'no-auth-secret',
      ),
    ],
  },
  {
    id: 'msk-secret',
    title: 'Amazon MSK authentication secret',
    scope: { kind: 'event-source', source: 'msk' },
    recognisedBy: 'an MSK mapping whose SourceAccessConfigurations hold a *_AUTH or *_CERTIFICATE secret',
    docsUrl: DOCS.msk,
    severity: 'high',
    needs: [SECRET_NEED],
  },
  {
    id: 'self-managed-kafka',
    title: 'Self-managed Apache Kafka event source',
    scope: { kind: 'event-source', source: 'self-managed-kafka' },
    recognisedBy: 'SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS',
    docsUrl: DOCS.kafka,
    severity: 'high',
    needs: [SECRET_NEED, ...withCondition(ESM_NETWORK, 'vpc-subnet')],
  },
  {
    id: 'mq',
    title: 'Amazon MQ event source',
    scope: { kind: 'event-source', source: 'mq' },
    recognisedBy: 'EventSourceArn arn:P:mq:R:A:broker:NAME:ID',
    docsUrl: DOCS.mq,
    severity: 'high',
    family: 'mq',
    needs: [
      {
        anyOf: ['mq:DescribeBroker'],
        resource: '{source}',
        sid: 'DescribeBroker{Name}',
        breaks: 'Lambda cannot describe broker {name}: the mapping cannot connect',
      },
      SECRET_NEED,
      ...ESM_NETWORK,
    ],
  },
  {
    id: 'documentdb',
    title: 'Amazon DocumentDB change stream event source',
    scope: { kind: 'event-source', source: 'documentdb' },
    recognisedBy: 'EventSourceArn arn:P:rds:R:A:cluster:NAME',
    docsUrl: DOCS.documentdb,
    severity: 'high',
    family: 'documentdb',
    needs: [
      {
        anyOf: ['rds:DescribeDBClusters'],
        resource: '{source}',
        sid: 'DescribeDocumentDbCluster{Name}',
        breaks: 'Lambda cannot describe DocumentDB cluster {name}: the mapping cannot connect',
      },
      {
        anyOf: ['rds:DescribeDBClusterParameters'],
        resource: 'arn:{P}:rds:{R}:{A}:cluster-pg:*',
        anyName: true,
        sid: 'DescribeDocumentDbSettings',
        mode: 'any-grant',
        breaks: 'Lambda cannot read the parameters of DocumentDB cluster {name}: the mapping cannot connect',
      },
      {
        anyOf: ['rds:DescribeDBSubnetGroups'],
        resource: 'arn:{P}:rds:{R}:{A}:subgrp:*',
        anyName: true,
        sid: 'DescribeDocumentDbSettings',
        mode: 'any-grant',
        breaks:
          'Lambda cannot read the subnet group of DocumentDB cluster {name}: the mapping cannot connect',
      },
      SECRET_NEED,
      ...ESM_NETWORK,
    ],
  },
  {
    id: 'esm-on-failure-sqs',
    title: 'On-failure destination of a mapping (SQS)',
    scope: { kind: 'esm-on-failure', destination: 'sqs' },
    recognisedBy: 'DestinationConfig.OnFailure.Destination of a mapping is a queue ARN',
    docsUrl: DOCS.onFailure,
    severity: 'high',
    needs: [
      {
        anyOf: ['sqs:SendMessage'],
        resource: '{target}',
        sid: 'SendFailedRecords{Name}',
        breaks: 'Lambda cannot send records that failed processing to queue {name}: they are lost',
      },
    ],
  },
  {
    id: 'esm-on-failure-sns',
    title: 'On-failure destination of a mapping (SNS)',
    scope: { kind: 'esm-on-failure', destination: 'sns' },
    recognisedBy: 'DestinationConfig.OnFailure.Destination of a mapping is a topic ARN',
    docsUrl: DOCS.onFailure,
    severity: 'high',
    needs: [
      {
        anyOf: ['sns:Publish'],
        resource: '{target}',
        sid: 'PublishFailedRecords{Name}',
        breaks: 'Lambda cannot publish records that failed processing to topic {name}: they are lost',
      },
    ],
  },
  {
    id: 'esm-on-failure-s3',
    title: 'On-failure destination of a mapping (S3)',
    scope: { kind: 'esm-on-failure', destination: 's3' },
    recognisedBy: 'DestinationConfig.OnFailure.Destination of a mapping is a bucket ARN arn:P:s3:::BUCKET',
    docsUrl: DOCS.onFailure,
    severity: 'high',
    needs: S3_DESTINATION('WriteFailedRecords{Name}', 'records that failed processing'),
  },
  ...kmsEntries(),
  {
    id: 'trust-policy',
    title: 'Trust policy',
    scope: { kind: 'trust-policy' },
    recognisedBy: 'every role: sts:AssumeRole allowed to Service lambda.amazonaws.com (rules trust-policy-*)',
    docsUrl: DOCS.trust,
    severity: 'critical',
    needs: [],
  },
];

/**
 * Customer managed keys (requirements.md §2a, decided 2026-12-02): the role needs the key's permissions on
 * the key ARN, once the key of the queue, stream, topic or secret is known to be customer managed. AWS
 * managed keys (`alias/aws/…`) need nothing: their key policies let every principal of the account use them
 * through the service. The key policy is a resource policy, out of scope.
 */
function kmsEntries(): CatalogEntry[] {
  const entry = (
    use: KmsUse,
    title: string,
    recognisedBy: string,
    docsUrl: string,
    needs: readonly { action: string; sid: string; breaks: string }[],
  ): CatalogEntry => ({
    id: `kms-${use}`,
    title: `Customer managed key: ${title}`,
    scope: { kind: 'kms', use },
    recognisedBy,
    docsUrl,
    severity: 'high',
    needs: needs.map((need) => ({
      anyOf: [need.action],
      resource: '{key}',
      sid: need.sid,
      breaks: need.breaks,
    })),
  });
  const sendNeeds = (what: string, sid: string, breaks: string) => [
    {
      action: 'kms:GenerateDataKey',
      sid,
      breaks: `Lambda cannot encrypt what it sends to ${what} {name} with its key: ${breaks}`,
    },
    {
      action: 'kms:Decrypt',
      sid,
      breaks: `Lambda cannot use the data key of ${what} {name}: ${breaks}`,
    },
  ];
  return [
    entry(
      'read-queue',
      'SQS source queue',
      'an SQS mapping whose queue KmsMasterKeyId is a customer managed key',
      DOCS.sqs,
      [
        {
          action: 'kms:Decrypt',
          sid: 'DecryptQueue{Name}',
          breaks: 'Lambda cannot decrypt the messages of queue {name}: the mapping delivers nothing',
        },
      ],
    ),
    entry(
      'read-stream',
      'Kinesis source stream',
      'a Kinesis mapping (stream or consumer) whose stream KeyId is a customer managed key',
      DOCS.kinesisKeys,
      [
        {
          action: 'kms:Decrypt',
          sid: 'DecryptStream{Name}',
          breaks: 'Lambda cannot decrypt the records of stream {name}: the mapping delivers nothing',
        },
      ],
    ),
    entry(
      'read-secret',
      'authentication secret of a Kafka, Amazon MQ or DocumentDB mapping',
      'a *_AUTH or *_CERTIFICATE secret of a mapping whose KmsKeyId is a customer managed key',
      DOCS.kafka,
      [
        {
          action: 'kms:Decrypt',
          sid: 'DecryptSecret{Name}',
          breaks: 'Lambda cannot decrypt the secret {name} that authenticates the mapping: it cannot connect',
        },
      ],
    ),
    entry(
      'send-queue',
      'SQS queue Lambda sends to (dead-letter queue, on-failure or asynchronous destination)',
      'a queue DeadLetterConfig, on-failure or OnSuccess/OnFailure destination whose KmsMasterKeyId is a customer managed key',
      DOCS.sqsKeys,
      sendNeeds('queue', 'EncryptForQueue{Name}', 'what it sends is lost'),
    ),
    entry(
      'publish-topic',
      'SNS topic Lambda publishes to (dead-letter topic, on-failure or asynchronous destination)',
      'a topic DeadLetterConfig, on-failure or OnSuccess/OnFailure destination whose KmsMasterKeyId is a customer managed key (AWS documents kms:GenerateDataKey*, which covers kms:GenerateDataKey)',
      DOCS.snsKeys,
      sendNeeds('topic', 'EncryptForTopic{Name}', 'what it publishes is lost'),
    ),
  ];
}

function asyncDestinations(): CatalogEntry[] {
  const common = (
    destination: DestinationKind,
    title: string,
    recognisedBy: string,
    needs: ActionNeed[],
  ): CatalogEntry => ({
    id: `async-destination-${destination}`,
    title: `Asynchronous invocation destination (${title})`,
    scope: { kind: 'async-destination', destination },
    recognisedBy: `an event invoke config's DestinationConfig.OnSuccess or OnFailure is ${recognisedBy}`,
    docsUrl: DOCS.async,
    severity: 'high',
    needs,
  });
  return [
    common('sqs', 'SQS', 'a queue ARN', [
      {
        anyOf: ['sqs:SendMessage'],
        resource: '{target}',
        sid: 'SendInvocationRecords{Name}',
        breaks: 'Lambda cannot send invocation records to queue {name}: they are lost',
      },
    ]),
    common('sns', 'SNS', 'a topic ARN', [
      {
        anyOf: ['sns:Publish'],
        resource: '{target}',
        sid: 'PublishInvocationRecords{Name}',
        breaks: 'Lambda cannot publish invocation records to topic {name}: they are lost',
      },
    ]),
    common('lambda', 'Lambda', 'a function ARN', [
      {
        anyOf: ['lambda:InvokeFunction'],
        resource: '{target}',
        sid: 'InvokeDestination{Name}',
        breaks: 'Lambda cannot invoke destination function {name}: invocation records are lost',
      },
    ]),
    common('eventbridge', 'EventBridge', 'an event bus ARN', [
      {
        anyOf: ['events:PutEvents'],
        resource: '{target}',
        sid: 'PutInvocationEvents{Name}',
        breaks: 'Lambda cannot put invocation records on event bus {name}: they are lost',
      },
    ]),
    common(
      's3',
      'S3',
      'a bucket ARN (on failure only)',
      S3_DESTINATION('WriteInvocationRecords{Name}', 'invocation records'),
    ),
  ];
}

/**
 * Actions that are never reported missing and never reported as excess when the function has the
 * matching setting or source (requirements.md §2).
 */
export const OPTIONAL_ACTIONS: readonly {
  readonly action: string;
  readonly when: string;
  readonly why: string;
}[] = [
  {
    action: 'logs:CreateLogGroup',
    when: 'every function',
    why: "needed only when the log group does not exist yet; the recommended policy includes it on the function's own group",
  },
  { action: 'kinesis:ListStreams', when: 'Kinesis mappings', why: 'console and older documentation' },
  { action: 'kinesis:ListStreamConsumers', when: 'Kinesis mappings', why: 'console' },
  {
    action: 'kinesis:DescribeStreamConsumer',
    when: 'Kinesis mappings',
    why: 'AWS CDK grants it for consumers',
  },
  {
    action: 'kafka-cluster:DescribeClusterDynamicConfiguration',
    when: 'MSK mappings',
    why: 'older MSK documentation',
  },
  { action: 'xray:GetSamplingRules', when: 'active tracing', why: 'X-Ray SDK sampling' },
  { action: 'xray:GetSamplingTargets', when: 'active tracing', why: 'X-Ray SDK sampling' },
  { action: 'xray:GetSamplingStatisticSummaries', when: 'active tracing', why: 'X-Ray SDK sampling' },
  {
    action: 'kms:Decrypt',
    when: 'an encrypted queue, stream, topic or secret',
    why: 'required on a customer managed key once the key is known (the kms-* entries); never reported as excess',
  },
  {
    action: 'elasticfilesystem:ClientMount',
    when: 'FileSystemConfigs',
    why: 'needed only when the file system has a resource policy',
  },
  {
    action: 'elasticfilesystem:ClientWrite',
    when: 'FileSystemConfigs',
    why: 'needed only when the file system has a resource policy',
  },
];

/** The actions of each event-source family, as AWS spells them (required and optional). */
export const SOURCE_FAMILIES: Readonly<
  Record<SourceFamily, { readonly title: string; readonly actions: readonly string[] }>
> = {
  sqs: {
    title: 'SQS queue consumption',
    actions: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ChangeMessageVisibility',
    ],
  },
  kinesis: {
    title: 'Kinesis stream reading',
    actions: [
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'kinesis:SubscribeToShard',
      'kinesis:ListStreams',
      'kinesis:ListStreamConsumers',
      'kinesis:DescribeStreamConsumer',
    ],
  },
  'dynamodb-streams': {
    title: 'DynamoDB Streams reading',
    actions: [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ],
  },
  kafka: {
    title: 'Amazon MSK consumption',
    actions: [
      'kafka:DescribeCluster',
      'kafka:DescribeClusterV2',
      'kafka:GetBootstrapBrokers',
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeGroup',
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
      'kafka-cluster:DescribeClusterDynamicConfiguration',
    ],
  },
  mq: { title: 'Amazon MQ consumption', actions: ['mq:DescribeBroker'] },
  documentdb: {
    title: 'DocumentDB change stream consumption',
    actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups'],
  },
};

const FAMILY_BY_ACTION = new Map<string, SourceFamily>(
  Object.entries(SOURCE_FAMILIES).flatMap(([family, { actions }]) =>
    actions.map((action) => [action.toLowerCase(), family as SourceFamily] as const),
  ),
);

/** The event-source family an action belongs to, if any. Case-insensitive. */
export function familyOfAction(action: string): SourceFamily | undefined {
  return FAMILY_BY_ACTION.get(action.toLowerCase());
}

/** The event-source family of each source kind (self-managed Kafka needs no `kafka:` action). */
export const FAMILY_OF_SOURCE: Readonly<Record<EventSourceKind, SourceFamily | undefined>> = {
  sqs: 'sqs',
  kinesis: 'kinesis',
  'kinesis-consumer': 'kinesis',
  'dynamodb-streams': 'dynamodb-streams',
  msk: 'kafka',
  'self-managed-kafka': undefined,
  mq: 'mq',
  documentdb: 'documentdb',
};
