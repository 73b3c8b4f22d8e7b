/**
 * Copies of the AWS managed policies that Lambda execution roles attach most, so that an export without
 * them (or a live read that may not fetch AWS-owned documents) can still be audited. Documents are the
 * default versions as `GetPolicyVersion` returned them (aws-facts.md §1.10 and §2, sources MAMIP and
 * iam-dataset), already in the normalised shape. When the snapshot carries its own copy, that copy wins.
 */
import type { ManagedPolicy } from './model.js';
import type { PolicyStatement } from './policy/document.js';

const LOGS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

interface ShippedPolicy {
  /** Path and name after `arn:PARTITION:iam::aws:policy/`. */
  readonly path: string;
  readonly versionId: string;
  readonly statement: Omit<PolicyStatement, 'id'>;
}

const SHIPPED: readonly ShippedPolicy[] = [
  {
    path: 'service-role/AWSLambdaBasicExecutionRole',
    versionId: 'v1',
    statement: { Effect: 'Allow', Action: LOGS, Resource: ['*'] },
  },
  {
    path: 'service-role/AWSLambdaSQSQueueExecutionRole',
    versionId: 'v1',
    statement: {
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS],
      Resource: ['*'],
    },
  },
  {
    path: 'service-role/AWSLambdaKinesisExecutionRole',
    versionId: 'v2',
    statement: {
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
        'kinesis:ListStreams',
        'kinesis:SubscribeToShard',
        ...LOGS,
      ],
      Resource: ['*'],
    },
  },
  {
    path: 'service-role/AWSLambdaDynamoDBExecutionRole',
    versionId: 'v1',
    statement: {
      Effect: 'Allow',
      Action: [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        ...LOGS,
      ],
      Resource: ['*'],
    },
  },
  {
    path: 'service-role/AWSLambdaMSKExecutionRole',
    versionId: 'v2',
    statement: {
      Effect: 'Allow',
      Action: [
        'kafka:DescribeCluster',
        'kafka:DescribeClusterV2',
        'kafka:GetBootstrapBrokers',
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        ...LOGS,
      ],
      Resource: ['*'],
    },
  },
  {
    path: 'service-role/AWSLambdaVPCAccessExecutionRole',
    versionId: 'v3',
    statement: {
      Sid: 'AWSLambdaVPCAccessExecutionPermissions',
      Effect: 'Allow',
      Action: [
        ...LOGS,
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: ['*'],
    },
  },
  {
    path: 'AWSXRayDaemonWriteAccess',
    versionId: 'v2',
    statement: {
      Sid: 'AWSXRayDaemonWriteAccess',
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:GetSamplingStatisticSummaries',
      ],
      Resource: ['*'],
    },
  },
  {
    path: 'service-role/AWSLambdaENIManagementAccess',
    versionId: 'v2',
    statement: {
      Effect: 'Allow',
      Action: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: ['*'],
    },
  },
];

const AWS_MANAGED_ARN = /^arn:([^:]+):iam::aws:policy\/(.+)$/;

/**
 * The shipped copy of an AWS managed policy, for any partition (`arn:aws-cn:iam::aws:policy/…` too), or
 * `undefined` when we ship none.
 */
export function awsManagedPolicy(policyArn: string): ManagedPolicy | undefined {
  const match = AWS_MANAGED_ARN.exec(policyArn);
  if (match === null) return undefined;
  const shipped = SHIPPED.find((policy) => policy.path === match[2]);
  if (shipped === undefined) return undefined;
  const statement: PolicyStatement = { id: shipped.statement.Sid ?? '0', ...shipped.statement };
  return {
    Arn: policyArn,
    PolicyName: shipped.path.split('/').at(-1) ?? shipped.path,
    DefaultVersionId: shipped.versionId,
    Document: { ok: true, document: { Version: '2012-10-17', Statement: [statement] } },
  };
}

/** The ARNs (partition `aws`) of every policy shipped here. */
export const SHIPPED_AWS_MANAGED_POLICY_ARNS: readonly string[] = SHIPPED.map(
  (policy) => `arn:aws:iam::aws:policy/${policy.path}`,
);
