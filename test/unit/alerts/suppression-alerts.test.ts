/**
 * Suppressions in alerts: the notice a suppress-tag change sends (text, Slack, Chatbot, attributes), the
 * note on a finding a tag may not hide, and the daily digest's list of every suppressed finding with its
 * reason and source.
 */
import type { AlertPublisher } from '../../../shared/adapters/notifier/sns-notifier.js';
import {
  buildDigestAlert,
  buildSuppressionNotice,
  diffFindings,
  summariseFinding,
} from '../../../shared/alerts/alert-document.js';
import { renderChatbotNotification, renderSlackMessage } from '../../../shared/alerts/render-chat.js';
import { renderSubject, renderTextBody } from '../../../shared/alerts/render-text.js';
import { extractAlertDocument, renderSnsAlert } from '../../../shared/alerts/sns-message.js';
import type { LogSink } from '../../../shared/app/handle-changes.js';
import { runSweep } from '../../../shared/app/sweep.js';
import type { Finding } from '../../../shared/domain/report.js';
import type { Change } from '../../../shared/events/change.js';
import {
  detachChange,
  FUNCTION_ARN,
  functionResult,
  missingDelete,
  overbroad,
  ROLE_ARN,
  report,
  wildcard,
} from './alert-factory.js';

const tagChange: Change = {
  ...detachChange,
  eventName: 'TagRole',
  action: 'TagRole',
  eventId: 'a1b2c3d4-5678-90ab-cdef-000000000023',
  summary:
    'TagRole lambda-role-audit:suppress = "wildcard-action,missing-permission" on role orders-consumer-role',
  suppressTag: { on: 'role', resource: 'orders-consumer-role', action: 'set', value: 'wildcard-action' },
};

const byTag = (finding: Finding): Finding => ({
  ...finding,
  suppressed: true,
  suppressionReason: `suppressed by the tag lambda-role-audit:suppress on role ${ROLE_ARN}`,
  suppressionSource: { kind: 'tag', on: 'role', arn: ROLE_ARN },
});
const byFile = (finding: Finding, reason: string): Finding => ({
  ...finding,
  suppressed: true,
  suppressionReason: reason,
  suppressionSource: { kind: 'file' },
});
const refusedNote =
  'the tag lambda-role-audit:suppress on role arn:aws:iam::123456789012:role/orders-consumer-role names missing-permission, but tags may not suppress high findings (at most medium)';
const refused: Finding = { ...missingDelete, suppressionRefused: refusedNote };

function notice() {
  const findings = [refused, byTag(wildcard)];
  const result = functionResult(findings);
  const open = findings.filter((f) => f.suppressed !== true);
  return buildSuppressionNotice({
    report: report([result]),
    result,
    diff: diffFindings([summariseFinding(missingDelete), summariseFinding(wildcard)], open),
    changes: [tagChange],
  });
}

describe('suppression notice', () => {
  it('says which findings the tag hides now, which it may not, who set it and when', () => {
    const document = notice();
    expect(document.type).toBe('suppression');
    expect(renderSubject(document)).toBe(
      '[lambda-role-audit] orders-consumer: suppress tag changed: hides 1 finding, 1 refused',
    );
    const body = renderTextBody(document);
    // The text wraps at 78 columns: read it as one line.
    const text = body.replace(/\n +/g, ' ').replace(/\n/g, ' ');
    expect(text).toContain('The suppress tag of orders-consumer changed: it hides 1 finding, 1 refused.');
    expect(text).toContain(`Changed by jane at 2026-11-26 14:02 UTC: ${tagChange.summary}.`);
    expect(text).toContain(
      'Hidden by the suppress tag (1): not fixed, only not alerted - Policy legacy, statement 0: s3:* (wildcard)',
    );
    expect(text).toContain(`Note: ${refusedNote}`);
    // Hidden is not fixed.
    expect(document.resolvedFindings).toEqual([]);
    expect(body).not.toContain('allowed again');
    expect(body).not.toContain('Works again');
  });

  it('keeps its id across retries of the same tag event, whatever the remembered state', () => {
    const first = notice();
    const result = functionResult([refused, byTag(wildcard)]);
    const retried = buildSuppressionNotice({
      report: report([result]),
      result,
      diff: diffFindings([summariseFinding(refused)], [refused]),
      changes: [tagChange],
    });
    expect(retried.alertId).toBe(first.alertId);
  });

  it('renders for Slack and Chatbot, and travels in the SNS message', () => {
    const document = notice();
    const slack = JSON.stringify(renderSlackMessage(document).blocks);
    expect(slack).toContain('*Hidden by the suppress tag (1)*: not fixed, only not alerted');
    expect(slack).toContain('*Named by the tag, still open (1)*');
    const chatbot = renderChatbotNotification(document) as {
      content: { description: string };
      metadata: { eventType: string; threadId: string };
    };
    expect(chatbot.metadata).toMatchObject({
      eventType: 'LambdaRoleAuditSuppression',
      threadId: FUNCTION_ARN,
    });
    expect(chatbot.content.description).toContain(
      'hidden by the suppress tag: Policy `legacy`, statement `0`: `s3:*` (wildcard)',
    );
    const message = renderSnsAlert(document);
    expect(message.messageAttributes.alert_type?.StringValue).toBe('suppression');
    expect(message.messageAttributes.function?.StringValue).toBe('orders-consumer');
    expect(extractAlertDocument(message.message)?.type).toBe('suppression');
  });
});

describe('digest of suppressed findings', () => {
  const info: Finding = { ...overbroad, id: 'f-info', severity: 'info' };
  const results = [
    functionResult([missingDelete, byTag(wildcard), byFile(overbroad, 'logs on * accepted until Q1')]),
    functionResult([byFile(info, 'AWS managed baseline')], 'healthy'),
  ];

  it('lists every suppressed finding, any severity, with its reason and source', () => {
    const digest = buildDigestAlert({
      report: report(results),
      regions: ['us-east-1'],
      minSeverity: 'medium',
    });
    expect(digest.suppressed?.map((f) => [f.functionName, f.id, f.reason, f.source.kind])).toEqual([
      [
        'orders-consumer',
        'f-wildcard',
        `suppressed by the tag lambda-role-audit:suppress on role ${ROLE_ARN}`,
        'tag',
      ],
      ['orders-consumer', 'f-overbroad', 'logs on * accepted until Q1', 'file'],
      ['healthy', 'f-info', 'AWS managed baseline', 'file'],
    ]);
    expect(renderSubject(digest)).toBe(
      '[lambda-role-audit] digest: 1 open in 1 of 2 functions, 3 suppressed',
    );
    const body = renderTextBody(digest);
    const text = body.replace(/\n +/g, ' ');
    expect(body).toContain('Suppressed (3): accepted, not fixed; each with its reason and source');
    expect(text).toContain(
      `suppressed by the tag lambda-role-audit:suppress on role ${ROLE_ARN} (source: the tag on role ${ROLE_ARN})`,
    );
    expect(body).toContain('    logs on * accepted until Q1 (source: the suppressions file)');
    expect(body).toContain('  healthy [INFO] overbroad-resource sqs:ReceiveMessage on *');
    expect(JSON.stringify(renderSlackMessage(digest).blocks)).toContain('3 suppressed findings');
  });

  it('leaves suppressed findings out last when the message is too big, and says how many', () => {
    const digest = buildDigestAlert({
      report: report(results),
      regions: ['us-east-1'],
      minSeverity: 'medium',
    });
    const whole = Buffer.byteLength(renderSnsAlert(digest).message);
    const cut = renderSnsAlert(digest, whole - 200);
    if (cut.document.type !== 'digest') throw new Error('expected a digest');
    expect(cut.document.report.functions[0]?.findings.map((f) => f.id)).toEqual(['f-missing-delete']);
    expect(cut.document.suppressed?.length).toBeLessThan(3);
    expect(cut.document.truncated?.omittedFindings).toBe(3 - (cut.document.suppressed?.length ?? 0));
  });

  it('is published even when nothing is open: suppressions are read about every day', async () => {
    const published: string[] = [];
    const publisher: AlertPublisher = {
      publish: async (m) => {
        published.push(m.subject);
        return 'id';
      },
    };
    const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {} };
    const result = await runSweep({
      auditRegions: async () => report([functionResult([byTag(wildcard)])]),
      regions: ['us-east-1'],
      stateStore: {
        put: async () => true,
        delete: async () => {},
        async *list() {},
      },
      publisher,
      minSeverity: 'low',
      logger: silent,
    });
    expect(result.published).toBe(true);
    expect(published).toEqual(['[lambda-role-audit] digest: no open findings in 1 functions, 1 suppressed']);
  });
});
