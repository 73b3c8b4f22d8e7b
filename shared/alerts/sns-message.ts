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
 * the publish never fails for size.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { Report, Severity } from '../domain/report.js';
import {
  ALERT_SCHEMA,
  type AlertDocument,
  highestSeverity,
  isFunctionAlert,
  openFindingsOf,
  severityRank,
  type Truncation,
} from './alert-document.js';
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
  const open = openFindingsOf(document).map((o) => o.finding);
  const resolved = isFunctionAlert(document)
    ? document.resolvedFindings
    : document.type === 'big-change'
      ? document.functions.flatMap((f) => f.resolvedFindings)
      : [];
  // A notice is as severe as what the tag hides: a filter on "high or worse" must see a tag hiding a high.
  const hidden = isFunctionAlert(document) ? (document.suppression?.hiddenFindings ?? []) : [];
  const concerned = [...open, ...resolved, ...hidden];
  const severity: Severity = highestSeverity(concerned.map((f) => f.severity)) ?? 'info';
  const rules = [...new Set(concerned.map((f) => f.rule))].sort();
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: severity },
    severity_rank: { DataType: 'Number', StringValue: String(severityRank(severity)) },
    alert_type: { DataType: 'String', StringValue: document.type },
    alert_id: { DataType: 'String', StringValue: document.alertId },
  };
  // An empty String.Array is valid JSON but some filters misread it; say "none" instead.
  attributes.rules = {
    DataType: 'String.Array',
    StringValue: JSON.stringify(rules.length > 0 ? rules : ['none']),
  };
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
  if (document.type === 'big-change') {
    const added = document.functions.some((f) => f.newFindingIds.length > 0);
    const fixed = document.functions.some((f) => f.resolvedFindings.length > 0);
    const outcome = added && fixed ? 'new-and-fixed' : added ? 'new' : fixed ? 'fixed' : 'open';
    attributes.outcome = { DataType: 'String', StringValue: outcome };
    attributes.functions = { DataType: 'Number', StringValue: String(document.functions.length) };
  }
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
  document: AlertDocument,
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
  if (document.type === 'big-change') {
    // Every function stays listed (names and ids are small); what goes is their findings' detail.
    const resolvedKept = document.functions.map((f) => {
      const kept = f.resolvedFindings.slice(0, Math.max(0, remaining));
      omitted += f.resolvedFindings.length - kept.length;
      remaining -= kept.length;
      return { ...f, resolvedFindings: kept };
    });
    const changes = document.changes.slice(0, keepChanges);
    return {
      ...document,
      report,
      functions: resolvedKept,
      changes,
      truncated: {
        omittedFindings: omitted,
        omittedChanges: document.changes.length - changes.length,
        recommendedPolicyOmitted: dropPolicy,
      },
    };
  }
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

function countFindings(document: AlertDocument): number {
  const resolved = isFunctionAlert(document)
    ? document.resolvedFindings.length
    : document.type === 'big-change'
      ? document.functions.reduce((n, f) => n + f.resolvedFindings.length, 0)
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
  const message = Buffer.from(composeMessage(minimal)).subarray(0, budget).toString();
  return { subject, message, messageAttributes, document: minimal };
}

const alertDocumentSchema = z.looseObject({
  schema: z.literal(ALERT_SCHEMA),
  type: z.enum(['change', 'suppression', 'digest', 'big-change']),
  alertId: z.string(),
  report: z.looseObject({ functions: z.array(z.looseObject({ functionName: z.string() })) }),
});

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
