/**
 * Issue 10's figures, against moto: sweep capacity and the cost of one policy change.
 *
 * - Sweep capacity: a 2,000-function account (roles shared by 50) swept through the fan-out (dispatch,
 *   then the worker's chunks and assembly, delivered from the moto work queue in-process), with a faster
 *   Lambda pace for moto (moto does not throttle). Printed: functions per minute of wall time here,
 *   functions per Lambda call, and the extrapolation to 20,000 functions at the real pace: the workers'
 *   share of Lambda's 15 requests per second, MaximumConcurrency 2 × 5 requests per second per worker.
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
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { createAuditorRuntime } from '../functions/commons/auditor.js';
import {
  createChangeHandler,
  createSweepHandler,
  createWorkerHandler,
} from '../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../shared/adapters/aws/call-counter.js';
import { DEFAULT_TAG_SUPPRESSION } from '../shared/domain/suppressions.js';
import {
  createAlertCapture,
  createChangeQueue,
  createStateTable,
  REGION,
  readEventFixture,
} from '../test/integration/handler-harness.js';
import { createBigAccount, createPolicyVersionEvent } from '../test/support/big-account.js';
import { startMotoServer } from '../test/support/moto.js';
import { motoClients } from '../test/support/moto-account.js';

const N = 2_000;
const PER_ROLE = 50;
const MOTO_PACE = 200;
/** The real pace of the fan-out: MaximumConcurrency 2 × 5 Lambda requests per second per worker. */
const REAL_PACE = 2 * 5;
const context = (name: string) =>
  ({ functionName: name, awsRequestId: name, getRemainingTimeInMillis: () => 900_000 }) as unknown as Context;

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
    const runtime = createAuditorRuntime(
      {
        stateTableName: 'bench-fan-out',
        alertTopicArn: capture.topicArn,
        minSeverity: 'medium',
        suppressions: [],
        tagSuppression: DEFAULT_TAG_SUPPRESSION,
        account: '123456789012',
        auditRegions: [REGION],
        region: REGION,
        workQueueUrl: work.queueUrl,
        lambdaRequestsPerSecond: MOTO_PACE,
      },
      { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 3 },
    );
    const counter = new ApiCallCounter();
    for (const c of runtime.clientsByRegion.values()) {
      countApiCalls(c.iam, counter);
      countApiCalls(c.lambda, counter);
    }
    countApiCalls(runtime.dynamodb, counter);
    countApiCalls(runtime.sns, counter);
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    let invocations = 0;
    const worker = createWorkerHandler(runtime, logger);
    const workerPoll = async (event: Parameters<typeof worker>[0]) => {
      invocations += 1;
      return worker(event, context('worker'));
    };

    // --- Sweep capacity ---
    const sweep = createSweepHandler(runtime, logger);
    counter.reset();
    started = performance.now();
    await sweep({}, context('sweep'));
    invocations = 1;
    await work.drain(workerPoll, 1_000);
    const seconds = (performance.now() - started) / 1000;
    const byService = (service: string) =>
      Object.entries(counter.byOperation())
        .filter(([op]) => op.startsWith(`${service}:`))
        .reduce((n, [, c]) => n + c, 0);
    const lambdaCalls = byService('Lambda');
    const perFunction = lambdaCalls / N;
    const realMinutes20k = (20_000 * perFunction) / REAL_PACE / 60;
    console.log(
      `sweep of ${N} functions (moto, ${MOTO_PACE} Lambda req/s): ${seconds.toFixed(1)} s wall, ${invocations} invocations, ` +
        `${(N / (seconds / 60)).toFixed(0)} functions/min; ${lambdaCalls} Lambda calls = ${(N / lambdaCalls).toFixed(2)} functions per Lambda call; ` +
        `IAM ${byService('IAM')}, DynamoDB ${byService('DynamoDB')}, SNS ${byService('SNS')}`,
    );
    console.log(
      `  at the real pace (${REAL_PACE} Lambda req/s: MaximumConcurrency 2 × 5/s): ${((REAL_PACE / perFunction) * 60).toFixed(0)} functions/min; ` +
        `20,000 functions ≈ ${(20_000 * perFunction).toFixed(0)} Lambda calls ≈ ${realMinutes20k.toFixed(0)} min, ` +
        `in ${Math.ceil(20_000 / 500)}+ chunks of ≤ ~500 functions (${((500 * perFunction) / 5).toFixed(0)} s each at 5 req/s, worker timeout 900 s)`,
    );
    await capture.receive();

    // --- One policy change reaching 1, 100 and 2,000 functions ---
    const single = await createBigAccount(clients, { functions: 1, functionsPerRole: 1, prefix: 'single' });
    // The single function joins the inventory through its CreateFunction event in a deployment; here a
    // second sweep stands for it.
    await sweep({}, context('sweep'));
    await work.drain(workerPoll, 1_000);
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
      await work.drain(workerPoll, 1_000);
      const ms = performance.now() - started;
      const alerts = (await capture.receive()).length;
      console.log(
        `${String(reach).padStart(22)} | ${String(invocations).padStart(11)} | ${String(alerts).padStart(6)} | ${String(byService('Lambda')).padStart(6)} | ${String(byService('IAM')).padStart(3)} | ${String(byService('DynamoDB')).padStart(8)} | ${String(byService('SNS')).padStart(3)} | ${ms.toFixed(0)}`,
      );
    }
    for (const client of [sns, runtime.sns, runtime.dynamodb, ...Object.values(clients)]) client.destroy();
  } finally {
    await moto.stop();
  }
}
