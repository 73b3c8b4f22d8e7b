import {
  buildDigestAlert,
  buildFunctionAlert,
  diffFindings,
  isAlerting,
  summariseFinding,
} from '../../../shared/alerts/alert-document.js';
import { renderChatbotNotification, renderSlackMessage } from '../../../shared/alerts/render-chat.js';
import { renderSubject, renderTextBody } from '../../../shared/alerts/render-text.js';
import {
  ALERT_JSON_MARKER,
  alertMessageAttributes,
  extractAlertDocument,
  renderSnsAlert,
} from '../../../shared/alerts/sns-message.js';
import type { Finding } from '../../../shared/domain/report.js';
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
});

describe('alert subject', () => {
  it('counts missing and excess findings, as the issue shows', () => {
    expect(renderSubject(alertFor([missingDelete, wildcard, overbroad]))).toBe(
      '[lambda-role-audit] orders-consumer: 1 missing, 2 excess',
    );
  });

  it('says the role is unavailable rather than counting it', () => {
    const gone: Finding = {
      id: 'f-role',
      rule: 'role-unavailable',
      severity: 'critical',
      message: 'The role does not exist.',
    };
    expect(renderSubject(alertFor([gone, missingDelete]))).toBe(
      '[lambda-role-audit] orders-consumer: role unavailable, 1 missing',
    );
  });

  it('announces a fix when nothing is open any more', () => {
    expect(renderSubject(alertFor([], [missingDelete]))).toBe(
      '[lambda-role-audit] orders-consumer: fixed (1 resolved)',
    );
  });

  it('stays under 100 characters, on one line, with a 64-character function name', () => {
    const name = `a${'x'.repeat(62)}z`;
    const result = functionResult([missingDelete, wildcard], name);
    const document = buildFunctionAlert({
      report: report([result]),
      result,
      diff: diffFindings([summariseFinding(overbroad)], [missingDelete, wildcard]),
      changes: [],
    });
    const subject = renderSubject(document);
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\n\r]/);
    expect(subject).toContain('1 missing, 1 excess (1 fixed)');
  });
});

describe('email body', () => {
  const body = renderTextBody(alertFor([missingDelete, wildcard], [wildcard]));

  it('says what changed, who did it and when', () => {
    expect(body).toContain(detachChange.summary);
    expect(body).toContain('by arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane');
    expect(body).toContain('2026-11-26T14:02:11Z');
  });

  it('lists each finding with the mapping behind it and separates new from still open', () => {
    expect(body).toMatch(
      /New findings \(1\)\n {2}\[HIGH\] missing-permission sqs:DeleteMessage on arn:aws:sqs:/,
    );
    expect(body).toContain(
      'Needed by: event source mapping a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa (arn:aws:sqs:us-east-1:123456789012:orders-queue), Enabled',
    );
    expect(body).toMatch(/Still open \(1\)\n {2}\[MEDIUM\] wildcard-action s3:\*/);
  });

  it('ends with the recommended policy as JSON', () => {
    expect(body).toContain('Recommended policy');
    expect(body).toContain('"sqs:DeleteMessage"');
  });

  it('lists what was fixed', () => {
    expect(renderTextBody(alertFor([], [missingDelete]))).toContain(
      'Fixed (1)\n  [HIGH] missing-permission sqs:DeleteMessage',
    );
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
    expect(parsed?.report.functions[0]?.findings[0]?.cause).toEqual(missingDelete.cause);
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
    const kept = parsed?.report.functions[0]?.findings.length ?? 0;
    expect(kept).toBeGreaterThan(100);
    expect(parsed?.truncated?.omittedFindings).toBe(3000 - kept);
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
  it('renders Block Kit within Slack limits, with the header, the change and each finding', () => {
    const slack = renderSlackMessage(alertFor([missingDelete, wildcard]));
    expect(slack.text).toBe('[lambda-role-audit] orders-consumer: 1 missing, 1 excess');
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'lambda-role-audit: orders-consumer: 1 missing, 1 excess',
        emoji: true,
      },
    });
    const text = JSON.stringify(slack.blocks);
    expect(text).toContain('PlatformAdmin/jane');
    expect(text).toContain('*missing-permission* `sqs:DeleteMessage`');
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    for (const block of slack.blocks) {
      const section = block as { text?: { text: string } };
      if (section.text) expect(section.text.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('caps the number of blocks for a large alert', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ ...missingDelete, id: `f-${i}` }));
    const slack = renderSlackMessage(alertFor(many));
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(slack.blocks.at(-1))).toContain('50 more not shown');
  });

  it('renders the AWS Chatbot custom notification schema', () => {
    const notification = renderChatbotNotification(alertFor([missingDelete]));
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: '[lambda-role-audit] orders-consumer: 1 missing' },
      metadata: { threadId: 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer' },
    });
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
    expect(renderTextBody(digest)).toContain('[HIGH] missing-permission sqs:DeleteMessage');
    expect(alertMessageAttributes(digest).alert_type?.StringValue).toBe('digest');
  });
});
