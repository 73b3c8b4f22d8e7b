/**
 * Builds an account in moto from an export folder (a scenario), through the real SDK: roles, inline and
 * managed policies, boundaries, functions (a tiny zip built in memory), SQS queues, Kinesis streams,
 * DynamoDB tables with streams, event source mappings and event invoke configs.
 *
 * What moto cannot represent is not hidden: it is returned as data (`unrepresented`), each piece with the
 * resources and rules it touches, so that a test drops exactly those expectations and no others.
 * - DeadLetterConfig, LoggingConfig and KMSKeyArn are dropped by moto's CreateFunction (moto-notes §1);
 *   the helper reads each function back and reports every setting that did not survive.
 * - MSK, self-managed Kafka, Amazon MQ and DocumentDB mappings cannot be created (moto-notes §1).
 * - DynamoDB stream ARNs end with a label moto chooses: `arnRewrites` maps the scenario's ARN to moto's,
 *   and every policy document and expectation goes through it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  type Runtime,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DeserializeMiddleware } from '@smithy/types';
import { decodeDocument } from '../../shared/adapters/aws/export-writer.js';
import { roleNameFromArn } from '../../shared/adapters/aws/live-account-reader.js';
import type { MotoServer } from './moto.js';

/** A piece of the scenario moto cannot hold, with what it would have decided. */
export interface Unrepresented {
  readonly functionName?: string;
  readonly what: string;
  /** Expectations (missing permissions) on these resources (prefixes) cannot hold in moto. */
  readonly resources: readonly string[];
  /** Expectations on these actions' services (`logs:`) cannot hold either. */
  readonly actionPrefixes?: readonly string[];
  /** Rule expectations this piece can change for the function. */
  readonly rules?: readonly string[];
}

export interface MotoAccount {
  readonly region: string;
  readonly arnRewrites: ReadonlyMap<string, string>;
  readonly unrepresented: readonly Unrepresented[];
}

export const MOTO_ACCOUNT = '123456789012';

type Json = Record<string, unknown>;

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Json[]) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

async function readJson(directory: string, file: string, required: boolean): Promise<Json> {
  try {
    return JSON.parse(await readFile(join(directory, file), 'utf8')) as Json;
  } catch (error: unknown) {
    if (!required) return {};
    throw error;
  }
}

/** A zip archive holding one stored (uncompressed) file: enough for CreateFunction's ZipFile. */
export function tinyZip(
  fileName = 'index.mjs',
  content = 'export const handler = async () => ({});\n',
): Uint8Array {
  const name = Buffer.from(fileName, 'utf8');
  const data = Buffer.from(content, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return new Uint8Array(Buffer.concat([local, name, data, central, name, end]));
}

export interface MotoClients {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
}

export function motoClients(server: MotoServer): MotoClients {
  const config = server.clientConfig;
  return {
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    // Queue URLs must not redirect requests away from moto (moto-notes P6).
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
    // The Kinesis client speaks HTTP/2 by default, which moto's server does not (moto-notes P7).
    kinesis: new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() }),
    dynamodb: new DynamoDBClient(config),
  };
}

function rewriteAll(json: string, rewrites: ReadonlyMap<string, string>): string {
  let result = json;
  for (const [from, to] of rewrites) result = result.split(from).join(to);
  return result;
}

function documentText(raw: unknown, rewrites: ReadonlyMap<string, string>): string {
  const decoded = decodeDocument(raw);
  return rewriteAll(typeof decoded === 'string' ? decoded : JSON.stringify(decoded), rewrites);
}

function arnParts(arn: string): { service: string; region: string; account: string; resource: string } {
  const [, , service = '', region = '', account = '', ...rest] = arn.split(':');
  return { service, region, account, resource: rest.join(':') };
}

/**
 * Creates the scenario's sources (queues, streams, tables). Returns the ARN rewrites, and the mappings
 * whose source moto cannot hold.
 */
async function createEventSources(
  clients: MotoClients,
  mappings: readonly Json[],
  region: string,
): Promise<{ rewrites: Map<string, string>; unsupported: Set<string> }> {
  const rewrites = new Map<string, string>();
  const unsupported = new Set<string>();
  const done = new Set<string>();
  for (const mapping of mappings) {
    const arn = text(mapping.EventSourceArn);
    if (!arn || done.has(arn)) {
      if (!arn) unsupported.add(text(mapping.UUID) ?? '');
      continue;
    }
    done.add(arn);
    const { service, resource, region: arnRegion } = arnParts(arn);
    if (arnRegion !== region) {
      unsupported.add(arn);
      continue;
    }
    if (service === 'sqs') {
      await clients.sqs.send(new CreateQueueCommand({ QueueName: resource }));
    } else if (service === 'kinesis' && /^stream\/[^/]+$/.test(resource)) {
      const StreamName = resource.slice('stream/'.length);
      await clients.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
      const summary = await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
      const created = summary.StreamDescriptionSummary?.StreamARN;
      if (created && created !== arn) rewrites.set(arn, created);
    } else if (service === 'dynamodb' && /^table\/[^/]+\/stream\/.+$/.test(resource)) {
      const created = await createTableWithStream(clients, resource.split('/')[1] ?? 'table');
      if (created && created !== arn) rewrites.set(arn, created);
    } else {
      unsupported.add(arn);
    }
  }
  return { rewrites, unsupported };
}

/** Builds the account of `exportDirectory` in `server`'s moto. */
export async function createAccountFromExport(
  server: MotoServer,
  exportDirectory: string,
): Promise<MotoAccount> {
  const clients = motoClients(server);
  try {
    return await buildAccount(server.clientConfig.region, clients, exportDirectory);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

async function buildAccount(
  region: string,
  clients: MotoClients,
  exportDirectory: string,
): Promise<MotoAccount> {
  const [authorization, functionsFile, mappingsFile, invokeFile] = await Promise.all([
    readJson(exportDirectory, 'authorization-details.json', true),
    readJson(exportDirectory, 'functions.json', true),
    readJson(exportDirectory, 'event-source-mappings.json', true),
    readJson(exportDirectory, 'event-invoke-configs.json', false),
  ]);
  const roles = list(authorization.RoleDetailList);
  const policies = list(authorization.Policies);
  const functions = list(functionsFile.Functions);
  const mappings = list(mappingsFile.EventSourceMappings);
  const invokeConfigs = list(invokeFile.FunctionEventInvokeConfigs);
  const unrepresented: Unrepresented[] = [];

  for (const arn of [...roles.map((r) => text(r.Arn)), ...functions.map((f) => text(f.FunctionArn))]) {
    if (arn && arnParts(arn).account !== MOTO_ACCOUNT) {
      throw new Error(
        `scenario ARN ${arn} is not in moto's account ${MOTO_ACCOUNT}: the helper does not switch accounts`,
      );
    }
  }

  const { rewrites, unsupported } = await createEventSources(clients, mappings, region);

  // Customer managed policies (AWS managed ones are moto's own copies, loaded at start).
  for (const policy of policies) {
    const arn = text(policy.Arn) ?? '';
    if (arn.includes(':iam::aws:policy/')) continue;
    const versions = list(policy.PolicyVersionList);
    const version = versions.find((v) => v.IsDefaultVersion === true) ?? versions[0];
    await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: text(policy.PolicyName),
        Path: text(policy.Path) ?? '/',
        PolicyDocument: documentText(version?.Document, rewrites),
      }),
    );
  }

  const roleNames = new Set<string>();
  for (const role of roles) {
    const RoleName = text(role.RoleName) ?? '';
    roleNames.add(text(role.Arn) ?? '');
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName,
        Path: text(role.Path) ?? '/',
        AssumeRolePolicyDocument: documentText(role.AssumeRolePolicyDocument, rewrites),
        Tags: list(role.Tags).map((tag) => ({ Key: text(tag.Key), Value: text(tag.Value) })),
      }),
    );
    for (const inline of list(role.RolePolicyList)) {
      const PolicyName = text(inline.PolicyName) ?? '';
      try {
        await clients.iam.send(
          new PutRolePolicyCommand({
            RoleName,
            PolicyName,
            PolicyDocument: documentText(inline.PolicyDocument, rewrites),
          }),
        );
      } catch (error: unknown) {
        unrepresented.push({
          what: `role ${RoleName}: inline policy ${PolicyName} rejected by moto (${String(error)})`,
          resources: [''],
        });
      }
    }
    for (const attached of list(role.AttachedManagedPolicies)) {
      const PolicyArn = text(attached.PolicyArn) ?? '';
      try {
        await clients.iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
      } catch (error: unknown) {
        unrepresented.push({
          what: `role ${RoleName}: managed policy ${PolicyArn} not in moto (${String(error)})`,
          resources: [''],
        });
      }
    }
    const boundary = text(record(role.PermissionsBoundary)?.PermissionsBoundaryArn);
    if (boundary) {
      await clients.iam.send(
        new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: boundary }),
      );
    }
  }

  const zip = tinyZip();
  for (const fn of functions) {
    const FunctionName = text(fn.FunctionName) ?? '';
    const Role = text(fn.Role) ?? '';
    // A function whose role is gone (role-unavailable): moto checks the role exists at creation, so a
    // stand-in role with that ARN lives just long enough to create the function.
    const standIn = !roleNames.has(Role);
    if (standIn) {
      const [, path = '/', name = ''] = /^arn:[^:]+:iam::\d{12}:role(\/(?:.*\/)?)([^/]+)$/.exec(Role) ?? [];
      await clients.iam.send(
        new CreateRoleCommand({
          RoleName: name,
          Path: path,
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
        }),
      );
    }
    const vpc = record(fn.VpcConfig);
    const input: CreateFunctionCommandInput = {
      FunctionName,
      Role,
      Runtime: (text(fn.Runtime) ?? 'nodejs22.x') as Runtime,
      Handler: text(fn.Handler) ?? 'index.handler',
      Code: { ZipFile: zip },
      ...(typeof fn.Timeout === 'number' ? { Timeout: fn.Timeout } : {}),
      ...(typeof fn.MemorySize === 'number' ? { MemorySize: fn.MemorySize } : {}),
      ...(vpc
        ? {
            VpcConfig: {
              SubnetIds: (vpc.SubnetIds as string[] | undefined) ?? [],
              SecurityGroupIds: (vpc.SecurityGroupIds as string[] | undefined) ?? [],
            },
          }
        : {}),
      ...(record(fn.TracingConfig)
        ? { TracingConfig: { Mode: text(record(fn.TracingConfig)?.Mode) as 'Active' | 'PassThrough' } }
        : {}),
      ...(record(fn.DeadLetterConfig)
        ? { DeadLetterConfig: { TargetArn: text(record(fn.DeadLetterConfig)?.TargetArn) } }
        : {}),
      ...(text(fn.KMSKeyArn) ? { KMSKeyArn: text(fn.KMSKeyArn) } : {}),
      ...(record(fn.LoggingConfig)
        ? { LoggingConfig: record(fn.LoggingConfig) as CreateFunctionCommandInput['LoggingConfig'] }
        : {}),
      ...(Array.isArray(fn.FileSystemConfigs)
        ? { FileSystemConfigs: fn.FileSystemConfigs as CreateFunctionCommandInput['FileSystemConfigs'] }
        : {}),
    };
    await clients.lambda.send(new CreateFunctionCommand(input));
    if (standIn) await clients.iam.send(new DeleteRoleCommand({ RoleName: roleNameFromArn(Role) }));
    unrepresented.push(
      ...droppedSettings(
        fn,
        await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName })),
        region,
      ),
    );
  }

  for (const mapping of mappings) {
    const FunctionArn = text(mapping.FunctionArn) ?? '';
    const functionName = functions.find((fn) => text(fn.FunctionArn) === FunctionArn)?.FunctionName as
      | string
      | undefined;
    const source = text(mapping.EventSourceArn) ?? '';
    if (unsupported.has(source) || !source || !functionName) {
      unrepresented.push({
        ...(functionName ? { functionName } : {}),
        what: `event source mapping ${text(mapping.UUID) ?? '?'} on ${source || 'a self-managed source'}: moto creates only SQS, Kinesis and DynamoDB mappings`,
        resources: [
          source,
          ...list(mapping.SourceAccessConfigurations).flatMap((c) =>
            text(c.URI) ? [text(c.URI) as string] : [],
          ),
          ...(text(record(record(mapping.DestinationConfig)?.OnFailure)?.Destination)
            ? [text(record(record(mapping.DestinationConfig)?.OnFailure)?.Destination) as string]
            : []),
        ].filter((r) => r.length > 0),
        rules: ['unused-source-permission', 'overbroad-resource', 'wildcard-action'],
      });
      continue;
    }
    const { service } = arnParts(source);
    const onFailure = text(record(record(mapping.DestinationConfig)?.OnFailure)?.Destination);
    await clients.lambda.send(
      new CreateEventSourceMappingCommand({
        // The ARN, not the name: moto lists mappings by the exact string given here (moto-notes §1).
        FunctionName: FunctionArn,
        EventSourceArn: rewrites.get(source) ?? source,
        Enabled: text(mapping.State) !== 'Disabled',
        ...(typeof mapping.BatchSize === 'number' ? { BatchSize: mapping.BatchSize } : {}),
        ...(service === 'kinesis' || service === 'dynamodb' ? { StartingPosition: 'LATEST' as const } : {}),
        ...(onFailure
          ? { DestinationConfig: { OnFailure: { Destination: rewrites.get(onFailure) ?? onFailure } } }
          : {}),
      }),
    );
  }

  for (const config of invokeConfigs) {
    const FunctionArn = text(config.FunctionArn) ?? '';
    const destinations = record(config.DestinationConfig);
    await clients.lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: FunctionArn,
        ...(destinations ? { DestinationConfig: destinations as never } : {}),
      }),
    );
  }

  return { region, arnRewrites: rewrites, unrepresented };
}

/** A DynamoDB table with a stream; returns the stream's ARN, whose label moto chooses. */
async function createTableWithStream(clients: MotoClients, TableName: string): Promise<string | undefined> {
  const table = await clients.dynamodb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return table.TableDescription?.LatestStreamArn;
}

/** The settings of `wanted` that moto did not keep (`got` is its GetFunctionConfiguration). */
function droppedSettings(wanted: Json, got: Json | object, region: string): Unrepresented[] {
  const actual = got as Json;
  const functionName = text(wanted.FunctionName) ?? '';
  const dropped: Unrepresented[] = [];
  const dlq = text(record(wanted.DeadLetterConfig)?.TargetArn);
  if (dlq && text(record(actual.DeadLetterConfig)?.TargetArn) !== dlq) {
    dropped.push({ functionName, what: 'DeadLetterConfig (moto drops it)', resources: [dlq] });
  }
  const kms = text(wanted.KMSKeyArn);
  if (kms && text(actual.KMSKeyArn) !== kms) {
    dropped.push({ functionName, what: 'KMSKeyArn (moto drops it)', resources: [kms] });
  }
  const logGroup = text(record(wanted.LoggingConfig)?.LogGroup);
  if (
    logGroup &&
    logGroup !== `/aws/lambda/${functionName}` &&
    text(record(actual.LoggingConfig)?.LogGroup) !== logGroup
  ) {
    dropped.push({
      functionName,
      what: `LoggingConfig.LogGroup ${logGroup} (moto drops it: the function logs to /aws/lambda/${functionName})`,
      resources: [`arn:aws:logs:${region}:`],
      actionPrefixes: ['logs:'],
      rules: ['overbroad-resource'],
    });
  }
  const fileSystems = Array.isArray(wanted.FileSystemConfigs) ? wanted.FileSystemConfigs.length : 0;
  const keptFileSystems = Array.isArray(actual.FileSystemConfigs) ? actual.FileSystemConfigs.length : 0;
  if (fileSystems > 0 && keptFileSystems !== fileSystems) {
    dropped.push({
      functionName,
      what: 'FileSystemConfigs (moto drops them)',
      resources: ['arn:aws:elasticfilesystem:'],
    });
  }
  return dropped;
}

export interface SyntheticAccount {
  readonly functionNames: readonly string[];
  readonly roleCount: number;
  /** Per role: inline policies (k) and attached managed policies (m), boundary aside. */
  readonly inlinePoliciesPerRole: number;
  readonly attachedPoliciesPerRole: number;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}

/**
 * A CloudFormation-sized account: `functionCount` functions sharing one role per ten, each with an SQS,
 * Kinesis or DynamoDB stream mapping in turn, every tenth with an on-failure destination; roles with two
 * inline policies, an AWS managed and a customer managed policy, the first role with a boundary.
 */
export async function createSyntheticAccount(
  server: MotoServer,
  functionCount: number,
): Promise<SyntheticAccount> {
  const clients = motoClients(server);
  const region = server.clientConfig.region;
  try {
    const roleCount = Math.max(1, Math.ceil(functionCount / 10));
    const queues = Array.from({ length: 10 }, (_, i) => `synthetic-queue-${i}`);
    const streams = Array.from({ length: 5 }, (_, i) => `synthetic-stream-${i}`);
    const tables = Array.from({ length: 5 }, (_, i) => `synthetic-table-${i}`);
    await inBatches(queues, 5, (QueueName) => clients.sqs.send(new CreateQueueCommand({ QueueName })));
    await inBatches(streams, 5, (StreamName) =>
      clients.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 })),
    );
    const tableStreams: string[] = [];
    await inBatches(tables, 5, async (TableName) => {
      tableStreams.push((await createTableWithStream(clients, TableName)) ?? '');
    });
    const shared = await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'synthetic-shared',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
          ],
        }),
      }),
    );
    const boundary = await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'synthetic-boundary',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const roleNames = Array.from({ length: roleCount }, (_, i) => `synthetic-role-${i}`);
    await inBatches(roleNames, 8, async (RoleName) => {
      await clients.iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName,
          PolicyName: 'sources',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
                Resource: `arn:aws:sqs:${region}:${MOTO_ACCOUNT}:synthetic-queue-*`,
              },
              {
                Effect: 'Allow',
                Action: [
                  'kinesis:GetRecords',
                  'kinesis:GetShardIterator',
                  'kinesis:DescribeStream',
                  'kinesis:DescribeStreamSummary',
                  'kinesis:ListShards',
                ],
                Resource: `arn:aws:kinesis:${region}:${MOTO_ACCOUNT}:stream/synthetic-stream-*`,
              },
              {
                Effect: 'Allow',
                Action: [
                  'dynamodb:GetRecords',
                  'dynamodb:GetShardIterator',
                  'dynamodb:DescribeStream',
                  'dynamodb:ListStreams',
                ],
                Resource: `arn:aws:dynamodb:${region}:${MOTO_ACCOUNT}:table/synthetic-table-*/stream/*`,
              },
            ],
          }),
        }),
      );
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName,
          PolicyName: 'destinations',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sqs:SendMessage',
                Resource: `arn:aws:sqs:${region}:${MOTO_ACCOUNT}:synthetic-queue-0`,
              },
            ],
          }),
        }),
      );
      await clients.iam.send(
        new AttachRolePolicyCommand({
          RoleName,
          PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        }),
      );
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: shared.Policy?.Arn }));
      if (RoleName === 'synthetic-role-0') {
        await clients.iam.send(
          new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: boundary.Policy?.Arn }),
        );
      }
    });
    const zip = tinyZip();
    const functionNames = Array.from(
      { length: functionCount },
      (_, i) => `synthetic-fn-${String(i).padStart(4, '0')}`,
    );
    await inBatches(functionNames, 8, async (FunctionName) => {
      const i = Number(FunctionName.slice(-4));
      const created = await clients.lambda.send(
        new CreateFunctionCommand({
          FunctionName,
          Role: `arn:aws:iam::${MOTO_ACCOUNT}:role/${roleNames[i % roleCount]}`,
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Code: { ZipFile: zip },
          ...(i % 7 === 0 ? { TracingConfig: { Mode: 'Active' as const } } : {}),
        }),
      );
      const FunctionArn = created.FunctionArn ?? '';
      const kind = i % 3;
      const EventSourceArn =
        kind === 0
          ? `arn:aws:sqs:${region}:${MOTO_ACCOUNT}:${queues[i % queues.length]}`
          : kind === 1
            ? `arn:aws:kinesis:${region}:${MOTO_ACCOUNT}:stream/${streams[i % streams.length]}`
            : (tableStreams[i % tableStreams.length] ?? '');
      await clients.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: FunctionArn,
          EventSourceArn,
          ...(kind === 0 ? {} : { StartingPosition: 'LATEST' as const }),
        }),
      );
      if (i % 10 === 0) {
        await clients.lambda.send(
          new PutFunctionEventInvokeConfigCommand({
            FunctionName: FunctionArn,
            DestinationConfig: {
              OnFailure: { Destination: `arn:aws:sqs:${region}:${MOTO_ACCOUNT}:synthetic-queue-0` },
            },
          }),
        );
      }
    });
    return { functionNames, roleCount, inlinePoliciesPerRole: 2, attachedPoliciesPerRole: 2 };
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

/**
 * moto 5.2 answers ListFunctionEventInvokeConfigs / GetFunctionEventInvokeConfig with `LastModified` as
 * an ISO string (the function's), where Lambda's API sends epoch seconds; the SDK then fails with
 * "Expected real number, got implicit NaN". The live source reports that, correctly, as a read error for
 * each such function. To test the rest of the path against moto, this middleware (tests only) rewrites
 * that one field of those answers before the SDK deserialises them.
 */
export function patchMotoInvokeConfigTimestamps(lambda: LambdaClient): void {
  const patch: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const result = await next(args);
    const response = result.response as { body?: unknown; headers?: Record<string, string> } | undefined;
    const request = args.request as { path?: string } | undefined;
    if (!response || !request?.path?.includes('/event-invoke-config') || !(response.body instanceof Readable))
      return result;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(
        /"LastModified":\s*"([^"]+)"/g,
        (_, iso: string) => `"LastModified": ${Date.parse(iso.replace(/\+0000$/, 'Z')) / 1000}`,
      );
    response.body = Readable.from([Buffer.from(text, 'utf8')]);
    if (response.headers) delete response.headers['content-length'];
    return result;
  };
  lambda.middlewareStack.add(patch, {
    step: 'deserialize',
    priority: 'low',
    name: 'motoInvokeConfigTimestamps',
    override: true,
  });
}

/**
 * moto 5.2 stores a mapping created on an alias under the version the alias then points to
 * (`…:function:NAME:1`), where Lambda keeps the alias ARN as the mapping's `FunctionArn` (so that the
 * alias decides which version a record reaches, until it is updated). This middleware (tests only) gives
 * the mappings named here their alias ARN back in moto's answers, so that the path reading aliases and the
 * versions they route to is tested against moto.
 */
export function patchMotoAliasMappings(
  lambda: LambdaClient,
  aliasArnByUuid: ReadonlyMap<string, string>,
): void {
  const patch: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const result = await next(args);
    const response = result.response as { body?: unknown; headers?: Record<string, string> } | undefined;
    const request = args.request as { path?: string } | undefined;
    if (
      !response ||
      !request?.path?.includes('/event-source-mappings') ||
      !(response.body instanceof Readable)
    )
      return result;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      UUID?: string;
      FunctionArn?: string;
      EventSourceMappings?: { UUID?: string; FunctionArn?: string }[];
    };
    for (const mapping of [body, ...(body.EventSourceMappings ?? [])]) {
      const alias = mapping.UUID === undefined ? undefined : aliasArnByUuid.get(mapping.UUID);
      if (alias !== undefined) mapping.FunctionArn = alias;
    }
    response.body = Readable.from([Buffer.from(JSON.stringify(body), 'utf8')]);
    if (response.headers) delete response.headers['content-length'];
    return result;
  };
  lambda.middlewareStack.add(patch, {
    step: 'deserialize',
    priority: 'low',
    name: 'motoAliasMappings',
    override: true,
  });
}
