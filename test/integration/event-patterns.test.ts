/**
 * The rules' event patterns — the very objects the stack deploys — put into moto's EventBridge with an SQS
 * target each (moto cannot deliver to Lambda or SNS targets: moto-notes P3), then every fixture event sent
 * through PutEvents: each handled event reaches its rule's queue and no other, unrelated and failed calls
 * reach none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { iamChangeEventPattern, lambdaChangeEventPattern } from '../../shared/events/patterns.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/events');
const events = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(join(fixtures, file), 'utf8')) }));

const ignored = (file: string) => file.includes('-unrelated') || file.includes('-failed');

let moto: MotoServer;
let sqs: SQSClient;
let eventBridge: EventBridgeClient;
const delivered = new Map<string, string[]>(); // rule → fixture files

async function drain(queueUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return ids;
    for (const m of messages) ids.push(JSON.parse(m.Body ?? '{}').detail.eventID);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
}

beforeAll(async () => {
  moto = await startMotoServer('us-east-1');
  sqs = new SQSClient({ ...moto.clientConfig, useQueueUrlAsEndpoint: false });
  eventBridge = new EventBridgeClient(moto.clientConfig);
  const events = eventBridge;
  const rules = { iam: iamChangeEventPattern, lambda: lambdaChangeEventPattern };
  const queues = new Map<string, string>();
  for (const [name, pattern] of Object.entries(rules)) {
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-changes` }));
    const queueUrl = queue.QueueUrl ?? '';
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(new PutRuleCommand({ Name: `${name}-changes`, EventPattern: JSON.stringify(pattern) }));
    await events.send(
      new PutTargetsCommand({
        Rule: `${name}-changes`,
        Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
      }),
    );
    queues.set(name, queueUrl);
  }
  for (let i = 0; i < allEvents().length; i += 10) {
    await events.send(
      new PutEventsCommand({
        Entries: allEvents()
          .slice(i, i + 10)
          .map(({ event }) => ({
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Time: new Date(event.time),
          })),
      }),
    );
  }
  const fileOf = new Map(allEvents().map(({ file, event }) => [event.detail.eventID as string, file]));
  for (const [name, queueUrl] of queues) {
    delivered.set(
      name,
      (await drain(queueUrl)).map((id) => fileOf.get(id) ?? id),
    );
  }
});

afterAll(async () => {
  sqs?.destroy();
  eventBridge?.destroy();
  await moto?.stop();
});

/** The fixtures, plus variants that must not match: a read-only Lambda call and an IAM call from another service. */
function allEvents() {
  const detach = events.find((e) => e.file === 'iam-detach-role-policy.json')?.event;
  const update = events.find((e) => e.file === 'lambda-update-function-configuration.json')?.event;
  const extra = [
    {
      file: 'lambda-get-function-unrelated (variant)',
      event: {
        ...update,
        detail: { ...update.detail, eventName: 'GetFunction20150331v2', eventID: 'variant-1' },
      },
    },
    {
      file: 'sts-assume-role-unrelated (variant)',
      event: {
        ...detach,
        source: 'aws.sts',
        detail: {
          ...detach.detail,
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          eventID: 'variant-2',
        },
      },
    },
    {
      file: 'lambda-update-function-code-unrelated (variant)',
      event: {
        ...update,
        detail: { ...update.detail, eventName: 'UpdateFunctionCode20150331v2', eventID: 'variant-3' },
      },
    },
    // Every TagRole reaches the queue (patterns.ts says why); the handler drops those of other keys.
    {
      file: TAG_ROLE_OTHER_KEY,
      event: {
        ...tagRole,
        detail: {
          ...tagRole.detail,
          requestParameters: { roleName: 'orders-consumer-role', tags: [{ key: 'team', value: 'orders' }] },
          eventID: 'variant-4',
        },
      },
    },
  ];
  return [...events, ...extra];
}

const TAG_ROLE_OTHER_KEY = 'iam-tag-role-other-key (variant, delivered, dropped by the handler)';
const tagRole = events.find((e) => e.file === 'iam-tag-role-suppress.json')?.event;

describe('EventBridge rule patterns (through moto)', () => {
  it.each(events.filter((e) => e.file.startsWith('iam-') && !ignored(e.file)).map((e) => e.file))(
    'delivers %s to the IAM rule only',
    (file) => {
      expect(delivered.get('iam')).toContain(file);
      expect(delivered.get('lambda')).not.toContain(file);
    },
  );

  it.each(events.filter((e) => e.file.startsWith('lambda-') && !ignored(e.file)).map((e) => e.file))(
    'delivers %s to the Lambda rule only',
    (file) => {
      expect(delivered.get('lambda')).toContain(file);
      expect(delivered.get('iam')).not.toContain(file);
    },
  );

  // The keys of sources and destinations are regional changes: they travel with Lambda's (patterns.ts).
  it.each(
    events
      .filter((e) => !e.file.startsWith('iam-') && !e.file.startsWith('lambda-') && !ignored(e.file))
      .map((e) => e.file),
  )('delivers %s to the regional (Lambda) rule only', (file) => {
    expect(delivered.get('lambda')).toContain(file);
    expect(delivered.get('iam')).not.toContain(file);
  });

  it('delivers no unrelated event and no failed call', () => {
    const unrelated = allEvents()
      .map((e) => e.file)
      .filter(ignored);
    expect(unrelated.length).toBeGreaterThanOrEqual(8);
    for (const file of unrelated) {
      expect(delivered.get('iam')).not.toContain(file);
      expect(delivered.get('lambda')).not.toContain(file);
    }
  });

  it('delivers each handled event exactly once', () => {
    const all = [...(delivered.get('iam') ?? []), ...(delivered.get('lambda') ?? [])];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(events.filter((e) => !ignored(e.file)).length + 1);
  });

  it('delivers suppress-tag changes, and untagging of other keys on neither side', () => {
    expect(delivered.get('iam')).toEqual(
      expect.arrayContaining([
        'iam-tag-role-suppress.json',
        'iam-untag-role-suppress.json',
        TAG_ROLE_OTHER_KEY,
      ]),
    );
    expect(delivered.get('lambda')).toEqual(
      expect.arrayContaining(['lambda-tag-resource-suppress.json', 'lambda-untag-resource-suppress.json']),
    );
    for (const file of [
      'lambda-tag-resource-unrelated.json',
      'lambda-untag-resource-unrelated.json',
      'iam-untag-role-unrelated.json',
    ]) {
      expect([...(delivered.get('iam') ?? []), ...(delivered.get('lambda') ?? [])]).not.toContain(file);
    }
  });
});
