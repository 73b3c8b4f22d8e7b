/**
 * The change handler's cost per CloudTrail event, against moto server: a role shared by 1, 10 and 100
 * functions (each with its own SQS queue and mapping), and the event `DetachRolePolicy` on that role
 * delivered as the SQS batch the handler receives. Three runs per size:
 *
 * - first: the state table is empty, so every function gets an alert (audit + publish + state write);
 * - repeat: the same event again: everything is audited, nothing has changed, nothing is published;
 * - burst: ten events on the role in one batch: coalesced into one audit of each function.
 *
 * API calls are counted per operation with an SDK middleware on every client the handler uses (each
 * HTTP attempt counts). Times are wall times against moto on this machine, and include the live source's
 * Lambda request rate limit (10 requests per second by default, under Lambda's 15): at 100 functions that
 * limit, not moto, sets the pace.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createAuditorRuntime } from '../functions/commons/auditor.js';
import { createChangeHandler } from '../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../shared/adapters/aws/call-counter.js';
import { mapWithConcurrency } from '../shared/adapters/aws/live-account-reader.js';
import { DEFAULT_TAG_SUPPRESSION } from '../shared/domain/suppressions.js';
import {
  createStateTable,
  REGION,
  SQS_EXECUTION_POLICY,
  sqsEvent,
} from '../test/integration/handler-harness.js';
import { startMotoServer } from '../test/support/moto.js';
import { motoClients, tinyZip } from '../test/support/moto-account.js';

const SIZES = [1, 10, 100];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function detachEvent(roleName: string): string {
  const event = JSON.parse(
    readFileSync(join(root, 'test/fixtures/events/iam-detach-role-policy.json'), 'utf8'),
  );
  event.detail.eventID = randomUUID();
  event.detail.requestParameters.roleName = roleName;
  return JSON.stringify(event);
}

function summarise(counter: ApiCallCounter): string {
  return Object.entries(counter.byOperation())
    .map(([op, n]) => `${op.replace(/^(\w+):/, '$1 ')}×${n}`)
    .join(', ');
}

export async function run(): Promise<void> {
  const moto = await startMotoServer(REGION);
  try {
    const clients = motoClients(moto);
    const sns = new SNSClient(moto.clientConfig);
    await createStateTable(clients.dynamodb, 'bench-state');
    const topic = await sns.send(new CreateTopicCommand({ Name: 'bench-alerts' }));
    const runtime = createAuditorRuntime(
      {
        stateTableName: 'bench-state',
        alertTopicArn: topic.TopicArn ?? '',
        minSeverity: 'low',
        suppressions: [],
        tagSuppression: DEFAULT_TAG_SUPPRESSION,
        account: '123456789012',
        auditRegions: [REGION],
        region: REGION,
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
    const handler = createChangeHandler(runtime, new Logger({ serviceName: 'bench', logLevel: 'SILENT' }));

    console.log('role shared by | run    | events | alerts | ms/batch | ms/event | API calls/event | calls');
    for (const size of SIZES) {
      const roleName = `shared-role-${size}`;
      const role = await clients.iam.send(
        new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: TRUST }),
      );
      await clients.iam.send(
        new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: SQS_EXECUTION_POLICY }),
      );
      await mapWithConcurrency(
        Array.from({ length: size }, (_, i) => i),
        8,
        async (i) => {
          const name = `bench-${size}-${i}`;
          const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
          const attributes = await clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
          );
          const fn = await clients.lambda.send(
            new CreateFunctionCommand({
              FunctionName: name,
              Runtime: 'nodejs20.x',
              Role: role.Role?.Arn,
              Handler: 'index.handler',
              Code: { ZipFile: tinyZip() },
            }),
          );
          await clients.lambda.send(
            new CreateEventSourceMappingCommand({
              FunctionName: fn.FunctionArn,
              EventSourceArn: attributes.Attributes?.QueueArn,
            }),
          );
        },
      );

      for (const [label, events] of [
        ['first', 1],
        ['repeat', 1],
        ['burst', 10],
      ] as const) {
        counter.reset();
        const bodies = Array.from({ length: events }, () => detachEvent(roleName));
        const started = performance.now();
        const response = await handler(sqsEvent(bodies), context);
        const ms = performance.now() - started;
        if (response.batchItemFailures.length > 0)
          throw new Error(`${response.batchItemFailures.length} messages failed`);
        const alerts = counter.byOperation()['SNS:Publish'] ?? 0;
        console.log(
          `${String(size).padStart(14)} | ${label.padEnd(6)} | ${String(events).padStart(6)} | ${String(alerts).padStart(6)} | ${ms
            .toFixed(0)
            .padStart(
              8,
            )} | ${(ms / events).toFixed(0).padStart(8)} | ${(counter.total / events).toFixed(1).padStart(15)} | ${summarise(counter)}`,
        );
      }
    }
    for (const client of [sns, runtime.sns, runtime.dynamodb, ...Object.values(clients)]) client.destroy();
  } finally {
    await moto.stop();
  }
}
