/**
 * Security Hub beside the alerts: the change handler imports what a change opened and archives what it
 * fixed, in the run that sends the alert; the sweep reconciles the hub with the whole audit, so that a
 * lost import or update is put right within a day.
 *
 * The hub is a second copy of what the alert says, never a reason to alert twice: a failed import is
 * logged (error, with each refused record's id and Security Hub's code) and counted in the outcome as
 * incomplete, and the message is not retried for it (a retry would publish the alert again). The daily
 * sweep imports what is missing.
 */
import type {
  ActiveFindingsReader,
  FailedRecord,
  FindingsImporter,
} from '../adapters/securityhub/securityhub-findings.js';
import type { FindingSummary } from '../alerts/alert-document.js';
import type { Finding, FunctionResult, Report } from '../domain/report.js';
import {
  type AsffFinding,
  asffId,
  type HubTarget,
  planReconciliation,
  toAsffFinding,
} from '../security-hub/asff.js';
import type { LogSink } from './handle-changes.js';

export interface SecurityHubSink {
  readonly target: HubTarget;
  readonly importer: FindingsImporter;
}

export interface SecurityHubReconciler extends SecurityHubSink {
  readonly reader: ActiveFindingsReader;
}

/** What one sync did to the hub; `failed` records are left for the sweep (and logged). */
export interface HubOutcome {
  readonly imported: number;
  readonly archived: number;
  readonly failed: readonly FailedRecord[];
  /** Records read back that did not parse (the sweep), left as they are. */
  readonly unreadable?: number;
}

const FAILED_IDS_LOGGED = 20;

async function send(
  sink: SecurityHubSink,
  toImport: readonly AsffFinding[],
  toArchive: readonly AsffFinding[],
  logger: LogSink,
  where: Record<string, unknown>,
): Promise<HubOutcome> {
  if (toImport.length + toArchive.length === 0) return { imported: 0, archived: 0, failed: [] };
  const outcome = await sink.importer.importFindings([...toImport, ...toArchive]);
  const failedIds = new Set(outcome.failed.map((f) => f.id));
  const archived = toArchive.filter((r) => !failedIds.has(r.Id)).length;
  const imported = toImport.filter((r) => !failedIds.has(r.Id)).length;
  if (outcome.failed.length > 0) {
    logger.error('Security Hub refused records: left incomplete for the sweep to import', {
      ...where,
      failed: outcome.failed.length,
      records: outcome.failed.slice(0, FAILED_IDS_LOGGED),
    });
  }
  return { imported, archived, failed: outcome.failed };
}

/**
 * The change handler's part, called after the alert is published: the findings the change opened become
 * ACTIVE records; those it resolved are archived (Compliance PASSED, or WARNING when a suppression hides
 * them now). Never throws.
 */
export async function recordChangeInHub(
  sink: SecurityHubSink,
  input: {
    readonly report: Report;
    readonly result: FunctionResult;
    readonly added: readonly Finding[];
    readonly resolved: readonly FindingSummary[];
    readonly logger: LogSink;
  },
): Promise<HubOutcome> {
  const { result, report } = input;
  const at = report.generatedAt;
  const hidden = new Set(result.findings.filter((f) => f.suppressed === true).map((f) => f.id));
  const toImport = input.added.map((f) =>
    toAsffFinding(result, f, { target: sink.target, at, state: 'open' }),
  );
  const toArchive = input.resolved.map((f) =>
    toAsffFinding(result, f, { target: sink.target, at, state: hidden.has(f.id) ? 'suppressed' : 'fixed' }),
  );
  try {
    return await send(sink, toImport, toArchive, input.logger, { functionArn: result.functionArn });
  } catch (error) {
    // The importer turns call failures into records; anything else is a defect, still not the alert's problem.
    const message = error instanceof Error ? error.message : String(error);
    input.logger.error('Security Hub sync failed: left for the sweep', {
      functionArn: result.functionArn,
      error: message,
    });
    const failed = [...toImport, ...toArchive].map((r) => ({ id: r.Id, code: 'Error', message }));
    return { imported: 0, archived: 0, failed };
  }
}

/**
 * The sweep's part: the hub's ACTIVE records of this tool against the audit. Open findings missing from
 * the hub are imported; ACTIVE records of functions the audit judged completely whose finding is no longer
 * open are archived. `settled(functionArn)` says which functions were judged completely.
 */
export async function reconcileHub(
  reconciler: SecurityHubReconciler,
  input: {
    readonly report: Report;
    readonly alerting: (fn: FunctionResult) => readonly Finding[];
    readonly settled: (functionArn: string) => boolean;
    readonly logger: LogSink;
  },
): Promise<HubOutcome> {
  const at = input.report.generatedAt;
  const desired: AsffFinding[] = [];
  const suppressedIds = new Set<string>();
  for (const fn of input.report.functions) {
    if (!input.settled(fn.functionArn)) continue;
    for (const finding of input.alerting(fn)) {
      desired.push(toAsffFinding(fn, finding, { target: reconciler.target, at, state: 'open' }));
    }
    for (const finding of fn.findings) {
      if (finding.suppressed === true) suppressedIds.add(asffId(fn.functionArn, finding.id));
    }
  }
  let active: { records: readonly AsffFinding[]; unreadable: number };
  try {
    active = await reconciler.reader.listActive();
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    input.logger.error('cannot read the Security Hub records: nothing reconciled', { error: message });
    return { imported: 0, archived: 0, failed: [{ id: '*', code: 'GetFindings', message }] };
  }
  const plan = planReconciliation({
    desired,
    active: active.records,
    settled: input.settled,
    suppressedIds,
    at,
  });
  const outcome = await send(reconciler, plan.toImport, plan.toArchive, input.logger, { step: 'sweep' });
  if (active.unreadable > 0) {
    input.logger.warn('Security Hub records of this tool that do not parse were left as they are', {
      unreadable: active.unreadable,
    });
  }
  return { ...outcome, unreadable: active.unreadable };
}
