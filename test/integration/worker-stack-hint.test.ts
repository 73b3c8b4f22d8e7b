/**
 * The CloudFormation stack hint of a function the worker settles on its own (issue 10): a change handed to
 * the worker (here, with the fan-out limit set to one function) brings news to fewer functions than the
 * big-change threshold, so the worker's assembly alerts per function, as the change handler does, and says
 * which stack each function came from. The tag is read from the inventory the sweep filled: no ListTags.
 *
 * As in fan-out.test.ts, moto runs no event source mapping for Node functions: the queues are polled and
 * the handlers invoked in-process with real SDK clients against moto.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { TagResourceCommand } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { AuditorRuntime } from '../../functions/commons/auditor.js';
import {
  createChangeHandler,
  createSweepHandler,
  createWorkerHandler,
  WORK_MAX_RECEIVE_COUNT,
} from '../../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { STACK_NAME_TAG } from '../../shared/adapters/notifier/function-tags.js';
import type { FunctionAlertDocument } from '../../shared/alerts/alert-document.js';
import { DEFAULT_FAN_OUT } from '../../shared/app/fan-out.js';
import {
  type BigAccount,
  breakBaseline,
  createBigAccount,
  createPolicyVersionEvent,
} from '../support/big-account.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients } from '../support/moto-account.js';
import {
  type AlertCapture,
  type ChangeQueue,
  createAlertCapture,
  createChangeQueue,
  createStateTable,
  destroyAuditorRuntime,
  motoAuditorRuntime,
  REGION,
  readEventFixture,
  STATE_TABLE,
} from './handler-harness.js';

let moto: MotoServer;
let clients: MotoClients;
let sns: SNSClient;
let capture: AlertCapture;
let account: BigAccount;
let workQueue: ChangeQueue;
let changeQueue: ChangeQueue;
let runtime: AuditorRuntime;
const lambdaCalls = new ApiCallCounter();
const logger = new Logger({ serviceName: 'worker-stack-hint-test', logLevel: 'SILENT' });
const context = {
  functionName: 'test',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as Context;

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  sns = new SNSClient(moto.clientConfig);
  await createStateTable(clients.dynamodb, STATE_TABLE);
  capture = await createAlertCapture({ sns, sqs: clients.sqs });
  workQueue = await createChangeQueue(clients.sqs, 'work', WORK_MAX_RECEIVE_COUNT, 1);
  changeQueue = await createChangeQueue(clients.sqs, 'changes', 5);
  account = await createBigAccount(clients, { functions: 3, functionsPerRole: 3, prefix: 'stack' });
  // Two functions from a stack, one made by hand.
  for (const arn of account.functionArns.slice(0, 2))
    await clients.lambda.send(
      new TagResourceCommand({ Resource: arn, Tags: { [STACK_NAME_TAG]: 'batch-prod' } }),
    );
  runtime = motoAuditorRuntime(moto, {
    alertTopicArn: capture.topicArn,
    minSeverity: 'medium',
    workQueueUrl: workQueue.queueUrl,
    lambdaRequestsPerSecond: 500,
  });
  for (const regional of runtime.clientsByRegion.values()) countApiCalls(regional.lambda, lambdaCalls);
}, 120_000);

afterAll(async () => {
  for (const client of [sns, ...Object.values(clients ?? {})]) client?.destroy();
  destroyAuditorRuntime(runtime);
  await moto?.stop();
});

describe('functions the worker settles one by one', () => {
  it('carry the CloudFormation stack hint, read from the inventory', async () => {
    const worker = createWorkerHandler(runtime, logger);
    const work = (event: Parameters<typeof worker>[0]) => worker(event, context);
    await createSweepHandler(runtime, logger)({}, context);
    await workQueue.drain(work, 10);
    expect(await runtime.inventory.lastSweep()).toBeDefined();
    expect(await capture.receive()).toEqual([]);

    const versionId = await breakBaseline(clients.iam, account.policyArn);
    await changeQueue.send(
      createPolicyVersionEvent(
        readEventFixture('iam-create-policy-version.json'),
        account.policyArn,
        versionId,
      ),
    );
    lambdaCalls.reset();
    // Any change of more than one function goes to the worker; three is below the grouping threshold.
    const change = createChangeHandler(runtime, logger, {
      fanOut: { ...DEFAULT_FAN_OUT, changeInProcessLimit: 1 },
    });
    expect(await changeQueue.drain((event) => change(event, context))).toBe(1);
    expect(await workQueue.drain(work, 10)).toBeGreaterThanOrEqual(1);
    expect(await workQueue.deadLetters()).toEqual([]);

    const alerts = await capture.receive();
    expect(alerts.map((a) => a.attributes.alert_type?.Value)).toEqual(['change', 'change', 'change']);
    const byFunction = new Map(
      alerts.map((a) => {
        const document = a.document as FunctionAlertDocument;
        return [document.function.arn, { document, text: a.message.replace(/\n/g, ' ') }];
      }),
    );
    for (const arn of account.functionArns.slice(0, 2)) {
      const alert = byFunction.get(arn);
      expect(alert?.document.function.stackName).toBe('batch-prod');
      expect(alert?.text).toContain(
        `${alert?.document.function.name} comes from CloudFormation stack batch-prod: the next deployment can undo a change made by hand`,
      );
    }
    const byHand = byFunction.get(account.functionArns[2] ?? '');
    expect(byHand?.document.function.stackName).toBeUndefined();
    expect(byHand?.text).not.toContain('CloudFormation stack');
    // The tags came from the inventory: not one Lambda call for the change, ListTags included.
    expect(lambdaCalls.byOperation()).toEqual({});
  }, 120_000);
});
