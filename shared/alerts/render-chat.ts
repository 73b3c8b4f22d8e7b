/**
 * Alerts for chat: Slack Block Kit for an incoming webhook, and the AWS Chatbot (Amazon Q Developer in chat
 * applications) custom-notification format for a topic mapped to a channel.
 *
 * Block Kit limits honoured here (https://api.slack.com/reference/block-kit/blocks): a header's text at
 * most 150 characters, a section's text at most 3,000, at most 50 blocks per message.
 * Chatbot schema: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html (`version`
 * "1.0", `source` "custom", `content.textType` "client-markdown").
 */
import type { Finding } from '../domain/report.js';
import { type AlertDocument, type FunctionAlertDocument, openFindingsOf } from './alert-document.js';
import { describeCause, renderSubject, SUBJECT_PREFIX } from './render-text.js';

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/** Slack mrkdwn treats &, < and > as control characters. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function findingText(f: Finding, isNew: boolean): string {
  const target = f.action ? ` \`${f.action}\`${f.resource ? ` on \`${f.resource}\`` : ''}` : '';
  const cause = describeCause(f.cause);
  return cut(
    `${SEVERITY_EMOJI[f.severity] ?? ''} *${f.rule}*${target}${isNew ? ' _(new)_' : ''}\n${escapeSlack(f.message)}${
      cause ? `\n_${escapeSlack(cause)}_` : ''
    }${f.remediation ? `\nFix: ${escapeSlack(f.remediation)}` : ''}`,
    3000,
  );
}

const MAX_FINDING_BLOCKS = 30;

const CHATBOT_EVENT_TYPE: Readonly<Record<AlertDocument['type'], string>> = {
  change: 'LambdaRoleAuditChange',
  suppression: 'LambdaRoleAuditSuppression',
  digest: 'LambdaRoleAuditDigest',
};

/** A notice's own blocks: the findings the suppress tag hides now, and those it may not hide. */
function suppressionBlocks(document: FunctionAlertDocument): Record<string, unknown>[] {
  const notice = document.suppression;
  if (!notice) return [];
  const hidden = notice.hiddenFindings.slice(0, 10).map((f) => findingText(f, false));
  const refused = notice.refusedFindings.slice(0, 10).map((f) => findingText(f, false));
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          hidden.length === 0
            ? '*Hidden by the suppress tag*\nnothing'
            : `*Hidden by the suppress tag (${notice.hiddenFindings.length})*: not fixed, only not alerted\n${hidden.join('\n')}`,
          3000,
        ),
      },
    },
    ...(refused.length === 0
      ? []
      : [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: cut(
                `*Named by the tag, still open (${notice.refusedFindings.length})*: tags may not suppress these\n${refused.join('\n')}`,
                3000,
              ),
            },
          },
        ]),
  ];
}

export function renderSlackMessage(document: AlertDocument): SlackMessage {
  const subject = renderSubject(document);
  const title = subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length).trim() : subject;
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(`lambda-role-audit: ${title}`, 150), emoji: true },
    },
  ];
  const open = openFindingsOf(document);
  if (document.type !== 'digest') {
    blocks.push({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: cut(`*Function*\n\`${document.function.arn}\``, 2000) },
        { type: 'mrkdwn', text: cut(`*Role*\n\`${document.function.roleArn}\``, 2000) },
      ],
    });
    if (document.changes.length > 0) {
      const changes = document.changes
        .slice(0, 5)
        .map((c) => `• ${escapeSlack(c.summary)}\n   by \`${c.actor}\` at ${c.eventTime}`)
        .join('\n');
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: cut(`*What changed*\n${changes}`, 3000) },
      });
    }
    blocks.push(...suppressionBlocks(document));
    const newIds = new Set(document.newFindingIds);
    for (const { finding } of open.slice(0, MAX_FINDING_BLOCKS)) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: findingText(finding, newIds.has(finding.id)) },
      });
    }
    if (document.resolvedFindings.length > 0) {
      const fixed = document.resolvedFindings
        .slice(0, 10)
        .map((f) => `:white_check_mark: ~${f.rule}${f.action ? ` ${f.action}` : ''}~ fixed`)
        .join('\n');
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*Fixed*\n${fixed}`, 3000) } });
    }
    const policy = document.report.functions[0]?.recommendedPolicy;
    if (policy && open.length > 0) {
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: cut(`*Recommended policy*\n\`\`\`${JSON.stringify(policy, null, 1)}\`\`\``, 3000),
        },
      });
    }
  } else {
    const suppressed = document.suppressed?.length ?? 0;
    if (suppressed > 0) {
      blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `${suppressed} suppressed finding${suppressed === 1 ? '' : 's'}: see the email or JSON for each reason and source`,
          },
        ],
      });
    }
    for (const fn of document.report.functions.slice(0, MAX_FINDING_BLOCKS)) {
      const lines = fn.findings.map(
        (f) => `${SEVERITY_EMOJI[f.severity] ?? ''} ${f.rule}${f.action ? ` \`${f.action}\`` : ''}`,
      );
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: cut(`*${fn.functionName}*\n${lines.join('\n')}`, 3000) },
      });
    }
  }
  const shown = document.type !== 'digest' ? Math.min(open.length, MAX_FINDING_BLOCKS) : undefined;
  const omitted =
    (document.truncated?.omittedFindings ?? 0) +
    (shown === undefined
      ? Math.max(0, document.report.functions.length - MAX_FINDING_BLOCKS)
      : open.length - shown);
  if (omitted > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${omitted} more not shown. Alert ${document.alertId}` }],
    });
  } else {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Alert ${document.alertId}` }] });
  }
  return { text: subject, blocks: blocks.slice(0, 50) };
}

/** The AWS Chatbot custom notification of an alert (publish it as the String message of a Chatbot topic). */
export function renderChatbotNotification(document: AlertDocument): Record<string, unknown> {
  const open = openFindingsOf(document);
  const subject = renderSubject(document);
  const description =
    document.type !== 'digest'
      ? [
          ...(document.suppression?.hiddenFindings ?? [])
            .slice(0, 10)
            .map((f) => `• hidden by the suppress tag: *${f.rule}* ${f.action ?? ''}`),
          ...document.changes.slice(0, 3).map((c) => `${c.summary} — by \`${c.actor}\` at ${c.eventTime}`),
          ...open
            .slice(0, 10)
            .map(({ finding }) => `• *${finding.rule}* ${finding.action ?? ''} ${finding.message}`),
          ...document.resolvedFindings.slice(0, 10).map((f) => `• fixed: ${f.rule} ${f.action ?? ''}`),
        ].join('\n')
      : document.report.functions
          .slice(0, 20)
          .map((fn) => `• *${fn.functionName}*: ${fn.findings.length} open`)
          .join('\n');
  const nextSteps = [
    ...new Set(open.map(({ finding }) => finding.remediation).filter((r): r is string => !!r)),
  ].slice(0, 5);
  return {
    version: '1.0',
    source: 'custom',
    id: document.alertId,
    content: {
      textType: 'client-markdown',
      title: subject,
      description: cut(description, 8000),
      ...(nextSteps.length > 0 ? { nextSteps } : {}),
      keywords: [...new Set(open.map(({ finding }) => finding.rule))].slice(0, 10),
    },
    metadata: {
      threadId: document.type !== 'digest' ? document.function.arn : 'lambda-role-audit-digest',
      summary: subject,
      eventType: CHATBOT_EVENT_TYPE[document.type],
      relatedResources:
        document.type !== 'digest'
          ? [document.function.arn, document.function.roleArn]
          : document.report.functions.slice(0, 20).map((fn) => fn.functionArn),
    },
  };
}
