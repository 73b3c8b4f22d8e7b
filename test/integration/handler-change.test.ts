/**
 * The change handler end to end against moto: the account is set up in moto through the SDK, every fixture
 * event is delivered as the SQS batch the handler receives (the real module, configured by its
 * environment as in Lambda), and the alerts are read back from an SQS queue subscribed to moto's SNS
 * topic: subject, email body, message attributes and the JSON, which validates against the report schema.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachRolePolicyCommand, DetachRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { jest } from '@jest/globals';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FunctionAlertDocument } from '../../shared/alerts/alert-document.js';
import { classifyEvent } from '../../shared/events/change.js';
import { parseCloudTrailEvent } from '../../shared/events/cloudtrail-event.js';
import { type MotoClients, tinyZip } from '../support/moto-account.js';
import { reportValidator } from '../unit/scenarios/report-expectations.js';
import {
  type AlertCapture,
  createDemoAccount,
  type DemoAccount,
  eventFixtureNames,
  type HandlerEnvironment,
  lambdaContext,
  REGION,
  readEventFixture,
  SQS_EXECUTION_POLICY,
  STATE_TABLE,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const FIXTURE_UUID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa';
const context = lambdaContext('change-handler');

let env: HandlerEnvironment;
let clients: MotoClients;
let account: DemoAccount;
let capture: AlertCapture;
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const validate = reportValidator();

function fixture(name: string): string {
  return readEventFixture(name, { [FIXTURE_UUID]: account.mappingUuid });
}

const forget = (functionArn: string) => env.forget(functionArn);

/** What the handler acts on: a change (not a call that changed no key, not an unrelated or failed call). */
function isChange(file: string): boolean {
  const parsed = parseCloudTrailEvent(readEventFixture(file));
  return parsed.ok && classifyEvent(parsed.event).kind === 'change';
}

// The demo account's function reads orders-queue: the key changes of the stream, topic and secret the
// fixtures name are tested below, on an account that uses them. Suppress-tag changes give a suppression
// notice of their own (handler-suppress-tag.test.ts).
const handled = eventFixtureNames().filter(
  (f) =>
    !f.includes('-unrelated') &&
    !f.includes('-failed') &&
    !f.endsWith('-suppress.json') &&
    isChange(f) &&
    !/^(kinesis|sns|secretsmanager)-/.test(f),
);

beforeAll(async () => {
  env = await startHandlerEnvironment();
  ({ clients, account, capture } = env);
  const moto = env.moto;
  // The handler module reads its configuration at import, as on a cold start.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    STATE_TABLE_NAME: STATE_TABLE,
    ALERT_TOPIC_ARN: capture.topicArn,
    ALERT_MIN_SEVERITY: 'low',
    // orders-consumer's findings come from AWS's managed baseline (AWSLambdaSQSQueueExecutionRole's grants
    // on *), info by default: graded low here, as a deployment can ask, so that every change gives an alert.
    AWS_MANAGED_BASELINE_SEVERITY: 'low',
    POWERTOOLS_SERVICE_NAME: 'change-handler-test',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    // The logger then writes through the global console, which the log test below can watch.
    POWERTOOLS_DEV: 'true',
  });
  ({ handler } = await import('../../functions/change-handler/handler.js'));
});

afterAll(async () => {
  await env?.stop();
});

describe('change handler, each fixture event end to end', () => {
  it.each(handled)('turns %s into one alert for orders-consumer', async (file) => {
    await forget(account.functionArn);
    const body = fixture(file);
    const response = await handler(sqsEvent([body]), context);
    expect(response.batchItemFailures).toEqual([]);

    const alerts = await capture.receive();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    if (alert?.document?.type !== 'change') throw new Error('expected a change alert');
    const document: FunctionAlertDocument = alert.document;

    // Subject: short, one line, says what happened to the function.
    expect(alert.subject).toMatch(/^\[lambda-role-audit\] orders-consumer[ '’]/);
    expect(alert.subject?.length).toBeLessThan(100);

    // Body: what changed, who, when; one line per cause; the recommended policy.
    const parsed = parseCloudTrailEvent(body);
    const classified = parsed.ok ? classifyEvent(parsed.event) : undefined;
    if (classified?.kind !== 'change') throw new Error(`${file} should be a change`);
    const text = alert.message.replace(/\n/g, ' ');
    expect(text).toContain(`Changed by jane at 2026-11-26 14:02 UTC: ${classified.change.summary}.`);
    expect(alert.message).toMatch(/\n- [A-Z].*: /);
    expect(alert.message).toContain('Recommended policy');

    // Attributes for subscription filters.
    expect(alert.attributes.function).toEqual({ Type: 'String', Value: 'orders-consumer' });
    expect(['critical', 'high', 'medium', 'low', 'info']).toContain(alert.attributes.severity?.Value);
    expect(alert.attributes.rules?.Type).toBe('String.Array');
    expect(alert.attributes.alert_id?.Value).toBe(document.alertId);

    // JSON for machines: the function's report, in the report schema.
    expect(document.function.arn).toBe(account.functionArn);
    expect(document.changes.map((c) => c.eventName)).toEqual([classified.change.eventName]);
    expect(validate(document.report)).toEqual([]);
    expect(document.report.functions[0]?.findings.length).toBe(document.newFindingIds.length);
  });
});

describe('change handler, a policy detached and attached again', () => {
  it('alerts on the missing SQS permissions, then on the fix, then stays quiet', async () => {
    await forget(account.functionArn);
    // Today's findings are remembered first, so that the alert is about the change.
    await handler(sqsEvent([fixture('lambda-update-function-configuration.json')]), context);
    await capture.receive();

    await clients.iam.send(
      new DetachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    await handler(sqsEvent([fixture('iam-detach-role-policy.json')]), context);
    const [broken, ...more] = await capture.receive();
    expect(more).toEqual([]);
    expect(broken?.subject).toBe(
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue +1 more',
    );
    expect(broken?.message).toContain(
      '\n- SQS mapping on orders-queue: missing sqs:DeleteMessage, sqs:ReceiveMessage\n',
    );
    expect(broken?.message.replace(/\n +/g, ' ')).toContain(
      `SQS mapping ${account.mappingUuid} on ${account.queueArn}: no statement allows them.`,
    );
    expect(broken?.attributes.outcome?.Value).toMatch(/^new/);
    expect(JSON.parse(broken?.attributes.rules?.Value ?? '[]')).toContain('missing-permission');

    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    await handler(sqsEvent([fixture('iam-attach-role-policy.json')]), context);
    const [fixed, ...again] = await capture.receive();
    expect(again).toEqual([]);
    expect(fixed?.subject).toBe(
      '[lambda-role-audit] orders-consumer receives from SQS queue orders-queue again +1 more',
    );
    expect(fixed?.message.replace(/\n +/g, ' ')).toContain(
      '- SQS mapping on orders-queue: sqs:DeleteMessage, sqs:ReceiveMessage allowed again',
    );

    const redelivered = await handler(sqsEvent([fixture('iam-attach-role-policy.json')]), context);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await capture.receive()).toEqual([]);
  });

  it('coalesces twenty events on the role into one alert', async () => {
    await forget(account.functionArn);
    const burst = Array.from({ length: 10 }, (_, i) =>
      fixture(i % 2 === 0 ? 'iam-put-role-policy.json' : 'iam-attach-role-policy.json'),
    );
    const response = await handler(sqsEvent(burst), context);
    expect(response.batchItemFailures).toEqual([]);
    const alerts = await capture.receive();
    expect(alerts).toHaveLength(1);
    // The redelivered events (same eventID) are listed once each.
    const document = alerts[0]?.document as FunctionAlertDocument;
    expect(document.changes.map((c) => c.eventName).sort()).toEqual(['AttachRolePolicy', 'PutRolePolicy']);
  });

  it('remembers the findings it reported, per function, in the state table', async () => {
    const item = await clients.dynamodb.send(
      new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: account.functionArn } } }),
    );
    const findings = JSON.parse(item.Item?.findings?.S ?? '[]') as { id: string; rule: string }[];
    expect(findings.length).toBeGreaterThan(0);
    expect(item.Item?.alertId?.S).toMatch(/^[0-9a-f]{20}$/);
  });

  it('resolves a managed policy change to every function of every role attaching it', async () => {
    const second = await createDemoAccount(clients, {
      functionName: 'invoices-consumer',
      roleName: 'invoices-consumer-role',
    });
    await forget(account.functionArn);
    await forget(second.functionArn);
    await handler(sqsEvent([fixture('iam-create-policy-version.json')]), context);
    const alerts = await capture.receive();
    expect(alerts.map((a) => a.attributes.function?.Value).sort()).toEqual([
      'invoices-consumer',
      'orders-consumer',
    ]);
  });
});

describe('change handler, a function from a CloudFormation stack', () => {
  it('reads the stack tag through ListTags for the alert, and says where to make the fix last', async () => {
    await clients.lambda.send(
      new TagResourceCommand({
        Resource: account.functionArn,
        Tags: { 'aws:cloudformation:stack-name': 'orders-prod' },
      }),
    );
    try {
      await forget(account.functionArn);
      await handler(sqsEvent([fixture('iam-put-role-policy.json')]), context);
      const [alert] = await capture.receive();
      const document = alert?.document as FunctionAlertDocument;
      expect(document.function.stackName).toBe('orders-prod');
      expect(alert?.message.replace(/\n/g, ' ')).toContain(
        'orders-consumer comes from CloudFormation stack orders-prod: the next deployment can undo a change made by hand',
      );
      expect(alert?.message).toContain(
        'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks?filteringText=orders-prod',
      );
    } finally {
      await clients.lambda.send(
        new UntagResourceCommand({
          Resource: account.functionArn,
          TagKeys: ['aws:cloudformation:stack-name'],
        }),
      );
    }
  });
});

describe('change handler logs', () => {
  it('never writes the event, its documents or the environment to the log', async () => {
    const written: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const spies = methods.map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map(String).join(' '));
      }),
    );
    try {
      await forget(account.functionArn);
      await handler(
        sqsEvent([fixture('iam-put-role-policy.json'), '{"malformed": true, "token": "s3cr3t"}']),
        context,
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    await capture.receive();
    const log = written.join('');
    expect(log).toContain('malformed event');
    expect(log).not.toContain('s3cr3t');
    expect(log).not.toContain('sqs:ReceiveMessage","sqs:DeleteMessage'); // the PutRolePolicy document
    expect(log).not.toContain(capture.topicArn);
    expect(log).not.toContain('AWS_SECRET_ACCESS_KEY');
  });
});

describe('change handler, the key of a source or destination', () => {
  let kms: KMSClient;
  let keyArn: string;

  beforeAll(async () => {
    kms = new KMSClient(env.moto.clientConfig);
    const key = await kms.send(new CreateKeyCommand({ Description: 'orders' }));
    keyArn = key.KeyMetadata?.Arn ?? '';
    await kms.send(
      new CreateAliasCommand({ AliasName: 'alias/orders-key', TargetKeyId: key.KeyMetadata?.KeyId }),
    );
  });

  afterAll(() => kms?.destroy());

  it('alerts on kms:Decrypt once the queue a mapping reads is encrypted with a customer managed key', async () => {
    await forget(account.functionArn);
    await handler(sqsEvent([fixture('lambda-update-function-configuration.json')]), context);
    await capture.receive();

    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-queue' }));
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: 'alias/orders-key' } }),
    );
    try {
      const response = await handler(sqsEvent([fixture('sqs-set-queue-attributes.json')]), context);
      expect(response.batchItemFailures).toEqual([]);
      // Every function reading the queue is re-audited (invoices-consumer, from an earlier test, reads it
      // too), each with its role's other functions.
      const alerts = await capture.receive();
      expect(alerts.length).toBeGreaterThanOrEqual(1);
      for (const each of alerts) {
        expect(newFindingsOf(each.document)).toContain(`missing-permission kms:Decrypt on ${keyArn}`);
        expect(each.message).toContain('SQS mapping on orders-queue: missing kms:Decrypt');
      }
      const alert = alerts.find((each) => each.attributes.function?.Value === 'orders-consumer');
      expect(alert?.message).toContain('SetQueueAttributes on the encryption\nof queue orders-queue');
      expect(alert?.message).toContain(`"Action":["kms:Decrypt"],"Resource":["${keyArn}"]`);

      // A call that changed no key is dropped, without an audit or an alert.
      const unrelated = await handler(sqsEvent([fixture('sqs-set-queue-attributes-no-key.json')]), context);
      expect(unrelated.batchItemFailures).toEqual([]);
      expect(await capture.receive()).toEqual([]);
    } finally {
      await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { KmsMasterKeyId: '' } }));
    }
  });

  it('re-audits the stream readers and the functions sending to a topic when their keys change', async () => {
    const sns = new SNSClient(env.moto.clientConfig);
    try {
      await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'orders-stream', ShardCount: 1 }));
      const topic = await sns.send(
        new CreateTopicCommand({ Name: 'orders-failures', Attributes: { KmsMasterKeyId: keyArn } }),
      );
      const roleName = account.roleName;
      await clients.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: 'stream',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'kinesis:*',
                Resource: `arn:aws:kinesis:${REGION}:123456789012:stream/orders-stream`,
              },
              { Effect: 'Allow', Action: 'sns:Publish', Resource: topic.TopicArn },
            ],
          }),
        }),
      );
      const reader = await clients.lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'orders-stream-reader',
          Runtime: 'nodejs22.x',
          Role: `arn:aws:iam::123456789012:role/${roleName}`,
          Handler: 'index.handler',
          Code: { ZipFile: tinyZip() },
        }),
      );
      await clients.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: reader.FunctionArn,
          EventSourceArn: `arn:aws:kinesis:${REGION}:123456789012:stream/orders-stream`,
          StartingPosition: 'LATEST',
          DestinationConfig: { OnFailure: { Destination: topic.TopicArn } },
        }),
      );
      for (const file of ['kinesis-start-stream-encryption.json', 'sns-set-topic-attributes.json']) {
        await forget(account.functionArn);
        await forget(reader.FunctionArn ?? '');
        const response = await handler(sqsEvent([fixture(file)]), context);
        expect(response.batchItemFailures).toEqual([]);
        // The reader, and orders-consumer, which shares its role.
        const alerts = await capture.receive();
        expect(alerts.map((a) => a.attributes.function?.Value).sort()).toEqual([
          'orders-consumer',
          'orders-stream-reader',
        ]);
        const readerAlert = alerts.find((a) => a.attributes.function?.Value === 'orders-stream-reader');
        // The topic's key is customer managed: publishing needs kms:GenerateDataKey and kms:Decrypt.
        expect(newFindingsOf(readerAlert?.document)).toEqual(
          expect.arrayContaining([
            `missing-permission kms:Decrypt on ${keyArn}`,
            `missing-permission kms:GenerateDataKey on ${keyArn}`,
          ]),
        );
        expect(readerAlert?.message).toContain('missing kms:Decrypt, kms:GenerateDataKey');
      }
    } finally {
      sns.destroy();
    }
  });

  it('drops a key change of a secret no audited mapping uses', async () => {
    const response = await handler(sqsEvent([fixture('secretsmanager-update-secret.json')]), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(await capture.receive()).toEqual([]);
  });
});

describe('change handler, versions and aliases', () => {
  it('judges a mapping on a published version against that version, and alerts for it on PublishVersion', async () => {
    const version = await clients.lambda.send(
      new PublishVersionCommand({ FunctionName: account.functionName }),
    );
    const versionArn = version.FunctionArn ?? '';
    expect(versionArn).toBe(`${account.functionArn}:${version.Version}`);
    await clients.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: versionArn, EventSourceArn: account.queueArn }),
    );
    await forget(account.functionArn);
    await forget(versionArn);
    const response = await handler(sqsEvent([fixture('lambda-publish-version.json')]), context);
    expect(response.batchItemFailures).toEqual([]);
    const alerts = await capture.receive();
    const documents = alerts.map((alert) => alert.document as FunctionAlertDocument);
    expect(documents.map((document) => document.function.arn).sort()).toEqual(
      [account.functionArn, versionArn].sort(),
    );
    const forVersion = documents.find((document) => document.function.arn === versionArn);
    expect(forVersion?.report.functions[0]).toMatchObject({
      functionArn: versionArn,
      version: version.Version,
    });
    expect(validate(forVersion?.report)).toEqual([]);

    // The state of the version is kept under its own ARN: a second delivery is quiet.
    await handler(sqsEvent([fixture('lambda-create-alias.json')]), context);
    expect(await capture.receive()).toEqual([]);
  });
});

/** The new findings of an alert document, as `rule action on resource`. */
function newFindingsOf(document: unknown): string[] {
  const alert = document as FunctionAlertDocument;
  const fresh = new Set(alert.newFindingIds);
  return alert.report.functions
    .flatMap((fn) => fn.findings)
    .filter((finding) => fresh.has(finding.id))
    .map((finding) => `${finding.rule} ${finding.action} on ${finding.resource}`);
}
