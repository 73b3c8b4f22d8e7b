/**
 * What the handler tests (and `npm run demo:change`) need around moto: a small account with an SQS
 * consumer, the auditor's own resources (state table, alert topic), an SQS queue subscribed to the topic
 * that captures alerts, and a change queue with a dead-letter queue that delivers events to the handler
 * the way Lambda's SQS poller does (a batch in, failed messages back to the queue, to the DLQ after
 * maxReceiveCount).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type AuditorRuntime, createAuditorRuntime } from '../../functions/commons/auditor.js';
import type { AuditorConfig } from '../../functions/commons/config.js';
import {
  INVENTORY_ROLE_ATTRIBUTE,
  INVENTORY_ROLE_INDEX,
} from '../../shared/adapters/state-store/inventory-store.js';
import type { AlertDocument } from '../../shared/alerts/alert-document.js';
import { extractAlertDocument } from '../../shared/alerts/sns-message.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients, tinyZip } from '../support/moto-account.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SQS_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole';
export const BASIC_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface DemoAccount {
  readonly roleName: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly queueArn: string;
  readonly mappingUuid: string;
  readonly customerPolicyArn: string;
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = attributes.Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
}

/**
 * The demo account of the fixtures: `orders-consumer` reads `orders-queue` through a mapping; its role
 * `orders-consumer-role` has the SQS execution policy (AWS managed) and a customer managed policy
 * `orders-queue-access` (the one the managed-policy fixtures name).
 */
export async function createDemoAccount(
  clients: { iam: IAMClient; lambda: LambdaClient; sqs: SQSClient },
  names: { functionName?: string; roleName?: string } = {},
): Promise<DemoAccount> {
  const roleName = names.roleName ?? 'orders-consumer-role';
  const functionName = names.functionName ?? 'orders-consumer';
  const role = await clients.iam.send(
    new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST }),
  );
  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'orders-queue' }));
  const queueArn = await queueArnOf(clients.sqs, queue.QueueUrl ?? '');
  let customerPolicyArn = `arn:aws:iam::${ACCOUNT}:policy/orders-queue-access`;
  try {
    const policy = await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'orders-queue-access',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['sqs:GetQueueAttributes'], Resource: queueArn }],
        }),
      }),
    );
    customerPolicyArn = policy.Policy?.Arn ?? customerPolicyArn;
  } catch (error) {
    // A second demo function in the same account shares the policy.
    if (!(error instanceof Error && error.name.startsWith('EntityAlreadyExists'))) throw error;
  }
  for (const arn of [SQS_EXECUTION_POLICY, customerPolicyArn]) {
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  }
  const fn = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs20.x',
      Role: role.Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: tinyZip() },
    }),
  );
  const mapping = await clients.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fn.FunctionArn,
      EventSourceArn: queueArn,
      BatchSize: 10,
    }),
  );
  return {
    roleName,
    functionName,
    functionArn: fn.FunctionArn ?? '',
    queueArn,
    mappingUuid: mapping.UUID ?? '',
    customerPolicyArn,
  };
}

/** The state table as the stack creates it, with the inventory's role index (inventory-store.ts). */
export async function createStateTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'functionArn', AttributeType: 'S' },
        { AttributeName: INVENTORY_ROLE_ATTRIBUTE, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'functionArn', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: INVENTORY_ROLE_INDEX,
          KeySchema: [{ AttributeName: INVENTORY_ROLE_ATTRIBUTE, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export interface CapturedAlert {
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Record<string, { Type: string; Value: string }>;
  readonly document?: AlertDocument;
}

export interface AlertCapture {
  readonly topicArn: string;
  /** Every alert published since the last call (waits briefly for the first). */
  receive(): Promise<CapturedAlert[]>;
}

/** An SNS topic with an SQS queue subscribed (not raw: the envelope keeps Subject and MessageAttributes). */
export async function createAlertCapture(
  clients: { sns: SNSClient; sqs: SQSClient },
  name = 'alerts',
): Promise<AlertCapture> {
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: name }));
  const topicArn = topic.TopicArn ?? '';
  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-capture` }));
  const queueUrl = queue.QueueUrl ?? '';
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: await queueArnOf(clients.sqs, queueUrl),
    }),
  );
  return {
    topicArn,
    async receive() {
      const alerts: CapturedAlert[] = [];
      for (;;) {
        const received = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) break;
        for (const m of messages) {
          const envelope = JSON.parse(m.Body ?? '{}') as {
            Subject?: string;
            Message: string;
            MessageAttributes?: Record<string, { Type: string; Value: string }>;
          };
          const document = extractAlertDocument(envelope.Message);
          alerts.push({
            ...(envelope.Subject ? { subject: envelope.Subject } : {}),
            message: envelope.Message,
            attributes: envelope.MessageAttributes ?? {},
            ...(document ? { document } : {}),
          });
        }
        await clients.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
      return alerts;
    },
  };
}

/** An SQS record as Lambda's poller hands it to the handler. */
export function sqsRecord(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:lambda-role-audit-changes`,
    awsRegion: REGION,
  };
}

export function sqsEvent(bodies: readonly string[]): SQSEvent {
  return { Records: bodies.map((body, i) => sqsRecord(`message-${i}`, body)) };
}

export type BatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface ChangeQueue {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  send(body: string): Promise<void>;
  /**
   * One poll as Lambda's SQS poller does it: receive a batch, invoke the handler, delete what succeeded,
   * make the reported failures visible again at once (the test does not wait out the visibility timeout).
   * Returns the number of messages handed to the handler.
   */
  poll(handler: BatchHandler): Promise<number>;
  /** Messages now in the dead-letter queue (their bodies). */
  deadLetters(): Promise<string[]>;
  /** Moves the dead-letter queue's messages back to the queue (what "redrive" does in the console). */
  redrive(): Promise<number>;
  /** Polls until the queue gives nothing; returns the number of polls that received messages. */
  drain(handler: BatchHandler, maxPolls?: number): Promise<number>;
}

export async function createChangeQueue(
  sqs: SQSClient,
  name: string,
  maxReceiveCount = 3,
  /** Messages per poll, as the mapping's BatchSize (the worker's is 1). */
  batchSize = 10,
): Promise<ChangeQueue> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterQueueUrl = dlq.QueueUrl ?? '';
  const deadLetterTargetArn = await queueArnOf(sqs, deadLetterQueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: String(maxReceiveCount) }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl ?? '';
  const changeQueue: ChangeQueue = {
    queueUrl,
    deadLetterQueueUrl,
    async send(body) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    async poll(handler) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: batchSize,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) return 0;
      const response = await handler({
        Records: messages.map((m) =>
          sqsRecord(m.MessageId ?? '', m.Body ?? '', Number(m.Attributes?.ApproximateReceiveCount ?? '1')),
        ),
      });
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
      for (const m of messages.filter((m) => failed.has(m.MessageId ?? ''))) {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          }),
        );
      }
      return messages.length;
    },
    async deadLetters() {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 0,
        }),
      );
      return (received.Messages ?? []).map((m) => m.Body ?? '');
    },
    async redrive() {
      let moved = 0;
      for (;;) {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: deadLetterQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) return moved;
        for (const m of messages) {
          await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: m.Body ?? '' }));
          await sqs.send(
            new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle ?? '' }),
          );
          moved += 1;
        }
      }
    },
    async drain(handler, maxPolls = 20) {
      let polls = 0;
      while (polls < maxPolls && (await changeQueue.poll(handler)) > 0) polls += 1;
      return polls;
    },
  };
  return changeQueue;
}

/** The state table's name in every handler test. */
export const STATE_TABLE = 'lambda-role-audit-state';

const EVENT_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/events');

/** The names of the CloudTrail event fixtures (test/fixtures/events). */
export function eventFixtureNames(): string[] {
  return readdirSync(EVENT_FIXTURES).filter((file) => file.endsWith('.json'));
}

/** A CloudTrail event fixture as text, with placeholders (a mapping UUID, a function name) replaced. */
export function readEventFixture(name: string, replacements: Readonly<Record<string, string>> = {}): string {
  let text = readFileSync(join(EVENT_FIXTURES, name), 'utf8');
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return text;
}

/** The part of the Lambda context the handlers read. */
export function lambdaContext(functionName: string): Context {
  return { functionName, awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
}

/** Everything a handler test stands on: moto, its clients, the demo account, the state table, the alert capture. */
export interface HandlerEnvironment {
  readonly moto: MotoServer;
  readonly clients: MotoClients;
  readonly sns: SNSClient;
  readonly account: DemoAccount;
  readonly capture: AlertCapture;
  /** An auditor runtime against this moto, one attempt per call (a mocked fault is "after retries"). */
  runtime(): AuditorRuntime;
  /** Removes what the state table remembers of a function, so that its next audit alerts. */
  forget(functionArn: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startHandlerEnvironment(): Promise<HandlerEnvironment> {
  const moto = await startMotoServer(REGION);
  const clients = motoClients(moto);
  const sns = new SNSClient(moto.clientConfig);
  const account = await createDemoAccount(clients);
  await createStateTable(clients.dynamodb, STATE_TABLE);
  const capture = await createAlertCapture({ sns, sqs: clients.sqs });
  const runtimes: AuditorRuntime[] = [];
  return {
    moto,
    clients,
    sns,
    account,
    capture,
    runtime() {
      const runtime = createAuditorRuntime(
        {
          stateTableName: STATE_TABLE,
          alertTopicArn: capture.topicArn,
          minSeverity: 'low',
          // The demo function's findings come from AWS's managed baseline (the SQS execution policy's
          // grants on *): graded low, as a deployment can ask, so that every change gives an alert.
          awsManagedBaseline: 'low',
          suppressions: [],
          tagSuppression: DEFAULT_TAG_SUPPRESSION,
          account: ACCOUNT,
          auditRegions: [REGION],
          region: REGION,
        },
        { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 1 },
      );
      runtimes.push(runtime);
      return runtime;
    },
    async forget(functionArn) {
      await clients.dynamodb.send(
        new DeleteItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: functionArn } } }),
      );
    },
    async stop() {
      for (const client of [sns, ...Object.values(clients)]) client.destroy();
      for (const runtime of runtimes) {
        runtime.sns.destroy();
        runtime.dynamodb.destroy();
        for (const regional of runtime.clientsByRegion.values()) {
          for (const client of Object.values(regional)) client.destroy();
        }
      }
      await moto.stop();
    },
  };
}

/**
 * An auditor runtime against moto with what the fan-out and inventory tests share: the state table, no
 * suppressions file, the default tag suppression, one account and region, up to 3 attempts per call.
 * `config` names the rest (the alert topic, the work queue, the pace, the severity).
 */
export function motoAuditorRuntime(
  moto: MotoServer,
  config: Pick<AuditorConfig, 'alertTopicArn' | 'minSeverity'> & Partial<AuditorConfig>,
): AuditorRuntime {
  return createAuditorRuntime(
    {
      stateTableName: STATE_TABLE,
      suppressions: [],
      tagSuppression: DEFAULT_TAG_SUPPRESSION,
      account: ACCOUNT,
      auditRegions: [REGION],
      region: REGION,
      ...config,
    },
    { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 3 },
  );
}

/** Destroys a runtime's own clients and each region's. */
export function destroyAuditorRuntime(runtime: AuditorRuntime | undefined): void {
  runtime?.sns.destroy();
  runtime?.dynamodb.destroy();
  for (const regional of runtime?.clientsByRegion.values() ?? [])
    for (const client of Object.values(regional)) client.destroy();
}
