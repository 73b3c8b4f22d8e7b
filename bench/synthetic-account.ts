/**
 * A synthetic account export for the benchmark: N functions in groups of three sharing a role, every event
 * source type and function setting of the requirement catalog, policy documents as JSON objects and as
 * URL-encoded strings (alternating roles), customer managed policies with old non-default versions, and a
 * realistic share of broken roles (typos, missing actions, denies, wildcards, deleted roles). Fields the
 * audit ignores are written too (CodeSha256, RevisionId, …) so that files have the size the AWS CLI would
 * print, and the parse floor measures what a real export costs. Deterministic: same N, same bytes.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (service: string, rest: string): string => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;

type Statement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
};
type Document = { Version: '2012-10-17'; Statement: Statement[] };
const documentOf = (...statements: Statement[]): Document => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allow = (Sid: string, Action: string | string[], Resource: string | string[]): Statement => ({
  Sid,
  Effect: 'Allow',
  Action,
  Resource,
});
/** RFC 3986, as the IAM API encodes documents (encodeURIComponent leaves !'()* alone). */
const urlEncode = (document: Document): string =>
  encodeURIComponent(JSON.stringify(document)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const NETWORK = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];
const KINESIS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
];
const KINDS = [
  'sqs',
  'kinesis',
  'efo',
  'dynamodb',
  'msk-scram',
  'msk-iam',
  'kafka',
  'mq',
  'docdb',
  'async',
] as const;
type Kind = (typeof KINDS)[number];
const FAILURE_DESTINATIONS = [
  (i: number) => arn('sqs', `failures-${i}`),
  (i: number) => arn('sns', `failures-${i}`),
  (i: number) => `arn:aws:s3:::failed-batches-${i}`,
];
const ASYNC_DESTINATIONS = [
  (i: number) => arn('sqs', `async-${i}`),
  (i: number) => arn('sns', `async-${i}`),
  (i: number) => arn('lambda', `function:async-target-${i}`),
  (i: number) => arn('events', `event-bus/bus-${i % 20}`),
  (i: number) => `arn:aws:s3:::async-results-${i}`,
];

interface SyntheticFunction {
  readonly index: number;
  readonly name: string;
  readonly kind: Kind;
  readonly roleIndex: number;
  readonly logGroup: string;
  readonly vpc: boolean;
  readonly tracing: boolean;
  readonly dlq?: string;
}

function describeFunction(index: number): SyntheticFunction {
  const kind = KINDS[index % KINDS.length] ?? 'sqs';
  const name = `svc-${String(index).padStart(5, '0')}-${kind}`;
  return {
    index,
    name,
    kind,
    roleIndex: Math.floor(index / 3),
    logGroup: index % 6 === 0 ? `/platform/${name}` : `/aws/lambda/${name}`,
    vpc: index % 4 === 0,
    tracing: index % 5 === 0,
    ...(index % 9 === 0
      ? { dlq: index % 2 === 0 ? arn('sqs', `dlq-${index}`) : arn('sns', `dlq-${index}`) }
      : {}),
  };
}

const mskCluster = (i: number) =>
  arn('kafka', `cluster/events-${i % 7}/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-${i % 7}`);
const secret = (i: number) => arn('secretsmanager', `secret:AmazonMSK_svc-${i}-AbCdEf`);

/** The statements a function needs, written the way a careful engineer would. */
function statementsFor(fn: SyntheticFunction): Statement[] {
  const i = fn.index;
  const statements: Statement[] = [
    allow('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], arn('logs', `log-group:${fn.logGroup}:*`)),
  ];
  const onFailure = FAILURE_DESTINATIONS[i % 3]?.(i);
  const failureStatement = (destination: string | undefined): Statement[] => {
    if (!destination) return [];
    if (destination.includes(':sqs:')) return [allow('OnFailure', 'sqs:SendMessage', destination)];
    if (destination.includes(':sns:')) return [allow('OnFailure', 'sns:Publish', destination)];
    return [
      allow('OnFailureObjects', 's3:PutObject', `${destination}/*`),
      allow('OnFailureBucket', 's3:ListBucket', destination),
    ];
  };
  switch (fn.kind) {
    case 'sqs':
      statements.push(
        allow(
          'Queue',
          ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          arn('sqs', `queue-${i}`),
        ),
      );
      break;
    case 'kinesis':
      statements.push(
        allow('Stream', KINESIS, arn('kinesis', `stream/stream-${i}`)),
        ...failureStatement(onFailure),
      );
      break;
    case 'efo':
      statements.push(
        allow('Stream', KINESIS, arn('kinesis', `stream/stream-${i}`)),
        allow(
          'Consumer',
          'kinesis:SubscribeToShard',
          arn('kinesis', `stream/stream-${i}/consumer/c-${i}:1700000000`),
        ),
        ...failureStatement(onFailure),
      );
      break;
    case 'dynamodb':
      statements.push(
        allow(
          'Stream',
          ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          arn('dynamodb', `table/Table${i}/stream/2026-01-01T00:00:00.000`),
        ),
        allow('ListStreams', 'dynamodb:ListStreams', '*'),
        ...failureStatement(onFailure),
      );
      break;
    case 'msk-scram':
      statements.push(
        allow('Cluster', 'kafka:DescribeClusterV2', mskCluster(i)),
        allow('Brokers', 'kafka:GetBootstrapBrokers', '*'),
        allow('Network', NETWORK, '*'),
        allow('Secret', 'secretsmanager:GetSecretValue', secret(i)),
        ...failureStatement(onFailure),
      );
      break;
    case 'msk-iam': {
      const cluster = mskCluster(i);
      const [, path] = cluster.split(':cluster/');
      statements.push(
        allow('Cluster', 'kafka:DescribeClusterV2', cluster),
        allow('Brokers', 'kafka:GetBootstrapBrokers', '*'),
        allow('Network', NETWORK, '*'),
        allow('Connect', 'kafka-cluster:Connect', cluster),
        allow(
          'Group',
          ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
          arn('kafka', `group/${path}/${fn.name}`),
        ),
        allow(
          'Topic',
          ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          arn('kafka', `topic/${path}/topic-${i % 13}`),
        ),
      );
      break;
    }
    case 'kafka':
      statements.push(
        allow('Secret', 'secretsmanager:GetSecretValue', secret(i)),
        allow('Network', NETWORK, '*'),
      );
      break;
    case 'mq':
      statements.push(
        allow('Broker', 'mq:DescribeBroker', arn('mq', `broker:broker-${i}:b-${i}`)),
        allow('Secret', 'secretsmanager:GetSecretValue', secret(i)),
        allow('Network', NETWORK, '*'),
      );
      break;
    case 'docdb':
      statements.push(
        allow('Cluster', 'rds:DescribeDBClusters', arn('rds', `cluster:docdb-${i}`)),
        allow('ClusterSettings', ['rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups'], '*'),
        allow('Secret', 'secretsmanager:GetSecretValue', secret(i)),
        allow('Network', NETWORK, '*'),
      );
      break;
    case 'async': {
      const destination = ASYNC_DESTINATIONS[i % 5]?.(i) ?? '';
      const action = destination.includes(':lambda:')
        ? 'lambda:InvokeFunction'
        : destination.includes(':events:')
          ? 'events:PutEvents'
          : undefined;
      statements.push(
        ...(action ? [allow('OnSuccess', action, destination)] : failureStatement(destination)),
      );
      break;
    }
  }
  if (fn.vpc) statements.push(allow('Vpc', VPC_ACTIONS, '*'));
  if (fn.tracing)
    statements.push(allow('Tracing', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'));
  if (fn.dlq)
    statements.push(allow('Dlq', fn.dlq.includes(':sqs:') ? 'sqs:SendMessage' : 'sns:Publish', fn.dlq));
  return statements;
}

/** The ways people break roles, applied to some roles so the audit has findings to write. */
function breakRole(roleIndex: number, documents: Document[]): Document[] {
  const first = documents[0];
  if (!first) return documents;
  if (roleIndex % 7 === 1) {
    const statement = first.Statement.find(
      (s) => Array.isArray(s.Action) && s.Action.includes('sqs:ReceiveMessage'),
    );
    if (statement && Array.isArray(statement.Action)) {
      statement.Action = statement.Action.map((a) => (a === 'sqs:ReceiveMessage' ? 'sqs:RecieveMessage' : a));
    }
  }
  if (roleIndex % 11 === 2) first.Statement.splice(first.Statement.length - 1, 1);
  if (roleIndex % 17 === 3) return [...documents, documentOf(allow('Admin', '*', '*'))];
  if (roleIndex % 19 === 4) {
    return [
      ...documents,
      documentOf({ Sid: 'Guard', Effect: 'Deny', Action: 'sqs:DeleteMessage', Resource: '*' }),
    ];
  }
  return documents;
}

/**
 * How the findings-heavy account (bench/findings-heavy-account.ts) breaks nine roles in ten, on top of the
 * breakage above. Each function's own document loses the last action of its logs statement and of its
 * event-source statement, and its last other grant (missing permissions); grants its event-source statement
 * on every resource of the service in the account and region (overbroad); and gains consumer access to
 * another team's queue and stream (unused source permissions) and a service wildcard. Most functions then
 * have several missing and several excess findings, as in an account whose roles were written by hand.
 */
function breakRoleHeavily(roleIndex: number, documents: Document[]): Document[] {
  if (roleIndex % 10 === 0) return documents;
  return documents.map((document, n) => {
    const [logs, source, ...rest] = document.Statement;
    if (logs === undefined || source === undefined) return document;
    const other = `other-${roleIndex}-${n}`;
    const trimmed = (statement: Statement): Statement =>
      Array.isArray(statement.Action) && statement.Action.length > 1
        ? { ...statement, Action: statement.Action.slice(0, -1) }
        : statement;
    const widened = (statement: Statement): Statement => ({
      ...statement,
      Resource: (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(
        (resource) => (resource === '*' ? resource : `${resource.split(':').slice(0, 5).join(':')}:*`),
      ),
    });
    return documentOf(
      trimmed(logs),
      widened(trimmed(source)),
      // The last grant of the function's settings or destinations is gone (a third missing permission).
      ...rest.slice(0, -1),
      allow(
        'OtherTeamQueue',
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        arn('sqs', `${other}-queue`),
      ),
      allow(
        'OtherTeamStream',
        ['kinesis:GetRecords', 'kinesis:GetShardIterator'],
        arn('kinesis', `stream/${other}`),
      ),
      allow('Reports', ['s3:*'], `arn:aws:s3:::reports-${roleIndex % 50}/*`),
    );
  });
}

const PLATFORM_POLICIES = 40;

export interface SyntheticAccountStats {
  readonly functions: number;
  readonly roles: number;
  readonly eventSourceMappings: number;
  readonly bytes: number;
}

export interface SyntheticAccountOptions {
  /** Break nine roles in ten heavily (bench/findings-heavy-account.ts) rather than a realistic few. */
  readonly findingsHeavy?: boolean;
}

/** Writes the four export files of a synthetic account of `functionCount` functions into `folder`. */
export function writeSyntheticAccount(
  folder: string,
  functionCount: number,
  options: SyntheticAccountOptions = {},
): SyntheticAccountStats {
  mkdirSync(folder, { recursive: true });
  const fns = Array.from({ length: functionCount }, (_, index) => describeFunction(index));
  const byRole = new Map<number, SyntheticFunction[]>();
  for (const fn of fns) byRole.set(fn.roleIndex, [...(byRole.get(fn.roleIndex) ?? []), fn]);

  const roleArn = (roleIndex: number) =>
    `arn:aws:iam::${ACCOUNT}:role/service-role/workload-${roleIndex}-role`;
  const roles = [...byRole.entries()]
    // Every 97th role was deleted: its functions must get role-unavailable.
    .filter(([roleIndex]) => roleIndex % 97 !== 5)
    .map(([roleIndex, members]) => {
      const encoded = roleIndex % 2 === 1;
      const encode = (document: Document) => (encoded ? urlEncode(document) : document);
      const written = members.map((fn) => documentOf(...statementsFor(fn)));
      const documents = breakRole(
        roleIndex,
        options.findingsHeavy === true ? breakRoleHeavily(roleIndex, written) : written,
      );
      const trust = documentOf({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      } as unknown as Statement);
      return {
        Path: '/service-role/',
        RoleName: `workload-${roleIndex}-role`,
        RoleId: `AROA${String(roleIndex).padStart(17, '0')}`,
        Arn: roleArn(roleIndex),
        CreateDate: '2025-02-01T12:00:00+00:00',
        AssumeRolePolicyDocument: encode(trust),
        InstanceProfileList: [],
        RolePolicyList: documents.map((document, n) => ({
          PolicyName: members[n]?.name ?? `extra-${n}`,
          PolicyDocument: encode(document),
        })),
        AttachedManagedPolicies: [
          {
            PolicyName: `platform-${roleIndex % PLATFORM_POLICIES}`,
            PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/platform-${roleIndex % PLATFORM_POLICIES}`,
          },
          ...(roleIndex % 13 === 0
            ? [
                {
                  PolicyName: 'AWSLambdaBasicExecutionRole',
                  PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
                },
              ]
            : []),
        ],
        Tags: [{ Key: 'team', Value: `team-${roleIndex % 25}` }],
        RoleLastUsed: { LastUsedDate: '2026-11-01T00:00:00+00:00', Region: REGION },
      };
    });

  const platformPolicies = Array.from({ length: PLATFORM_POLICIES }, (_, n) => ({
    PolicyName: `platform-${n}`,
    PolicyId: `ANPA${String(n).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:policy/platform-${n}`,
    Path: '/',
    DefaultVersionId: 'v3',
    AttachmentCount: 40,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: '2025-01-01T00:00:00+00:00',
    UpdateDate: '2026-01-01T00:00:00+00:00',
    PolicyVersionList: ['v1', 'v2', 'v3'].map((VersionId) => {
      const document = documentOf(
        allow(
          'ReadConfig',
          ['ssm:GetParameter', 'ssm:GetParameters'],
          arn('ssm', `parameter/platform/${n}/*`),
        ),
        allow('Metrics', 'cloudwatch:PutMetricData', '*'),
        allow('CreateLogGroup', 'logs:CreateLogGroup', arn('logs', '*')),
        ...(VersionId === 'v1' ? [allow('Old', 'dynamodb:*', '*')] : []),
      );
      return {
        Document: n % 2 === 0 ? document : urlEncode(document),
        VersionId,
        IsDefaultVersion: VersionId === 'v3',
        CreateDate: '2026-01-01T00:00:00+00:00',
      };
    }),
  }));
  const basic = {
    PolicyName: 'AWSLambdaBasicExecutionRole',
    PolicyId: 'ANPAJNCQGXC42545SKXIK',
    Arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    Path: '/service-role/',
    DefaultVersionId: 'v1',
    AttachmentCount: 100,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: '2015-04-09T15:03:43+00:00',
    UpdateDate: '2015-04-09T15:03:43+00:00',
    PolicyVersionList: [
      {
        Document: documentOf(
          allow('', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], '*'),
        ),
        VersionId: 'v1',
        IsDefaultVersion: true,
        CreateDate: '2015-04-09T15:03:43+00:00',
      },
    ],
  };

  const functions = fns.map((fn) => ({
    FunctionName: fn.name,
    FunctionArn: arn('lambda', `function:${fn.name}`),
    Runtime: fn.index % 3 === 0 ? 'python3.13' : 'nodejs22.x',
    Role: roleArn(fn.roleIndex),
    Handler: 'index.handler',
    CodeSize: 10_000 + fn.index,
    Description: `synthetic ${fn.kind} consumer ${fn.index}`,
    Timeout: 30,
    MemorySize: 256,
    LastModified: '2026-10-01T10:00:00.000+0000',
    CodeSha256: 'kR6Aa1Dd3LQ9IhNqD0zJb4j2cRw0PBz3kVsdGx4jYl0=',
    Version: '$LATEST',
    ...(fn.vpc
      ? {
          VpcConfig: {
            SubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
            SecurityGroupIds: ['sg-0a1b2c3d4e5f60003'],
            VpcId: 'vpc-0a1b2c3d4e5f60004',
            Ipv6AllowedForDualStack: false,
          },
        }
      : {}),
    ...(fn.dlq ? { DeadLetterConfig: { TargetArn: fn.dlq } } : {}),
    Environment: { Variables: { STAGE: 'prod', POWERTOOLS_SERVICE_NAME: fn.name } },
    TracingConfig: { Mode: fn.tracing ? 'Active' : 'PassThrough' },
    RevisionId: `00000000-0000-0000-0000-${String(fn.index).padStart(12, '0')}`,
    PackageType: 'Zip',
    Architectures: ['arm64'],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: fn.logGroup },
  }));

  const mappings = fns.flatMap((fn) => mappingsFor(fn));
  const invokeConfigs = fns
    .filter((fn) => fn.kind === 'async')
    .map((fn) => {
      const destination = ASYNC_DESTINATIONS[fn.index % 5]?.(fn.index) ?? '';
      const onSuccess = destination.includes(':lambda:') || destination.includes(':events:');
      return {
        LastModified: '2026-10-01T10:05:00+00:00',
        FunctionArn: `${arn('lambda', `function:${fn.name}`)}:$LATEST`,
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: onSuccess
          ? { OnSuccess: { Destination: destination }, OnFailure: {} }
          : { OnSuccess: {}, OnFailure: { Destination: destination } },
      };
    });

  const files: Record<string, unknown> = {
    'authorization-details.json': {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: roles,
      Policies: [...platformPolicies, basic],
    },
    'functions.json': { Functions: functions },
    'event-source-mappings.json': { EventSourceMappings: mappings },
    'event-invoke-configs.json': { FunctionEventInvokeConfigs: invokeConfigs },
  };
  let bytes = 0;
  for (const [file, content] of Object.entries(files)) {
    // Four-space indentation, as the AWS CLI prints.
    writeFileSync(join(folder, file), `${JSON.stringify(content, null, 4)}\n`);
    bytes += statSync(join(folder, file)).size;
  }
  return { functions: functions.length, roles: roles.length, eventSourceMappings: mappings.length, bytes };
}

function mappingsFor(fn: SyntheticFunction): Record<string, unknown>[] {
  const i = fn.index;
  const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const base = {
    UUID: uuid,
    BatchSize: 100,
    MaximumBatchingWindowInSeconds: 0,
    FunctionArn: arn('lambda', `function:${fn.name}`),
    LastModified: '2026-10-01T10:05:00+00:00',
    State: i % 23 === 0 ? 'Disabled' : 'Enabled',
    StateTransitionReason: 'USER_INITIATED',
    EventSourceMappingArn: arn('lambda', `event-source-mapping:${uuid}`),
  };
  const onFailure = { DestinationConfig: { OnFailure: { Destination: FAILURE_DESTINATIONS[i % 3]?.(i) } } };
  const stream = { StartingPosition: 'LATEST', ParallelizationFactor: 1, MaximumRetryAttempts: 3 };
  switch (fn.kind) {
    case 'sqs':
      return [{ ...base, EventSourceArn: arn('sqs', `queue-${i}`), FunctionResponseTypes: [] }];
    case 'kinesis':
      return [{ ...base, ...stream, ...onFailure, EventSourceArn: arn('kinesis', `stream/stream-${i}`) }];
    case 'efo':
      return [
        {
          ...base,
          ...stream,
          ...onFailure,
          EventSourceArn: arn('kinesis', `stream/stream-${i}/consumer/c-${i}:1700000000`),
        },
      ];
    case 'dynamodb':
      return [
        {
          ...base,
          ...stream,
          ...onFailure,
          EventSourceArn: arn('dynamodb', `table/Table${i}/stream/2026-01-01T00:00:00.000`),
        },
      ];
    case 'msk-scram':
      return [
        {
          ...base,
          ...onFailure,
          StartingPosition: 'LATEST',
          EventSourceArn: mskCluster(i),
          Topics: [`topic-${i % 13}`],
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: secret(i) }],
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: fn.name },
        },
      ];
    case 'msk-iam':
      return [
        {
          ...base,
          StartingPosition: 'LATEST',
          EventSourceArn: mskCluster(i),
          Topics: [`topic-${i % 13}`],
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: fn.name },
        },
      ];
    case 'kafka':
      return [
        {
          ...base,
          StartingPosition: 'LATEST',
          Topics: [`topic-${i % 13}`],
          SelfManagedEventSource: {
            Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [`kafka-${i % 5}.internal:9096`] },
          },
          SourceAccessConfigurations: [
            { Type: 'SASL_SCRAM_512_AUTH', URI: secret(i) },
            { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0a1b2c3d4e5f60001' },
            { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0a1b2c3d4e5f60003' },
          ],
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: fn.name },
        },
      ];
    case 'mq':
      return [
        {
          ...base,
          EventSourceArn: arn('mq', `broker:broker-${i}:b-${i}`),
          Queues: [`queue-${i}`],
          SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: secret(i) }],
        },
      ];
    case 'docdb':
      return [
        {
          ...base,
          StartingPosition: 'LATEST',
          EventSourceArn: arn('rds', `cluster:docdb-${i}`),
          SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: secret(i) }],
          DocumentDBEventSourceConfig: { DatabaseName: 'app', CollectionName: `c${i}` },
        },
      ];
    case 'async':
      return [];
  }
}
