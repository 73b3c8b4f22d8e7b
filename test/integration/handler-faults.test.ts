/**
 * Faults on the event path, each shown to lose no alert and to send none twice. Events travel through a
 * real (moto) SQS queue with a dead-letter queue (maxReceiveCount 3), polled the way Lambda's SQS poller
 * does: failed messages return to the queue, and after three receives land in the dead-letter queue.
 * aws-sdk-client-mock forces only what moto cannot produce (SNS outage, DynamoDB and IAM throttling after
 * the SDK's retries), on the handler's own client instances, and is removed to show the recovery.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { BatchGetItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler } from '../../functions/commons/handlers.js';
import type { MotoClients } from '../support/moto-account.js';
import {
  type AlertCapture,
  type BatchHandler,
  type ChangeQueue,
  createChangeQueue,
  createDemoAccount,
  type DemoAccount,
  type HandlerEnvironment,
  lambdaContext,
  readEventFixture,
  STATE_TABLE,
  startHandlerEnvironment,
} from './handler-harness.js';

const MAX_RECEIVE_COUNT = 3;
const context = lambdaContext('change-handler');

let env: HandlerEnvironment;
let clients: MotoClients;
let account: DemoAccount;
let capture: AlertCapture;
let runtime: AuditorRuntime;
let handle: BatchHandler;
let queues = 0;

const fixture = readEventFixture;
const forget = (functionArn: string) => env.forget(functionArn);

/** What AWS SDK v3 raises once its retries are spent on a throttled call. */
function throttled(name: string): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400, attempts: 8 },
  });
}

async function freshQueue(): Promise<ChangeQueue> {
  queues += 1;
  return createChangeQueue(clients.sqs, `changes-${queues}`, MAX_RECEIVE_COUNT);
}

beforeAll(async () => {
  env = await startHandlerEnvironment();
  ({ clients, account, capture } = env);
  runtime = env.runtime();
  const handler = createChangeHandler(
    runtime,
    new Logger({ serviceName: 'faults-test', logLevel: 'SILENT' }),
  );
  handle = (event: SQSEvent) => handler(event, context);
});

beforeEach(async () => {
  await forget(account.functionArn);
  await capture.receive();
});

afterAll(async () => {
  await env?.stop();
});

describe('faults on the event path', () => {
  it('SNS down: the message returns to the queue, lands in the DLQ, and its alert is sent once on redrive', async () => {
    const queue = await freshQueue();
    await queue.send(fixture('iam-detach-role-policy.json'));
    const outage = mockClient(runtime.sns)
      .onAnyCommand()
      .rejects(
        Object.assign(new Error('Service unavailable'), { name: 'InternalErrorException', $fault: 'server' }),
      );
    const polls = await queue.drain(handle);
    outage.restore();
    expect(polls).toBe(MAX_RECEIVE_COUNT);
    expect(await queue.deadLetters()).toHaveLength(1);
    expect(await capture.receive()).toEqual([]);

    expect(await queue.redrive()).toBe(1);
    await queue.drain(handle);
    expect((await capture.receive()).map((a) => a.attributes.function?.Value)).toEqual(['orders-consumer']);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('SNS fails once: the retry sends the alert, once', async () => {
    const queue = await freshQueue();
    await queue.send(fixture('iam-put-role-policy.json'));
    const outage = mockClient(runtime.sns).onAnyCommand().rejects(new Error('connection reset'));
    expect(await queue.poll(handle)).toBe(1);
    outage.restore();
    await queue.drain(handle);
    expect(await capture.receive()).toHaveLength(1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('DynamoDB throttles the state read: nothing is sent until the retry, which sends once', async () => {
    const queue = await freshQueue();
    await queue.send(fixture('lambda-update-function-configuration.json'));
    const throttling = mockClient(runtime.dynamodb)
      .on(BatchGetItemCommand)
      .rejects(throttled('ProvisionedThroughputExceededException'));
    await queue.poll(handle);
    throttling.restore();
    expect(await capture.receive()).toEqual([]);
    await queue.drain(handle);
    expect(await capture.receive()).toHaveLength(1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('DynamoDB throttles the state write after the publish: the message is not retried, so no duplicate', async () => {
    const queue = await freshQueue();
    await queue.send(fixture('lambda-update-function-configuration.json'));
    const throttling = mockClient(runtime.dynamodb);
    throttling.on(BatchGetItemCommand).resolves({ Responses: {} });
    throttling.on(PutItemCommand).rejects(throttled('ThrottlingException'));
    const polls = await queue.drain(handle);
    throttling.restore();
    expect(polls).toBe(1);
    expect(await capture.receive()).toHaveLength(1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it('IAM throttled after retries: role and managed-policy events wait in the DLQ, then give one alert', async () => {
    const queue = await freshQueue();
    await queue.send(fixture('iam-create-policy-version.json'));
    await queue.send(fixture('iam-update-assume-role-policy.json'));
    const [{ iam } = { iam: undefined }] = [...runtime.clientsByRegion.values()];
    if (!iam) throw new Error('no IAM client');
    const throttling = mockClient(iam).onAnyCommand().rejects(throttled('Throttling'));
    await queue.drain(handle);
    throttling.restore();
    expect(await queue.deadLetters()).toHaveLength(2);
    expect(await capture.receive()).toEqual([]);

    await queue.redrive();
    await queue.drain(handle);
    const alerts = await capture.receive();
    // Both events concern orders-consumer: one alert, listing both changes.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain(
      'UpdateAssumeRolePolicy the trust policy of role orders-consumer-role',
    );
  });

  it('a malformed event goes to the DLQ alone; the good event of its batch alerts once', async () => {
    const queue = await freshQueue();
    await queue.send('{"version":"0","detail-type":"AWS API Call via CloudTrail"');
    await queue.send(fixture('iam-attach-role-policy.json'));
    await queue.drain(handle);
    expect(await queue.deadLetters()).toEqual(['{"version":"0","detail-type":"AWS API Call via CloudTrail"']);
    expect(await capture.receive()).toHaveLength(1);
  });

  it('an event for a function deleted since is settled without alert and its state cleared', async () => {
    const gone = await createDemoAccount(clients, {
      functionName: 'short-lived',
      roleName: 'short-lived-role',
    });
    const queue = await freshQueue();
    const event = fixture('lambda-update-function-configuration.json', {
      'function:orders-consumer': 'function:short-lived',
      '"orders-consumer"': '"short-lived"',
    });
    await queue.send(event);
    await queue.drain(handle);
    expect((await capture.receive()).map((a) => a.attributes.function?.Value)).toEqual(['short-lived']);

    await clients.lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    await queue.send(event);
    await queue.send(
      fixture('lambda-delete-function.json', {
        '"orders-consumer"': '"short-lived"',
        'function:orders-consumer': 'function:short-lived',
      }),
    );
    expect(await queue.drain(handle)).toBe(1);
    expect(await capture.receive()).toEqual([]);
    expect(await queue.deadLetters()).toEqual([]);
    const item = await clients.dynamodb.send(
      new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: gone.functionArn } } }),
    );
    expect(item.Item).toBeUndefined();
  });
});
