/**
 * Issue 10's figures, against moto: sweep capacity, the shared Lambda pace, and the cost of one policy change.
 *
 * - Sweep capacity: a 2,000-function account (roles shared by 50) swept through the fan-out (dispatch,
 *   then the worker's chunks and assembly, delivered from the moto work queue in-process to two workers at
 *   once, as the mapping's MaximumConcurrency allows), every invocation with its own clients and its own
 *   copy of the shared Lambda pace (the state table's counters), with a bigger budget for moto (moto does
 *   not throttle). Printed: functions per minute of wall time here, functions per Lambda call, the most
 *   Lambda requests seen in any one-second window across the invocations (against the budget), and the
 *   extrapolation to 20,000 functions at the real pace: the default budget of 10 requests per second per
 *   Region, 8 when busy (shared/adapters/state-store/lambda-pace.ts).
 * - One policy change reaching 1, 100 and 2,000 functions (a new default version of a customer managed
 *   policy attached to 1, 2 and 40 roles), judged from the inventory the sweep filled: API calls by
 *   service and handler invocations (change handler + worker).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
} from '@aws-sdk/client-iam';
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import type { Context } from 'aws-lambda';
import type { AuditorRuntime } from '../functions/commons/auditor.js';
import {
  createChangeHandler,
  createSweepHandler,
  createWorkerHandler,
} from '../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../shared/adapters/aws/call-counter.js';
import { steadyRequestsPerSecond } from '../shared/adapters/state-store/lambda-pace.js';
import { DEFAULT_FAN_OUT } from '../shared/app/fan-out.js';
import {
  createAlertCapture,
  createChangeQueue,
  createStateTable,
  motoAuditorRuntime,
  REGION,
  readEventFixture,
} from '../test/integration/handler-harness.js';
import { createBigAccount, createPolicyVersionEvent } from '../test/support/big-account.js';
import { startMotoServer } from '../test/support/moto.js';
import { motoClients } from '../test/support/moto-account.js';

const N = 2_000;
const PER_ROLE = 50;
/** The shared budget for moto (requests per second in any one-second window, every invocation together). */
const MOTO_BUDGET = 200;
/** The real budget (the stack's default, `-c lambdaRequestsPerSecond`) and the workers sharing it. */
const REAL_BUDGET = 10;
const WORKERS = 2;
/** Change handlers (2), the sweep, the workers (2): the stack's LAMBDA_PACE_INVOCATIONS. */
const PACE_INVOCATIONS = 5;
const context = (name: string) =>
  ({ functionName: name, awsRequestId: name, getRemainingTimeInMillis: () => 900_000 }) as unknown as Context;

/** The most timestamps in any window [t, t + 1000 ms). */
function maxInAnySecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

export async function run(): Promise<void> {
  const moto = await startMotoServer(REGION);
  try {
    const clients = motoClients(moto);
    const sns = new SNSClient(moto.clientConfig);
    await createStateTable(clients.dynamodb, 'bench-fan-out');
    const capture = await createAlertCapture({ sns, sqs: clients.sqs }, 'bench-fan-out-alerts');
    const work = await createChangeQueue(clients.sqs, 'bench-work', 5, 1);
    const changes = await createChangeQueue(clients.sqs, 'bench-changes', 5);
    let started = performance.now();
    const account = await createBigAccount(clients, {
      functions: N,
      functionsPerRole: PER_ROLE,
      prefix: 'bench',
    });
    console.log(
      `moto: ${N} functions on ${account.roleNames.length} roles created in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const counter = new ApiCallCounter();
    /** When each Lambda request left, across every invocation (recorded after the pace let it go). */
    const lambdaSent: number[] = [];
    const runtimes: AuditorRuntime[] = [];
    const recordSent: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => (args) => {
      lambdaSent.push(Date.now());
      return next(args);
    };
    /** One invocation's runtime: its own clients, its own copy of the shared pace. */
    const newRuntime = () => {
      const runtime = motoAuditorRuntime(moto, {
        stateTableName: 'bench-fan-out',
        alertTopicArn: capture.topicArn,
        minSeverity: 'medium',
        workQueueUrl: work.queueUrl,
        lambdaRequestsPerSecond: MOTO_BUDGET,
        lambdaPaceInvocations: PACE_INVOCATIONS,
      });
      for (const c of runtime.clientsByRegion.values()) {
        countApiCalls(c.iam, counter);
        countApiCalls(c.lambda, counter);
        c.lambda.middlewareStack.addRelativeTo(recordSent, {
          relation: 'after',
          toMiddleware: 'lambdaRoleAuditRequestLimits',
          name: 'benchLambdaSent',
        });
      }
      countApiCalls(runtime.dynamodb, counter);
      countApiCalls(runtime.sns, counter);
      runtimes.push(runtime);
      return runtime;
    };
    const runtime = newRuntime();
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    let invocations = 0;
    const workers = Array.from({ length: WORKERS }, () => createWorkerHandler(newRuntime(), logger));
    /** The work queue drained by the workers at once, each polling one item at a time. */
    const drainWork = async () => {
      for (;;) {
        const polled = await Promise.all(
          workers.map((worker) =>
            work.drain(async (event) => {
              invocations += 1;
              return worker(event, context('worker'));
            }, 1_000),
          ),
        );
        if (polled.every((n) => n === 0)) return;
      }
    };

    // --- Sweep capacity and the shared pace ---
    const sweep = createSweepHandler(runtime, logger);
    counter.reset();
    lambdaSent.length = 0;
    started = performance.now();
    await sweep({}, context('sweep'));
    invocations = 1;
    await drainWork();
    const seconds = (performance.now() - started) / 1000;
    const byService = (service: string) =>
      Object.entries(counter.byOperation())
        .filter(([op]) => op.startsWith(`${service}:`))
        .reduce((n, [, c]) => n + c, 0);
    const lambdaCalls = byService('Lambda');
    const perFunction = lambdaCalls / N;
    console.log(
      `sweep of ${N} functions (moto, shared budget ${MOTO_BUDGET} Lambda req/s): ${seconds.toFixed(1)} s wall, ${invocations} invocations (${WORKERS} workers at once), ` +
        `${(N / (seconds / 60)).toFixed(0)} functions/min; ${lambdaCalls} Lambda calls = ${(N / lambdaCalls).toFixed(2)} functions per Lambda call; ` +
        `IAM ${byService('IAM')}, DynamoDB ${byService('DynamoDB')} (UpdateItem ${counter.byOperation()['DynamoDB:UpdateItem'] ?? 0}: pace tokens and run tracking), SNS ${byService('SNS')}`,
    );
    console.log(
      `  pace: at most ${maxInAnySecond(lambdaSent)} Lambda requests in any one-second window across the invocations ` +
        `(budget ${MOTO_BUDGET}; ${steadyRequestsPerSecond(MOTO_BUDGET)}/s when busy); ${(lambdaSent.length / seconds).toFixed(0)}/s on average over the run`,
    );
    const realRate = steadyRequestsPerSecond(REAL_BUDGET);
    const chunk = DEFAULT_FAN_OUT.sweepChunkSize;
    console.log(
      `  at the real pace (budget ${REAL_BUDGET} Lambda req/s per Region shared by the whole stack, ${realRate}/s when busy): ` +
        `${((realRate / perFunction) * 60).toFixed(0)} functions/min; 20,000 functions ≈ ${(20_000 * perFunction).toFixed(0)} Lambda calls ≈ ` +
        `${((20_000 * perFunction) / realRate / 60).toFixed(0)} min, in ${Math.ceil(20_000 / chunk)}+ chunks of ≤ ~${chunk} functions ` +
        `(${((chunk * perFunction) / (realRate / WORKERS)).toFixed(0)} s each at ${realRate / WORKERS} req/s per worker, ${WORKERS} at once; worker timeout 900 s)`,
    );
    await capture.receive();

    // --- One policy change reaching 1, 100 and 2,000 functions ---
    const single = await createBigAccount(clients, { functions: 1, functionsPerRole: 1, prefix: 'single' });
    // The single function joins the inventory through its CreateFunction event in a deployment; here a
    // second sweep stands for it.
    await sweep({}, context('sweep'));
    await drainWork();
    await capture.receive();
    const hundred = await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'bench-hundred',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }],
        }),
      }),
    );
    for (const role of account.roleNames.slice(0, 100 / PER_ROLE))
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: hundred.Policy?.Arn }));
    const fixture = readEventFixture('iam-create-policy-version.json');
    const change = createChangeHandler(runtime, logger);
    console.log('policy change reaching | invocations | alerts | Lambda | IAM | DynamoDB | SNS | ms');
    for (const [reach, policyArn] of [
      [1, single.policyArn],
      [100, hundred.Policy?.Arn ?? ''],
      [N, account.policyArn],
    ] as const) {
      const version = await clients.iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: policyArn,
          SetAsDefault: true,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
          }),
        }),
      );
      await changes.send(
        createPolicyVersionEvent(fixture, policyArn, version.PolicyVersion?.VersionId ?? ''),
      );
      counter.reset();
      invocations = 0;
      started = performance.now();
      await changes.drain(async (event) => {
        invocations += 1;
        return change(event, context('change'));
      });
      await drainWork();
      const ms = performance.now() - started;
      const alerts = (await capture.receive()).length;
      console.log(
        `${String(reach).padStart(22)} | ${String(invocations).padStart(11)} | ${String(alerts).padStart(6)} | ${String(byService('Lambda')).padStart(6)} | ${String(byService('IAM')).padStart(3)} | ${String(byService('DynamoDB')).padStart(8)} | ${String(byService('SNS')).padStart(3)} | ${ms.toFixed(0)}`,
      );
    }
    for (const client of [
      sns,
      ...runtimes.flatMap((r) => [
        r.sns,
        r.dynamodb,
        ...[...r.clientsByRegion.values()].flatMap((c) => Object.values(c)),
      ]),
      ...Object.values(clients),
    ])
      client.destroy();
  } finally {
    await moto.stop();
  }
}
