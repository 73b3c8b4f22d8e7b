/**
 * Every alert kind, at the largest size the tests build — a role shared by 100 functions, a policy of 100
 * statements — within the limits of where it goes:
 * - SNS Publish: subject under 100 characters, no line break or control character; message and
 *   attributes at most 262,144 bytes; at most 10 attributes (raw delivery to SQS)
 *   (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, sns-message-attributes.html);
 * - Slack Block Kit (docs.slack.dev/reference/block-kit): at most 50 blocks; a header's text 150
 *   characters; a section's text 1–3,000; a button's text 75 and URL 3,000; a context block 10 elements;
 *   and, ours, a message that fits a screen: at most 20 lines of text;
 * - AWS Chatbot custom notifications: the schema's fields (version, source, content, metadata), within
 *   our own caps (the documentation gives none): title 250, description 3,000, 5 next steps, 10
 *   keywords, 10 related resources, and the whole within SNS's 256 KB.
 */
import {
  type AlertDocument,
  buildDigestAlert,
  buildFunctionAlert,
  buildSuppressionNotice,
  diffFindings,
  type FindingSummary,
  summariseFindingAt,
} from '../../../shared/alerts/alert-document.js';
import { buildBigChangeAlert } from '../../../shared/alerts/big-change.js';
import {
  CHATBOT_LIMITS,
  renderChatbotNotification,
  renderSlackMessage,
  SLACK_LIMITS,
} from '../../../shared/alerts/render-chat.js';
import { extractAlertDocument, renderSnsAlert, SNS_MAX_BYTES } from '../../../shared/alerts/sns-message.js';
import type { Finding, FunctionResult, RecommendedPolicy } from '../../../shared/domain/report.js';
import {
  ACCOUNT,
  ALERT_CASES,
  change,
  logsMissing,
  REGION,
  reportOf,
  sqsMissing,
  wildcardGrant,
} from './alert-cases.js';
import { chatbotPreview, slackPreview } from './chat-preview.js';

const STATEMENTS = 100;
const SHARING = 100;

const names = Array.from(
  { length: SHARING },
  (_, i) => `shared-role-worker-${String(i).padStart(3, '0')}-${'x'.repeat(30)}`,
);
const ROLE = `arn:aws:iam::${ACCOUNT}:role/teams/platform/shared-execution-role-${'r'.repeat(20)}`;

/** 100 statements of one policy, each granting a wildcard: 100 causes. */
const excess: Finding[] = Array.from({ length: STATEMENTS }, (_, i) =>
  wildcardGrant(`platform-baseline-${'p'.repeat(40)}`, `Statement${i}`, `service${i}:*`),
);

const policy: RecommendedPolicy = {
  Version: '2012-10-17',
  Statement: Array.from({ length: STATEMENTS }, (_, i) => ({
    Sid: `ReadQueue${i}`,
    Effect: 'Allow' as const,
    Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
    Resource: [`arn:aws:sqs:${REGION}:${ACCOUNT}:queue-${i}-${'q'.repeat(40)}`],
  })),
};

function missingOn(i: number): Finding[] {
  const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:queue-${i}-${'q'.repeat(40)}`;
  const uuid = `${String(i).padStart(8, '0')}-2f0b-4c1d-9e8a-5b6d7c8e9f01`;
  return [
    { ...sqsMissing('sqs:ReceiveMessage', { queue, uuid }), id: `r-${i}` },
    {
      ...sqsMissing('sqs:DeleteMessage', {
        queue,
        uuid,
        decision: i % 3 === 0 ? 'boundary' : 'implicit-deny',
      }),
      id: `d-${i}`,
    },
  ];
}

function largest(name: string, findings: readonly Finding[]): FunctionResult {
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    roleArn: ROLE,
    compliant: false,
    findings,
    recommendedPolicy: policy,
    sharedWith: names.filter((n) => n !== name),
  };
}

const manyChanges = Array.from({ length: 30 }, (_, i) =>
  change(
    'PutRolePolicy',
    `PutRolePolicy inline policy policy-${i}-${'z'.repeat(60)} on role shared-execution-role`,
    {
      eventId: `event-${i}`,
      eventTime: `2026-11-26T14:${String(10 + i).padStart(2, '0')}:00Z`,
    },
  ),
);

function functionAlert(open: readonly Finding[], previous: readonly FindingSummary[] = []): AlertDocument {
  const result = largest(names[0] ?? 'f', open);
  return buildFunctionAlert({
    report: reportOf([result]),
    result,
    diff: diffFindings(previous, open),
    changes: manyChanges,
    stackName: `stack-${'s'.repeat(100)}`,
  });
}

const brokenQueues = Array.from({ length: STATEMENTS }, (_, i) => missingOn(i)).flat();

const LARGEST: Readonly<Record<string, () => AlertDocument>> = {
  break: () => functionAlert([...brokenQueues, ...excess]),
  fix: () =>
    functionAlert(
      [],
      [...brokenQueues, ...excess].map((f) => summariseFindingAt(f, '2026-11-26T13:00:00Z')),
    ),
  boundary: () => functionAlert(brokenQueues.map((f) => ({ ...f, decision: 'boundary' as const }))),
  'new mapping': () => functionAlert([...brokenQueues, ...excess]),
  'shared role': () => functionAlert([...brokenQueues, logsMissing('f', 'logs:PutLogEvents'), ...excess]),
  'big change': () => {
    const entries = names.map((name) => {
      const findings = [...missingOn(0), ...excess];
      return { result: largest(name, findings), diff: diffFindings([], findings) };
    });
    return buildBigChangeAlert({
      report: reportOf(entries.map((e) => e.result)),
      entries,
      changes: manyChanges,
      threshold: 10,
    });
  },
  suppression: () => {
    const hidden = excess.map((f) => ({
      ...f,
      suppressed: true,
      suppressionReason: `suppressed by the tag lambda-role-audit:suppress on role ${ROLE} ${'w'.repeat(100)}`,
      suppressionSource: { kind: 'tag' as const, on: 'role' as const, arn: ROLE },
    }));
    const refused = brokenQueues.map((f) => ({
      ...f,
      suppressionRefused: `tags may not suppress high findings ${'n'.repeat(100)}`,
    }));
    const result = largest(names[0] ?? 'f', [...refused, ...hidden]);
    return buildSuppressionNotice({
      report: reportOf([result]),
      result,
      diff: diffFindings([], refused),
      changes: manyChanges.map((c) => ({
        ...c,
        suppressTag: {
          on: 'role' as const,
          resource: 'shared-execution-role',
          action: 'set' as const,
          value: 'all',
        },
      })),
    });
  },
  digest: () =>
    buildDigestAlert({
      report: reportOf(
        names.map((name) => largest(name, [...missingOn(1), ...excess])),
        names.map((name) => ({
          functionName: `${name}-unread`,
          message: `GetRole: AccessDenied ${'m'.repeat(200)}`,
        })),
      ),
      regions: [REGION],
      minSeverity: 'low',
    }),
};

interface SlackText {
  type?: string;
  text?: string;
}
interface SlackBlock {
  type: string;
  text?: SlackText;
  fields?: SlackText[];
  elements?: { type: string; text?: SlackText | string; url?: string }[];
}

function checkSlack(document: AlertDocument) {
  const message = renderSlackMessage(document);
  const blocks = message.blocks as unknown as SlackBlock[];
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeLessThanOrEqual(3000);
  for (const block of blocks) {
    if (block.type === 'header')
      expect(block.text?.text?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      const length = block.text?.text?.length ?? 0;
      expect(length).toBeGreaterThan(0);
      expect(length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(block.fields ?? []).toHaveLength(0);
    }
    if (block.type === 'actions') {
      expect(block.elements?.length ?? 0).toBeLessThanOrEqual(25);
      for (const button of block.elements ?? []) {
        const text = typeof button.text === 'string' ? button.text : (button.text?.text ?? '');
        expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect(button.url?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.buttonUrl);
      }
    }
    if (block.type === 'context')
      expect(block.elements?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
  expect(slackPreview(message).length).toBeLessThanOrEqual(20);
}

function checkChatbot(document: AlertDocument) {
  const notification = renderChatbotNotification(document) as {
    version: string;
    source: string;
    content: { title: string; description: string; nextSteps?: string[]; keywords?: string[] };
    metadata: { relatedResources: string[]; summary: string };
  };
  expect(notification.version).toBe('1.0');
  expect(notification.source).toBe('custom');
  expect(notification.content.title.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
  expect(notification.metadata.summary.length).toBeLessThanOrEqual(CHATBOT_LIMITS.title);
  expect(notification.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.description);
  expect(notification.content.nextSteps?.length ?? 0).toBeLessThanOrEqual(CHATBOT_LIMITS.nextSteps);
  expect(notification.content.keywords?.length ?? 0).toBeLessThanOrEqual(CHATBOT_LIMITS.keywords);
  expect(notification.metadata.relatedResources.length).toBeLessThanOrEqual(CHATBOT_LIMITS.relatedResources);
  expect(Buffer.byteLength(JSON.stringify(notification))).toBeLessThanOrEqual(SNS_MAX_BYTES);
  expect(chatbotPreview(notification).length).toBeLessThanOrEqual(30);
}

describe('every alert kind at its largest stays within SNS, Slack and Chatbot limits', () => {
  it('covers every kind of the golden files', () => {
    expect(
      Object.keys(LARGEST)
        .map((k) => k.replace(' ', '-'))
        .sort(),
    ).toEqual(Object.keys(ALERT_CASES).sort());
  });

  it.each(Object.keys(LARGEST))('%s', (kind) => {
    const build = LARGEST[kind];
    if (!build) throw new Error(kind);
    const sns = renderSnsAlert(build());
    expect(sns.subject.length).toBeLessThan(100);
    expect(sns.subject).not.toMatch(/[\n\r\t]/);
    const attributes = Object.entries(sns.messageAttributes);
    expect(attributes.length).toBeLessThanOrEqual(10);
    const bytes =
      Buffer.byteLength(sns.message) +
      attributes.reduce(
        (n, [k, v]) =>
          n +
          Buffer.byteLength(k) +
          Buffer.byteLength(v.DataType ?? '') +
          Buffer.byteLength(v.StringValue ?? ''),
        0,
      );
    expect(bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
    // The chat messages render from the document as published (possibly truncated to fit SNS).
    checkSlack(sns.document);
    checkChatbot(sns.document);
  });
});

/**
 * A big change reaching thousands of functions (issue 10): the alert names every function while the names
 * fit in SNS's 256 KB, worst groups first, and past that names as many as fit and says how many it left
 * out and where the full list is. Names realistic (`payments-ledger-consumer-1234`, about 30 characters)
 * and maximal (Lambda's 64 characters); findings as a baseline policy change gives them: both logs
 * permissions lost, an SQS mapping broken for some, an excess grant gone for others.
 */
describe('a big change of thousands of functions within SNS', () => {
  const TEAMS = ['payments', 'orders', 'search', 'identity', 'billing', 'catalog', 'shipping', 'reports'];
  const KINDS = ['api', 'worker', 'consumer', 'scheduler', 'handler'];
  const realistic = (i: number) => `${TEAMS[i % TEAMS.length]}-ledger-${KINDS[i % KINDS.length]}-${i}`;
  const maximal = (i: number) => `${String(i).padStart(6, '0')}-${'f'.repeat(57)}`;

  function bigChangeOf(count: number, nameOf: (i: number) => string): AlertDocument {
    const entries = Array.from({ length: count }, (_, i) => {
      const name = nameOf(i);
      const open = [
        { ...logsMissing(name, 'logs:CreateLogStream'), id: `c-${i}` },
        { ...logsMissing(name, 'logs:PutLogEvents'), id: `p-${i}` },
        ...(i % 7 === 0 ? [{ ...sqsMissing('sqs:ReceiveMessage'), id: `q-${i}` }] : []),
      ];
      const previous =
        i % 13 === 0
          ? [
              summariseFindingAt(
                { ...wildcardGrant(`legacy-${i}`, 'S3'), id: `w-${i}` },
                '2026-11-20T09:00:00Z',
              ),
            ]
          : [];
      const fn: FunctionResult = { ...largest(name, open), sharedWith: [] };
      return { result: fn, diff: diffFindings(previous, open) };
    });
    return buildBigChangeAlert({
      report: reportOf(entries.map((e) => e.result)),
      entries,
      changes: manyChanges,
      threshold: 10,
      detail: {
        table: 'lambda-role-audit-state',
        region: REGION,
        key: 'alert|0123456789abcdef0123',
        parts: 16,
        command: `for k in 'alert|0123456789abcdef0123' 'alert|0123456789abcdef0123|'{1..15}; do aws dynamodb get-item --region ${REGION} --table-name lambda-role-audit-state --key "{\\"functionArn\\":{\\"S\\":\\"$k\\"}}" --query Item.data.B --output text | base64 -d; done | gunzip`,
        expiresAt: '2026-12-26T14:02:30.000Z',
        bytes: 54_000_000,
      },
    });
  }

  function publishedBytes(sns: ReturnType<typeof renderSnsAlert>): number {
    return (
      Buffer.byteLength(sns.message) +
      Object.entries(sns.messageAttributes).reduce(
        (n, [k, v]) =>
          n +
          Buffer.byteLength(k) +
          Buffer.byteLength(v.DataType ?? '') +
          Buffer.byteLength(v.StringValue ?? ''),
        0,
      )
    );
  }

  it.each([
    [1_000, 'realistic', realistic, true],
    [2_000, 'realistic', realistic, true],
    [5_000, 'realistic', realistic, true],
    [20_000, 'realistic', realistic, false],
    [1_000, 'maximal', maximal, true],
    [2_000, 'maximal', maximal, true],
    [5_000, 'maximal', maximal, false],
    [20_000, 'maximal', maximal, false],
  ] as const)(
    '%i functions with %s names: within 256 KB, every name or a plain "+N more"',
    (count, _kind, nameOf, all) => {
      const sns = renderSnsAlert(bigChangeOf(count, nameOf));
      expect(publishedBytes(sns)).toBeLessThanOrEqual(SNS_MAX_BYTES);
      expect(sns.subject.length).toBeLessThan(100);
      const document = extractAlertDocument(sns.message);
      if (document?.type !== 'big-change') throw new Error('expected the big change JSON in the message');
      expect(document.summary.functions).toBe(count);
      const named = document.groups.flatMap((g) => g.functions);
      const expected = new Set(Array.from({ length: count }, (_, i) => nameOf(i)));
      expect(new Set(named).size).toBe(named.length);
      expect(named.every((name) => expected.has(name))).toBe(true);
      expect(document.groups.reduce((n, g) => n + g.count, 0)).toBe(count);
      if (all) {
        expect(new Set(named)).toEqual(expected);
        expect(document.omittedFunctions).toBeUndefined();
      } else {
        // Names as many as fit (most of the message), says plainly how many it did not, and where they are.
        const omitted = count - named.length;
        expect(document.omittedFunctions).toBe(omitted);
        expect(named.length).toBeGreaterThan(2_000);
        expect(sns.message.replace(/\n/g, ' ')).toContain(
          `+${omitted} more functions not named in this message, to stay within SNS's 256 KB; full list, with their findings: the stored detail (command above).`,
        );
        // Worst first: every function of the first (broken, SQS too) group is named.
        expect(document.groups[0]?.functions.length).toBe(document.groups[0]?.count);
      }
      checkSlack(sns.document);
      checkChatbot(sns.document);
    },
  );
});
