/**
 * The scheduled sweep: audit every function of every audited region through the bulk read path, as one
 * audit (a role is judged with its functions in every region), publish a digest of the open findings (and
 * of every suppressed one, with its reason and source), and bring the state table in line with what is true
 * now. Events can be
 * lost (CloudTrail delivers to EventBridge on a best-effort basis, a rule can be disabled): with a daily
 * sweep, a lost event costs a day at most.
 *
 * State reconciliation: a function whose findings differ from the table gets its state rewritten (the
 * digest has told people, so the next event does not announce them again); remembered functions that no
 * longer exist in an audited region are removed. Functions the audit could not fully read are left as
 * they are.
 *
 * Deadline: the sweep reports what it could not finish instead of dying at Lambda's timeout (which would
 * publish nothing, every day, for as long as the cause lasts). No region is started after `deadline` (the
 * first always is), and each region's audit stops at it: the functions it did not reach, and the regions
 * not started, are listed under the digest's errors and in the log, and their remembered state is left
 * as it is. State is written until `finishBy`; what is left is written by the next sweep.
 */

import type { AlertPublisher } from '../adapters/notifier/sns-notifier.js';
import type {
  FunctionState,
  StateLister,
  StateWriter,
} from '../adapters/state-store/dynamodb-state-store.js';
import {
  buildDigestAlert,
  type DigestAlertDocument,
  isAlerting,
  rememberFindings,
} from '../alerts/alert-document.js';
import { renderSnsAlert } from '../alerts/sns-message.js';
import { isOutOfTime } from '../domain/audit/time-budget.js';
import type { Report, Severity } from '../domain/report.js';
import { type Deadline, NO_DEADLINE } from './deadline.js';
import type { LogSink } from './handle-changes.js';
import { type HubOutcome, reconcileHub, type SecurityHubReconciler } from './security-hub-sync.js';

export interface SweepDeps {
  /**
   * Audits the whole account in these regions, as one audit (bulk path): a role is judged with its functions
   * in all of them. Functions not finished by `deadline` are listed under the report's `errors`.
   */
  readonly auditRegions: (regions: readonly string[], deadline?: Deadline) => Promise<Report>;
  readonly regions: readonly string[];
  readonly stateStore: StateLister & StateWriter;
  readonly publisher: AlertPublisher;
  readonly minSeverity: Severity;
  readonly logger: LogSink;
  /** When to stop starting region audits (default: never). */
  readonly deadline?: Deadline;
  /** When to stop writing state (default: never). */
  readonly finishBy?: Deadline;
  /** Security Hub, when the deployment sends findings there: reconciled after the state table. */
  readonly securityHub?: SecurityHubReconciler;
}

export interface SweepResult {
  readonly digest: DigestAlertDocument;
  readonly subject: string;
  readonly published: boolean;
  readonly stateUpdated: number;
  readonly stateRemoved: number;
  /** Functions whose audit was not finished because time ran out. */
  readonly unfinishedFunctions: number;
  /** State changes not written because time ran out (the next sweep writes them). */
  readonly stateLeft: number;
  /** What the Security Hub reconciliation did (absent when not deployed, or when time ran out first). */
  readonly securityHub?: HubOutcome;
}

/** One report for several regions: functions and errors side by side, summary recounted. */
export function mergeReports(reports: readonly Report[]): Report {
  const [first] = reports;
  if (!first) throw new Error('no report to merge');
  const functions = reports.flatMap((r) => r.functions);
  const errors = reports.flatMap((r) => r.errors ?? []);
  const warnings = reports.flatMap((r) => r.warnings ?? []);
  const findings: Partial<Record<Severity, number>> = {};
  for (const r of reports) {
    for (const [severity, count] of Object.entries(r.summary.findings) as [Severity, number][]) {
      findings[severity] = (findings[severity] ?? 0) + count;
    }
  }
  return {
    ...first,
    source: { kind: first.source.kind, ...(first.source.account ? { account: first.source.account } : {}) },
    summary: {
      functions: functions.length,
      compliant: functions.filter((f) => f.compliant).length,
      findings,
    },
    functions,
    ...(errors.length > 0 ? { errors } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function sameFindings(a: readonly { id: string }[], b: readonly { id: string }[]): boolean {
  if (a.length !== b.length) return false;
  const ids = new Set(a.map((f) => f.id));
  return b.every((f) => ids.has(f.id));
}

export async function runSweep(deps: SweepDeps): Promise<SweepResult> {
  const deadline = deps.deadline ?? NO_DEADLINE;
  const finishBy = deps.finishBy ?? NO_DEADLINE;
  // One audit of every region: each region's bulk read runs at that region's Lambda request rate, and a role
  // shared across regions is judged as a whole. Functions the audit could not finish by the deadline are in
  // the report's errors.
  const report = await deps.auditRegions(deps.regions, deadline);
  const unfinishedFunctions = (report.errors ?? []).filter(isOutOfTime).length;
  const digest = buildDigestAlert({ report, regions: deps.regions, minSeverity: deps.minSeverity });
  const message = renderSnsAlert(digest);
  const open = digest.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
  // Suppressed findings are listed too: an accepted risk (or a tag hiding one) is read about every day.
  const published = open > 0 || (report.errors?.length ?? 0) > 0 || (digest.suppressed?.length ?? 0) > 0;
  if (published) await deps.publisher.publish(message);

  // Reconcile after the publish, for the reason handle-changes.ts gives: state never runs ahead of what
  // people were told.
  const remembered = new Map<string, FunctionState>();
  for await (const state of deps.stateStore.list()) remembered.set(state.functionArn, state);
  const incomplete = new Set(
    (report.errors ?? []).map((e) => e.functionName).filter((n): n is string => !!n),
  );
  let stateUpdated = 0;
  let stateLeft = 0;
  for (const fn of report.functions) {
    if (incomplete.has(fn.functionName)) continue;
    const alerting = fn.findings.filter((f) => isAlerting(f, deps.minSeverity));
    const before = remembered.get(fn.functionArn);
    remembered.delete(fn.functionArn);
    if (before ? sameFindings(before.findings, alerting) : alerting.length === 0) continue;
    if (finishBy.remainingMs() <= 0) {
      stateLeft += 1;
      continue;
    }
    await deps.stateStore.put({
      functionArn: fn.functionArn,
      // A finding found by the sweep opened at the latest by this audit; one already remembered keeps its time.
      findings: rememberFindings(before?.findings ?? [], alerting, report.generatedAt),
      auditedAt: report.generatedAt,
      alertId: digest.alertId,
    });
    stateUpdated += 1;
  }
  let stateRemoved = 0;
  // A remembered function of a region not audited is not known to be gone.
  const regions = new Set(deps.regions);
  const unread = new Set(incomplete);
  for (const state of remembered.values()) {
    const region = state.functionArn.split(':')[3] ?? '';
    const name = state.functionArn.split(':')[6] ?? '';
    if (!regions.has(region) || unread.has(name)) continue;
    if (finishBy.remainingMs() <= 0) {
      stateLeft += 1;
      continue;
    }
    await deps.stateStore.delete(state.functionArn);
    stateRemoved += 1;
  }
  // Security Hub, as a separate step after the state: the functions judged completely, in the regions audited.
  let securityHub: HubOutcome | undefined;
  if (deps.securityHub !== undefined && finishBy.remainingMs() > 0) {
    securityHub = await reconcileHub(deps.securityHub, {
      report,
      alerting: (fn) => fn.findings.filter((f) => isAlerting(f, deps.minSeverity)),
      settled: (arn) => regions.has(arn.split(':')[3] ?? '') && !unread.has(arn.split(':')[6] ?? ''),
      logger: deps.logger,
    });
  } else if (deps.securityHub !== undefined) {
    deps.logger.warn('sweep ran out of time before reconciling Security Hub: the next sweep does', {});
  }
  if (unfinishedFunctions > 0 || stateLeft > 0) {
    deps.logger.warn('sweep ran out of time: the digest lists what was not audited', {
      unfinishedFunctions,
      stateLeft,
    });
  }
  deps.logger.info('sweep done', {
    regions: deps.regions,
    functions: report.functions.length,
    openFindings: open,
    published,
    stateUpdated,
    stateRemoved,
    unfinishedFunctions,
    ...(securityHub === undefined
      ? {}
      : {
          securityHubImported: securityHub.imported,
          securityHubArchived: securityHub.archived,
          securityHubFailed: securityHub.failed.length,
        }),
  });
  return {
    digest: message.document as DigestAlertDocument,
    subject: message.subject,
    published,
    stateUpdated,
    stateRemoved,
    unfinishedFunctions,
    stateLeft,
    ...(securityHub === undefined ? {} : { securityHub }),
  };
}
