/**
 * The SNS message of an alert, and why it has this shape.
 *
 * SNS delivers message attributes only when the message structure is String, not `json` (per-protocol
 * messages): https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html. Subscription filters
 * (severity, function, rules) need those attributes, email needs readable text, machines need JSON. So we
 * publish one String message: the plain-text body first (what an email subscriber reads), then a marker
 * line, then the alert JSON. Machines split on the marker (`extractAlertDocument`); filters see the
 * attributes; email reads top-down and the JSON at the end is where a reader stops anyway.
 * Rejected: `MessageStructure: json` (no attributes, so no filters); two publishes or two topics (an alert
 * half-delivered when the second publish fails, and twice the subscriptions to keep in step).
 *
 * Size: the message plus its attributes must stay within 262,144 bytes. Past it, findings are left out
 * from the end (both in the text and in the JSON, with counts saying so), then the recommended policy;
 * a big change, whose findings are stored rather than published (big-change.ts), leaves out names of
 * functions from its least bad groups, saying how many and how to read them all. The publish never fails
 * for size.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { Report, Severity } from '../domain/report.js';
import {
  ALERT_SCHEMA,
  type AlertDocument,
  type DigestAlertDocument,
  type FunctionAlertDocument,
  highestSeverity,
  isFunctionAlert,
  openFindingsOf,
  severityRank,
  type Truncation,
} from './alert-document.js';
import { type BigChangeAlertDocument, bigChangeSeverity } from './big-change.js';
import { renderSubject, renderTextBody } from './render-text.js';

export const ALERT_JSON_MARKER =
  '----- lambda-role-audit alert JSON (schema lambda-role-audit/alert@1) -----';
export const SNS_MAX_BYTES = 262_144;

export interface SnsAlertMessage {
  readonly subject: string;
  readonly message: string;
  readonly messageAttributes: Record<string, MessageAttributeValue>;
  /** The document as published (possibly truncated). */
  readonly document: AlertDocument;
}

/**
 * Attributes for subscription filters (at most 10, the limit for raw delivery to SQS):
 * `severity` (highest among the findings concerned, those a suppress tag now hides included),
 * `severity_rank` (1 info … 5 critical, for numeric filters), `function`, `rules` (String.Array),
 * `alert_type` (`change` | `suppression` | `digest` | `big-change`), `outcome` (`new`, `fixed`,
 * `new-and-fixed`, `open`, `suppression`), `alert_id` (the same on a retry, for de-duplication
 * downstream), `functions` (big changes: how many functions, a Number).
 */
export function alertMessageAttributes(document: AlertDocument): Record<string, MessageAttributeValue> {
  if (document.type === 'big-change') return bigChangeAttributes(document);
  const open = openFindingsOf(document).map((o) => o.finding);
  const resolved = isFunctionAlert(document) ? document.resolvedFindings : [];
  // A notice is as severe as what the tag hides: a filter on "high or worse" must see a tag hiding a high.
  const hidden = isFunctionAlert(document) ? (document.suppression?.hiddenFindings ?? []) : [];
  const concerned = [...open, ...resolved, ...hidden];
  const severity: Severity = highestSeverity(concerned.map((f) => f.severity)) ?? 'info';
  const rules = [...new Set(concerned.map((f) => f.rule))].sort();
  const attributes = commonAttributes(document, severity, rules);
  if (isFunctionAlert(document)) {
    attributes.function = { DataType: 'String', StringValue: document.function.name };
    const added = document.newFindingIds.length > 0;
    const fixed = document.resolvedFindings.length > 0;
    const outcome =
      document.type === 'suppression'
        ? 'suppression'
        : added && fixed
          ? 'new-and-fixed'
          : added
            ? 'new'
            : fixed
              ? 'fixed'
              : 'open';
    attributes.outcome = { DataType: 'String', StringValue: outcome };
  }
  return attributes;
}

function commonAttributes(
  document: AlertDocument,
  severity: Severity,
  rules: readonly string[],
): Record<string, MessageAttributeValue> {
  return {
    severity: { DataType: 'String', StringValue: severity },
    severity_rank: { DataType: 'Number', StringValue: String(severityRank(severity)) },
    alert_type: { DataType: 'String', StringValue: document.type },
    alert_id: { DataType: 'String', StringValue: document.alertId },
    // An empty String.Array is valid JSON but some filters misread it; say "none" instead.
    rules: { DataType: 'String.Array', StringValue: JSON.stringify(rules.length > 0 ? rules : ['none']) },
  };
}

/** A big change's attributes come from its counts: the alert carries no finding of its own. */
function bigChangeAttributes(document: BigChangeAlertDocument): Record<string, MessageAttributeValue> {
  const attributes = commonAttributes(document, bigChangeSeverity(document), document.summary.rules);
  const added = Object.values(document.summary.newFindings).some((n) => (n ?? 0) > 0);
  const fixed = Object.values(document.summary.fixedFindings).some((n) => (n ?? 0) > 0);
  const outcome = added && fixed ? 'new-and-fixed' : added ? 'new' : fixed ? 'fixed' : 'open';
  attributes.outcome = { DataType: 'String', StringValue: outcome };
  attributes.functions = { DataType: 'Number', StringValue: String(document.summary.functions) };
  return attributes;
}

function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/**
 * The String message: text, marker line, JSON. The JSON holds no raw line break (JSON escapes them), so
 * the last marker standing on a line of its own is always ours, whatever a finding's text quotes.
 */
export function composeMessage(document: AlertDocument): string {
  return `${renderTextBody(document)}\n\n${ALERT_JSON_MARKER}\n${JSON.stringify(document)}\n`;
}

/** Keeps the first `keep` findings (in report order) and says how many were left out. */
function truncateDocument(
  document: FunctionAlertDocument | DigestAlertDocument,
  keep: number,
  dropPolicy: boolean,
  keepChanges: number,
): AlertDocument {
  let remaining = keep;
  let omitted = 0;
  const functions = document.report.functions.map((fn) => {
    const kept = fn.findings.slice(0, Math.max(0, remaining));
    omitted += fn.findings.length - kept.length;
    remaining -= kept.length;
    return dropPolicy ? { ...fn, findings: kept, recommendedPolicy: null } : { ...fn, findings: kept };
  });
  const report: Report = { ...document.report, functions };
  if (isFunctionAlert(document)) {
    const resolvedKept = document.resolvedFindings.slice(0, Math.max(0, remaining));
    omitted += document.resolvedFindings.length - resolvedKept.length;
    const changes = document.changes.slice(0, keepChanges);
    const truncated: Truncation = {
      omittedFindings: omitted,
      omittedChanges: document.changes.length - changes.length,
      recommendedPolicyOmitted: dropPolicy,
    };
    // The fix goes with the recommended policy: both can be had from the CLI.
    const { fix, ...rest } = document;
    return {
      ...(dropPolicy || fix === undefined ? rest : { ...rest, fix }),
      report,
      resolvedFindings: resolvedKept,
      changes,
      truncated,
    };
  }
  // The digest's suppressed list goes after its open findings.
  const suppressed = document.suppressed?.slice(0, Math.max(0, remaining));
  omitted += (document.suppressed?.length ?? 0) - (suppressed?.length ?? 0);
  return {
    ...document,
    report,
    ...(suppressed === undefined ? {} : { suppressed }),
    truncated: { omittedFindings: omitted, omittedChanges: 0, recommendedPolicyOmitted: dropPolicy },
  };
}

function countFindings(document: FunctionAlertDocument | DigestAlertDocument): number {
  const resolved = isFunctionAlert(document)
    ? document.resolvedFindings.length
    : (document.suppressed?.length ?? 0);
  return openFindingsOf(document).length + resolved;
}

/** Renders the alert into one SNS publish that fits `maxBytes` (256 KB by default), truncating if needed. */
export function renderSnsAlert(document: AlertDocument, maxBytes = SNS_MAX_BYTES): SnsAlertMessage {
  const messageAttributes = alertMessageAttributes(document);
  const budget = maxBytes - attributeBytes(messageAttributes);
  const subject = renderSubject(document);
  const fits = (doc: AlertDocument) => {
    const message = composeMessage(doc);
    return Buffer.byteLength(message) <= budget ? message : undefined;
  };
  const whole = fits(document);
  if (whole !== undefined) return { subject, message: whole, messageAttributes, document };
  if (document.type === 'big-change') {
    const slim = fitBigChange(document, (doc) => fits(doc) !== undefined);
    return { subject, message: fits(slim) ?? hardCut(slim, budget), messageAttributes, document: slim };
  }

  // Binary search on the number of findings kept; the changes list is capped at 20 while truncating.
  const total = countFindings(document);
  for (const dropPolicy of [false, true]) {
    let low = 0;
    let high = total;
    let best: { message: string; doc: AlertDocument } | undefined;
    while (low <= high) {
      const mid = Math.floor((low + high) / 2);
      const doc = truncateDocument(document, mid, dropPolicy, 20);
      const message = fits(doc);
      if (message !== undefined) {
        best = { message, doc };
        low = mid + 1;
      } else high = mid - 1;
    }
    if (best) return { subject, message: best.message, messageAttributes, document: best.doc };
  }
  // Nothing left to drop (an absurd number of changes or an enormous error list): cut the text hard.
  const minimal = truncateDocument(document, 0, true, 1);
  return { subject, message: hardCut(minimal, budget), messageAttributes, document: minimal };
}

/** The message cut at `budget` bytes: the last resort, which loses the JSON (never a broken character). */
function hardCut(document: AlertDocument, budget: number): string {
  const bytes = Buffer.from(composeMessage(document));
  let end = Math.min(budget, bytes.length);
  // Back to the start of a UTF-8 character: a cut inside one would be invalid UTF-8, which SNS refuses.
  while (end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString();
}

/** The first `keep` names, in group order (worst first), the rest counted. */
function keepNames(document: BigChangeAlertDocument, keep: number): BigChangeAlertDocument {
  let left = keep;
  let omitted = document.omittedFunctions ?? 0;
  const groups = document.groups.map((group) => {
    const kept = group.functions.slice(0, Math.max(0, left));
    left -= kept.length;
    omitted += group.functions.length - kept.length;
    return { ...group, functions: kept };
  });
  return { ...document, groups, ...(omitted > 0 ? { omittedFunctions: omitted } : {}) };
}

/** The first `keep` groups (their names already left out), the rest counted. */
function keepGroups(document: BigChangeAlertDocument, keep: number): BigChangeAlertDocument {
  const groups = document.groups.slice(0, keep);
  const omittedGroups = document.groups.length - groups.length + (document.omittedGroups ?? 0);
  return { ...document, groups, ...(omittedGroups > 0 ? { omittedGroups } : {}) };
}

/** The largest `n` in [0, max] for which `ok(n)` holds, given that it holds for every smaller one. */
function largest(max: number, ok: (n: number) => boolean): number | undefined {
  let low = 0;
  let high = max;
  let best: number | undefined;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    if (ok(mid)) {
      best = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}

/**
 * A big change too large for one message: at most 20 changes; then as many names as fit, worst groups
 * first; then, if even the groups' counts do not fit, as many groups as fit. What is left out is counted
 * (`omittedFunctions`, `omittedGroups`, `omittedChanges`) and the text says so, with the command that
 * prints the stored detail.
 */
function fitBigChange(
  document: BigChangeAlertDocument,
  fits: (doc: BigChangeAlertDocument) => boolean,
): BigChangeAlertDocument {
  const changes = document.changes.slice(0, 20);
  const capped: BigChangeAlertDocument = {
    ...document,
    changes,
    ...(changes.length < document.changes.length
      ? { omittedChanges: document.changes.length - changes.length }
      : {}),
  };
  if (fits(capped)) return capped;
  const names = capped.groups.reduce((n, g) => n + g.functions.length, 0);
  const kept = largest(names, (n) => fits(keepNames(capped, n)));
  if (kept !== undefined) return keepNames(capped, kept);
  const unnamed = keepNames(capped, 0);
  const groups = largest(unnamed.groups.length, (n) => fits(keepGroups(unnamed, n)));
  return keepGroups(unnamed, groups ?? 0);
}

const alertDocumentSchema = z.union([
  z.looseObject({
    schema: z.literal(ALERT_SCHEMA),
    type: z.enum(['change', 'suppression', 'digest']),
    alertId: z.string(),
    report: z.looseObject({ functions: z.array(z.looseObject({ functionName: z.string() })) }),
  }),
  z.looseObject({
    schema: z.literal(ALERT_SCHEMA),
    type: z.literal('big-change'),
    alertId: z.string(),
    changes: z.array(z.looseObject({ eventName: z.string(), actor: z.string(), eventTime: z.string() })),
    summary: z.looseObject({
      functions: z.number(),
      kinds: z.array(z.looseObject({ label: z.string(), functions: z.number() })),
    }),
    groups: z.array(
      z.looseObject({ count: z.number(), kinds: z.array(z.string()), functions: z.array(z.string()) }),
    ),
  }),
]);

/**
 * The alert JSON of an SNS message, or `undefined` when the message carries none (someone else published to
 * the topic, or the hard cut above removed it). The document is what follows the LAST marker line: a
 * finding's text can quote the marker, in the text part or inside a JSON string, but never on a line of
 * its own after the real one (the JSON has no raw line breaks). The schema check is shallow on purpose:
 * the renderers read only fields the document has always had.
 */
export function extractAlertDocument(message: string): AlertDocument | undefined {
  const line = `\n${ALERT_JSON_MARKER}\n`;
  const at = message.lastIndexOf(line);
  const start =
    at >= 0
      ? at + line.length
      : message.startsWith(`${ALERT_JSON_MARKER}\n`)
        ? ALERT_JSON_MARKER.length + 1
        : -1;
  if (start < 0) return undefined;
  try {
    const parsed = alertDocumentSchema.safeParse(JSON.parse(message.slice(start)));
    return parsed.success ? (parsed.data as unknown as AlertDocument) : undefined;
  } catch {
    return undefined;
  }
}
