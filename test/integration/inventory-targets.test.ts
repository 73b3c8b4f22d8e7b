/**
 * The inventory keeps the versions and aliases qualified targets name and the keys of the resources the
 * functions use (issue 10 with issue 9's reads), against moto: an account built the way SAM's
 * AutoPublishAlias builds one (mappings on the `live` alias of a published version) reading a queue encrypted
 * with a customer managed key, a stream, and a topic that is both a mapping's on-failure destination and
 * another function's asynchronous destination.
 *
 * The sweep (fanned out, through the worker) fills the inventory. Then:
 * - an IAM change to fresh entries costs no Lambda, SQS, Kinesis, SNS, Secrets Manager or KMS call;
 * - each event that changes a version, an alias or a key goes through the change handler, and afterwards the
 *   audit judged from the inventory equals a live audit of the account. Before the event is delivered, the
 *   inventory's judgement differs from the live one wherever the change alters a verdict: the event is
 *   what keeps the inventory right.
 *
 * moto runs no event source mapping for Node functions: the work queue's messages are received from moto
 * and handed to the worker in-process (handler-harness.ts `poll`), as in fan-out.test.ts. moto 5.2 also
 * stores a mapping created on an alias under the version the alias points to (`…:orders-consumer:1`, where
 * Lambda keeps the alias ARN), and an event invoke config put on an alias under the function: the auditor's
 * clients get the alias ARN back for the mappings created on `live` (moto-account.ts
 * `patchMotoAliasMappings`), so that `live`'s versions are read from moto as Lambda would route them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateStreamCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateKeyCommand,
  CreateAliasCommand as CreateKmsAliasCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteEventSourceMappingCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AuditorRuntime } from '../../functions/commons/auditor.js';
import {
  createChangeHandler,
  createSweepHandler,
  createWorkerHandler,
  WORK_MAX_RECEIVE_COUNT,
} from '../../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { KEY_CHANGE_PREFIX } from '../../shared/adapters/state-store/inventory-store.js';
import { DEFAULT_FAN_OUT } from '../../shared/app/fan-out.js';
import type { Report } from '../../shared/domain/report.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import {
  type MotoClients,
  motoClients,
  patchMotoAliasMappings,
  patchMotoInvokeConfigTimestamps,
  tinyZip,
} from '../support/moto-account.js';
import {
  ACCOUNT,
  type ChangeQueue,
  createAlertCapture,
  createChangeQueue,
  createDemoAccount,
  createStateTable,
  type DemoAccount,
  destroyAuditorRuntime,
  lambdaContext,
  motoAuditorRuntime,
  REGION,
  readEventFixture,
  STATE_TABLE,
  sqsEvent,
} from './handler-harness.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders-stream`;

let moto: MotoServer;
let clients: MotoClients;
let sns: SNSClient;
let kms: KMSClient;
let account: DemoAccount;
let notifierArn: string;
let topicArn: string;
let queueUrl: string;
let ordersKey: string;
let otherKey: string;
let workQueue: ChangeQueue;
let runtime: AuditorRuntime;
let onAlias: Map<string, string>;
/** Lambda and the resources' services (SQS, Kinesis, SNS, Secrets Manager, KMS) of the audited region. */
const calls = new ApiCallCounter();
const logger = new Logger({ serviceName: 'inventory-targets-test', logLevel: 'SILENT' });
const context = (name: string) =>
  ({
    ...lambdaContext(name),
    getRemainingTimeInMillis: () => 900_000,
  }) as Context;

type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let change: BatchHandler;
const worker = () => {
  const handler = createWorkerHandler(runtime, logger);
  return (event: SQSEvent) => handler(event, context('worker'));
};

/** The functions judged here, each with its published versions' results. */
const functions = () => [account.functionArn, notifierArn];

/** Each result (function or version) as the sorted `rule action resource` of its findings. */
function verdicts(report: Report): Record<string, string[]> {
  const mine = new Set(functions());
  const out: Record<string, string[]> = {};
  for (const result of report.functions) {
    if (!mine.has(result.functionArn.split(':').slice(0, 7).join(':'))) continue;
    out[result.functionArn] = result.findings.map((f) => `${f.rule} ${f.action} ${f.resource}`).sort();
  }
  return out;
}

/** The functions judged as the change handler judges them: from the inventory and IAM. */
async function fromInventory(): Promise<{
  verdicts: Record<string, string[]>;
  calls: Record<string, number>;
}> {
  calls.reset();
  const report = await runtime.newBatch().auditFunctions(functions());
  expect(report.errors ?? []).toEqual([]);
  return { verdicts: verdicts(report), calls: calls.byOperation() };
}

/** The same functions from a live read of the whole account. */
async function live(): Promise<Record<string, string[]>> {
  const report = await runtime.auditRegions([REGION]);
  return verdicts(report);
}

async function deliver(fixture: string, handler: BatchHandler = change): Promise<void> {
  const response = await handler(sqsEvent([readEventFixture(fixture)]), context('change-handler'));
  expect(response.batchItemFailures).toEqual([]);
}

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  sns = new SNSClient(moto.clientConfig);
  kms = new KMSClient(moto.clientConfig);
  await createStateTable(clients.dynamodb, STATE_TABLE);
  const capture = await createAlertCapture({ sns, sqs: clients.sqs });
  workQueue = await createChangeQueue(clients.sqs, 'work', WORK_MAX_RECEIVE_COUNT, 1);
  account = await createDemoAccount(clients);

  const key = async (alias: string) => {
    const created = await kms.send(new CreateKeyCommand({ Description: alias }));
    await kms.send(new CreateKmsAliasCommand({ AliasName: alias, TargetKeyId: created.KeyMetadata?.KeyId }));
    return created.KeyMetadata?.Arn ?? '';
  };
  ordersKey = await key('alias/orders-key');
  otherKey = await key('alias/other-key');
  ({ QueueUrl: queueUrl = '' } = await clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: 'orders-queue' }),
  ));
  await clients.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { KmsMasterKeyId: 'alias/orders-key' } }),
  );
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'orders-stream', ShardCount: 1 }));
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'orders-failures' }))).TopicArn ?? '';

  // What SAM's AutoPublishAlias deploys: a version, the `live` alias on it, the mappings on the alias.
  await clients.lambda.send(new DeleteEventSourceMappingCommand({ UUID: account.mappingUuid }));
  const v1 = await clients.lambda.send(new PublishVersionCommand({ FunctionName: account.functionName }));
  const alias = await clients.lambda.send(
    new CreateAliasCommand({ FunctionName: account.functionName, Name: 'live', FunctionVersion: v1.Version }),
  );
  onAlias = new Map<string, string>();
  const queueMapping = await clients.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: account.queueArn }),
  );
  const streamMapping = await clients.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: alias.AliasArn,
      EventSourceArn: STREAM_ARN,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: topicArn } },
    }),
  );
  for (const mapping of [queueMapping, streamMapping]) onAlias.set(mapping.UUID ?? '', alias.AliasArn ?? '');
  // Another role's function sends its failed asynchronous invocations to the same topic.
  const role = await clients.iam.send(
    new CreateRoleCommand({ RoleName: 'orders-notifier-role', AssumeRolePolicyDocument: TRUST }),
  );
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'orders-notifier-role',
      PolicyName: 'publish',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }],
      }),
    }),
  );
  const notifier = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'orders-notifier',
      Runtime: 'nodejs22.x',
      Role: role.Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: tinyZip() },
    }),
  );
  notifierArn = notifier.FunctionArn ?? '';
  await clients.lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'orders-notifier',
      DestinationConfig: { OnFailure: { Destination: topicArn } },
    }),
  );

  runtime = motoAuditorRuntime(moto, {
    alertTopicArn: capture.topicArn,
    minSeverity: 'low',
    awsManagedBaseline: 'low',
    workQueueUrl: workQueue.queueUrl,
    lambdaRequestsPerSecond: 500,
  });
  for (const regional of runtime.clientsByRegion.values()) {
    patchMotoInvokeConfigTimestamps(regional.lambda);
    patchMotoAliasMappings(regional.lambda, onAlias);
    countApiCalls(regional.lambda, calls);
    if (regional.sqs) countApiCalls(regional.sqs, calls);
    if (regional.kinesis) countApiCalls(regional.kinesis, calls);
    if (regional.sns) countApiCalls(regional.sns, calls);
    if (regional.secretsManager) countApiCalls(regional.secretsManager, calls);
    if (regional.kms) countApiCalls(regional.kms, calls);
  }
  change = createChangeHandler(runtime, logger);

  // The sweep fills the inventory (fanned out through the worker).
  const sweep = createSweepHandler(runtime, logger);
  await sweep({}, context('sweep'));
  await workQueue.drain(worker(), 20);
  expect(await workQueue.deadLetters()).toEqual([]);
  await capture.receive();
}, 300_000);

afterAll(async () => {
  for (const client of [sns, kms, ...Object.values(clients ?? {})]) client?.destroy();
  destroyAuditorRuntime(runtime);
  await moto?.stop();
});

describe('the inventory keeps versions, aliases and resource keys', () => {
  it('holds, after the sweep, the version and alias the mappings name and the keys of the resources used', async () => {
    const entries = await runtime.inventory.getMany(functions());
    const consumer = entries.get(account.functionArn);
    expect(consumer?.targets?.versions.map((v) => v.FunctionArn)).toEqual([`${account.functionArn}:1`]);
    expect(consumer?.targets?.aliases.map((a) => [a.Name, a.FunctionVersion])).toEqual([['live', '1']]);
    const keys = consumer?.targets?.resourceEncryption;
    expect(keys?.Queues).toEqual([
      { Attributes: { QueueArn: account.queueArn, KmsMasterKeyId: 'alias/orders-key' } },
    ]);
    expect(keys?.Keys?.map((k) => k.KeyMetadata.Arn)).toEqual([ordersKey]);
    expect(keys?.Streams?.map((s) => s.StreamDescriptionSummary.StreamARN)).toEqual([STREAM_ARN]);
    expect(keys?.Topics?.map((t) => t.Attributes.TopicArn)).toEqual([topicArn]);
    const notifier = entries.get(notifierArn);
    expect(notifier?.targets?.resourceEncryption?.Topics?.map((t) => t.Attributes.TopicArn)).toEqual([
      topicArn,
    ]);
  });

  it('judges an IAM change to fresh entries without a Lambda, SQS, Kinesis, SNS or KMS call', async () => {
    calls.reset();
    await deliver('iam-put-role-policy.json');
    expect(calls.byOperation()).toEqual({});
    const judged = await fromInventory();
    expect(judged.calls).toEqual({});
    // The version the alias routes to is judged, with the queue's customer managed key.
    expect(judged.verdicts[`${account.functionArn}:1`]).toContain(
      `missing-permission kms:Decrypt ${ordersKey}`,
    );
    expect(judged.verdicts).toEqual(await live());
  });
});

describe('events that change a key refresh the entries of the functions using it', () => {
  it('SetQueueAttributes: the queue now encrypted with another key', async () => {
    await clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { KmsMasterKeyId: 'alias/other-key' },
      }),
    );
    const expected = await live();
    expect(JSON.stringify(expected)).toContain(otherKey);
    expect((await fromInventory()).verdicts).not.toEqual(expected);
    await deliver('sqs-set-queue-attributes.json');
    const judged = await fromInventory();
    expect(judged.verdicts).toEqual(expected);
    expect(judged.calls).toEqual({});
  });

  it('StartStreamEncryption and StopStreamEncryption: the stream a mapping on the alias reads', async () => {
    for (const [command, fixture] of [
      [
        new StartStreamEncryptionCommand({
          StreamARN: STREAM_ARN,
          EncryptionType: 'KMS',
          KeyId: 'alias/orders-key',
        }),
        'kinesis-start-stream-encryption.json',
      ],
      [
        new StopStreamEncryptionCommand({
          StreamARN: STREAM_ARN,
          EncryptionType: 'KMS',
          KeyId: 'alias/orders-key',
        }),
        'kinesis-stop-stream-encryption.json',
      ],
    ] as const) {
      await clients.kinesis.send(command as StartStreamEncryptionCommand);
      const expected = await live();
      expect((await fromInventory()).verdicts).not.toEqual(expected);
      await deliver(fixture);
      const judged = await fromInventory();
      expect(judged.verdicts).toEqual(expected);
      expect(judged.calls).toEqual({});
    }
  });

  it('SetTopicAttributes: a mapping destination found by the handler, and an asynchronous destination it does not list', async () => {
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'KmsMasterKeyId',
        AttributeValue: 'alias/orders-key',
      }),
    );
    const expected = await live();
    expect(expected[notifierArn]).toContain(`missing-permission kms:GenerateDataKey ${ordersKey}`);
    expect((await fromInventory()).verdicts).not.toEqual(expected);
    await deliver('sns-set-topic-attributes.json');
    // orders-notifier was not re-audited by the event (the handler lists mapping users only), but its entry
    // keeps the topic's key: the key's change mark makes the next audit read it again, once.
    const first = await fromInventory();
    expect(first.verdicts).toEqual(expected);
    expect(Object.keys(first.calls).some((op) => op.startsWith('Lambda:'))).toBe(true);
    const second = await fromInventory();
    expect(second.verdicts).toEqual(expected);
    expect(second.calls).toEqual({});
  });

  it('UpdateSecret: the secret key change is marked for whatever entry keeps the secret', async () => {
    await deliver('secretsmanager-update-secret.json');
    const mark = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: STATE_TABLE,
        Key: {
          functionArn: {
            S: `${KEY_CHANGE_PREFIX}arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders-kafka-auth-AbCdEf`,
          },
        },
      }),
    );
    expect(mark.Item?.changedAt?.S).toBeDefined();
  });
});

describe('events that change a version or an alias refresh the function', () => {
  it('PublishVersion (after a configuration change): the function is read again', async () => {
    // What a deployment does: a new configuration (here another execution role), then a version of it.
    const role = await clients.iam.send(
      new CreateRoleCommand({ RoleName: 'orders-consumer-v2-role', AssumeRolePolicyDocument: TRUST }),
    );
    await clients.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: account.functionName, Role: role.Role?.Arn }),
    );
    await clients.lambda.send(new PublishVersionCommand({ FunctionName: account.functionName }));
    const expected = await live();
    expect((await fromInventory()).verdicts).not.toEqual(expected);
    await deliver('lambda-publish-version.json');
    const judged = await fromInventory();
    expect(judged.verdicts).toEqual(expected);
    expect(judged.calls).toEqual({});
  });

  it('CreateAlias: the entry lists the new alias', async () => {
    await clients.lambda.send(
      new CreateAliasCommand({ FunctionName: account.functionName, Name: 'canary', FunctionVersion: '2' }),
    );
    await deliver('lambda-create-alias.json');
    const entry = (await runtime.inventory.getMany([account.functionArn])).get(account.functionArn);
    expect(entry?.targets?.aliases.map((a) => a.Name).sort()).toEqual(['canary', 'live']);
    const judged = await fromInventory();
    expect(judged.verdicts).toEqual(await live());
    expect(judged.calls).toEqual({});
  });

  it('UpdateAlias, through a big change handed to the worker: the alias now routes to version 2', async () => {
    await clients.lambda.send(
      new UpdateAliasCommand({ FunctionName: account.functionName, Name: 'live', FunctionVersion: '2' }),
    );
    const expected = await live();
    // Version 2, with its own role, is now the one the mappings on `live` reach.
    expect(Object.keys(expected)).toContain(`${account.functionArn}:2`);
    expect(Object.keys(expected)).not.toContain(`${account.functionArn}:1`);
    expect((await fromInventory()).verdicts).not.toEqual(expected);
    // Every change goes to the worker: the event's function is read again there too (its entry is marked).
    const fanningOut = createChangeHandler(runtime, logger, {
      fanOut: { ...DEFAULT_FAN_OUT, changeInProcessLimit: 0 },
    });
    await deliver('lambda-update-alias.json', fanningOut);
    expect(await workQueue.drain(worker(), 20)).toBeGreaterThanOrEqual(1);
    const judged = await fromInventory();
    expect(judged.verdicts).toEqual(expected);
    expect(judged.calls).toEqual({});
  });

  it('DeleteAlias: the mappings on the alias are judged without its versions', async () => {
    await clients.lambda.send(new DeleteAliasCommand({ FunctionName: account.functionName, Name: 'live' }));
    const expected = await live();
    expect(Object.keys(expected)).not.toContain(`${account.functionArn}:2`);
    expect((await fromInventory()).verdicts).not.toEqual(expected);
    await deliver('lambda-delete-alias.json');
    const judged = await fromInventory();
    expect(judged.verdicts).toEqual(expected);
    expect(judged.calls).toEqual({});
  });
});
