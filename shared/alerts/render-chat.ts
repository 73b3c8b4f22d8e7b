/**
 * Alerts for chat, sized for one screen: Slack Block Kit for an incoming webhook, and the AWS Chatbot
 * (Amazon Q Developer in chat applications) custom notification for a topic mapped to a channel. Both
 * carry the headline, one line per cause (at most `MAX_CAUSES`), what changed, the fix command in a code
 * block and links; neither carries the recommended policy (it is in the email and the JSON).
 *
 * Slack limits (docs.slack.dev, Block Kit reference): a header's text at most 150 characters
 * (blocks/header-block), a section's text at most 3,000 (blocks/section-block), a button's text at most
 * 75 and its URL at most 3,000 (block-elements/button-element), a context block at most 10 elements
 * (blocks/context-block), at most 50 blocks per message. Every value goes through `slackValue` (a code
 * span, `&<>` escaped, no backtick) or `slackPlain` (plain_text objects), escape.ts.
 *
 * Chatbot: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html (`version` "1.0",
 * `source` "custom", `content.textType` "client-markdown"). The page gives no length limits for its
 * fields; the description is kept within Slack's 3,000 characters of a section (Chatbot renders into the
 * channel's platform), lists are kept short, and the message within SNS's 256 KB. Values go through
 * `chatbotValue`/`chatbotPlain`, escape.ts.
 */
import type { Finding } from '../domain/report.js';
import {
  type AlertDocument,
  type DigestAlertDocument,
  type FunctionAlertDocument,
  isFunctionAlert,
} from './alert-document.js';
import { changeLine, type FunctionAlertView, functionAlertView } from './alert-view.js';
import { type BigChangeAlertDocument, functionArnOf } from './big-change.js';
import {
  chatbotCode,
  chatbotPlain,
  shortenEnd,
  slackCode,
  slackPlain,
  slackText,
  slackWords,
} from './escape.js';
import { groupCauses } from './impact.js';
import type { ConsoleLink } from './links.js';
import { functionLink } from './links.js';
import {
  bigChangeCounts,
  bigChangeGroupLine,
  bigChangeOmissions,
  detailSentence,
  renderSubject,
  SUBJECT_PREFIX,
  suppressionGroups,
  suppressionHeadline,
  TOO_LARGE,
} from './render-text.js';
import { type Rich, render, v } from './rich-text.js';

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  buttonText: 75,
  buttonUrl: 3000,
  contextElements: 10,
  blocks: 50,
} as const;

/** Causes shown in chat; the rest are counted ("+N more, in the email"). */
export const MAX_CAUSES = 6;
const MAX_FUNCTIONS_IN_CHAT = 10;

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/**
 * Cuts mrkdwn to at most `max` characters without cutting a code span, a code block or an entity in
 * half: at the last point before `max` that is outside every span, with "…". Values never hold a
 * backtick (escape.ts), so backticks are only ours and pair up.
 */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let safe = 0;
  let i = 0;
  while (i < max - 1) {
    if (text.startsWith('```', i)) {
      const end = text.indexOf('```', i + 3);
      if (end < 0 || end + 3 > max - 1) break;
      i = end + 3;
    } else if (text[i] === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0 || end + 1 > max - 1) break;
      i = end + 1;
    } else if (text[i] === '&') {
      const end = text.indexOf(';', i);
      if (end < 0 || end - i > 5 || end + 1 > max - 1) break;
      i = end + 1;
    } else i += 1;
    safe = i;
  }
  return `${text.slice(0, safe)}…`;
}

/** Joins lines while they fit, then says how many are left; never cuts a span in half. */
function fitLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  let out = '';
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const next = out === '' ? line : `${out}\n${line}`;
    const tail = more(lines.length - i);
    if (next.length + 1 + tail.length > max) return out === '' ? cutMrkdwn(line, max) : `${out}\n${tail}`;
    out = next;
  }
  return out;
}

const slack = (rich: Rich): string => render(rich, 'slack');
const header = (text: string): Record<string, unknown> => ({
  type: 'header',
  text: { type: 'plain_text', text: shortenEnd(text, SLACK_LIMITS.headerText), emoji: true },
});
const section = (text: string): Record<string, unknown> => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.sectionText) },
});

function buttons(links: readonly ConsoleLink[]): Record<string, unknown> | undefined {
  const usable = links.filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl).slice(0, 5);
  if (usable.length === 0) return undefined;
  return {
    type: 'actions',
    elements: usable.map((l, i) => ({
      type: 'button',
      text: { type: 'plain_text', text: shortenEnd(l.label, SLACK_LIMITS.buttonText) },
      url: l.url,
      action_id: `link-${i}`,
    })),
  };
}

function context(parts: readonly string[]): Record<string, unknown> {
  return {
    type: 'context',
    elements: parts.slice(0, SLACK_LIMITS.contextElements).map((text) => ({ type: 'mrkdwn', text })),
  };
}

/** A code block that nothing inside can close: no backticks (the command has none), `&<>` escaped. */
function codeBlock(text: string): string {
  return `\`\`\`${slackCode(text)}\`\`\``;
}

/** A notice's own sections: what the suppress tag hides now, and what it named but may not hide. */
function suppressionSlack(document: FunctionAlertDocument): Record<string, unknown>[] {
  const notice = document.suppression;
  if (!notice) return [];
  const roleArn = document.function.roleArn;
  // At most three causes each, and the first reason (a tag gives one reason to all): the email lists all.
  const part = (title: string, findings: readonly Finding[], why: (f: Finding) => string | undefined) => {
    const groups = suppressionGroups(findings, roleArn, why);
    const reason = groups[0]?.reasons[0];
    const lines = [
      title,
      ...groups.slice(0, 3).map((g) => `• ${slack(g.line)}`),
      ...(groups.length > 3 ? [`_+${groups.length - 3} more, in the email_`] : []),
      ...(reason === undefined ? [] : [`_${slack([v(reason)])}_`]),
    ];
    return section(fitLines(lines, SLACK_LIMITS.sectionText, (n) => `_+${n} more, in the email_`));
  };
  return [
    notice.hiddenFindings.length === 0
      ? section('*Hidden by the suppress tag*: nothing')
      : part(
          `*Hidden by the suppress tag (${notice.hiddenFindings.length})*: not fixed, only not alerted`,
          notice.hiddenFindings,
          (f) => f.suppressionReason,
        ),
    ...(notice.refusedFindings.length === 0
      ? []
      : [
          part(
            `*Named by the tag, still open (${notice.refusedFindings.length})*: tags may not suppress these`,
            notice.refusedFindings,
            (f) => f.suppressionRefused,
          ),
        ]),
  ];
}

function functionSlack(document: FunctionAlertDocument): SlackMessage {
  const view: FunctionAlertView = functionAlertView(document);
  const notice = document.type === 'suppression';
  const headline = notice ? suppressionHeadline(document) : view.headline;
  const blocks: Record<string, unknown>[] = [
    header(`${SEVERITY_EMOJI[view.severity] ?? ''} ${render(headline, 'slack-plain')}`.trim()),
    ...suppressionSlack(document),
  ];
  // A notice lists what the tag hides and refuses above; of the open causes it adds only the others.
  const refused = new Set(document.suppression?.refusedFindings.map((f) => f.id) ?? []);
  const problems = notice
    ? view.problems.filter((p) => !p.group.findings.every((f) => refused.has(f.id)))
    : view.problems;
  const causeLines = [
    ...(view.kind === 'fixed' && !notice
      ? view.fixedLines.map((s) => `• ${slack(s)}`)
      : problems.filter((p) => !p.stillOpen).map((p) => `• ${slack(p.group.line)}`)),
    ...problems.filter((p) => p.stillOpen).map((p) => `• ${slack(p.group.line)} _(open before)_`),
    ...(view.kind === 'fixed' && !notice && problems.some((p) => !p.stillOpen)
      ? problems.filter((p) => !p.stillOpen).map((p) => `• New: ${slack(p.group.line)}`)
      : []),
  ];
  const shown = causeLines.slice(0, MAX_CAUSES);
  if (causeLines.length > MAX_CAUSES)
    shown.push(`_+${causeLines.length - MAX_CAUSES} more causes, in the email_`);
  if (view.kind !== 'fixed' && view.worksAgain.length > 0)
    shown.push(
      `Works again: ${slack(view.worksAgain[0] as Rich)}${view.worksAgain.length > 1 ? ` +${view.worksAgain.length - 1} more` : ''}`,
    );
  if (shown.length > 0)
    blocks.push(section(fitLines(shown, SLACK_LIMITS.sectionText, (n) => `_+${n} more_`)));

  const latest = document.changes[0];
  if (latest) {
    const more = document.changes.length > 1 ? ` _(+${document.changes.length - 1} more changes)_` : '';
    blocks.push(section(`${slack(changeLine(latest))}${more}`));
  } else blocks.push(section('_Found by the scheduled audit._'));

  if (view.fix?.tooLarge) blocks.push(section(slackText(TOO_LARGE.replace('below', 'of the email'))));
  if (view.fix?.command) {
    const intro = `*Fix* (adds exactly what is missing as inline policy ${slack([v(view.fix.policyName)])}):`;
    const command = codeBlock(view.fix.command);
    const text =
      intro.length + 1 + command.length <= SLACK_LIMITS.sectionText
        ? `${intro}\n${command}`
        : `${intro}\n_The command is longer than a Slack section: it is in the email._`;
    blocks.push(section(text));
  }
  const notes = [
    ...view.notCovered.map((n) => `Not covered: ${slack(n)}`),
    ...(view.sharedNote ? [slack(view.sharedNote)] : []),
    ...(view.stackHint ? [slack(view.stackHint)] : []),
  ];
  if (notes.length > 0)
    blocks.push(section(fitLines(notes, SLACK_LIMITS.sectionText, (n) => `_+${n} more_`)));
  const actions = buttons(view.links);
  if (actions) blocks.push(actions);
  const resolvedNote =
    view.alsoResolved.length > 0 ? [`${view.alsoResolved.length} other finding(s) no longer reported`] : [];
  blocks.push(
    context([`Severity ${view.severity}`, ...resolvedNote, `Alert ${slackText(document.alertId)}`]),
  );
  return { text: slackCode(renderSubject(document)), blocks };
}

/** Room for function names in a chat message: a few lines' worth, the rest counted. */
const NAMES_BUDGET = 600;
/** Groups of a big change shown in chat, worst first. */
const GROUPS_IN_CHAT = 3;

/**
 * "`a`, `b`, `c` +N more": the first names that fit the budget (at most `max`), as values, and how many of
 * `total` are not shown.
 */
function nameList(
  names: readonly string[],
  medium: 'slack' | 'chatbot',
  total = names.length,
  max = MAX_FUNCTIONS_IN_CHAT,
  budget = NAMES_BUDGET,
): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names.slice(0, max)) {
    const value = render([v(name)], medium);
    if (shown.length > 0 && length + value.length + 2 > budget) break;
    shown.push(value.length > budget ? render([v(shortenEnd(name, 100))], medium) : value);
    length += value.length + 2;
  }
  const rest = total - shown.length;
  return `${shown.join(', ')}${rest > 0 ? `${shown.length > 0 ? ' ' : ''}_+${rest} more_` : ''}`;
}

/** The worst groups of a big change, one line each with their first names. */
function groupLines(document: BigChangeAlertDocument, medium: 'slack' | 'chatbot'): string[] {
  // Our words, but read back from the alert JSON: escaped all the same.
  const text = medium === 'slack' ? slackWords : chatbotPlain;
  const lines = document.groups
    .slice(0, GROUPS_IN_CHAT)
    .map(
      (group) =>
        `• ${text(bigChangeGroupLine(group))} — ${nameList(group.functions, medium, group.count, 5, NAMES_BUDGET / GROUPS_IN_CHAT)}`,
    );
  const moreGroups = document.groups.length - GROUPS_IN_CHAT + (document.omittedGroups ?? 0);
  if (moreGroups > 0) lines.push(`_+${moreGroups} more group${moreGroups === 1 ? '' : 's'}, in the email_`);
  return lines;
}

/** Where every function of a big change is named, and where their findings are. */
function everyFunction(document: BigChangeAlertDocument): string {
  const omissions = bigChangeOmissions(document);
  if (omissions !== undefined) return omissions;
  return document.detail
    ? "Every affected function is named in the email's alert JSON; their findings are in the stored detail."
    : "Every affected function is named in the email's alert JSON; their findings are in the state table.";
}

function bigChangeSlack(document: BigChangeAlertDocument): SlackMessage {
  const subject = renderSubject(document);
  const title = subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length).trim() : subject;
  const blocks: Record<string, unknown>[] = [header(slackPlain(title))];
  const counts = bigChangeCounts(document).map(
    (c) => `• ${slackWords(c.label)}: *${c.functions}* function${c.functions === 1 ? '' : 's'}`,
  );
  if (counts.length > 0)
    blocks.push(
      section(fitLines(counts.slice(0, MAX_CAUSES), SLACK_LIMITS.sectionText, (n) => `_+${n} more_`)),
    );
  const latest = document.changes[0];
  if (latest) blocks.push(section(slack(changeLine(latest))));
  blocks.push(
    section(fitLines(groupLines(document, 'slack'), SLACK_LIMITS.sectionText, (n) => `_+${n} more_`)),
  );
  const detail = document.detail;
  if (detail) {
    const intro = slack(detailSentence(detail));
    const command = codeBlock(detail.command);
    blocks.push(
      section(
        intro.length + 1 + command.length <= SLACK_LIMITS.sectionText
          ? `${intro}\n${command}`
          : `${intro}\n_The command is longer than a Slack section: it is in the email._`,
      ),
    );
  }
  blocks.push(section(`_${slackWords(everyFunction(document))}_`));
  blocks.push(context([`${document.summary.functions} functions`, `Alert ${slackText(document.alertId)}`]));
  return { text: slackCode(subject), blocks };
}

function digestSlack(document: DigestAlertDocument): SlackMessage {
  const subject = renderSubject(document);
  const title = subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length).trim() : subject;
  const blocks: Record<string, unknown>[] = [header(`lambda-role-audit ${slackPlain(title)}`)];
  const lines = document.report.functions.map((fn) => {
    const groups = groupCauses(fn.findings, fn.roleArn);
    const lead = groups[0];
    return `• ${slack([v(fn.functionName)])}: ${lead ? slack(lead.line) : 'no open findings'}${groups.length > 1 ? ` _+${groups.length - 1} more_` : ''}`;
  });
  if (lines.length > 0)
    blocks.push(
      section(
        fitLines(lines.slice(0, MAX_FUNCTIONS_IN_CHAT), SLACK_LIMITS.sectionText, (n) => `_+${n} more_`),
      ),
    );
  if (lines.length > MAX_FUNCTIONS_IN_CHAT)
    blocks.push(section(`_+${lines.length - MAX_FUNCTIONS_IN_CHAT} more functions, in the email_`));
  const errors = document.report.errors ?? [];
  if (errors.length > 0) blocks.push(section(`*Not audited:* ${errors.length} (see the email)`));
  const suppressed = document.suppressed?.length ?? 0;
  if (suppressed > 0)
    blocks.push(
      section(
        `*${suppressed} suppressed finding${suppressed === 1 ? '' : 's'}*: accepted, not fixed; each reason and source is in the email and the JSON`,
      ),
    );
  blocks.push(context([`${document.audited} functions audited`, `Alert ${slackText(document.alertId)}`]));
  return { text: slackCode(subject), blocks };
}

export function renderSlackMessage(document: AlertDocument): SlackMessage {
  const message =
    document.type === 'digest'
      ? digestSlack(document)
      : document.type === 'big-change'
        ? bigChangeSlack(document)
        : functionSlack(document);
  return { text: message.text, blocks: message.blocks.slice(0, SLACK_LIMITS.blocks) };
}

// ---------------------------------------------------------------------------------------------------
// AWS Chatbot

export const CHATBOT_LIMITS = {
  title: 250,
  description: 3000,
  nextSteps: 5,
  relatedResources: 10,
  keywords: 10,
} as const;

const bot = (rich: Rich): string => render(rich, 'chatbot');

const CHATBOT_EVENT_TYPE: Readonly<Record<AlertDocument['type'], string>> = {
  change: 'LambdaRoleAuditChange',
  suppression: 'LambdaRoleAuditSuppression',
  'big-change': 'LambdaRoleAuditBigChange',
  digest: 'LambdaRoleAuditDigest',
};

function chatbotTitle(document: AlertDocument): string {
  if (document.type === 'change') return render(functionAlertView(document).headline, 'chatbot-plain');
  if (document.type === 'suppression') return render(suppressionHeadline(document), 'chatbot-plain');
  return withoutPrefix(renderSubject(document), 'chatbot-plain');
}

/** A subject without our prefix, escaped for a plain-text field (the subject quotes account values). */
function withoutPrefix(subject: string, medium: 'chatbot-plain' | 'slack-plain'): string {
  const rest = subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length).trim() : subject;
  return render([v(rest)], medium);
}

function chatbotDescription(document: AlertDocument): { description: string; nextSteps: string[] } {
  const lines: string[] = [];
  const nextSteps: string[] = [];
  if (isFunctionAlert(document)) {
    const view = functionAlertView(document);
    for (const g of suppressionGroups(
      document.suppression?.hiddenFindings ?? [],
      document.function.roleArn,
      () => undefined,
    ))
      lines.push(`• hidden by the suppress tag: ${bot(g.line)}`);
    for (const g of suppressionGroups(
      document.suppression?.refusedFindings ?? [],
      document.function.roleArn,
      () => undefined,
    ))
      lines.push(`• named by the tag, still open: ${bot(g.line)}`);
    const causes = [
      ...(view.kind === 'fixed' ? view.fixedLines.map((s) => `• ${bot(s)}`) : []),
      ...view.problems.map(
        (p) =>
          `• ${view.kind === 'fixed' && !p.stillOpen ? 'New: ' : ''}${bot(p.group.line)}${p.stillOpen ? ' _(open before)_' : ''}`,
      ),
    ];
    lines.push(...causes.slice(0, MAX_CAUSES));
    if (causes.length > MAX_CAUSES) lines.push(`_+${causes.length - MAX_CAUSES} more causes, in the email_`);
    const latest = document.changes[0];
    lines.push(latest ? bot(changeLine(latest)) : '_Found by the scheduled audit._');
    if (view.fix?.tooLarge) lines.push(TOO_LARGE.replace('below', 'of the email'));
    if (view.fix?.command) {
      lines.push('*Fix* (adds exactly what is missing):');
      lines.push(`\`\`\`\n${chatbotCode(view.fix.command)}\n\`\`\``);
      if (!view.stackHint)
        nextSteps.push('Run the fix command above (it adds an inline policy to the role).');
    }
    if (view.stackHint) nextSteps.push(bot(view.stackHint));
    for (const n of view.notCovered) nextSteps.push(bot(n));
    for (const link of view.links) nextSteps.push(`${link.label}: ${link.url}`);
  } else if (document.type === 'big-change') {
    for (const c of bigChangeCounts(document))
      lines.push(`• ${chatbotPlain(c.label)}: ${c.functions} function${c.functions === 1 ? '' : 's'}`);
    const latest = document.changes[0];
    if (latest) lines.push(bot(changeLine(latest)));
    lines.push(...groupLines(document, 'chatbot'));
    const detail = document.detail;
    if (detail) {
      lines.push(bot(detailSentence(detail)));
      lines.push(`\`\`\`\n${chatbotCode(detail.command)}\n\`\`\``);
      nextSteps.push("Run the command above for every function's new and fixed findings.");
    }
    nextSteps.push(chatbotPlain(everyFunction(document)));
  } else {
    for (const fn of document.report.functions.slice(0, MAX_FUNCTIONS_IN_CHAT)) {
      const groups = groupCauses(fn.findings, fn.roleArn);
      const lead = groups[0];
      lines.push(
        `• ${bot([v(fn.functionName)])}: ${lead ? bot(lead.line) : 'no open findings'}${groups.length > 1 ? ` _+${groups.length - 1} more_` : ''}`,
      );
      const link = functionLink(fn.functionArn);
      if (link && nextSteps.length < CHATBOT_LIMITS.nextSteps)
        nextSteps.push(`${fn.functionName.length > 0 ? bot([v(fn.functionName)]) : 'Function'}: ${link.url}`);
    }
    if (document.report.functions.length > MAX_FUNCTIONS_IN_CHAT)
      lines.push(
        `_+${document.report.functions.length - MAX_FUNCTIONS_IN_CHAT} more functions, in the email_`,
      );
  }
  return {
    description: fitLines(lines, CHATBOT_LIMITS.description, (n) => `_+${n} more_`),
    nextSteps: nextSteps.slice(0, CHATBOT_LIMITS.nextSteps).map((s) => shortenEnd(s, 1000)),
  };
}

/** The ARNs of the first `max` functions a big change names, worst first. */
function bigChangeArns(document: BigChangeAlertDocument, max: number): string[] {
  const arns: string[] = [];
  for (const group of document.groups)
    for (const name of group.functions) {
      if (arns.length >= max) return arns;
      arns.push(functionArnOf(document, group, name));
    }
  return arns;
}

/** The AWS Chatbot custom notification of an alert (publish it as the String message of a Chatbot topic). */
export function renderChatbotNotification(document: AlertDocument): Record<string, unknown> {
  const { description, nextSteps } = chatbotDescription(document);
  const rules =
    document.type === 'big-change'
      ? document.summary.rules
      : document.report.functions.flatMap((fn) => fn.findings.map((f) => f.rule));
  const keywords = [...new Set(rules.map((rule) => render([v(rule)], 'chatbot-plain')))].slice(
    0,
    CHATBOT_LIMITS.keywords,
  );
  const related = isFunctionAlert(document)
    ? [document.function.arn, document.function.roleArn]
    : document.type === 'big-change'
      ? bigChangeArns(document, CHATBOT_LIMITS.relatedResources)
      : document.report.functions.map((fn) => fn.functionArn);
  return {
    version: '1.0',
    source: 'custom',
    id: document.alertId,
    content: {
      textType: 'client-markdown',
      title: shortenEnd(chatbotTitle(document), CHATBOT_LIMITS.title),
      description,
      ...(nextSteps.length > 0 ? { nextSteps } : {}),
      ...(keywords.length > 0 ? { keywords } : {}),
    },
    metadata: {
      threadId: isFunctionAlert(document)
        ? render([v(document.function.arn)], 'chatbot-plain')
        : document.type === 'big-change'
          ? 'lambda-role-audit-big-change'
          : 'lambda-role-audit-digest',
      summary: shortenEnd(
        `${SUBJECT_PREFIX} ${withoutPrefix(renderSubject(document), 'chatbot-plain')}`,
        CHATBOT_LIMITS.title,
      ),
      eventType: CHATBOT_EVENT_TYPE[document.type],
      relatedResources: related
        .slice(0, CHATBOT_LIMITS.relatedResources)
        .map((arn) => render([v(arn)], 'chatbot-plain')),
      additionalContext: { alertId: document.alertId },
    },
  };
}
