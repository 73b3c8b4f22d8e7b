/**
 * The change handler against moto, for what issue 8 asks of it: a change to the suppress tag on the role
 * (TagRole/UntagRole) or the function (TagResource/UntagResource) re-audits the function and sends a
 * notice of what the tag now hides, who set it and when; a tag never hides a high finding by default;
 * and events that are not this account's IAM or Lambda changes are dropped with a log line before any
 * API call. The tags are set in moto through the SDK, so the audit reads them back as it would in AWS
 * (GetRole for the role, ListTags for the function).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { PutRolePolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { jest } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import type { AuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler } from '../../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import type { FunctionAlertDocument } from '../../shared/alerts/alert-document.js';
import { SUPPRESS_TAG } from '../../shared/domain/suppressions.js';
import type { MotoClients } from '../support/moto-account.js';
import { reportValidator } from '../unit/scenarios/report-expectations.js';
import {
  type AlertCapture,
  type BatchHandler,
  type DemoAccount,
  type HandlerEnvironment,
  lambdaContext,
  readEventFixture,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const context = lambdaContext('change-handler');
const JANE = 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane';

let env: HandlerEnvironment;
let clients: MotoClients;
let account: DemoAccount;
let capture: AlertCapture;
let runtime: AuditorRuntime;
let handle: BatchHandler;
const calls = new ApiCallCounter();
const logged: string[] = [];
const validate = reportValidator();

beforeAll(async () => {
  env = await startHandlerEnvironment();
  ({ clients, account, capture } = env);
  // A role that grants everything (wildcard-action, high) and all of S3 (wildcard-action, medium).
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: account.roleName,
      PolicyName: 'legacy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'AllOfS3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
        ],
      }),
    }),
  );
  runtime = env.runtime();
  for (const regional of runtime.clientsByRegion.values()) {
    countApiCalls(regional.iam, calls);
    countApiCalls(regional.lambda, calls);
  }
  countApiCalls(runtime.dynamodb, calls);
  countApiCalls(runtime.sns, calls);
  // The Powertools logger writes through the global console in dev mode, which this test watches.
  process.env.POWERTOOLS_DEV = 'true';
  const logger = new Logger({ serviceName: 'suppress-tag-test', logLevel: 'INFO' });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
  }
  const handler = createChangeHandler(runtime, logger);
  handle = (event: SQSEvent) => handler(event, context);
  // Today's findings are remembered, so that what follows is about the tag.
  await handle(sqsEvent([readEventFixture('lambda-update-function-configuration.json')]));
  await capture.receive();
});

afterAll(async () => {
  jest.restoreAllMocks();
  await env?.stop();
});

async function onlyNotice(): Promise<FunctionAlertDocument & { subject: string; message: string }> {
  const alerts = await capture.receive();
  expect(alerts).toHaveLength(1);
  const [alert] = alerts;
  if (alert?.document?.type !== 'suppression') throw new Error(`expected a notice, got ${alert?.subject}`);
  expect(alert.attributes.alert_type?.Value).toBe('suppression');
  expect(validate(alert.document.report)).toEqual([]);
  return { ...alert.document, subject: alert.subject ?? '', message: alert.message };
}

describe('suppress tag on the role', () => {
  let hiddenIds: string[] = [];

  it('TagRole: a notice of what the tag hides now, who set it and when; the high finding stays open', async () => {
    await clients.iam.send(
      new TagRoleCommand({
        RoleName: account.roleName,
        Tags: [{ Key: SUPPRESS_TAG, Value: 'wildcard-action,overbroad-resource,trust-policy-too-broad' }],
      }),
    );
    const response = await handle(sqsEvent([readEventFixture('iam-tag-role-suppress.json')]));
    expect(response.batchItemFailures).toEqual([]);
    const notice = await onlyNotice();

    expect(notice.subject).toMatch(
      /^\[lambda-role-audit\] orders-consumer: suppress tag changed: hides \d+ findings?, 1 refused$/,
    );
    const hidden = notice.suppression?.hiddenFindings ?? [];
    expect(hidden.map((f) => [f.rule, f.action])).toContainEqual(['wildcard-action', 's3:*']);
    for (const f of hidden) {
      expect(['medium', 'low', 'info']).toContain(f.severity);
      expect(f.suppressionSource).toEqual({
        kind: 'tag',
        on: 'role',
        arn: expect.stringContaining(account.roleName),
      });
    }
    expect(notice.suppression?.refusedFindings.map((f) => [f.rule, f.severity, f.action])).toEqual([
      ['wildcard-action', 'high', '*'],
    ]);
    // The high finding stays in the report as open, with its note.
    const open = notice.report.functions[0]?.findings ?? [];
    expect(open.find((f) => f.action === '*')?.suppressionRefused).toContain(
      'tags may not suppress high findings',
    );
    expect(notice.changes).toEqual([
      expect.objectContaining({
        eventName: 'TagRole',
        actor: JANE,
        eventTime: '2026-11-26T14:02:11Z',
        suppressTag: expect.objectContaining({ on: 'role', action: 'set' }),
      }),
    ]);
    // Who set it and when (the text wraps at 78 columns: read it as one line).
    expect(notice.message.replace(/\n/g, ' ')).toMatch(
      /Changed by jane at \d{4}-\d\d-\d\d \d\d:\d\d UTC: TagRole /,
    );
    expect(notice.changes[0]?.actor).toBe(JANE);
    expect(notice.message).toContain('Hidden by the suppress tag');
    hiddenIds = hidden.map((f) => f.id);
  });

  it('the same event again (a redelivery) sends nothing', async () => {
    const response = await handle(sqsEvent([readEventFixture('iam-tag-role-suppress.json')]));
    expect(response.batchItemFailures).toEqual([]);
    expect(await capture.receive()).toEqual([]);
  });

  it('UntagRole: a notice that the tag hides nothing now, the findings it hid open again', async () => {
    await clients.iam.send(new UntagRoleCommand({ RoleName: account.roleName, TagKeys: [SUPPRESS_TAG] }));
    await handle(sqsEvent([readEventFixture('iam-untag-role-suppress.json')]));
    const notice = await onlyNotice();
    expect(notice.subject).toBe(
      '[lambda-role-audit] orders-consumer: suppress tag removed: hides 0 findings',
    );
    expect(notice.suppression?.hiddenFindings).toEqual([]);
    expect(new Set(notice.newFindingIds)).toEqual(new Set(hiddenIds));
  });
});

describe('suppress tag on the function (read with ListTags)', () => {
  it('TagResource: hides what it names, from the function', async () => {
    await clients.lambda.send(
      new TagResourceCommand({ Resource: account.functionArn, Tags: { [SUPPRESS_TAG]: 'wildcard-action' } }),
    );
    calls.reset();
    await handle(sqsEvent([readEventFixture('lambda-tag-resource-suppress.json')]));
    expect(calls.byOperation()['Lambda:ListTags']).toBeGreaterThanOrEqual(1);
    const notice = await onlyNotice();
    expect(notice.suppression?.hiddenFindings.map((f) => [f.rule, f.action, f.suppressionSource])).toEqual([
      ['wildcard-action', 's3:*', { kind: 'tag', on: 'function', arn: account.functionArn }],
    ]);
    expect(notice.suppression?.refusedFindings.map((f) => f.action)).toEqual(['*']);
  });

  it('UntagResource: the finding is open again', async () => {
    await clients.lambda.send(
      new UntagResourceCommand({ Resource: account.functionArn, TagKeys: [SUPPRESS_TAG] }),
    );
    await handle(sqsEvent([readEventFixture('lambda-untag-resource-suppress.json')]));
    const notice = await onlyNotice();
    expect(notice.suppression?.hiddenFindings).toEqual([]);
    expect(notice.report.functions[0]?.findings.map((f) => f.action)).toContain('s3:*');
  });
});

describe('events the handler must not act on', () => {
  const tagRole = JSON.parse(readEventFixture('iam-tag-role-suppress.json'));
  const update = JSON.parse(readEventFixture('lambda-update-function-configuration.json'));
  const otherAccountFunction = 'arn:aws:lambda:us-east-1:999999999999:function:orders-consumer';

  it.each<[string, unknown, string]>([
    [
      'a TagRole of another key',
      {
        ...tagRole,
        detail: {
          ...tagRole.detail,
          requestParameters: { roleName: 'orders-consumer-role', tags: [{ key: 'team', value: 'x' }] },
        },
      },
      'event ignored',
    ],
    [
      'an event of another account',
      { ...update, account: '999999999999' },
      'account 999999999999 is not this account',
    ],
    [
      'a recipient account that is not this one',
      { ...update, detail: { ...update.detail, recipientAccountId: '999999999999' } },
      'detail.recipientAccountId 999999999999 is not this account',
    ],
    [
      'a forged source',
      { ...update, source: 'my.app' },
      'source my.app is not an audited source (aws.iam, aws.lambda, aws.sqs, aws.kinesis, aws.sns, aws.secretsmanager)',
    ],
    [
      'a function ARN of another account',
      {
        ...update,
        detail: {
          ...update.detail,
          responseElements: { ...update.detail.responseElements, functionArn: otherAccountFunction },
        },
      },
      'the function ARN belongs to account 999999999999',
    ],
  ])('drops %s with a log line, no API call and no alert', async (_label, event, reason) => {
    calls.reset();
    logged.length = 0;
    const response = await handle(sqsEvent([JSON.stringify(event)]));
    expect(response.batchItemFailures).toEqual([]);
    expect(calls.byOperation()).toEqual({});
    expect(await capture.receive()).toEqual([]);
    expect(logged.join('\n')).toContain(reason);
  });
});
