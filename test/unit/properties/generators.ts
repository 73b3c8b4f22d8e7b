/**
 * fast-check generators of Lambda configurations: a function with random settings, random mappings of
 * every event source type and random event invoke configs, and random role policies drawn from the
 * actions and resources those need (plus wildcards and conditions).
 */
import fc from 'fast-check';
import type {
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
} from '../../../shared/domain/model.js';
import { functionArn, lambdaFunction, PREFIX, type RawStatement } from '../../support/snapshot-builder.js';

const NAMES = ['orders', 'payments', 'clicks', 'audit-log', 'Orders2'] as const;
const name = fc.constantFrom(...NAMES);
const secret = name.map((n) => `arn:aws:secretsmanager:${PREFIX}:secret:${n}-Ab12Cd`);

const destination = fc.oneof(
  name.map((n) => `arn:aws:sqs:${PREFIX}:${n}-dlq`),
  name.map((n) => `arn:aws:sns:${PREFIX}:${n}-alerts`),
  name.map((n) => `arn:aws:s3:::${n.toLowerCase()}-failures`),
);

const asyncDestination = fc.oneof(
  destination,
  name.map((n) => functionArn(`${n}-next`)),
  name.map((n) => `arn:aws:events:${PREFIX}:event-bus/${n}`),
);

let uuid = 0;
function nextUuid(): string {
  uuid += 1;
  return `00000000-0000-0000-0000-${String(uuid).padStart(12, '0')}`;
}

const state = fc.constantFrom('Enabled', 'Disabled');

const mappingArbitrary: fc.Arbitrary<EventSourceMapping> = fc
  .record({
    kind: fc.constantFrom(
      'sqs',
      'kinesis',
      'consumer',
      'dynamodb',
      'msk',
      'msk-secret',
      'kafka',
      'mq',
      'documentdb',
    ),
    name,
    state,
    secret,
    topics: fc.uniqueArray(name, { maxLength: 2 }),
    vpc: fc.boolean(),
    onFailure: fc.option(destination, { nil: undefined }),
  })
  .map(({ kind, name: n, state: s, secret: sec, topics, vpc, onFailure }) => {
    const base = { UUID: nextUuid(), FunctionArn: functionArn('f'), State: s };
    const failure =
      onFailure === undefined ? {} : { DestinationConfig: { OnFailure: { Destination: onFailure } } };
    switch (kind) {
      case 'sqs':
        return { ...base, EventSourceArn: `arn:aws:sqs:${PREFIX}:${n}` };
      case 'kinesis':
        return { ...base, EventSourceArn: `arn:aws:kinesis:${PREFIX}:stream/${n}`, ...failure };
      case 'consumer':
        return {
          ...base,
          EventSourceArn: `arn:aws:kinesis:${PREFIX}:stream/${n}/consumer/c-${n}:1767225600`,
          ...failure,
        };
      case 'dynamodb':
        return {
          ...base,
          EventSourceArn: `arn:aws:dynamodb:${PREFIX}:table/${n}/stream/2026-01-01T00:00:00.000`,
          ...failure,
        };
      case 'msk':
        return {
          ...base,
          EventSourceArn: `arn:aws:kafka:${PREFIX}:cluster/${n}/uuid-1`,
          Topics: topics,
          ...failure,
        };
      case 'msk-secret':
        return {
          ...base,
          EventSourceArn: `arn:aws:kafka:${PREFIX}:cluster/${n}/uuid-2`,
          Topics: topics,
          SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: sec }],
          ...failure,
        };
      case 'kafka':
        return {
          ...base,
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [`${n}.example.com:9096`] } },
          Topics: topics,
          SourceAccessConfigurations: [
            { Type: 'SASL_SCRAM_256_AUTH', URI: sec },
            ...(vpc ? [{ Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' }] : []),
          ],
          ...failure,
        };
      case 'mq':
        return {
          ...base,
          EventSourceArn: `arn:aws:mq:${PREFIX}:broker:${n}:b-1`,
          SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: sec }],
        };
      default:
        return {
          ...base,
          EventSourceArn: `arn:aws:rds:${PREFIX}:cluster:${n}`,
          SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: sec }],
        };
    }
  });

export interface GeneratedFunction {
  readonly fn: FunctionConfiguration;
  readonly mappings: readonly EventSourceMapping[];
  readonly invokeConfigs: readonly EventInvokeConfig[];
}

export const functionArbitrary: fc.Arbitrary<GeneratedFunction> = fc
  .record({
    logGroup: fc.option(
      name.map((n) => `/shop/${n}`),
      { nil: undefined },
    ),
    vpc: fc.boolean(),
    tracing: fc.boolean(),
    deadLetter: fc.option(
      fc.oneof(
        name.map((n) => `arn:aws:sqs:${PREFIX}:${n}-dlq`),
        name.map((n) => `arn:aws:sns:${PREFIX}:${n}-dlq`),
      ),
      { nil: undefined },
    ),
    onSuccess: fc.option(asyncDestination, { nil: undefined }),
    onFailure: fc.option(asyncDestination, { nil: undefined }),
    qualifier: fc.option(fc.constantFrom('live', '3'), { nil: undefined }),
    mappings: fc.array(mappingArbitrary, { maxLength: 4 }),
  })
  .map(({ logGroup, vpc, tracing, deadLetter, onSuccess, onFailure, qualifier, mappings }) => {
    const fn = lambdaFunction('f', {
      ...(logGroup === undefined ? {} : { LoggingConfig: { LogGroup: logGroup } }),
      ...(vpc ? { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } } : {}),
      TracingConfig: { Mode: tracing ? 'Active' : 'PassThrough' },
      ...(deadLetter === undefined ? {} : { DeadLetterConfig: { TargetArn: deadLetter } }),
    });
    const destinations = {
      ...(onSuccess === undefined || onSuccess.startsWith('arn:aws:s3')
        ? {}
        : { OnSuccess: { Destination: onSuccess } }),
      ...(onFailure === undefined ? {} : { OnFailure: { Destination: onFailure } }),
    };
    const invokeConfigs: EventInvokeConfig[] =
      Object.keys(destinations).length === 0
        ? []
        : [
            {
              FunctionArn: `${functionArn('f')}${qualifier === undefined ? '' : `:${qualifier}`}`,
              DestinationConfig: destinations,
            },
          ];
    return { fn, mappings, invokeConfigs };
  });

const ACTION_POOL = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:SendMessage',
  'sqs:*',
  'sns:Publish',
  'kinesis:Get*',
  'kinesis:DescribeStream',
  'kinesis:ListShards',
  'kinesis:SubscribeToShard',
  'dynamodb:GetRecords',
  'dynamodb:ListStreams',
  'kafka:DescribeClusterV2',
  'kafka:GetBootstrapBrokers',
  'kafka-cluster:*',
  'secretsmanager:GetSecretValue',
  'mq:DescribeBroker',
  'rds:Describe*',
  'ec2:*',
  'ec2:CreateNetworkInterface',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:*',
  'xray:PutTraceSegments',
  's3:PutObject',
  's3:ListBucket',
  'lambda:InvokeFunction',
  'events:PutEvents',
  '*',
];

const RESOURCE_POOL = [
  '*',
  `arn:aws:sqs:${PREFIX}:*`,
  `arn:aws:sqs:${PREFIX}:orders`,
  `arn:aws:kinesis:${PREFIX}:stream/clicks`,
  `arn:aws:kinesis:${PREFIX}:stream/*`,
  `arn:aws:dynamodb:${PREFIX}:table/orders/stream/*`,
  `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f:*`,
  `arn:aws:logs:${PREFIX}:*`,
  `arn:aws:kafka:${PREFIX}:*`,
  `arn:aws:secretsmanager:${PREFIX}:secret:orders-*`,
  'arn:aws:s3:::*',
];

const CONDITIONS = [
  undefined,
  { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } },
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
  { Bool: { 'aws:SecureTransport': 'false' } },
];

export const statementArbitrary: fc.Arbitrary<RawStatement> = fc
  .record({
    effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
    actions: fc.uniqueArray(fc.constantFrom(...ACTION_POOL), { minLength: 1, maxLength: 4 }),
    resources: fc.uniqueArray(fc.constantFrom(...RESOURCE_POOL), { minLength: 1, maxLength: 3 }),
    notResource: fc.boolean(),
    notAction: fc.boolean(),
    condition: fc.constantFrom(...CONDITIONS),
  })
  .map(({ effect, actions, resources, notResource, notAction, condition }) => ({
    Effect: effect,
    // NotAction sometimes, on Deny statements (an Allow with NotAction would grant almost everything).
    ...(notAction && effect === 'Deny' ? { NotAction: actions } : { Action: actions }),
    ...(notResource && effect === 'Deny' ? { NotResource: resources } : { Resource: resources }),
    ...(condition === undefined ? {} : { Condition: condition }),
  }));

/** Two to three inline policies of random statements, each statement with a Sid so that ids survive shuffles. */
export const policiesArbitrary: fc.Arbitrary<RawStatement[][]> = fc
  .array(fc.array(statementArbitrary, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 })
  .map((policies) =>
    policies.map((statements, p) => statements.map((statement, s) => ({ Sid: `P${p}S${s}`, ...statement }))),
  );
