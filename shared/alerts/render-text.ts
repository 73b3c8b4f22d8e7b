/**
 * Alerts for people: the email subject and a plain-text body that reads well in any mail client (no HTML,
 * lines under ~100 characters except ARNs and the policy). SNS email subscriptions show exactly this.
 */
import type { Finding, FindingCause, FunctionResult, RuleId } from '../domain/report.js';
import type {
  AlertDocument,
  DigestAlertDocument,
  FindingSummary,
  FunctionAlertDocument,
  SuppressedFindingSummary,
} from './alert-document.js';

export const SUBJECT_PREFIX = '[lambda-role-audit]';

/** How the subject counts a rule: "1 missing, 2 excess". */
const RULE_GROUP: Readonly<Record<RuleId, string>> = {
  'missing-permission': 'missing',
  'wildcard-action': 'excess',
  'unused-source-permission': 'excess',
  'overbroad-resource': 'excess',
  'unknown-action': 'unknown action',
  'trust-policy-not-lambda': 'trust',
  'trust-policy-too-broad': 'trust',
  'role-unavailable': 'role unavailable',
  'invalid-policy': 'invalid policy',
};
const GROUP_ORDER = ['role unavailable', 'missing', 'excess', 'trust', 'unknown action', 'invalid policy'];

function groupCounts(findings: readonly { rule: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const group = RULE_GROUP[f.rule as RuleId] ?? f.rule;
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const groups = [...counts.keys()].sort((a, b) => {
    const ia = GROUP_ORDER.indexOf(a);
    const ib = GROUP_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return groups.map((g) => (g === 'role unavailable' ? g : `${counts.get(g)} ${g}`)).join(', ');
}

/**
 * SNS requires a subject under 100 characters, UTF-8, without line breaks or control characters; a long
 * function name is shortened in the middle so that the counts, the useful part, survive.
 */
export function renderSubject(document: AlertDocument): string {
  let subject: string;
  if (document.type === 'digest') {
    const open = document.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
    const unaudited = new Set(
      (document.report.errors ?? []).map((e) => e.functionName ?? e.resource ?? e.message),
    ).size;
    subject =
      open === 0
        ? `${SUBJECT_PREFIX} digest: no open findings in ${document.audited} functions`
        : `${SUBJECT_PREFIX} digest: ${open} open in ${document.report.functions.length} of ${document.audited} functions`;
    // Never let an incomplete sweep read as a clean one.
    if (unaudited > 0) subject += `, ${unaudited} not audited`;
    if (document.suppressed && document.suppressed.length > 0)
      subject += `, ${document.suppressed.length} suppressed`;
  } else if (document.type === 'suppression') {
    subject = `${SUBJECT_PREFIX} ${shorten(document.function.name, 50)}: ${suppressionHeadline(document)}`;
  } else {
    const open = document.report.functions[0]?.findings ?? [];
    const fixed = document.resolvedFindings.length;
    const name = shorten(document.function.name, 50);
    if (open.length === 0) subject = `${SUBJECT_PREFIX} ${name}: fixed (${fixed} resolved)`;
    else subject = `${SUBJECT_PREFIX} ${name}: ${groupCounts(open)}${fixed > 0 ? ` (${fixed} fixed)` : ''}`;
  }
  return shorten(subject.replace(/[\p{Cc}]/gu, ' '), 99);
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  return `${text.slice(0, Math.ceil(keep / 2))}…${text.slice(text.length - Math.floor(keep / 2))}`;
}

/** The mapping or setting behind a finding, in words. */
export function describeCause(cause: FindingCause | undefined): string | undefined {
  if (cause === undefined) return undefined;
  switch (cause.kind) {
    case 'event-source-mapping':
      return `event source mapping ${cause.uuid}${cause.eventSourceArn ? ` (${cause.eventSourceArn})` : ''}${cause.state ? `, ${cause.state}` : ''}`;
    case 'function-configuration':
      return `function setting ${cause.setting}`;
    case 'policy':
      return `granted by ${cause.policy ?? 'a policy'}${cause.statement ? `, statement ${cause.statement}` : ''}`;
    case 'trust-policy':
      return `trust policy${cause.statement ? `, statement ${cause.statement}` : ''}`;
  }
}

function findingTarget(f: { action?: string; resource?: string }): string {
  if (f.action && f.resource) return ` ${f.action} on ${f.resource}`;
  if (f.action) return ` ${f.action}`;
  if (f.resource) return ` on ${f.resource}`;
  return '';
}

function findingLines(f: Finding, isNew: boolean): string[] {
  const lines = [`  [${f.severity.toUpperCase()}] ${f.rule}${findingTarget(f)}${isNew ? '  (new)' : ''}`];
  lines.push(`    ${f.message}`);
  const cause = describeCause(f.cause);
  if (cause) lines.push(`    ${f.rule === 'missing-permission' ? 'Needed by' : 'Source'}: ${cause}`);
  if (f.decision) lines.push(`    Decision: ${f.decision}`);
  if (f.remediation) lines.push(`    Fix: ${f.remediation}`);
  if (f.suppressionRefused) lines.push(`    Note: ${f.suppressionRefused}`);
  return lines;
}

/** "hides 3 findings, 1 refused": what a suppression notice counts. */
function suppressionCounts(document: FunctionAlertDocument): string {
  const hidden = document.suppression?.hiddenFindings.length ?? 0;
  const refused = document.suppression?.refusedFindings.length ?? 0;
  return [
    `hides ${hidden} finding${hidden === 1 ? '' : 's'}`,
    ...(refused > 0 ? [`${refused} refused`] : []),
  ].join(', ');
}

/** "suppress tag changed: hides 3 findings, 1 refused": what a notice says first (the subject). */
function suppressionHeadline(document: FunctionAlertDocument): string {
  const removed = document.changes.some((c) => c.suppressTag?.action === 'removed');
  const hidden = document.suppression?.hiddenFindings.length ?? 0;
  return `suppress tag ${removed && hidden === 0 ? 'removed' : 'changed'}: ${suppressionCounts(document)}`;
}

/** The notice's own part: what the suppress tag hides now, and what it named but may not hide. */
function suppressionLines(document: FunctionAlertDocument): string[] {
  const notice = document.suppression;
  if (!notice) return [];
  const lines: string[] = [];
  if (notice.hiddenFindings.length === 0)
    lines.push('', 'The suppress tag hides no finding of this function now.');
  else {
    lines.push(
      '',
      `Hidden by the suppress tag (${notice.hiddenFindings.length}): not fixed, only not alerted`,
    );
    for (const f of notice.hiddenFindings) {
      lines.push(...findingLines(f, false));
      if (f.suppressionReason) lines.push(`    Suppressed: ${f.suppressionReason}`);
    }
  }
  if (notice.refusedFindings.length > 0) {
    lines.push(
      '',
      `Named by the tag, still open (${notice.refusedFindings.length}): tags may not suppress these`,
    );
    for (const f of notice.refusedFindings) lines.push(...findingLines(f, false));
  }
  return lines;
}

/** "the suppressions file", "the tag on role arn:…": where a suppression comes from. */
export function describeSuppressionSource(f: SuppressedFindingSummary): string {
  return f.source.kind === 'file' ? 'the suppressions file' : `the tag on ${f.source.on} ${f.source.arn}`;
}

function resolvedLines(f: FindingSummary): string[] {
  return [`  [${f.severity.toUpperCase()}] ${f.rule}${findingTarget(f)}  (fixed)`, `    was: ${f.message}`];
}

function truncationNote(document: AlertDocument): string[] {
  const t = document.truncated;
  if (!t) return [];
  const parts: string[] = [];
  if (t.omittedFindings > 0) parts.push(`${t.omittedFindings} more findings`);
  if (t.omittedChanges > 0) parts.push(`${t.omittedChanges} more changes`);
  if (t.recommendedPolicyOmitted) parts.push('the recommended policy');
  return parts.length === 0
    ? []
    : [
        '',
        `(Left out to stay within SNS's 256 KB: ${parts.join(', ')}. Run \`lambda-role-audit audit --function\` for all.)`,
      ];
}

function renderFunctionBody(document: FunctionAlertDocument): string {
  const result: FunctionResult | undefined = document.report.functions[0];
  const open = result?.findings ?? [];
  const newIds = new Set(document.newFindingIds);
  const lines: string[] = [];
  const headline =
    document.type === 'suppression'
      ? `The suppress tag of ${document.function.name} changed: it ${suppressionCounts(document)}.`
      : open.length === 0
        ? `All findings on ${document.function.name} are resolved.`
        : `${open.length} open finding${open.length === 1 ? '' : 's'} on ${document.function.name}: ${newIds.size} new, ${document.resolvedFindings.length} fixed.`;
  lines.push(headline, '');
  lines.push(`Function: ${document.function.name}`, `          ${document.function.arn}`);
  lines.push(`Role:     ${document.function.roleArn}`);
  if (result?.sharedWith && result.sharedWith.length > 0)
    lines.push(`          shared with ${result.sharedWith.join(', ')}`);
  lines.push('', 'What changed');
  if (document.changes.length === 0) lines.push('  (found by the scheduled audit)');
  for (const change of document.changes) {
    lines.push(`  ${change.eventTime}  ${change.summary}`);
    lines.push(
      `    by ${change.actor} (${change.eventName}${change.eventId ? `, event ${change.eventId}` : ''})`,
    );
  }
  lines.push(...suppressionLines(document));
  const added = open.filter((f) => newIds.has(f.id));
  const still = open.filter((f) => !newIds.has(f.id));
  if (added.length > 0) {
    lines.push('', `New findings (${added.length})`);
    for (const f of added) lines.push(...findingLines(f, true));
  }
  if (document.resolvedFindings.length > 0) {
    lines.push('', `Fixed (${document.resolvedFindings.length})`);
    for (const f of document.resolvedFindings) lines.push(...resolvedLines(f));
  }
  if (still.length > 0) {
    lines.push('', `Still open (${still.length})`);
    for (const f of still) lines.push(...findingLines(f, false));
  }
  if (result?.recommendedPolicy && open.length > 0) {
    lines.push(
      '',
      'Recommended policy (least privilege for what this function uses; replaces its identity policies)',
    );
    lines.push(JSON.stringify(result.recommendedPolicy, null, 2));
  }
  lines.push(...truncationNote(document));
  return lines.join('\n');
}

function renderDigestBody(document: DigestAlertDocument): string {
  const lines: string[] = [];
  const open = document.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
  lines.push(
    `Scheduled audit of ${document.audited} functions (${document.regions.join(', ')}) at ${document.report.generatedAt}:`,
    open === 0
      ? 'no open findings.'
      : `${open} open finding${open === 1 ? '' : 's'} in ${document.report.functions.length} function${document.report.functions.length === 1 ? '' : 's'}.`,
  );
  for (const fn of document.report.functions) {
    lines.push('', `${fn.functionName}  (${fn.functionArn})`, `  role ${fn.roleArn}`);
    for (const f of fn.findings) {
      lines.push(`  [${f.severity.toUpperCase()}] ${f.rule}${findingTarget(f)}`);
      const cause = describeCause(f.cause);
      if (cause) lines.push(`    ${cause}`);
    }
  }
  if (document.report.errors && document.report.errors.length > 0) {
    lines.push('', `Could not audit (${document.report.errors.length})`);
    for (const e of document.report.errors)
      lines.push(`  ${e.functionName ?? e.resource ?? '?'}: ${e.message}`);
  }
  const suppressed = document.suppressed ?? [];
  if (suppressed.length > 0) {
    lines.push('', `Suppressed (${suppressed.length}): accepted, not fixed; each with its reason and source`);
    for (const f of suppressed) {
      lines.push(`  ${f.functionName}  [${f.severity.toUpperCase()}] ${f.rule}${findingTarget(f)}`);
      lines.push(`    ${f.reason} (source: ${describeSuppressionSource(f)})`);
    }
  }
  lines.push(...truncationNote(document));
  return lines.join('\n');
}

/** The plain-text part of the SNS message, for email subscribers. */
export function renderTextBody(document: AlertDocument): string {
  return document.type === 'digest' ? renderDigestBody(document) : renderFunctionBody(document);
}
