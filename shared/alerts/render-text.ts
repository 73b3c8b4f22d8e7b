/**
 * Alerts for people by email: the SNS subject and a plain-text body that reads on a phone. The body's
 * sections come in a fixed order (any may be absent):
 *
 *   1. the headline (what stopped working, or works again) and one line per cause
 *   2. what works again (in an alert whose headline is a new break)
 *   3. what changed, by whom, when
 *   4. the fix: the paste-able command, what it cannot cover, the stack and shared-role notes
 *   5. links to the console
 *   6. details: per cause, each ARN once, the decision, the documentation link
 *   7. the full recommended policy (not in a fixed notice)
 *
 * Lines wrap at 78 columns, except the command and the policy (pasted as they are) and a single word
 * longer than a line (a URL or an ARN), which stands whole on a line of its own. Every value from the
 * account or the event is written through `emailText` (escape.ts): no control characters, no links of
 * its own making.
 */

import type { Finding } from '../domain/report.js';
import type {
  AlertDocument,
  DigestAlertDocument,
  FunctionAlertDocument,
  SuppressedFindingSummary,
} from './alert-document.js';
import {
  changeLine,
  decisionWords,
  docsLinkOf,
  type FunctionAlertView,
  functionAlertView,
} from './alert-view.js';
import {
  type BigChangeAlertDocument,
  type BigChangeGroup,
  describeCounts,
  type KindCount,
  type StoredDetail,
} from './big-change.js';
import { appendTo } from './collections.js';
import { emailText, readableJson, shortenMiddle, subjectText } from './escape.js';
import { type CauseGroup, describeEventSource, groupCauses, logGroupOf } from './impact.js';
import { functionLink } from './links.js';
import { joinRich, type Piece, type Rich, render, v, valueList } from './rich-text.js';

export const SUBJECT_PREFIX = '[lambda-role-audit]';

/** What a fix too large for one inline policy says instead of a command. */
export const TOO_LARGE =
  "Fix: what is missing exceeds IAM's 10,240 characters for a role's inline policies; attach the recommended policy below as a managed policy instead.";
export const EMAIL_WIDTH = 78;

/** Word-wraps one paragraph; a word longer than the width stands alone on its line. */
export function wrap(text: string, width = EMAIL_WIDTH, indent = '', hanging = indent): string[] {
  const words = text.split(' ').filter((w) => w !== '');
  const lines: string[] = [];
  let line = indent;
  let empty = true;
  for (const word of words) {
    if (empty) {
      line += word;
      empty = false;
    } else if (line.length + 1 + word.length <= width) {
      line += ` ${word}`;
    } else {
      lines.push(line);
      line = hanging + word;
    }
  }
  if (!empty) lines.push(line);
  return lines;
}

const mail = (rich: Rich): string => render(rich, 'email');

function para(rich: Rich, indent = '', hanging = indent): string[] {
  return wrap(mail(rich), EMAIL_WIDTH, indent, hanging);
}

// ---------------------------------------------------------------------------------------------------
// Subject

/** The SNS subject: under 100 characters, one line, no control characters. */
export function renderSubject(document: AlertDocument): string {
  let text: string;
  if (document.type === 'digest') text = digestHeadline(document);
  else if (document.type === 'big-change') text = bigChangeHeadline(document);
  else if (document.type === 'suppression')
    text = fitValues(suppressionHeadline(document), SUBJECT_MAX - SUBJECT_PREFIX.length - 1);
  else text = fitValues(functionAlertView(document).shortHeadline, SUBJECT_MAX - SUBJECT_PREFIX.length - 1);
  return subjectText(`${SUBJECT_PREFIX} ${text}`, SUBJECT_MAX);
}

/** SNS: "less than 100 characters". */
const SUBJECT_MAX = 99;

/**
 * A sentence in at most `max` characters, shortening its values (the longest first, in the middle)
 * rather than cutting our words: "orders-consumer's role grants more than it needs: AWSLambda…Role".
 */
function fitValues(rich: Rich, max: number): string {
  let pieces: Piece[] = [...rich];
  for (let round = 0; round < 4; round += 1) {
    const text = render(pieces, 'email');
    const over = text.length - max;
    if (over <= 0) return text;
    let longest = -1;
    let longestLength = 0;
    pieces.forEach((piece, i) => {
      if (typeof piece !== 'string' && piece.value.length > longestLength) {
        longest = i;
        longestLength = piece.value.length;
      }
    });
    const target = pieces[longest];
    if (target === undefined || typeof target === 'string' || target.value.length <= 12) break;
    pieces = pieces.map((p, i) =>
      i === longest ? v(shortenMiddle(target.value, Math.max(12, target.value.length - over))) : p,
    );
  }
  return render(pieces, 'email');
}

// ---------------------------------------------------------------------------------------------------
// One function

function detailLines(group: CauseGroup<Finding>): string[] {
  const first = group.findings[0];
  const cause = first?.cause;
  const lines: string[] = [];
  let what: Rich;
  if (group.kind === 'mapping' && cause?.kind === 'event-source-mapping') {
    const source = describeEventSource(cause.eventSourceArn);
    // Only a disabled mapping says its state: enabling it later would fail.
    const state = cause.state?.toLowerCase() === 'disabled';
    what = [
      `${source.family} mapping `,
      v(cause.uuid),
      ...(state ? [' (', v(cause.state ?? ''), ')'] : []),
      ...(cause.eventSourceArn ? [' on ', v(cause.eventSourceArn)] : []),
    ];
  } else if (group.kind === 'logs') {
    const logGroup = logGroupOf(first?.resource);
    what = logGroup === undefined ? ['Logs'] : ['Log group ', v(logGroup)];
  } else if (
    group.kind === 'mapping-destination' ||
    group.kind === 'dead-letter' ||
    group.kind === 'destination'
  ) {
    what = [...group.label.slice(0, 1), v(first?.resource ?? '')];
  } else {
    what = [...group.label];
  }

  if (group.kind === 'grant' || group.kind === 'other' || group.kind === 'trust-exposure') {
    // Per finding its action and rule, then what to do (the remediation names the narrower resource);
    // the message, which quotes the same ARNs again, only when there is no remediation.
    lines.push(...para([...what, ':'], '  ', '  '));
    for (const f of group.findings) {
      const target: Rich = f.action ? [v(f.action), ` (${f.rule}): `] : [`${f.rule}: `];
      const what2 = f.remediation ? v(stripDocs(f.remediation)) : v(firstSentence(f.message));
      lines.push(...para([...target, what2], '    ', '      '));
    }
  } else if (group.kind === 'role' || group.kind === 'trust') {
    lines.push(...para([...what, ': ', v(first?.message ?? '')], '  ', '  '));
  } else {
    // Missing permissions: the ARN once; the actions are on the cause line already, so only a cause
    // whose actions differ in decision names them again. A decision other than "nothing allows it"
    // quotes the finding's message, which names the statement (the Deny, the condition, the boundary).
    const byDecision = new Map<string, Finding[]>();
    for (const f of group.findings) {
      const key = f.action === undefined ? 'note' : (f.decision ?? 'implicit-deny');
      appendTo(byDecision, key, f);
    }
    const parts: Piece[] = [...what, ': '];
    const single = byDecision.size === 1;
    let firstPart = true;
    for (const [decision, findings] of byDecision) {
      if (!firstPart) parts.push(' ');
      firstPart = false;
      if (decision === 'note') {
        for (const f of findings) parts.push(v(f.message));
        continue;
      }
      const actions = [...new Set(findings.map((f) => f.action ?? ''))].sort();
      if (decision === 'implicit-deny' && single) {
        parts.push(`no statement allows ${actions.length > 1 ? 'them' : 'it'}.`);
        continue;
      }
      // The rule's reason, once for the actions that share it (it names the Deny, the condition or the
      // boundary); the message's other sentences would repeat the ARNs.
      const byWhy = new Map<string, string[]>();
      for (const f of findings) {
        const why = decision === 'implicit-deny' ? decisionWords(decision) : reasonOf(f.message);
        appendTo(byWhy, why, f.action ?? '');
      }
      let firstWhy = true;
      for (const [why, whyActions] of byWhy) {
        if (!firstWhy) parts.push(' ');
        firstWhy = false;
        parts.push(...valueList([...new Set(whyActions)].sort()));
        parts.push(': ', v(why), '.');
      }
    }
    lines.push(...para(parts, '  ', '  '));
  }
  const docs = [
    ...new Set(group.findings.map((f) => docsLinkOf(f.remediation)).filter((d): d is string => !!d)),
  ];
  if (docs.length > 0) lines.push(...wrap(docs.join(' '), EMAIL_WIDTH, '  ', '  '));
  return lines;
}

/**
 * The reason in a missing-permission message: what follows its last ", but " ("the permissions
 * boundary … does not allow it"), or the whole message when it has none.
 */
function reasonOf(message: string): string {
  const at = message.lastIndexOf(', but ');
  const reason = at >= 0 ? message.slice(at + ', but '.length) : message;
  return reason.endsWith('.') ? reason.slice(0, -1) : reason;
}

function firstSentence(message: string): string {
  const end = /[.!?](?=\s+\S)/.exec(message);
  return end ? message.slice(0, end.index + 1) : message;
}

function stripDocs(remediation: string): string {
  const docs = docsLinkOf(remediation);
  return docs === undefined ? remediation : remediation.slice(0, remediation.length - docs.length).trim();
}

// ---------------------------------------------------------------------------------------------------
// Suppression notices: what a change to the suppress tag hides now, and what it named but may not hide.

/** "the suppressions file", "the tag on role arn:…": where a suppression comes from. */
export function describeSuppressionSource(f: SuppressedFindingSummary): Rich {
  return f.source.kind === 'file'
    ? ['the suppressions file']
    : [`the tag on ${f.source.on} `, v(f.source.arn)];
}

/** "hides 3 findings, 1 refused". */
export function suppressionCounts(document: FunctionAlertDocument): string {
  const hidden = document.suppression?.hiddenFindings.length ?? 0;
  const refused = document.suppression?.refusedFindings.length ?? 0;
  return [
    `hides ${hidden} finding${hidden === 1 ? '' : 's'}`,
    ...(refused > 0 ? [`${refused} refused`] : []),
  ].join(', ');
}

/** "orders-consumer: suppress tag changed: hides 3 findings, 1 refused" (the subject's words). */
export function suppressionHeadline(document: FunctionAlertDocument): Rich {
  const removed = document.changes.some((c) => c.suppressTag?.action === 'removed');
  const hidden = document.suppression?.hiddenFindings.length ?? 0;
  return [
    v(document.function.name),
    `: suppress tag ${removed && hidden === 0 ? 'removed' : 'changed'}: ${suppressionCounts(document)}`,
  ];
}

/** The findings a notice lists, one line per cause, each cause's reasons (or notes) once. */
export function suppressionGroups(
  findings: readonly Finding[],
  roleArn: string,
  why: (f: Finding) => string | undefined,
): { line: Rich; reasons: string[] }[] {
  return groupCauses(findings, roleArn).map((group) => ({
    line: group.line,
    reasons: [...new Set(group.findings.map(why).filter((r): r is string => r !== undefined))],
  }));
}

function suppressionSections(document: FunctionAlertDocument): string[][] {
  const notice = document.suppression;
  if (!notice) return [];
  const roleArn = document.function.roleArn;
  const sections: string[][] = [];
  if (notice.hiddenFindings.length === 0)
    sections.push(['The suppress tag hides no finding of this function now.']);
  else {
    const lines = [
      `Hidden by the suppress tag (${notice.hiddenFindings.length}): not fixed, only not alerted`,
    ];
    for (const g of suppressionGroups(notice.hiddenFindings, roleArn, (f) => f.suppressionReason)) {
      lines.push(...para(['- ', ...g.line], '', '  '));
      for (const reason of g.reasons) lines.push(...para(['Suppressed: ', v(reason)], '  ', '  '));
    }
    sections.push(lines);
  }
  if (notice.refusedFindings.length > 0) {
    const lines = [
      `Named by the tag, still open (${notice.refusedFindings.length}): tags may not suppress these`,
    ];
    for (const g of suppressionGroups(notice.refusedFindings, roleArn, (f) => f.suppressionRefused)) {
      lines.push(...para(['- ', ...g.line], '', '  '));
      for (const note of g.reasons) lines.push(...para(['Note: ', v(note)], '  ', '  '));
    }
    sections.push(lines);
  }
  return sections;
}

function renderFunctionBody(document: FunctionAlertDocument): string {
  const view: FunctionAlertView = functionAlertView(document);
  const out: string[] = [];
  const section = (lines: readonly string[]) => {
    if (lines.length === 0) return;
    if (out.length > 0) out.push('');
    out.push(...lines);
  };

  // 1. Headline and one line per cause (a notice: what the tag hides, what it may not).
  const notice = document.type === 'suppression';
  const head = notice
    ? para([
        'The suppress tag of ',
        v(document.function.name),
        ` changed: it ${suppressionCounts(document)}.`,
      ])
    : [...para([...view.headline, '.'])];
  if (notice) {
    section(head);
    for (const lines of suppressionSections(document)) section(lines);
    const fresh = view.problems.filter((p) => !p.stillOpen);
    if (fresh.length > 0) section(['New:', ...fresh.flatMap((p) => para(['- ', ...p.group.line], '', '  '))]);
  } else if (view.kind === 'fixed') {
    for (const line of view.fixedLines) head.push(...para(['- ', ...line], '', '  '));
  } else {
    for (const p of view.problems) {
      if (p.stillOpen) continue;
      head.push(...para(['- ', ...p.group.line], '', '  '));
    }
  }
  if (!notice) {
    const stillOpen = view.problems.filter((p) => p.stillOpen);
    for (const p of stillOpen)
      head.push(...para(['- ', ...p.group.line, ' (open before this change)'], '', '  '));
    if (view.kind === 'fixed' && view.problems.some((p) => !p.stillOpen)) {
      head.push('New:');
      for (const p of view.problems.filter((q) => !q.stillOpen))
        head.push(...para(['- ', ...p.group.line], '', '  '));
    }
    section(head);
  }

  // 2. What works again, when the headline is about something else.
  if (view.kind !== 'fixed' && view.worksAgain.length > 0) {
    const again: Piece[] = ['Works again: ', ...joinRich(view.worksAgain, '; ')];
    if (view.fixedNote) again.push(', ', ...view.fixedNote);
    again.push('.');
    section(para(again));
  }

  // 3. What changed.
  const changes = document.changes.slice(0, 5).flatMap((c) => para([...changeLine(c), '.']));
  if (document.changes.length > 5) changes.push(`(+${document.changes.length - 5} more changes)`);
  if (document.changes.length === 0) changes.push('Found by the scheduled audit.');
  section(changes);

  // 4. The fix.
  const fixLines: string[] = [];
  if (view.fix?.command) {
    fixLines.push('Fix, ready to paste (adds exactly what is missing, as an inline policy):');
    fixLines.push(view.fix.command);
  } else if (view.fix?.tooLarge) fixLines.push(...wrap(TOO_LARGE));
  for (const line of view.notCovered) fixLines.push(...para(['Not covered: ', ...line, '.']));
  if (view.sharedNote) fixLines.push(...para(view.sharedNote));
  if (view.stackHint) fixLines.push(...para(view.stackHint));
  section(fixLines);

  // 5. Links.
  const width = Math.max(0, ...view.links.map((l) => l.label.length)) + 1;
  section(view.links.map((l) => `${`${l.label}:`.padEnd(width + 1)}${l.url}`));

  // 6. Details.
  const details: string[] = [];
  for (const p of view.problems) details.push(...detailLines(p.group));
  if (view.alsoResolved.length > 0) {
    const rules = [...new Set(view.alsoResolved.map((f) => f.rule))].sort();
    details.push(
      ...para([
        `No longer reported: ${view.alsoResolved.length} finding${view.alsoResolved.length === 1 ? '' : 's'} (`,
        ...rules.flatMap((r, i) => [...(i > 0 ? [', '] : []), v(r)]),
        ').',
      ]),
    );
  }
  if (details.length > 0) section(['Details', ...details]);

  // 7. The recommended policy.
  const result = document.report.functions[0];
  if (result?.recommendedPolicy && view.problems.length > 0) {
    section([
      ...para([
        'Recommended policy for ',
        v(view.functionName),
        " (least privilege for everything it uses; replaces the role's identity policies):",
      ]),
      readableJson(result.recommendedPolicy),
    ]);
  }
  section(truncationNote(document));
  return out.join('\n');
}

function truncationNote(document: FunctionAlertDocument | DigestAlertDocument): string[] {
  const t = document.truncated;
  if (!t) return [];
  const parts: string[] = [];
  if (t.omittedFindings > 0) parts.push(`${t.omittedFindings} more findings`);
  if (t.omittedChanges > 0) parts.push(`${t.omittedChanges} more changes`);
  if (t.recommendedPolicyOmitted) parts.push('the recommended policy');
  return parts.length === 0
    ? []
    : wrap(
        `(Left out to stay within SNS's 256 KB: ${parts.join(', ')}. Run lambda-role-audit audit --function NAME for all.)`,
      );
}

// ---------------------------------------------------------------------------------------------------
// Big change: one alert for a change that affected many functions.

/** How many functions each kind of cause touches, worst first (counted when the alert was built). */
export function bigChangeCounts(document: BigChangeAlertDocument): readonly KindCount[] {
  return document.summary.kinds;
}

/** "SetDefaultPolicyVersion affects 2000 functions: 1990 broken, 10 fixed" (our words and numbers). */
export function bigChangeHeadline(document: BigChangeAlertDocument): string {
  const summary = document.summary;
  const change = document.changes[0];
  const what = change ? `${change.action ?? change.eventName}` : 'One change';
  const parts = [`${summary.broken} broken`];
  if (summary.fixed > 0) parts.push(`${summary.fixed} fixed`);
  if (summary.broken === 0 && summary.kinds.some((c) => c.tense === 'exposure')) parts.push('more access');
  return `${emailText(what)} affects ${summary.functions} functions: ${parts.join(', ')}`;
}

/** "1990 functions: Logs cannot be written; new: 2 high each" (a group's line, our words). */
export function bigChangeGroupLine(group: BigChangeGroup): string {
  const what = group.kinds.length > 0 ? group.kinds.join(', ') : 'findings changed';
  const counts: string[] = [];
  const each = group.count > 1 ? ' each' : '';
  if (Object.keys(group.new).length > 0) counts.push(`new: ${describeCounts(group.new)}${each}`);
  if (Object.keys(group.fixed).length > 0) counts.push(`fixed: ${describeCounts(group.fixed)}${each}`);
  const where = group.region === undefined ? '' : ` in ${group.region}`;
  return `${plural(group.count, 'function')}${where}: ${what}${counts.length > 0 ? `; ${counts.join('; ')}` : ''}`;
}

/** "(+N more functions not named in this message …)": what the message had to leave out, in words. */
export function bigChangeOmissions(document: BigChangeAlertDocument): string | undefined {
  const parts: string[] = [];
  if ((document.omittedFunctions ?? 0) > 0)
    parts.push(`${plural(document.omittedFunctions ?? 0, 'more function')} not named in this message`);
  if ((document.omittedGroups ?? 0) > 0)
    parts.push(`${plural(document.omittedGroups ?? 0, 'more group')} of functions not shown`);
  if (parts.length === 0) return undefined;
  const where = document.detail
    ? 'full list, with their findings: the stored detail (command above)'
    : 'each one is in the state table';
  return `+${parts.join(', ')}, to stay within SNS's 256 KB; ${where}.`;
}

/** "2026-12-26" from an ISO time; the text itself when it is not one. */
function dateOf(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString().slice(0, 10);
}

/** "12 KB", "5.4 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** What the stored detail is, until when, and where: the sentence before its command. */
export function detailSentence(detail: StoredDetail): Rich {
  return [
    `Every function's new and fixed findings (JSON, ${formatBytes(detail.bytes)}) are kept until `,
    v(dateOf(detail.expiresAt)),
    ' in the state table ',
    v(detail.table),
    ' (',
    v(detail.region),
    `), item `,
    v(detail.key),
    ...(detail.parts > 1 ? [` and ${detail.parts - 1} more`] : []),
    '; to print them:',
  ];
}

/** Names shown in the email (the JSON below names every one that fits the message). */
const BIG_CHANGE_LISTED = 50;
/** Groups shown in the email. */
const BIG_CHANGE_GROUPS = 10;

function renderBigChangeBody(document: BigChangeAlertDocument): string {
  const out: string[] = [];
  const section = (lines: readonly string[]) => {
    if (lines.length === 0) return;
    if (out.length > 0) out.push('');
    out.push(...lines);
  };
  const summary = document.summary;
  section([
    ...wrap(`${bigChangeHeadline(document)}.`),
    ...summary.kinds.map((c) => `- ${emailText(c.label)}: ${plural(c.functions, 'function')}`),
  ]);
  const changes = document.changes.slice(0, 5).flatMap((c) => para([...changeLine(c), '.']));
  const moreChanges = document.changes.length - 5 + (document.omittedChanges ?? 0);
  if (moreChanges > 0) changes.push(`(+${moreChanges} more changes)`);
  section(changes);
  const found = [
    `New findings: ${describeCounts(summary.newFindings)}`,
    `fixed: ${describeCounts(summary.fixedFindings)}`,
  ].join('; ');
  section(
    wrap(
      `More than ${document.threshold} functions were affected, so this one alert stands for their alerts. ${found}.`,
    ),
  );
  const detail = document.detail;
  section(
    detail
      ? [
          ...para(detailSentence(detail)),
          emailText(detail.command),
          ...wrap("lambda-role-audit audit --function NAME gives one function's findings and fix."),
        ]
      : wrap(
          "Each function's findings are in the state table; lambda-role-audit audit --function NAME gives one function's findings and fix.",
        ),
  );
  const named = document.groups.reduce((n, g) => n + g.functions.length, 0);
  const lines: string[] = [
    named === summary.functions
      ? `Functions (${summary.functions}), worst first; the alert JSON below names every one`
      : `Functions (${summary.functions}), worst first; the alert JSON below names ${named}`,
  ];
  let budget = BIG_CHANGE_LISTED;
  for (const group of document.groups.slice(0, BIG_CHANGE_GROUPS)) {
    lines.push(...wrap(emailText(`- ${bigChangeGroupLine(group)}`), EMAIL_WIDTH, '', '  '));
    const shown = group.functions.slice(0, Math.max(0, budget));
    budget -= shown.length;
    const more = group.count - shown.length;
    if (shown.length > 0 || more > 0)
      lines.push(
        ...para(
          [...valueList(shown), ...(more > 0 ? [`${shown.length > 0 ? ' ' : ''}+${more} more`] : [])],
          '  ',
          '  ',
        ),
      );
  }
  if (document.groups.length > BIG_CHANGE_GROUPS)
    lines.push(
      `(+${plural(document.groups.length - BIG_CHANGE_GROUPS, 'more group')}, in the alert JSON below)`,
    );
  const omissions = bigChangeOmissions(document);
  if (omissions !== undefined) lines.push(...wrap(omissions));
  section(lines);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Digest

function digestHeadline(document: DigestAlertDocument): string {
  const open = document.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
  const unaudited = new Set(
    (document.report.errors ?? []).map((e) => e.functionName ?? e.resource ?? e.message),
  ).size;
  let text =
    open === 0
      ? `digest: no open findings in ${document.audited} functions`
      : `digest: ${open} open in ${document.report.functions.length} of ${document.audited} functions`;
  // Never let an incomplete sweep read as a clean one, nor a suppressed finding go unmentioned.
  if (unaudited > 0) text += `, ${unaudited} not audited`;
  if (document.suppressed && document.suppressed.length > 0)
    text += `, ${document.suppressed.length} suppressed`;
  return text;
}

const DIGEST_CAUSES_PER_FUNCTION = 5;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function renderDigestBody(document: DigestAlertDocument): string {
  const out: string[] = [];
  const section = (lines: readonly string[]) => {
    if (lines.length === 0) return;
    if (out.length > 0) out.push('');
    out.push(...lines);
  };
  const open = document.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
  const broken = document.report.functions.filter((fn) =>
    groupCauses(fn.findings, fn.roleArn).some((g) => g.breaks),
  ).length;
  section(
    wrap(
      open === 0
        ? `Scheduled audit of ${plural(document.audited, 'function')} (${emailText(document.regions.join(', '))}): no open findings.`
        : `Scheduled audit of ${plural(document.audited, 'function')} (${emailText(document.regions.join(', '))}): ${broken} ${broken === 1 ? 'function cannot' : 'functions cannot'} do everything ${broken === 1 ? 'it is' : 'they are'} configured to do; ${open} open finding${open === 1 ? '' : 's'} in ${document.report.functions.length} function${document.report.functions.length === 1 ? '' : 's'}.`,
    ),
  );
  for (const fn of document.report.functions) {
    const groups = groupCauses(fn.findings, fn.roleArn);
    const lines = [...para([v(fn.functionName)])];
    for (const g of groups.slice(0, DIGEST_CAUSES_PER_FUNCTION))
      lines.push(...para(['- ', ...g.line], '', '  '));
    if (groups.length > DIGEST_CAUSES_PER_FUNCTION)
      lines.push(`(+${groups.length - DIGEST_CAUSES_PER_FUNCTION} more causes)`);
    const link = functionLink(fn.functionArn);
    if (link) lines.push(link.url);
    section(lines);
  }
  const suppressed = document.suppressed ?? [];
  if (suppressed.length > 0) {
    section([
      `Suppressed (${suppressed.length}): accepted, not fixed; each with its reason and source`,
      ...suppressed.flatMap((f) => [
        ...para(
          [
            v(f.functionName),
            `  [${f.severity.toUpperCase()}] `,
            v(f.rule),
            ...(f.action ? [' ', v(f.action)] : []),
            ...(f.resource ? [' on ', v(f.resource)] : []),
          ],
          '  ',
          '    ',
        ),
        ...para([v(f.reason), ' (source: ', ...describeSuppressionSource(f), ')'], '    ', '    '),
      ]),
    ]);
  }
  if (document.report.errors && document.report.errors.length > 0) {
    section([
      `Could not audit (${document.report.errors.length})`,
      ...document.report.errors.flatMap((e) =>
        para(['- ', v(e.functionName ?? e.resource ?? '?'), ': ', v(e.message)], '', '  '),
      ),
    ]);
  }
  section(truncationNote(document));
  return out.join('\n');
}

/** The plain-text part of the SNS message, for email subscribers. */
export function renderTextBody(document: AlertDocument): string {
  if (document.type === 'digest') return renderDigestBody(document);
  if (document.type === 'big-change') return renderBigChangeBody(document);
  return renderFunctionBody(document);
}
