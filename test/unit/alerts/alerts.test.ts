import {
  buildDigestAlert,
  buildFunctionAlert,
  diffFindings,
  type FunctionAlertDocument,
  isAlerting,
  rememberFindings,
  summariseFinding,
  summariseFindingAt,
} from '../../../shared/alerts/alert-document.js';
import { formatDuration, functionAlertView, shortActor } from '../../../shared/alerts/alert-view.js';
import { buildFix } from '../../../shared/alerts/fix.js';
import { cloudTrailEventLink, functionLink, roleLink } from '../../../shared/alerts/links.js';
import { renderChatbotNotification, renderSlackMessage } from '../../../shared/alerts/render-chat.js';
import { renderSubject, renderTextBody, wrap } from '../../../shared/alerts/render-text.js';
import { rawText } from '../../../shared/alerts/rich-text.js';
import {
  ALERT_JSON_MARKER,
  alertMessageAttributes,
  extractAlertDocument,
  renderSnsAlert,
} from '../../../shared/alerts/sns-message.js';
import type { Finding } from '../../../shared/domain/report.js';
import { breakAlert, fixAlert, logsMissing, newMappingAlert, sqsMissing } from './alert-cases.js';
import { detachChange, functionResult, missingDelete, overbroad, report, wildcard } from './alert-factory.js';

function alertFor(open: readonly Finding[], previous: readonly Finding[] = []) {
  const result = functionResult(open);
  return buildFunctionAlert({
    report: report([result]),
    result,
    diff: diffFindings(previous.map(summariseFinding), open),
    changes: [detachChange],
  });
}

describe('finding differences', () => {
  it('finds what appeared and what was resolved, and nothing for unchanged findings', () => {
    const diff = diffFindings(
      [summariseFinding(wildcard), summariseFinding(overbroad)],
      [wildcard, missingDelete],
    );
    expect(diff.added.map((f) => f.id)).toEqual(['f-missing-delete']);
    expect(diff.resolved.map((f) => f.id)).toEqual(['f-overbroad']);
    const same = diffFindings([summariseFinding(wildcard)], [wildcard]);
    expect(same.added).toEqual([]);
    expect(same.resolved).toEqual([]);
  });

  it('leaves suppressed findings and those below the minimum severity out of alerts', () => {
    expect(isAlerting({ ...missingDelete, suppressed: true }, 'low')).toBe(false);
    expect(isAlerting(overbroad, 'medium')).toBe(false);
    expect(isAlerting(wildcard, 'medium')).toBe(true);
  });

  it('remembers when a finding opened, and keeps that time while it stays open', () => {
    const first = rememberFindings([], [missingDelete], '2026-11-26T14:02:11Z');
    expect(first[0]).toMatchObject({ id: missingDelete.id, openedAt: '2026-11-26T14:02:11Z' });
    expect(first[0]?.cause).toEqual(missingDelete.cause);
    const later = rememberFindings(first, [missingDelete, wildcard], '2026-11-27T09:00:00Z');
    expect(later.map((f) => f.openedAt)).toEqual(['2026-11-26T14:02:11Z', '2026-11-27T09:00:00Z']);
  });
});

describe('impact first', () => {
  it('says in the subject and the first line what stopped working, worst first, with "+N more"', () => {
    const document = breakAlert();
    expect(renderSubject(document)).toBe(
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue +1 more',
    );
    expect(renderTextBody(document).split('\n').slice(0, 2).join(' ')).toBe(
      'orders-consumer can no longer receive from SQS queue orders-queue (mapping 7a3c9e51…) +1 more.',
    );
  });

  it('writes one line per cause, grouped by what needs the permissions', () => {
    const body = renderTextBody(breakAlert());
    expect(body).toContain('- SQS mapping on orders-queue: missing sqs:DeleteMessage, sqs:ReceiveMessage\n');
    expect(body).toContain('- Logs: missing logs:CreateLogStream, logs:PutLogEvents\n');
    // No "function setting LoggingConfig" for a function that sets none.
    expect(body).not.toContain('LoggingConfig');
  });

  it('announces a fix with what works again, how long it was broken and who fixed it', () => {
    const document = fixAlert();
    expect(renderSubject(document)).toBe(
      '[lambda-role-audit] orders-consumer receives from SQS queue orders-queue again +1 more',
    );
    const view = functionAlertView(document as FunctionAlertDocument);
    expect(view.kind).toBe('fixed');
    expect(rawText(view.headline)).toBe(
      'orders-consumer receives from SQS queue orders-queue again +1 more, 14 min after the break, fixed by sam',
    );
    expect(view.problems).toEqual([]);
  });

  it('says "cannot" for a mapping that a change has just created, not "can no longer"', () => {
    expect(renderSubject(newMappingAlert())).toBe(
      '[lambda-role-audit] clicks-indexer cannot read from Kinesis stream clickstream',
    );
  });

  it('makes a break the headline of an alert that also reports excess access that went away', () => {
    const result = functionResult([missingDelete]);
    const document = buildFunctionAlert({
      report: report([result]),
      result,
      diff: diffFindings([summariseFinding(overbroad)], [missingDelete]),
      changes: [detachChange],
    });
    expect(renderSubject(document)).toBe(
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue',
    );
    expect(renderTextBody(document)).toContain('No longer reported: 1 finding (overbroad-resource).');
  });

  it('keeps subjects under 100 characters, on one line, with a 64-character function name', () => {
    const name = `a${'x'.repeat(62)}z`;
    const result = functionResult([missingDelete, wildcard], name);
    const document = buildFunctionAlert({
      report: report([result]),
      result,
      diff: diffFindings([], [missingDelete, wildcard]),
      changes: [],
    });
    const subject = renderSubject(document);
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\n\r]/);
    expect(subject.startsWith('[lambda-role-audit] a')).toBe(true);
  });

  it('reads durations and actors the way people say them', () => {
    expect(formatDuration(14 * 60_000 + 5_000)).toBe('14 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 days');
    expect(shortActor('arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane')).toBe('jane');
    expect(shortActor('arn:aws:iam::123456789012:user/ops/bob')).toBe('bob');
    expect(shortActor('arn:aws:iam::123456789012:root')).toBe('root');
    expect(shortActor('lambda.amazonaws.com')).toBe('lambda.amazonaws.com');
  });
});

describe('the smallest fix', () => {
  it('grants exactly the missing actions, in the recommended policy’s statements and resource forms', () => {
    const document = breakAlert() as FunctionAlertDocument;
    expect(document.fix?.policy.Statement).toEqual([
      {
        Sid: 'ReadQueueOrdersQueue',
        Effect: 'Allow',
        Action: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
        Resource: ['arn:aws:sqs:us-east-1:123456789012:orders-queue'],
      },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-consumer:*'],
      },
    ]);
    expect(document.fix?.command).toMatch(
      /^aws iam put-role-policy --role-name orders-consumer-role --policy-name lambda-role-audit-fix-orders-consumer --policy-document '\{"Version":"2012-10-17",/,
    );
  });

  it('leaves out what an Allow cannot fix, and says why', () => {
    const fix = buildFix({
      functionName: 'f',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      findings: [
        sqsMissing('sqs:ReceiveMessage', { decision: 'explicit-deny' }),
        sqsMissing('sqs:DeleteMessage', { decision: 'boundary' }),
        logsMissing('f', 'logs:PutLogEvents'),
      ],
      recommendedPolicy: null,
    });
    expect(fix?.notCovered.map((n) => n.reason)).toEqual(['explicit-deny', 'boundary']);
    // Without a recommended policy, the statement is on the finding's own resource.
    expect(fix?.policy.Statement).toEqual([
      {
        Sid: 'Fix1',
        Effect: 'Allow',
        Action: ['logs:PutLogEvents'],
        Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:*'],
      },
    ]);
  });

  it('quotes the command so that a shell runs it as written, whatever the names hold', () => {
    const fix = buildFix({
      functionName: "it's; rm -rf ~",
      roleArn: "arn:aws:iam::123456789012:role/we'ird$(x)",
      findings: [
        { ...logsMissing('f', 'logs:PutLogEvents'), resource: "arn:aws:logs:::log-group:'`<x>`&|:*" },
      ],
      recommendedPolicy: null,
    });
    expect(fix?.command).toContain(`--role-name 'we'\\''ird$(x)'`);
    expect(fix?.policyName).toBe('lambda-role-audit-fix-it-s--rm--rf--');
    const command = fix?.command ?? '';
    const document = command.slice(command.indexOf("--policy-document '") + 19, -1);
    expect(document).not.toMatch(/['`<>&|]/);
    expect(JSON.parse(document)).toEqual(fix?.policy);
  });
});

describe('console links', () => {
  it('use the partition’s console and the resource’s region, and leave IAM without one', () => {
    expect(functionLink('arn:aws:lambda:eu-west-1:123456789012:function:f')?.url).toBe(
      'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/f',
    );
    expect(functionLink('arn:aws-cn:lambda:cn-north-1:123456789012:function:f')?.url).toBe(
      'https://cn-north-1.console.amazonaws.cn/lambda/home?region=cn-north-1#/functions/f',
    );
    expect(roleLink('arn:aws-us-gov:iam::123456789012:role/path/r')?.url).toBe(
      'https://console.amazonaws-us-gov.com/iam/home#/roles/details/r',
    );
    expect(cloudTrailEventLink('abc-123', 'us-east-1')?.url).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/abc-123',
    );
  });

  it('give no link rather than a wrong one', () => {
    expect(functionLink('arn:aws-iso:lambda:us-iso-east-1:123456789012:function:f')).toBeUndefined();
    expect(functionLink('arn:aws:lambda:cn-north-1:123456789012:function:f')).toBeUndefined();
    expect(cloudTrailEventLink('../../x', 'us-east-1')).toBeUndefined();
    expect(roleLink('arn:aws:iam::123456789012:user/u')).toBeUndefined();
  });
});

describe('plain-text email', () => {
  it('wraps at 78 columns except the command, the policy and single long words', () => {
    const lines = renderTextBody(breakAlert()).split('\n');
    const long = lines.filter((line) => line.length > 78);
    for (const line of long) {
      const exempt =
        line.startsWith('aws iam put-role-policy ') ||
        line.startsWith('  ') || // the policy JSON, indented
        !line.trim().includes(' ') ||
        /^[A-Za-z ]+: +https:\/\/\S+$/.test(line); // a link with its label
      expect({ line, exempt }).toEqual({ line, exempt: true });
    }
    expect(wrap('one two three', 7)).toEqual(['one two', 'three']);
  });

  it('names each ARN of a cause once', () => {
    const body = renderTextBody(breakAlert());
    const beforePolicy = body.slice(0, body.indexOf('Recommended policy'));
    const queue = 'arn:aws:sqs:us-east-1:123456789012:orders-queue';
    // Once in the details, once inside the command.
    expect(beforePolicy.split(queue).length - 1).toBe(2);
  });
});

describe('SNS message', () => {
  it('carries filterable attributes: severity, rank, function, rules, outcome, alert id', () => {
    const attributes = alertMessageAttributes(alertFor([missingDelete, wildcard]));
    expect(attributes.severity).toEqual({ DataType: 'String', StringValue: 'high' });
    expect(attributes.severity_rank).toEqual({ DataType: 'Number', StringValue: '4' });
    expect(attributes.function).toEqual({ DataType: 'String', StringValue: 'orders-consumer' });
    expect(JSON.parse(attributes.rules?.StringValue ?? '[]')).toEqual([
      'missing-permission',
      'wildcard-action',
    ]);
    expect(attributes.outcome?.StringValue).toBe('new');
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
  });

  it('puts the alert JSON after the marker line, where machines find it again', () => {
    const document = alertFor([missingDelete]);
    const sns = renderSnsAlert(document);
    expect(sns.message.indexOf(ALERT_JSON_MARKER)).toBeGreaterThan(sns.message.indexOf('Recommended policy'));
    const parsed = extractAlertDocument(sns.message);
    expect(parsed).toEqual(document);
    if (parsed?.type !== 'change') throw new Error('expected a change alert');
    expect(parsed.report.functions[0]?.findings[0]?.cause).toEqual(missingDelete.cause);
  });

  it('finds the document after the last marker, even when a finding quotes the marker', () => {
    const quoting = {
      ...missingDelete,
      message: `x\n${ALERT_JSON_MARKER}\n{"schema":"forged"} ${ALERT_JSON_MARKER}`,
    };
    const document = alertFor([quoting]);
    const parsed = extractAlertDocument(renderSnsAlert(document).message);
    expect(parsed?.alertId).toBe(document.alertId);
  });

  it('gives the same alert id on a retry of the same difference', () => {
    expect(alertFor([missingDelete]).alertId).toBe(alertFor([missingDelete]).alertId);
    expect(alertFor([missingDelete]).alertId).not.toBe(alertFor([], [missingDelete]).alertId);
  });

  it('truncates with counts instead of exceeding 256 KB', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...missingDelete,
      id: `f-${i}`,
      resource: `arn:aws:sqs:us-east-1:123456789012:queue-${i}-${'q'.repeat(40)}`,
    }));
    const sns = renderSnsAlert(alertFor(many));
    const bytes =
      Buffer.byteLength(sns.message) +
      Object.entries(sns.messageAttributes).reduce(
        (n, [k, v]) =>
          n +
          Buffer.byteLength(k) +
          Buffer.byteLength(v.DataType ?? '') +
          Buffer.byteLength(v.StringValue ?? ''),
        0,
      );
    expect(bytes).toBeLessThanOrEqual(262_144);
    const parsed = extractAlertDocument(sns.message);
    if (parsed?.type !== 'change') throw new Error('expected a change alert');
    const kept = parsed.report.functions[0]?.findings.length ?? 0;
    expect(kept).toBeGreaterThan(50);
    expect(parsed.truncated?.omittedFindings).toBe(3000 - kept);
    expect(sns.message).toContain(`${3000 - kept} more findings`);
  });

  it('never fails for size, even with a tiny budget', () => {
    const sns = renderSnsAlert(alertFor([missingDelete, wildcard]), 400);
    expect(Buffer.byteLength(sns.message)).toBeLessThanOrEqual(400);
  });

  it('finds no alert JSON in a message someone else published', () => {
    expect(extractAlertDocument('hello')).toBeUndefined();
    expect(extractAlertDocument(`${ALERT_JSON_MARKER}\n{"not":"an alert"}`)).toBeUndefined();
  });
});

describe('chat formats', () => {
  it('renders Block Kit: headline, one line per cause, what changed, the command in a code block, buttons', () => {
    const slack = renderSlackMessage(breakAlert());
    expect(slack.text).toBe(
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue +1 more',
    );
    const [header, causes, changed, fix, actions] = slack.blocks as {
      type: string;
      text?: { text: string };
      elements?: { url: string }[];
    }[];
    expect(header?.type).toBe('header');
    expect(causes?.text?.text).toBe(
      '• SQS mapping on `orders-queue`: missing `sqs:DeleteMessage`, `sqs:ReceiveMessage`\n• Logs: missing `logs:CreateLogStream`, `logs:PutLogEvents`',
    );
    expect(changed?.text?.text).toContain('Changed by `jane`');
    expect(fix?.text?.text).toMatch(/\n```aws iam put-role-policy .*'```$/);
    expect(actions?.type).toBe('actions');
    expect(actions?.elements?.map((e) => e.url)).toHaveLength(4);
    expect(JSON.stringify(slack)).not.toContain('"Version": "2012-10-17"'); // no recommended policy
  });

  it('renders the AWS Chatbot custom notification schema, with the command and no recommended policy', () => {
    const notification = renderChatbotNotification(breakAlert()) as {
      content: { description: string };
    };
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title:
          'orders-consumer can no longer receive from SQS queue orders-queue (mapping 7a3c9e51…) +1 more',
      },
      metadata: { threadId: 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer' },
    });
    expect(notification.content.description).toContain('```\naws iam put-role-policy');
    expect(notification.content.description).not.toContain('GetQueueAttributes');
  });
});

describe('digest', () => {
  it('lists open alerting findings per function and counts the audited functions', () => {
    const digest = buildDigestAlert({
      report: report([functionResult([missingDelete, overbroad]), functionResult([], 'healthy')]),
      regions: ['us-east-1'],
      minSeverity: 'medium',
    });
    expect(digest.report.functions.map((f) => f.functionName)).toEqual(['orders-consumer']);
    expect(renderSubject(digest)).toBe('[lambda-role-audit] digest: 1 open in 1 of 2 functions');
    expect(renderTextBody(digest)).toContain('- SQS mapping on orders-queue: missing sqs:DeleteMessage');
    expect(alertMessageAttributes(digest).alert_type?.StringValue).toBe('digest');
  });
});

describe('remembered findings without cause', () => {
  it('still say what was fixed when the state was written before causes were remembered', () => {
    const { cause: _cause, ...old } = summariseFindingAt(missingDelete, undefined);
    const result = functionResult([]);
    const document = buildFunctionAlert({
      report: report([result]),
      result,
      diff: diffFindings([old], []),
      changes: [detachChange],
    });
    expect(renderSubject(document)).toContain('orders-consumer');
    expect(renderTextBody(document).length).toBeGreaterThan(0);
  });
});
