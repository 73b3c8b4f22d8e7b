/**
 * Issue 10 against moto: a customer managed baseline policy attached to the roles of 2,000 functions gets
 * a new default version. The sweep first fills the inventory (fanned out); then the change event goes
 * through the change handler, which hands the change to the worker; the worker's chunks and the assembly
 * of the run settle it.
 *
 * moto runs no event source mapping for Node functions (function code never executes in moto), so the
 * SQS → Lambda delivery is simulated the way Lambda's poller does it (handler-harness.ts `poll`): receive
 * from the moto queue, invoke the handler in-process with real SDK clients against moto, delete what
 * succeeded, return the reported failures to the queue, to the dead-letter queue after maxReceiveCount.
 * Each invocation gets a context whose remaining time runs down in real time from the function's timeout.
 * The grouped alert's stored detail is read with the command the alert prints (the AWS CLI, against moto).
 */
import { Logger } from '@aws-lambda-powertools/logger';
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
import { createDynamoDbStateStore } from '../../shared/adapters/state-store/dynamodb-state-store.js';
import type { BigChangeDetailDocument } from '../../shared/alerts/big-change.js';
import { SNS_MAX_BYTES } from '../../shared/alerts/sns-message.js';
import { runAwsCliCommand } from '../support/aws-cli.js';
import {
  type BigAccount,
  breakBaseline,
  createBigAccount,
  createPolicyVersionEvent,
  rolesAttaching,
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

const FUNCTIONS = 2_000;
const CHANGE_TIMEOUT_MS = 60_000;
const WORKER_TIMEOUT_MS = 900_000;
const SWEEP_TIMEOUT_MS = 600_000;

let moto: MotoServer;
let clients: MotoClients;
let sns: SNSClient;
let capture: AlertCapture;
let account: BigAccount;
let workQueue: ChangeQueue;
let changeQueue: ChangeQueue;
let runtime: AuditorRuntime;
const lambdaCalls = new ApiCallCounter();
/** Each invocation: its function's timeout and how long it took. */
const invocations: { name: string; timeoutMs: number; tookMs: number }[] = [];
const logger = new Logger({ serviceName: 'fan-out-test', logLevel: 'SILENT' });

function timed<E, R>(name: string, timeoutMs: number, handler: (event: E, context: Context) => Promise<R>) {
  return async (event: E): Promise<R> => {
    const started = Date.now();
    const context = {
      functionName: name,
      awsRequestId: `${name}-${invocations.length}`,
      getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started),
    } as unknown as Context;
    const result = await handler(event, context);
    invocations.push({ name, timeoutMs, tookMs: Date.now() - started });
    return result;
  };
}

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  sns = new SNSClient(moto.clientConfig);
  await createStateTable(clients.dynamodb, STATE_TABLE);
  capture = await createAlertCapture({ sns, sqs: clients.sqs });
  workQueue = await createChangeQueue(clients.sqs, 'work', WORK_MAX_RECEIVE_COUNT, 1);
  changeQueue = await createChangeQueue(clients.sqs, 'changes', 5);
  account = await createBigAccount(clients, { functions: FUNCTIONS, functionsPerRole: 40, prefix: 'org' });
  runtime = motoAuditorRuntime(moto, {
    alertTopicArn: capture.topicArn,
    minSeverity: 'medium',
    workQueueUrl: workQueue.queueUrl,
    // moto does not throttle: a faster pace keeps the run short (the bench extrapolates to the real one).
    // The pace is shared through the state table, as deployed.
    lambdaRequestsPerSecond: 500,
    lambdaPaceInvocations: 5,
  });
  for (const regional of runtime.clientsByRegion.values()) countApiCalls(regional.lambda, lambdaCalls);
}, 600_000);

afterAll(async () => {
  for (const client of [sns, ...Object.values(clients ?? {})]) client?.destroy();
  destroyAuditorRuntime(runtime);
  await moto?.stop();
});

describe('fan-out against moto', () => {
  const worker = () => timed('worker', WORKER_TIMEOUT_MS, createWorkerHandler(runtime, logger));

  it('sweeps 2,000 functions in chunks and keeps their inventory', async () => {
    const sweep = timed('sweep', SWEEP_TIMEOUT_MS, createSweepHandler(runtime, logger));
    const dispatched = await sweep({});
    expect(dispatched.chunks).toBeGreaterThanOrEqual(4);
    const polls = await workQueue.drain(worker(), 100);
    expect(polls).toBe(dispatched.chunks);
    expect(await workQueue.deadLetters()).toEqual([]);
    expect(await runtime.inventory.lastSweep()).toBeDefined();
    const entries = await runtime.inventory.getMany(account.functionArns);
    expect(entries.size).toBe(FUNCTIONS);
    expect([...entries.values()].every((e) => e.tagsRead && e.eventInvokeConfigs !== undefined)).toBe(true);
    // v1 of the baseline grants what the functions need: nothing alerting, so no digest and no state.
    expect(await capture.receive()).toEqual([]);
  }, 600_000);

  it('judges a new default version of the baseline from the inventory: one grouped alert for the 2,000', async () => {
    // Every role attaches the policy, and moto lists every one of them (it lists 100 at most).
    expect((await rolesAttaching(clients.iam, account.policyArn)).sort()).toEqual(
      [...account.roleNames].sort(),
    );
    const versionId = await breakBaseline(clients.iam, account.policyArn);
    await changeQueue.send(
      createPolicyVersionEvent(
        readEventFixture('iam-create-policy-version.json'),
        account.policyArn,
        versionId,
      ),
    );
    lambdaCalls.reset();
    const before = invocations.length;
    const change = timed('change-handler', CHANGE_TIMEOUT_MS, createChangeHandler(runtime, logger));
    expect(await changeQueue.drain(change)).toBe(1);
    const workPolls = await workQueue.drain(worker(), 100);
    expect(workPolls).toBeGreaterThanOrEqual(4);

    // Zero Lambda calls: the functions come from the inventory, the roles and policy from IAM.
    expect(lambdaCalls.byOperation()).toEqual({});
    // Every invocation within its deadline, nothing in a dead-letter queue.
    const these = invocations.slice(before);
    expect(these.filter((i) => i.tookMs >= i.timeoutMs)).toEqual([]);
    expect(await changeQueue.deadLetters()).toEqual([]);
    expect(await workQueue.deadLetters()).toEqual([]);

    // One grouped alert, which names exactly the 2,000 functions created (its JSON, parsed from the
    // published message), within SNS's 256 KB.
    const alerts = await capture.receive();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert?.attributes.alert_type?.Value).toBe('big-change');
    expect(alert?.attributes.functions?.Value).toBe(String(FUNCTIONS));
    expect(alert?.subject).toContain(`affects ${FUNCTIONS} functions`);
    expect(Buffer.byteLength(alert?.message ?? '')).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const document = alert?.document;
    if (document?.type !== 'big-change') throw new Error('expected the grouped alert JSON in the message');
    const created = new Set(account.functionArns.map((arn) => arn.split(':')[6]));
    const named = document.groups.flatMap((g) => g.functions);
    expect(named).toHaveLength(FUNCTIONS);
    expect(new Set(named)).toEqual(created);
    expect(document.omittedFunctions).toBeUndefined();

    // Its full detail is readable with the command it gives, and holds each function's findings: the
    // logs permissions the new version took away, new for every one of them.
    const detail = document.detail;
    if (!detail) throw new Error('the grouped alert names no stored detail');
    expect(alert?.message).toContain(detail.command);
    const printed = await runAwsCliCommand(detail.command, moto);
    expect(printed.code).toBe(0);
    const stored = JSON.parse(printed.stdout) as BigChangeDetailDocument;
    expect(stored.alertId).toBe(document.alertId);
    expect(new Set(stored.functions.map((f) => f.arn))).toEqual(new Set(account.functionArns));
    const findingsOf = new Map(stored.report.functions.map((fn) => [fn.functionArn, fn.findings]));
    for (const fn of stored.functions) {
      const fresh = (findingsOf.get(fn.arn) ?? []).filter((f) => fn.newFindingIds.includes(f.id));
      expect(fresh.map((f) => f.action)).toEqual(
        expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']),
      );
    }

    // And the state table holds each function's findings.
    const states = await createDynamoDbStateStore({
      client: clients.dynamodb,
      tableName: STATE_TABLE,
    }).getMany(account.functionArns);
    expect(states.size).toBe(FUNCTIONS);
    for (const arn of account.functionArns) {
      const actions = (states.get(arn)?.findings ?? [])
        .filter((f) => f.rule === 'missing-permission')
        .map((f) => f.action);
      expect(actions).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
    }
  }, 600_000);
});
