/**
 * What one policy change costs when the functions' mappings target an alias (the way SAM's AutoPublishAlias
 * deploys them) and read queues encrypted with a customer managed key, against moto: 100 functions on 2
 * roles attaching one customer managed baseline; each function has version 1, the `live` alias on it, and a
 * mapping on the alias reading its own queue (KmsMasterKeyId `alias/bench-key`). The sweep (fanned out
 * through the worker) fills the inventory; then the baseline gets a new default version and the change
 * goes through the change handler. Printed: the calls by service, for the change and for the sweep.
 *
 * moto keeps a mapping created on an alias under the alias's version; the auditor's clients get the alias
 * ARN back (test/support/moto-account.ts `patchMotoAliasMappings`), as Lambda answers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CreatePolicyVersionCommand } from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  CreateAliasCommand as CreateKmsAliasCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import {
  createChangeHandler,
  createSweepHandler,
  createWorkerHandler,
} from '../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../shared/adapters/aws/call-counter.js';
import { mapWithConcurrency } from '../shared/adapters/aws/live-account-reader.js';
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
import {
  motoClients,
  patchMotoAliasMappings,
  patchMotoInvokeConfigTimestamps,
} from '../test/support/moto-account.js';

const N = 100;
const PER_ROLE = 50;
const context = (name: string) =>
  ({ functionName: name, awsRequestId: name, getRemainingTimeInMillis: () => 900_000 }) as unknown as Context;

export async function run(): Promise<void> {
  const moto = await startMotoServer(REGION);
  try {
    const clients = motoClients(moto);
    const sns = new SNSClient(moto.clientConfig);
    const kms = new KMSClient(moto.clientConfig);
    await createStateTable(clients.dynamodb, 'bench-targets');
    const capture = await createAlertCapture({ sns, sqs: clients.sqs }, 'bench-targets-alerts');
    const work = await createChangeQueue(clients.sqs, 'bench-targets-work', 5, 1);
    const changes = await createChangeQueue(clients.sqs, 'bench-targets-changes', 5);
    const key = await kms.send(new CreateKeyCommand({ Description: 'bench' }));
    await kms.send(
      new CreateKmsAliasCommand({ AliasName: 'alias/bench-key', TargetKeyId: key.KeyMetadata?.KeyId }),
    );
    const account = await createBigAccount(clients, {
      functions: N,
      functionsPerRole: PER_ROLE,
      prefix: 'tgt',
    });
    const onAlias = new Map<string, string>();
    await mapWithConcurrency(account.functionArns, 4, async (functionArn) => {
      const name = functionArn.slice(functionArn.lastIndexOf(':') + 1);
      const queue = await clients.sqs.send(
        new CreateQueueCommand({
          QueueName: `${name}-queue`,
          Attributes: { KmsMasterKeyId: 'alias/bench-key' },
        }),
      );
      const attributes = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const version = await clients.lambda.send(new PublishVersionCommand({ FunctionName: functionArn }));
      const alias = await clients.lambda.send(
        new CreateAliasCommand({ FunctionName: functionArn, Name: 'live', FunctionVersion: version.Version }),
      );
      const mapping = await clients.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: alias.AliasArn,
          EventSourceArn: attributes.Attributes?.QueueArn,
        }),
      );
      onAlias.set(mapping.UUID ?? '', alias.AliasArn ?? '');
    });
    const runtime = motoAuditorRuntime(moto, {
      stateTableName: 'bench-targets',
      alertTopicArn: capture.topicArn,
      minSeverity: 'medium',
      workQueueUrl: work.queueUrl,
      lambdaRequestsPerSecond: 200,
    });
    const counter = new ApiCallCounter();
    for (const c of runtime.clientsByRegion.values()) {
      patchMotoInvokeConfigTimestamps(c.lambda);
      patchMotoAliasMappings(c.lambda, onAlias);
      countApiCalls(c.iam, counter);
      countApiCalls(c.lambda, counter);
      if (c.sqs) countApiCalls(c.sqs, counter);
      if (c.kinesis) countApiCalls(c.kinesis, counter);
      if (c.sns) countApiCalls(c.sns, counter);
      if (c.secretsManager) countApiCalls(c.secretsManager, counter);
      if (c.kms) countApiCalls(c.kms, counter);
    }
    countApiCalls(runtime.dynamodb, counter);
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    const worker = createWorkerHandler(runtime, logger);
    const drainWork = () => work.drain((event) => worker(event, context('worker')), 1_000);
    const byService = (service: string) =>
      Object.entries(counter.byOperation())
        .filter(([op]) => op.startsWith(`${service}:`))
        .reduce((n, [, c]) => n + c, 0);
    const line = (what: string, ms: number) =>
      console.log(
        `${what.padEnd(34)} | ${['Lambda', 'SQS', 'KMS', 'IAM', 'DynamoDB']
          .map((s) => String(byService(s)).padStart(s.length))
          .join(' | ')} | ${ms.toFixed(0)}`,
      );

    console.log(
      `${N} functions, mappings on the live alias, each reading a queue under a customer managed key`,
    );
    console.log(`${'what'.padEnd(34)} | Lambda | SQS | KMS | IAM | DynamoDB | ms`);
    counter.reset();
    let started = performance.now();
    await createSweepHandler(runtime, logger)({}, context('sweep'));
    await drainWork();
    line('sweep (fills the inventory)', performance.now() - started);
    await capture.receive();

    const version = await clients.iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: account.policyArn,
        SetAsDefault: true,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      }),
    );
    await changes.send(
      createPolicyVersionEvent(
        readEventFixture('iam-create-policy-version.json'),
        account.policyArn,
        version.PolicyVersion?.VersionId ?? '',
      ),
    );
    const change = createChangeHandler(runtime, logger);
    counter.reset();
    started = performance.now();
    await changes.drain((event) => change(event, context('change')));
    await drainWork();
    line(`policy change reaching ${N} functions`, performance.now() - started);
    for (const client of [sns, kms, runtime.sns, runtime.dynamodb, ...Object.values(clients)])
      client.destroy();
  } finally {
    await moto.stop();
  }
}
