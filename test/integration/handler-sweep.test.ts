/**
 * The scheduled sweep against moto: the whole account read in bulk, a digest of open findings published
 * to the topic (read back through SQS), and the state table brought in line, so that the next change event
 * announces only what is new since the digest.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../../functions/commons/handlers.js';
import type { DigestAlertDocument } from '../../shared/alerts/alert-document.js';
import type { MotoClients } from '../support/moto-account.js';
import { reportValidator } from '../unit/scenarios/report-expectations.js';
import {
  type AlertCapture,
  type DemoAccount,
  type HandlerEnvironment,
  lambdaContext,
  REGION,
  readEventFixture,
  SQS_EXECUTION_POLICY,
  STATE_TABLE,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const context = lambdaContext('sweep');

let env: HandlerEnvironment;
let clients: MotoClients;
let account: DemoAccount;
let capture: AlertCapture;
let runtime: AuditorRuntime;

beforeAll(async () => {
  env = await startHandlerEnvironment();
  ({ clients, account, capture } = env);
  runtime = env.runtime();
});

afterAll(async () => {
  await env?.stop();
});

describe('scheduled sweep', () => {
  const logger = new Logger({ serviceName: 'sweep-test', logLevel: 'SILENT' });

  it('publishes a digest of the open findings, in the report schema, and remembers them', async () => {
    // A function deleted long ago is still remembered: the sweep removes it.
    const stale = `arn:aws:lambda:${REGION}:123456789012:function:deleted-long-ago`;
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: STATE_TABLE,
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
    expect(digest?.message).toContain(
      '\norders-consumer\n- SQS mapping on orders-queue: missing sqs:DeleteMessage, sqs:ReceiveMessage\n',
    );
    expect(digest?.message).toContain(
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/orders-consumer',
    );
    const document = digest?.document as DigestAlertDocument;
    expect(document.type).toBe('digest');
    expect(reportValidator()(document.report)).toEqual([]);

    const remembered = await clients.dynamodb.send(
      new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: account.functionArn } } }),
    );
    const ids = (JSON.parse(remembered.Item?.findings?.S ?? '[]') as { id: string }[])
      .map((f) => f.id)
      .sort();
    expect(ids).toEqual(document.report.functions[0]?.findings.map((f) => f.id).sort());
    const gone = await clients.dynamodb.send(
      new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: stale } } }),
    );
    expect(gone.Item).toBeUndefined();
  });

  it('leaves the next change event nothing to announce that the digest already said', async () => {
    const change = createChangeHandler(runtime, logger);
    const body = readEventFixture('iam-detach-role-policy.json');
    const response = await change(sqsEvent([body]), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(await capture.receive()).toEqual([]);
  });
});
