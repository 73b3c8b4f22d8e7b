/**
 * The alert as data: what one SNS message says, for people (rendered to a subject and a plain-text email
 * body) and for machines (this object, as JSON, carrying the function's report in the report schema).
 * Pure: built from findings, the remembered state and the changes that triggered the audit.
 */
import { createHash } from 'node:crypto';
import type {
  DenyDecision,
  Finding,
  FindingCause,
  FunctionResult,
  Report,
  Severity,
  SuppressionSource,
} from '../domain/report.js';
import { SEVERITIES } from '../domain/report.js';
import type { Change, SuppressTagChange } from '../events/change.js';
import type { BigChangeAlertDocument } from './big-change.js';
import { buildFix, type FixSuggestion } from './fix.js';

/** Versioned name of the JSON shape below, so that machine subscribers can tell what they parse. */
export const ALERT_SCHEMA = 'lambda-role-audit/alert@1';

/**
 * The part of a finding remembered in the state table, enough to say what was fixed, what works again
 * and how long it was broken: `cause` (what needed it) and `openedAt` (when it was first reported) were
 * added later, so older items lack them.
 */
export interface FindingSummary {
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly action?: string;
  readonly resource?: string;
  readonly decision?: DenyDecision;
  readonly cause?: FindingCause;
  /** When the finding was first reported (the change's event time, or the audit's time). */
  readonly openedAt?: string;
}

/** What the triggering event said, for the "what changed" part (never the whole event). */
export interface ChangeSummary {
  readonly eventName: string;
  readonly actor: string;
  readonly eventTime: string;
  readonly summary: string;
  readonly eventId?: string;
  /** The region CloudTrail recorded the event in (IAM's: us-east-1), for the console link. */
  readonly region?: string;
  /** The API action without its version suffix, e.g. `CreateEventSourceMapping`. */
  readonly action?: string;
  /** The mapping a Lambda mapping event created or changed. */
  readonly mappingUuid?: string;
  /** The function a Lambda event created or changed (unqualified ARN). */
  readonly functionArn?: string;
  /** For a change to the suppress tag: on what, set or removed, and the value set. */
  readonly suppressTag?: SuppressTagChange;
}

/** Says how much of the alert was left out to stay within SNS's 256 KB. */
export interface Truncation {
  readonly omittedFindings: number;
  readonly omittedChanges: number;
  readonly recommendedPolicyOmitted: boolean;
}

/**
 * What a change to the suppress tag did to one function (the `suppression` part of a notice). Who set or
 * removed the tag, and when, are the document's `changes` (their `suppressTag`).
 */
export interface SuppressionNotice {
  /** Findings a suppress tag hides now, each with its `suppressionReason` and `suppressionSource`. */
  readonly hiddenFindings: readonly Finding[];
  /** Findings a suppress tag names but may not hide (`suppressionRefused`): they stay open. */
  readonly refusedFindings: readonly Finding[];
}

export interface FunctionAlertDocument {
  readonly schema: typeof ALERT_SCHEMA;
  /** `change`: findings appeared or were resolved; `suppression`: the suppress tag changed (a notice). */
  readonly type: 'change' | 'suppression';
  /** Deterministic: the same function, new and resolved findings give the same id on every retry. */
  readonly alertId: string;
  readonly function: {
    readonly name: string;
    readonly arn: string;
    readonly roleArn: string;
    /** The function's `aws:cloudformation:stack-name` tag, when it came from a stack. */
    readonly stackName?: string;
  };
  readonly changes: readonly ChangeSummary[];
  /** Ids of the open findings that were not open at the last alert. */
  readonly newFindingIds: readonly string[];
  /** Findings open at the last alert and gone now: "fixed" is news too. */
  readonly resolvedFindings: readonly FindingSummary[];
  /** The function's report (report schema, version 1), restricted to this function and to alerting findings. */
  readonly report: Report;
  /** The smallest fix of the missing permissions, ready to paste (absent when an Allow fixes none). */
  readonly fix?: FixSuggestion;
  readonly truncated?: Truncation;
  /** Set on `suppression` notices. */
  readonly suppression?: SuppressionNotice;
}

/** A suppressed finding as the digest lists it: what, where, why, and whether a file or a tag says so. */
export interface SuppressedFindingSummary extends FindingSummary {
  readonly functionName: string;
  readonly functionArn: string;
  readonly reason: string;
  readonly source: SuppressionSource;
}

export interface DigestAlertDocument {
  readonly schema: typeof ALERT_SCHEMA;
  readonly type: 'digest';
  readonly alertId: string;
  readonly regions: readonly string[];
  /** The whole-account report, restricted to functions with open alerting findings. */
  readonly report: Report;
  /** Functions audited in all, and how many carry open findings. */
  readonly audited: number;
  /** Every suppressed finding of the audit (any severity), with its reason and source. */
  readonly suppressed?: readonly SuppressedFindingSummary[];
  readonly truncated?: Truncation;
}

export type AlertDocument = FunctionAlertDocument | DigestAlertDocument | BigChangeAlertDocument;
export type { BigChangeAlertDocument };

/** An alert about one function: a change alert, or a suppress-tag notice. */
export function isFunctionAlert(document: AlertDocument): document is FunctionAlertDocument {
  return document.type === 'change' || document.type === 'suppression';
}

const RANK: Readonly<Record<Severity, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

/** 1 (info) … 5 (critical): published as a Number attribute so that filters can say "high or worse". */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function parseSeverity(raw: string | undefined, fallback: Severity = 'low'): Severity {
  const value = raw?.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(value ?? '') ? (value as Severity) : fallback;
}

export function highestSeverity(severities: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined;
  for (const severity of severities) if (best === undefined || RANK[severity] > RANK[best]) best = severity;
  return best;
}

/** Findings that alerts speak of: not suppressed, at or above the configured minimum severity. */
export function isAlerting(finding: Finding, minSeverity: Severity): boolean {
  return finding.suppressed !== true && RANK[finding.severity] >= RANK[minSeverity];
}

export function summariseFinding(finding: Finding): FindingSummary {
  return summariseFindingAt(finding, undefined);
}

/** The summary of a finding first reported at `openedAt`. */
export function summariseFindingAt(finding: Finding, openedAt: string | undefined): FindingSummary {
  return {
    id: finding.id,
    rule: finding.rule,
    severity: finding.severity,
    // Messages are one or two sentences; the cap keeps a state item far below DynamoDB's 400 KB.
    message: finding.message.length > 500 ? `${finding.message.slice(0, 497)}...` : finding.message,
    ...(finding.action === undefined ? {} : { action: finding.action }),
    ...(finding.resource === undefined ? {} : { resource: finding.resource }),
    ...(finding.decision === undefined ? {} : { decision: finding.decision }),
    ...(finding.cause === undefined ? {} : { cause: finding.cause }),
    ...(openedAt === undefined ? {} : { openedAt }),
  };
}

/**
 * The summaries to remember for the open findings: a finding already remembered keeps its `openedAt`
 * (the break started then, not at this audit); a new one opens at `openedAt`.
 */
export function rememberFindings(
  previous: readonly FindingSummary[],
  open: readonly Finding[],
  openedAt: string,
): FindingSummary[] {
  const before = new Map(previous.map((f) => [f.id, f]));
  return open.map((f) => summariseFindingAt(f, before.has(f.id) ? before.get(f.id)?.openedAt : openedAt));
}

/** When the changes of an alert happened: the latest event time, else `fallback` (the audit's time). */
export function changeTime(changes: readonly { eventTime: string }[], fallback: string): string {
  let latest: string | undefined;
  for (const c of changes) if (latest === undefined || c.eventTime > latest) latest = c.eventTime;
  return latest ?? fallback;
}

export function summariseChange(change: Change): ChangeSummary {
  const mappingUuid =
    change.mappingUuid ?? (change.target.kind === 'event-source-mapping' ? change.target.uuid : undefined);
  return {
    eventName: change.eventName,
    actor: change.actor,
    eventTime: change.eventTime,
    summary: change.summary,
    ...(change.eventId === undefined ? {} : { eventId: change.eventId }),
    region: change.region,
    action: change.action,
    ...(mappingUuid === undefined ? {} : { mappingUuid }),
    ...(change.target.kind === 'function' ? { functionArn: change.target.functionArn } : {}),
    ...(change.suppressTag === undefined ? {} : { suppressTag: change.suppressTag }),
  };
}

export interface FindingDiff {
  readonly open: readonly Finding[];
  readonly added: readonly Finding[];
  readonly resolved: readonly FindingSummary[];
}

/** Compares the alerting findings now with those remembered; unchanged findings are not news. */
export function diffFindings(previous: readonly FindingSummary[], open: readonly Finding[]): FindingDiff {
  const before = new Set(previous.map((f) => f.id));
  const now = new Set(open.map((f) => f.id));
  return {
    open,
    added: open.filter((f) => !before.has(f.id)),
    resolved: previous.filter((f) => !now.has(f.id)),
  };
}

/** A short deterministic id of these parts (alert ids). */
export function digestOf(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 20);
}

/** A report holding one function result (and only alerting findings), in the report schema. */
export function reportForFunction(report: Report, result: FunctionResult, open: readonly Finding[]): Report {
  const findings: Partial<Record<Severity, number>> = {};
  for (const f of open) findings[f.severity] = (findings[f.severity] ?? 0) + 1;
  const errors = report.errors?.filter(
    (e) => e.functionName === undefined || e.functionName === result.functionName,
  );
  return {
    ...report,
    summary: { functions: 1, compliant: open.length === 0 ? 1 : 0, findings },
    functions: [{ ...result, compliant: open.length === 0, findings: open }],
    ...(errors && errors.length > 0 ? { errors } : { errors: undefined }),
  };
}

export function buildFunctionAlert(input: {
  readonly report: Report;
  readonly result: FunctionResult;
  readonly diff: FindingDiff;
  readonly changes: readonly Change[];
  /** The function's CloudFormation stack (its `aws:cloudformation:stack-name` tag), when known. */
  readonly stackName?: string;
}): FunctionAlertDocument {
  const { result, diff } = input;
  const newFindingIds = diff.added.map((f) => f.id).sort();
  const resolvedIds = diff.resolved.map((f) => f.id).sort();
  const fix = buildFix({
    functionName: result.functionName,
    roleArn: result.roleArn,
    findings: diff.open,
    recommendedPolicy: result.recommendedPolicy,
  });
  return {
    schema: ALERT_SCHEMA,
    type: 'change',
    alertId: digestOf([result.functionArn, 'new', ...newFindingIds, 'resolved', ...resolvedIds]),
    function: {
      name: result.functionName,
      arn: result.functionArn,
      roleArn: result.roleArn,
      ...(input.stackName === undefined ? {} : { stackName: input.stackName }),
    },
    changes: input.changes.map(summariseChange),
    newFindingIds,
    resolvedFindings: diff.resolved,
    report: JSON.parse(JSON.stringify(reportForFunction(input.report, result, diff.open))) as Report,
    ...(fix === undefined ? {} : { fix }),
  };
}

/**
 * A suppression notice: the change alert of a function whose suppress tag changed, saying which findings
 * the tag hides now and which it named but may not hide. Findings that disappeared from the alerting set
 * because a tag hides them are listed as hidden, never as fixed. The id is the same on every retry of the
 * same tag events (it does not depend on the remembered state), so the handler can tell it was sent.
 */
export function buildSuppressionNotice(input: {
  readonly report: Report;
  readonly result: FunctionResult;
  readonly diff: FindingDiff;
  readonly changes: readonly Change[];
}): FunctionAlertDocument {
  const { result, diff } = input;
  const hiddenFindings = result.findings.filter(
    (f) => f.suppressed === true && f.suppressionSource?.kind === 'tag',
  );
  const refusedFindings = result.findings.filter((f) => f.suppressionRefused !== undefined);
  const hiddenIds = new Set(hiddenFindings.map((f) => f.id));
  const alert = buildFunctionAlert({
    ...input,
    diff: { ...diff, resolved: diff.resolved.filter((f) => !hiddenIds.has(f.id)) },
  });
  const tagEvents = input.changes
    .filter((c) => c.suppressTag !== undefined)
    .map((c) => c.eventId ?? `${c.eventName}@${c.eventTime}`)
    .sort();
  return {
    ...alert,
    type: 'suppression',
    alertId: digestOf([
      result.functionArn,
      'suppression',
      ...tagEvents,
      'hidden',
      ...[...hiddenIds].sort(),
      'refused',
      ...refusedFindings.map((f) => f.id).sort(),
    ]),
    suppression: { hiddenFindings, refusedFindings },
  };
}

/** Every suppressed finding of a report, function by function, with its reason and source. */
export function suppressedFindingsOf(report: Report): SuppressedFindingSummary[] {
  return report.functions.flatMap((fn) =>
    fn.findings
      .filter((f) => f.suppressed === true)
      .map((f) => ({
        ...summariseFinding(f),
        functionName: fn.functionName,
        functionArn: fn.functionArn,
        reason: f.suppressionReason ?? '(no reason recorded)',
        source: f.suppressionSource ?? { kind: 'file' },
      })),
  );
}

export function buildDigestAlert(input: {
  readonly report: Report;
  readonly regions: readonly string[];
  readonly minSeverity: Severity;
}): DigestAlertDocument {
  const functions = input.report.functions
    .map((fn) => ({ ...fn, findings: fn.findings.filter((f) => isAlerting(f, input.minSeverity)) }))
    .filter((fn) => fn.findings.length > 0)
    .map((fn) => ({ ...fn, compliant: false }));
  const findings: Partial<Record<Severity, number>> = {};
  for (const fn of functions)
    for (const f of fn.findings) findings[f.severity] = (findings[f.severity] ?? 0) + 1;
  const ids = functions.flatMap((fn) => fn.findings.map((f) => f.id)).sort();
  const suppressed = suppressedFindingsOf(input.report);
  return {
    schema: ALERT_SCHEMA,
    type: 'digest',
    alertId: digestOf(['digest', input.report.generatedAt, ...ids]),
    regions: input.regions,
    audited: input.report.functions.length,
    ...(suppressed.length > 0 ? { suppressed } : {}),
    report: {
      ...input.report,
      summary: { ...input.report.summary, findings },
      functions,
    },
  };
}

/**
 * Open findings of an alert document: one function's, or every function's of a digest. A big change's
 * alert carries none (they are in its stored detail).
 */
export function openFindingsOf(document: AlertDocument): readonly { fn: FunctionResult; finding: Finding }[] {
  if (document.type === 'big-change') return [];
  return document.report.functions.flatMap((fn) => fn.findings.map((finding) => ({ fn, finding })));
}
