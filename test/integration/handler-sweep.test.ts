/**
 * The scheduled sweep against moto: the whole account read in bulk, a digest of open findings published
 * to the topic (read back through SQS), and the state table brought in line, so that the next change event
 * announces only what is new since the digest.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { type AuditorRuntime, createAuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../../functions/commons/handlers.js';
import type { DigestAlertDocument } from '../../shared/alerts/alert-document.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients } from '../support/moto-account.js';
import { reportValidator } from '../unit/scenarios/report-expectations.js';
import {
  type AlertCapture,
  createAlertCapture,
  createDemoAccount,
  createStateTable,
  type DemoAccount,
  REGION,
  SQS_EXECUTION_POLICY,
  sqsEvent,
} from './handler-harness.js';

const TABLE = 'lambda-role-audit-state';
const context = {
  functionName: 'sweep',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/events');

let moto: MotoServer;
let clients: MotoClients;
let sns: SNSClient;
let account: DemoAccount;
let capture: AlertCapture;
let runtime: AuditorRuntime;

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  sns = new SNSClient(moto.clientConfig);
  account = await createDemoAccount(clients);
  await createStateTable(clients.dynamodb, TABLE);
  capture = await createAlertCapture({ sns, sqs: clients.sqs });
  runtime = createAuditorRuntime(
    {
      stateTableName: TABLE,
      alertTopicArn: capture.topicArn,
      minSeverity: 'low',
      suppressions: [],
      auditRegions: [REGION],
      region: REGION,
    },
    { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, maxAttempts: 1 },
  );
});

afterAll(async () => {
  for (const client of [sns, runtime?.sns, runtime?.dynamodb, ...Object.values(clients)]) client?.destroy();
  for (const c of runtime?.clientsByRegion.values() ?? [])
    for (const client of Object.values(c)) client.destroy();
  await moto?.stop();
});

describe('scheduled sweep', () => {
  const logger = new Logger({ serviceName: 'sweep-test', logLevel: 'SILENT' });

  it('publishes a digest of the open findings, in the report schema, and remembers them', async () => {
    // A function deleted long ago is still remembered: the sweep removes it.
    const stale = `arn:aws:lambda:${REGION}:123456789012:function:deleted-long-ago`;
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { functionArn: { S: stale }, findings: { S: '[]' }, auditedAt: { S: '2026-01-01T00:00:00Z' } },
      }),
    );
    await clients.iam.send(
      new DetachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );

    const sweep = createSweepHandler(runtime, logger);
    const result = await sweep({}, context);
    expect(result.published).toBe(true);

    const [digest, ...more] = await capture.receive();
    expect(more).toEqual([]);
    expect(digest?.subject).toMatch(/^\[lambda-role-audit\] digest: \d+ open in 1 of 1 functions$/);
    expect(digest?.attributes.alert_type?.Value).toBe('digest');
    expect(digest?.message).toContain(`orders-consumer  (${account.functionArn})`);
    expect(digest?.message).toContain(`[HIGH] missing-permission sqs:DeleteMessage on ${account.queueArn}`);
    const document = digest?.document as DigestAlertDocument;
    expect(document.type).toBe('digest');
    expect(reportValidator()(document.report)).toEqual([]);

    const remembered = await clients.dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: account.functionArn } } }),
    );
    const ids = (JSON.parse(remembered.Item?.findings?.S ?? '[]') as { id: string }[])
      .map((f) => f.id)
      .sort();
    expect(ids).toEqual(document.report.functions[0]?.findings.map((f) => f.id).sort());
    const gone = await clients.dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: stale } } }),
    );
    expect(gone.Item).toBeUndefined();
  });

  it('leaves the next change event nothing to announce that the digest already said', async () => {
    const change = createChangeHandler(runtime, logger);
    const body = readFileSync(join(fixtures, 'iam-detach-role-policy.json'), 'utf8');
    const response = await change(sqsEvent([body]), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(await capture.receive()).toEqual([]);
  });
});
