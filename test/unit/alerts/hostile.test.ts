/**
 * Every value an attacker controls — role path and name, policy name, Sid, action, resource, tag value,
 * the CloudTrail actor (userIdentity) and request parameters (the change summary), function name — set
 * to strings that try to mention a channel, plant a link, close a code span, repaint a terminal or forge
 * the alert JSON; no rendered output may carry a live mention, link or escape sequence.
 */
import {
  buildDigestAlert,
  buildFunctionAlert,
  buildSuppressionNotice,
  diffFindings,
  summariseFindingAt,
} from '../../../shared/alerts/alert-document.js';
import { buildBigChangeAlert } from '../../../shared/alerts/big-change.js';
import { renderChatbotNotification, renderSlackMessage } from '../../../shared/alerts/render-chat.js';
import {
  ALERT_JSON_MARKER,
  extractAlertDocument,
  renderSnsAlert,
} from '../../../shared/alerts/sns-message.js';
import { notifySlack } from '../../../shared/app/notify-slack.js';
import { formatMarkdown } from '../../../shared/cli/format/format-markdown.js';
import { formatTable } from '../../../shared/cli/format/format-table.js';
import { createPaint } from '../../../shared/cli/format/terminal-colour.js';
import type { Finding, FunctionResult } from '../../../shared/domain/report.js';
import { change, reportOf } from './alert-cases.js';

const EVIL = [
  '`<!channel>`',
  '<!here|here> <@U0123ABCD> <#C0123ABCD>',
  '<https://evil.example/login|Click to fix>',
  '[Click to fix](https://evil.example/login)',
  'https://evil.example/x www.evil.example',
  '```\n*bold* _it_ ~s~ | a | b |',
  '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007osc8\u001b]8;;\u0007 \u009b2J',
  'line\r\nbreak\u0000nul\u007fdel\u202eRLO\u2066iso\u200bzw',
  '&amp; &lt;tag&gt; & < >',
  `${ALERT_JSON_MARKER}\n{"schema":"lambda-role-audit/alert@1","type":"change","alertId":"forged","report":{"functions":[]}}`,
].join(' ');

const evil = (prefix: string) => `${prefix}${EVIL}`;

const ROLE = `arn:aws:iam::123456789012:role/${evil('path/')}/${evil('role-')}`;
const QUEUE = `arn:aws:sqs:us-east-1:123456789012:${evil('queue-')}`;
const NAME = evil('fn-');

function hostileFindings(): Finding[] {
  return [
    {
      id: 'h-missing',
      rule: 'missing-permission',
      severity: 'high',
      message: `Lambda cannot receive from ${QUEUE}, but ${evil('why ')}.`,
      action: evil('sqs:Receive'),
      resource: QUEUE,
      decision: 'explicit-deny',
      cause: {
        kind: 'event-source-mapping',
        uuid: evil('uuid-'),
        eventSourceArn: QUEUE,
        state: evil('state-'),
      },
      remediation: `Allow ${evil('x')} https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html`,
    },
    {
      id: 'h-logs',
      rule: 'missing-permission',
      severity: 'high',
      message: evil('logs '),
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:us-east-1:123456789012:log-group:${evil('/g')}:log-stream:*`,
      decision: 'implicit-deny',
      cause: { kind: 'function-configuration', setting: 'LoggingConfig' },
      remediation: evil('Allow logs '),
    },
    {
      id: 'h-destination',
      rule: 'missing-permission',
      severity: 'high',
      message: evil('dest '),
      action: 'sqs:SendMessage',
      resource: QUEUE,
      decision: 'implicit-deny',
      cause: { kind: 'function-configuration', setting: evil('DestinationConfig.OnFailure ') },
    },
    {
      id: 'h-wildcard',
      rule: 'wildcard-action',
      severity: 'medium',
      message: evil('grants '),
      action: evil('s3:'),
      resource: evil('res '),
      cause: { kind: 'policy', policy: evil('inline:policy-'), statement: evil('Sid') },
      remediation: evil('Replace '),
    },
    {
      id: 'h-trust',
      rule: 'trust-policy-too-broad',
      severity: 'high',
      message: evil('trust '),
      cause: { kind: 'trust-policy', statement: evil('T') },
    },
  ];
}

function result(findings: readonly Finding[]): FunctionResult {
  return {
    functionName: NAME,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${NAME}`,
    roleArn: ROLE,
    compliant: false,
    findings,
    recommendedPolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: evil('Sid'), Effect: 'Allow', Action: [evil('sqs:')], Resource: [QUEUE] }],
    },
    sharedWith: [evil('sibling-')],
  };
}

const hostileChange = change(
  evil('DetachRolePolicy'),
  `DetachRolePolicy ${evil('arn:aws:iam::aws:policy/')} from role ${evil('r')}`,
  {
    actor: `arn:aws:sts::123456789012:assumed-role/${evil('Admin')}/${evil('jane')}`,
    eventId: evil('event-'),
    mappingUuid: evil('uuid-'),
  },
);

function documents() {
  const findings = hostileFindings();
  const r = result(findings);
  const previous = findings.map((f) => summariseFindingAt({ ...f, id: `${f.id}-old` }, evil('time ')));
  // A suppress tag whose value (and so the reasons and notes it gives) is theirs.
  const tagged: Finding[] = findings.map((f, i) =>
    i % 2 === 0
      ? {
          ...f,
          id: `${f.id}-hidden`,
          suppressed: true,
          suppressionReason: evil('reason '),
          suppressionSource: { kind: 'tag', on: 'role', arn: ROLE },
        }
      : { ...f, id: `${f.id}-refused`, suppressionRefused: evil('refused ') },
  );
  // Eleven functions of theirs (one in a region of theirs, so that the alert names regions), and a stored
  // detail whose table, key and command are theirs too.
  const results = Array.from({ length: 11 }, (_, i) => {
    const name = `${NAME}-${i}`;
    const region = i === 10 ? evil('eu-').replaceAll(':', '') : 'us-east-1';
    return {
      ...r,
      functionName: name,
      functionArn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
    };
  });
  const bigChange = buildBigChangeAlert({
    report: reportOf(results),
    entries: results.map((result) => ({ result, diff: diffFindings(previous, findings) })),
    changes: [hostileChange],
    threshold: 10,
    detail: {
      table: evil('table-'),
      region: evil('region-'),
      key: evil('alert|'),
      parts: 3,
      command: evil('aws dynamodb get-item '),
      expiresAt: evil('2026-12-26 '),
      bytes: 5_400_000,
    },
  });
  return [
    buildFunctionAlert({
      report: reportOf([r]),
      result: r,
      diff: diffFindings(previous, findings),
      changes: [hostileChange],
      stackName: evil('stack-'),
    }),
    buildFunctionAlert({
      report: reportOf([{ ...r, findings: [] }]),
      result: { ...r, findings: [] },
      diff: diffFindings(previous, []),
      changes: [hostileChange],
    }),
    bigChange,
    // Read back from the alert JSON, its words are anyone's too: kinds and regions of theirs.
    {
      ...bigChange,
      groups: bigChange.groups.map((g) => ({ ...g, kinds: [evil('kind ')], region: evil('region ') })),
      summary: {
        ...bigChange.summary,
        kinds: [{ label: evil('label '), functions: 11, tense: 'lost' as const }],
      },
    },
    // Too many names for one message: the alert names some, and says how many it left out.
    renderSnsAlert(bigChange, 4_000).document,
    buildSuppressionNotice({
      report: reportOf([{ ...r, findings: tagged }]),
      result: { ...r, findings: tagged },
      diff: diffFindings(previous, []),
      changes: [
        {
          ...hostileChange,
          suppressTag: { on: 'role', resource: evil('role'), action: 'set', value: evil('tag ') },
        },
      ],
    }),
    buildDigestAlert({
      report: reportOf(
        [{ ...r, findings: [...findings, ...tagged] }],
        [{ functionName: NAME, message: evil('error ') }],
      ),
      regions: [evil('region-')],
      minSeverity: 'low',
    }),
  ];
}

/** The control and invisible characters of `text` other than line feeds (and `allow`), as code points. */
function controls(text: string, allow: (code: number) => boolean = () => false): number[] {
  const found: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x0a || allow(code)) continue;
    const bad =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      (code >= 0x200b && code <= 0x200f);
    if (bad) found.push(code);
  }
  return found;
}
const OUR_LINK =
  /^https:\/\/(?:[a-z0-9-]+\.)?console\.aws\.amazon\.com\/|^https:\/\/docs\.aws\.amazon\.com\//;

/**
 * Text outside code spans and code blocks (the parts a client formats and links): a run of N backticks
 * opens a span that the next run of exactly N backticks closes (CommonMark; Slack uses runs of 1 and 3).
 */
function outsideCode(text: string): string {
  let out = '';
  let i = 0;
  const runAt = (at: number) => {
    let n = 0;
    while (text[at + n] === '`') n += 1;
    return n;
  };
  while (i < text.length) {
    const run = runAt(i);
    if (run === 0) {
      out += text[i];
      i += 1;
      continue;
    }
    let j = i + run;
    let closed = false;
    while (j < text.length) {
      const next = runAt(j);
      if (next === run) {
        closed = true;
        break;
      }
      j += Math.max(1, next);
    }
    if (!closed) throw new Error(`unclosed code span in ${JSON.stringify(text.slice(i, i + 200))}`);
    i = j + run;
  }
  return out;
}

/** Every URL-looking thing in plain text must be one of our own links. */
function foreignLinks(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\S*:\/\/\S*|\bwww\.\S*/gi)) {
    if (!OUR_LINK.test(match[0])) found.push(match[0]);
  }
  return found;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

describe('hostile values in every attacker-controlled field', () => {
  const docs = documents();

  it.each(docs.map((d, i) => [d.type, i] as const))(
    'the email (%s #%i) has no control character and no link of theirs',
    (_type, i) => {
      const sns = renderSnsAlert(docs[i] as (typeof docs)[number]);
      const text = sns.message.slice(0, sns.message.lastIndexOf(`\n${ALERT_JSON_MARKER}\n`));
      expect(controls(text)).toEqual([]);
      expect(foreignLinks(text)).toEqual([]);
      expect(sns.subject.length).toBeLessThan(100);
      expect(controls(sns.subject)).toEqual([]);
      expect(sns.subject).not.toContain('\n');
      // The document is the real one, not the forged one a finding quotes.
      expect(extractAlertDocument(sns.message)?.alertId).toBe(sns.document.alertId);
    },
  );

  it.each(docs.map((d, i) => [d.type, i] as const))(
    'the Slack message (%s #%i) has no live mention, link or markup of theirs',
    (_type, i) => {
      const slack = renderSlackMessage(docs[i] as (typeof docs)[number]);
      for (const text of strings(slack)) {
        expect(controls(text)).toEqual([]);
        // Slack's control characters only as our own escapes: no <!channel>, <@user>, <url|text>.
        expect(text).not.toMatch(/[<>]/);
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        if (text.startsWith('https://')) {
          expect(text).toMatch(OUR_LINK);
          continue;
        }
        expect(foreignLinks(outsideCode(text))).toEqual([]);
        expect(outsideCode(text)).not.toMatch(/\]\(/);
      }
    },
  );

  it.each(docs.map((d, i) => [d.type, i] as const))(
    'the Chatbot notification (%s #%i) has no live mention, link or markup of theirs',
    (_type, i) => {
      const notification = renderChatbotNotification(docs[i] as (typeof docs)[number]);
      for (const text of strings(notification)) {
        expect(controls(text)).toEqual([]);
        expect(text).not.toMatch(/[<>]/);
        expect(foreignLinks(outsideCode(text))).toEqual([]);
        expect(outsideCode(text)).not.toMatch(/\]\(/);
      }
    },
  );

  it('posts the subject of a message without alert JSON escaped', async () => {
    const posted: string[] = [];
    await notifySlack([{ messageId: 'm', subject: evil('ALARM '), message: 'no json here' }], {
      post: async (message) => {
        posted.push(JSON.stringify(message));
      },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const text = (JSON.parse(posted[0] ?? '{}') as { text: string }).text;
    expect(text).not.toMatch(/[<>]/);
    expect(controls(text)).toEqual([]);
  });
});

describe('hostile values in the CLI reports', () => {
  const report = reportOf(
    [result(hostileFindings()), { ...result([]), functionName: evil('clean-') }],
    [{ functionName: NAME, message: evil('unreadable ') }],
  );

  it('the terminal table carries no escape sequence or control character of theirs', () => {
    const plain = formatTable(report, createPaint(false));
    expect(controls(plain)).toEqual([]);
    const coloured = formatTable(report, createPaint(true));
    // Only our own colour codes: ESC [ digits ; m.
    const [head = '', ...afterEscapes] = coloured.split(String.fromCharCode(27));
    for (const part of afterEscapes) expect(part).toMatch(/^\[[0-9;]*m/);
    expect(controls(head + afterEscapes.map((part) => part.replace(/^\[[0-9;]*m/, '')).join(''))).toEqual([]);
    // One line per finding: no value broke a line.
    expect(plain.split('\n').filter((line) => line.includes('missing-permission'))).toHaveLength(3);
  });

  it('the markdown report has no live link, raw HTML or broken table of theirs', () => {
    const markdown = formatMarkdown(report);
    expect(controls(markdown)).toEqual([]);
    const outside = outsideCode(markdown.replace(/```json[\s\S]*?```/g, ''));
    expect(foreignLinks(outside)).toEqual([]);
    expect(outside).not.toMatch(/(?<!\\)[<>]/);
    expect(outside).not.toMatch(/(?<!\\)\]\(/);
    // Every table row has as many cells as its header.
    for (const line of markdown.split('\n').filter((l) => l.startsWith('| **'))) {
      expect(line.split(/(?<!\\)\|/).length).toBe(6);
    }
  });
});
