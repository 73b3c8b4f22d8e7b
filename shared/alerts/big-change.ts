/**
 * The grouped alert of a big change (issue 10): one change brought news to more functions than the
 * threshold, so one alert stands for theirs. It comes in two parts:
 *
 * - the **detail** (`BigChangeDetailDocument`): every function with its new and fixed findings and the
 *   report of its open ones. A change reaching thousands of functions makes it megabytes (2.7 MB for 1,000
 *   functions), far beyond SNS's 256 KB, so it is stored (the state table, gzipped, see
 *   adapters/state-store/alert-detail-store.ts) and the alert says how to read it;
 * - the **alert** (`BigChangeAlertDocument`), what SNS carries: every affected function named, in groups of
 *   functions the change did the same thing to (what broke, their new and fixed findings counted by
 *   severity, their region when the change spans regions), worst first, and where the detail is. A name
 *   costs its length and three bytes, so 2,000 functions of 64-character names fit; where even the names
 *   cannot (tens of thousands), the message names as many as fit, worst first, and says how many it left
 *   out (sns-message.ts).
 *
 * Pure: built from the audit's results and differences.
 */
import type { FunctionResult, Report, Severity } from '../domain/report.js';
import { SEVERITIES } from '../domain/report.js';
import type { Change } from '../events/change.js';
import {
  ALERT_SCHEMA,
  type ChangeSummary,
  digestOf,
  type FindingDiff,
  type FindingSummary,
  summariseChange,
} from './alert-document.js';
import { type CauseKind, causeKinds, describeEventSource, type FindingLike } from './impact.js';

/** Findings counted by severity; a severity with none is absent. */
export type SeverityCounts = Partial<Record<Severity, number>>;

/** One function of a big change in the stored detail: what appeared and what was resolved for it. */
export interface BigChangeFunction {
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly newFindingIds: readonly string[];
  readonly resolvedFindings: readonly FindingSummary[];
}

/**
 * The full detail of a big change, stored rather than published: every affected function with its new
 * finding ids and its resolved findings, and `report` with each one's open alerting findings (the new ones
 * among them) and recommended policy, in the report schema.
 */
export interface BigChangeDetailDocument {
  readonly schema: typeof ALERT_SCHEMA;
  readonly type: 'big-change-detail';
  /** The id of the alert that stands for it. */
  readonly alertId: string;
  readonly changes: readonly ChangeSummary[];
  readonly threshold: number;
  readonly functions: readonly BigChangeFunction[];
  readonly report: Report;
}

/** Where the detail of a big change was stored, and the command that prints it. */
export interface StoredDetail {
  /** The state table's name and region. */
  readonly table: string;
  readonly region: string;
  /** The key of its item (of the first, when it takes `parts` items). */
  readonly key: string;
  readonly parts: number;
  /** A shell command that prints the detail's JSON (it needs `dynamodb:GetItem` on the table). */
  readonly command: string;
  /** When it expires (ISO 8601): it is kept for a while, not for ever. */
  readonly expiresAt: string;
  /** The detail's size as JSON, in bytes. */
  readonly bytes: number;
}

/** Functions a big change did the same thing to. */
export interface BigChangeGroup {
  /** Their region, when the change's functions are in more than one. */
  readonly region?: string;
  /** What the change did to each of them, worst first: "Logs cannot be written", "Works again". */
  readonly kinds: readonly string[];
  /** Whether something they are configured to do stopped working. */
  readonly broken: boolean;
  /** Each one's new findings, by severity. */
  readonly new: SeverityCounts;
  /** Each one's fixed findings, by severity. */
  readonly fixed: SeverityCounts;
  /** How many functions the group holds. */
  readonly count: number;
  /**
   * Their names (a published version as `NAME:VERSION`), in name order: all of them, unless the message
   * had to leave some out to stay within SNS's 256 KB (then fewer than `count`, and the document's
   * `omittedFunctions` says how many in all).
   */
  readonly functions: readonly string[];
}

/** What the change did, by kind, worst first: how many functions each. */
export interface KindCount {
  /** "SQS mappings cannot receive", "Logs cannot be written", "Works again" */
  readonly label: string;
  readonly functions: number;
  readonly tense: 'lost' | 'again' | 'exposure';
}

export interface BigChangeSummary {
  /** Affected functions: every one is in a group. */
  readonly functions: number;
  /** Functions for which something stopped working. */
  readonly broken: number;
  /** Functions with only fixed findings. */
  readonly fixed: number;
  readonly newFindings: SeverityCounts;
  readonly fixedFindings: SeverityCounts;
  /** Rule ids of the new and fixed findings. */
  readonly rules: readonly string[];
  readonly kinds: readonly KindCount[];
}

/**
 * The alert of a big change as SNS carries it: every affected function named, in groups, worst first;
 * their findings are in the stored `detail`.
 */
export interface BigChangeAlertDocument {
  readonly schema: typeof ALERT_SCHEMA;
  readonly type: 'big-change';
  /** Deterministic: the same change, functions, new and resolved findings give the same id. */
  readonly alertId: string;
  /** When the audit ran (ISO 8601). */
  readonly generatedAt: string;
  readonly changes: readonly ChangeSummary[];
  /** The setting in force: more affected functions than this give one alert instead of one each. */
  readonly threshold: number;
  readonly partition: string;
  readonly account: string;
  readonly regions: readonly string[];
  readonly summary: BigChangeSummary;
  /** Worst first: something broke, then the worst new severity, then the most findings, the most functions. */
  readonly groups: readonly BigChangeGroup[];
  /** Functions not named in this message to stay within SNS's 256 KB (they are in the detail). */
  readonly omittedFunctions?: number;
  /** Groups left out for the same reason (only when even their counts would not fit). */
  readonly omittedGroups?: number;
  /** Changes left out for the same reason. */
  readonly omittedChanges?: number;
  /** Where every function's new and fixed findings are; absent when the deployment stored none. */
  readonly detail?: StoredDetail;
}

/** One affected function of a big change, with the difference its alert would have carried. */
export interface BigChangeEntry {
  readonly result: FunctionResult;
  readonly diff: FindingDiff;
}

export interface BigChangeInput {
  readonly report: Report;
  readonly entries: readonly BigChangeEntry[];
  readonly changes: readonly Change[];
  readonly threshold: number;
}

function byName(entries: readonly BigChangeEntry[]): BigChangeEntry[] {
  return [...entries].sort((a, b) =>
    a.result.functionArn < b.result.functionArn ? -1 : a.result.functionArn > b.result.functionArn ? 1 : 0,
  );
}

function functionOf({ result, diff }: BigChangeEntry): BigChangeFunction {
  return {
    name: result.functionName,
    arn: result.functionArn,
    roleArn: result.roleArn,
    newFindingIds: diff.added.map((f) => f.id).sort(),
    resolvedFindings: diff.resolved,
  };
}

/** The same id for the alert and its detail, from the changes and every function's difference. */
function alertIdOf(changes: readonly ChangeSummary[], functions: readonly BigChangeFunction[]): string {
  return digestOf([
    'big-change',
    ...changes.map((c) => c.eventId ?? `${c.eventName}|${c.eventTime}`),
    ...functions.flatMap((f) => [f.arn, ...f.newFindingIds, '/', ...f.resolvedFindings.map((r) => r.id)]),
  ]);
}

/**
 * The stored detail: functions in ARN order; the report holds every one's open alerting findings (a
 * function whose findings are all resolved stays in it, compliant, so that every affected function is).
 */
export function buildBigChangeDetail(input: BigChangeInput): BigChangeDetailDocument {
  const entries = byName(input.entries);
  const functions = entries.map(functionOf);
  const results = entries.map(({ result, diff }) => ({
    ...result,
    compliant: diff.open.length === 0,
    findings: diff.open,
  }));
  const findings: SeverityCounts = {};
  for (const r of results) for (const f of r.findings) findings[f.severity] = (findings[f.severity] ?? 0) + 1;
  const names = new Set(results.map((r) => r.functionName));
  const errors = input.report.errors?.filter(
    (e) => e.functionName !== undefined && names.has(e.functionName),
  );
  const report: Report = {
    ...input.report,
    summary: {
      functions: results.length,
      compliant: results.filter((r) => r.compliant).length,
      findings,
    },
    functions: results,
    ...(errors && errors.length > 0 ? { errors } : { errors: undefined }),
  };
  const changes = input.changes.map(summariseChange);
  return {
    schema: ALERT_SCHEMA,
    type: 'big-change-detail',
    alertId: alertIdOf(changes, functions),
    changes,
    threshold: input.threshold,
    functions,
    // Not copied: the detail is written out as JSON at once (a copy of 20,000 functions' findings would
    // cost the worker tens of megabytes for nothing).
    report,
  };
}

const RANK: Readonly<Record<Severity, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

/** The name a function goes by in the alert: a published version as `NAME:VERSION`. */
export function displayName(result: Pick<FunctionResult, 'functionName' | 'version'>): string {
  return result.version === undefined ? result.functionName : `${result.functionName}:${result.version}`;
}

/** What a kind of cause means to a function, in our words (never a value of the account). */
export function kindLabel(kind: CauseKind, first: FindingLike): string {
  const cause = first.cause;
  switch (kind) {
    case 'mapping':
      return `${describeEventSource(cause?.kind === 'event-source-mapping' ? cause.eventSourceArn : undefined).family} mappings cannot receive`;
    case 'logs':
      return 'Logs cannot be written';
    case 'mapping-destination':
    case 'dead-letter':
    case 'destination':
      return 'Destinations cannot be reached';
    case 'vpc':
      return 'VPC network interfaces cannot be set up';
    case 'tracing':
      return 'Traces cannot be sent';
    case 'role':
    case 'trust':
      return 'Cannot run (role unusable)';
    case 'grant':
    case 'trust-exposure':
      return 'Role grants more than needed';
    default:
      return 'Other findings';
  }
}

const WORKS_AGAIN = 'Works again';
const TENSE_ORDER: Readonly<Record<KindCount['tense'], number>> = { lost: 0, again: 1, exposure: 2 };

function countBySeverity(findings: readonly { severity: Severity }[]): SeverityCounts {
  const counts: SeverityCounts = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

/** Severities from the worst: "2 high, 1 medium". */
function countsKey(counts: SeverityCounts): string {
  return [...SEVERITIES]
    .reverse()
    .map((s) => `${s}=${counts[s] ?? 0}`)
    .join(',');
}

/** The worst severity counted, as a rank (0 when none). */
function worstRank(counts: SeverityCounts): number {
  let best = 0;
  for (const severity of SEVERITIES) if ((counts[severity] ?? 0) > 0) best = Math.max(best, RANK[severity]);
  return best;
}

function total(counts: SeverityCounts): number {
  return Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
}

function addCounts(into: SeverityCounts, counts: SeverityCounts, times = 1): void {
  for (const severity of SEVERITIES) {
    const c = counts[severity];
    if (c) into[severity] = (into[severity] ?? 0) + c * times;
  }
}

/** What the change did to one function: its kinds (worst first), whether it broke, whether only fixed. */
function profileOf({ diff }: BigChangeEntry): {
  kinds: { label: string; tense: KindCount['tense'] }[];
  broken: boolean;
  fixedOnly: boolean;
} {
  const kinds = new Map<string, KindCount['tense']>();
  let broken = false;
  for (const cause of causeKinds(diff.added).values()) {
    broken ||= cause.breaks;
    const label = kindLabel(cause.kind, cause.first);
    if (!kinds.has(label) || cause.breaks) kinds.set(label, cause.breaks ? 'lost' : 'exposure');
  }
  const open = causeKinds(diff.open);
  if ([...causeKinds(diff.resolved)].some(([key, c]) => c.breaks && !open.has(key)))
    kinds.set(WORKS_AGAIN, 'again');
  return {
    kinds: [...kinds]
      .map(([label, tense]) => ({ label, tense }))
      .sort((a, b) => TENSE_ORDER[a.tense] - TENSE_ORDER[b.tense] || (a.label < b.label ? -1 : 1)),
    broken,
    fixedOnly: diff.resolved.length > 0 && diff.added.length === 0,
  };
}

function regionOf(functionArn: string): string {
  return functionArn.split(':')[3] ?? '';
}

/** Groups worst first: broken, worst new severity, most new findings, most functions, then by words. */
export function compareGroups(a: BigChangeGroup, b: BigChangeGroup): number {
  return (
    Number(b.broken) - Number(a.broken) ||
    worstRank(b.new) - worstRank(a.new) ||
    total(b.new) - total(a.new) ||
    worstRank(b.fixed) - worstRank(a.fixed) ||
    b.count - a.count ||
    (a.kinds.join('|') < b.kinds.join('|') ? -1 : a.kinds.join('|') > b.kinds.join('|') ? 1 : 0) ||
    ((a.region ?? '') < (b.region ?? '') ? -1 : (a.region ?? '') > (b.region ?? '') ? 1 : 0)
  );
}

/**
 * The alert of a big change: every affected function named, grouped by what the change did to it, with the
 * place its detail was stored (`detail`, when it was). Its id is the detail's.
 */
export function buildBigChangeAlert(
  input: BigChangeInput & { readonly detail?: StoredDetail },
): BigChangeAlertDocument {
  const entries = byName(input.entries);
  const changes = input.changes.map(summariseChange);
  const regions = [...new Set(entries.map((e) => regionOf(e.result.functionArn)))].sort();
  const spansRegions = regions.length > 1;
  const groups = new Map<string, { group: Omit<BigChangeGroup, 'count' | 'functions'>; names: string[] }>();
  const kindCounts = new Map<string, { functions: number; tense: KindCount['tense'] }>();
  const newFindings: SeverityCounts = {};
  const fixedFindings: SeverityCounts = {};
  const rules = new Set<string>();
  let broken = 0;
  let fixed = 0;
  for (const entry of entries) {
    const profile = profileOf(entry);
    const added = countBySeverity(entry.diff.added);
    const resolved = countBySeverity(entry.diff.resolved);
    addCounts(newFindings, added);
    addCounts(fixedFindings, resolved);
    for (const f of [...entry.diff.added, ...entry.diff.resolved]) rules.add(f.rule);
    if (profile.broken) broken += 1;
    if (profile.fixedOnly) fixed += 1;
    for (const { label, tense } of profile.kinds) {
      const count = kindCounts.get(label) ?? { functions: 0, tense };
      count.functions += 1;
      kindCounts.set(label, count);
    }
    const region = spansRegions ? regionOf(entry.result.functionArn) : undefined;
    const kinds = profile.kinds.map((k) => k.label);
    const key = [region ?? '', kinds.join('|'), profile.broken, countsKey(added), countsKey(resolved)].join(
      '\n',
    );
    const found = groups.get(key);
    if (found) found.names.push(displayName(entry.result));
    else
      groups.set(key, {
        group: {
          ...(region === undefined ? {} : { region }),
          kinds,
          broken: profile.broken,
          new: added,
          fixed: resolved,
        },
        names: [displayName(entry.result)],
      });
  }
  const kinds: KindCount[] = [...kindCounts]
    .map(([label, c]) => ({ label, functions: c.functions, tense: c.tense }))
    .sort(
      (a, b) =>
        TENSE_ORDER[a.tense] - TENSE_ORDER[b.tense] ||
        b.functions - a.functions ||
        (a.label < b.label ? -1 : 1),
    );
  const first = input.entries[0]?.result.functionArn.split(':') ?? [];
  return {
    schema: ALERT_SCHEMA,
    type: 'big-change',
    alertId: alertIdOf(changes, entries.map(functionOf)),
    generatedAt: input.report.generatedAt,
    changes,
    threshold: input.threshold,
    partition: first[1] ?? 'aws',
    account: first[4] ?? '',
    regions,
    summary: {
      functions: entries.length,
      broken,
      fixed,
      newFindings,
      fixedFindings,
      rules: [...rules].sort(),
      kinds,
    },
    groups: [...groups.values()]
      .map(({ group, names }) => ({ ...group, count: names.length, functions: [...names].sort() }))
      .sort(compareGroups),
    ...(input.detail === undefined ? {} : { detail: input.detail }),
  };
}

/** "2 high, 1 medium" (worst first); "none" when empty. */
export function describeCounts(counts: SeverityCounts): string {
  const parts = [...SEVERITIES]
    .reverse()
    .filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The worst severity among a big change's new and fixed findings. */
export function bigChangeSeverity(document: BigChangeAlertDocument): Severity {
  let best: Severity = 'info';
  for (const counts of [document.summary.newFindings, document.summary.fixedFindings])
    for (const severity of SEVERITIES)
      if ((counts[severity] ?? 0) > 0 && RANK[severity] > RANK[best]) best = severity;
  return best;
}

/** The ARN of a function named in a group (names are unqualified or `NAME:VERSION`). */
export function functionArnOf(document: BigChangeAlertDocument, group: BigChangeGroup, name: string): string {
  const region = group.region ?? document.regions[0] ?? '';
  return `arn:${document.partition}:lambda:${region}:${document.account}:function:${name}`;
}
