/**
 * Fan-out (issue 10): the sweep, and any change whose affected functions are more than one invocation can
 * audit within its deadline, are split into chunks that run as separate invocations of a worker, fed by an
 * SQS work queue. The choice of SQS over a Step Functions Distributed Map, the pace arithmetic and the
 * limits are in docs/scaling.md.
 *
 * A run, in the state table:
 * 1. The dispatcher (the sweep's scheduled invocation, or the change handler for a big change) records
 *    the run (`run|<id>`: its kind, its number of chunks, what the assembly needs), stores each chunk's
 *    input where it needs one, and sends one work item per chunk.
 * 2. The worker audits one chunk per invocation, within its deadline, and stores the chunk's report. A
 *    chunk that does not finish fails its message (`batchItemFailures`): it alone is retried, and what it
 *    read meanwhile stays in the inventory, so the retry resumes rather than restarts. On its last
 *    attempt a chunk that still cannot finish is recorded with its functions listed as not audited, so
 *    that the digest still goes out and says what it lacks.
 * 3. Completing a chunk adds its number to the run's set of completed chunks (an idempotent ADD: a retried
 *    chunk never counts twice). The invocation that completes the last one claims the assembly
 *    (conditionally: one at a time) and assembles: the chunk reports merged into one, then the sweep's
 *    digest and reconciliation (`runSweep`), or the change's settlement (`handleChanges` over the original
 *    messages, with the merged report standing for the audit): one grouped alert for a big change, state
 *    written per function after the publish, exactly as for a change audited in one invocation.
 */
import { createHash } from 'node:crypto';
import { functionNameOf } from '../domain/arn.js';
import { isOutOfTime } from '../domain/audit/time-budget.js';
import type { Report, ReportError } from '../domain/report.js';
import { type Deadline, NO_DEADLINE } from './deadline.js';
import {
  chunksOf,
  type HandleChangesDeps,
  handleChanges,
  type LogSink,
  type QueueMessage,
} from './handle-changes.js';
import { mergeReports, runSweep, type SweepDeps } from './sweep.js';

export type RunKind = 'sweep' | 'change';

/** One chunk of a run: the message body of the work queue. */
export interface WorkItem {
  readonly runId: string;
  readonly kind: RunKind;
  readonly chunk: number;
  /** The region of the chunk's first function (`regions` has them all). */
  readonly region: string;
  /** Every region the chunk's functions are in: a role's functions are in one chunk, whatever their region. */
  readonly regions?: readonly string[];
  /** The chunk's functions (unqualified ARNs, each naming its region). */
  readonly functionArns: readonly string[];
}

/** A sweep chunk's stored input: each region's share of the dispatcher's listing. */
export interface SweepChunkInput {
  readonly byRegion: Readonly<Record<string, unknown>>;
}

/** One region's share of a sweep chunk's input (an input stored before inputs were kept per region is whole). */
export function regionInputOf(input: unknown, region: string): unknown {
  if (typeof input === 'object' && input !== null && 'byRegion' in input) {
    const byRegion = (input as SweepChunkInput).byRegion;
    return Object.hasOwn(byRegion, region) ? byRegion[region] : undefined;
  }
  return input;
}

export interface RunRecord {
  readonly runId: string;
  readonly kind: RunKind;
  readonly chunks: number;
  /** When the run started (ISO 8601): the sweep's report date, and the inventory's freshness mark. */
  readonly startedAt: string;
  readonly regions: readonly string[];
  /** A change run: the change messages whose functions were fanned out, settled at the assembly. */
  readonly messages?: readonly QueueMessage[];
}

export interface RunStatus extends RunRecord {
  readonly completed: number;
  readonly assembled: boolean;
}

/** The runs, their chunks' inputs and reports (implemented in the state table: run-store.ts). */
export interface RunStore {
  /** False when the run was recorded already (a redelivered dispatch). */
  createRun(record: RunRecord): Promise<boolean>;
  getRun(runId: string): Promise<RunStatus | undefined>;
  putBlob(key: string, value: unknown): Promise<void>;
  getBlob(key: string): Promise<unknown>;
  /** Marks the chunk completed; returns how many distinct chunks are. */
  completeChunk(runId: string, chunk: number): Promise<number>;
  /** Whether this invocation may assemble: no other claim newer than `staleBefore`, not assembled. */
  claimAssembly(runId: string, now: string, staleBefore: string): Promise<boolean>;
  markAssembled(runId: string): Promise<void>;
  /** Gives the claim up (the assembly failed): the retry may claim at once. */
  releaseAssembly(runId: string): Promise<void>;
}

/** What a dispatcher writes: the run and its chunks' inputs. */
export type RunRecorder = Pick<RunStore, 'createRun' | 'putBlob'>;

export interface WorkQueue {
  send(items: readonly WorkItem[]): Promise<void>;
}

/** How a run is cut and paced (docs/scaling.md has the arithmetic). */
export interface FanOutSettings {
  /** Functions per sweep chunk (a role's functions are never split, so a chunk can hold more). */
  readonly sweepChunkSize: number;
  /** Functions per change chunk. */
  readonly changeChunkSize: number;
  /** A change affecting more functions than this is fanned out rather than audited in the handler. */
  readonly changeInProcessLimit: number;
}

/**
 * Sweep chunks: 500 functions cost about 1,000 Lambda calls (event invoke configs and tags), 250 s at a
 * worker's half of the stack's shared pace (8 requests per second per Region when busy, at the default
 * budget of 10: lambda-pace.ts), against a 15-minute worker timeout; a chunk's regions are read side by
 * side, each at its own Region's pace. Change chunks read no Lambda at all when the inventory is fresh;
 * 500 functions then cost their IAM reads and the audit.
 */
export const DEFAULT_FAN_OUT: FanOutSettings = {
  sweepChunkSize: 500,
  changeChunkSize: 500,
  changeInProcessLimit: 200,
};

export const chunkInputKey = (runId: string, chunk: number) => `run|${runId}|input|${chunk}`;
export const chunkReportKey = (runId: string, chunk: number) => `run|${runId}|report|${chunk}`;

function regionOf(functionArn: string): string {
  return functionArn.split(':')[3] ?? '';
}

/** The chunk's functions by region, in the order the regions first appear. */
function byRegionOf(functionArns: readonly string[]): Map<string, string[]> {
  const byRegion = new Map<string, string[]>();
  for (const arn of functionArns) {
    const region = regionOf(arn);
    const arns = byRegion.get(region);
    if (arns) arns.push(arn);
    else byRegion.set(region, [arn]);
  }
  return byRegion;
}

/** A run id that a redelivery of the same dispatch finds again. */
export function runIdOf(kind: RunKind, parts: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...parts].sort().join('\n'))
    .digest('hex')
    .slice(0, 20);
  return `${kind}-${digest}`;
}

/** Chunks of functions grouped by role: a role's functions are always in one chunk (judged as a whole). */
export function planChunks(
  functions: readonly { readonly functionArn: string; readonly roleName?: string }[],
  size: number,
): [string, string[]][] {
  const byRole = new Map<string, string[]>();
  for (const fn of functions) {
    // By role name alone: a role is one IAM entity for every region its functions are in.
    const key = fn.roleName ?? `no-role|${fn.functionArn}`;
    const group = byRole.get(key);
    if (group) group.push(fn.functionArn);
    else byRole.set(key, [fn.functionArn]);
  }
  // A chunk is named by the region of its first function; a change's chunk can span regions (a role is
  // judged with its functions everywhere), and the chunk's audit reads each region it holds.
  return chunksOf([...byRole.values()], size).map((arns) => [regionOf(arns[0] ?? ''), arns]);
}

// --- Dispatch --------------------------------------------------------------------------------------------

/** What the sweep's dispatcher reads of one region (implemented over ListFunctions and mappings). */
export interface RegionListing {
  readonly functions: readonly { readonly functionArn: string; readonly roleName?: string }[];
  /** What a chunk's audit needs of the listing (configurations, mappings), stored as the chunk's input. */
  inputFor(functionArns: readonly string[]): unknown;
}

export interface SweepDispatchDeps {
  readonly regions: readonly string[];
  readonly listRegion: (region: string) => Promise<RegionListing>;
  readonly runs: RunRecorder;
  readonly queue: WorkQueue;
  readonly settings: FanOutSettings;
  readonly logger: LogSink;
  /** The inventory's functions, and how to forget those that no longer exist. */
  readonly inventory?: {
    listArns(): Promise<string[]>;
    deleteMany(functionArns: readonly string[]): Promise<void>;
  };
  readonly now?: () => Date;
}

export interface DispatchResult {
  readonly runId: string;
  readonly chunks: number;
  readonly functions: number;
}

/**
 * The sweep's scheduled invocation: list every region, cut the account into chunks by role across all the
 * regions (a role is judged once, with its functions everywhere), send them. Each chunk's input holds
 * each of its regions' share of the listing.
 */
export async function dispatchSweep(deps: SweepDispatchDeps): Promise<DispatchResult> {
  const startedAt = (deps.now ?? (() => new Date()))().toISOString();
  const runId = runIdOf('sweep', [startedAt]);
  const items: WorkItem[] = [];
  const inputs: [number, unknown][] = [];
  const listed = new Set<string>();
  const listings = new Map<string, RegionListing>();
  const functions: RegionListing['functions'][number][] = [];
  for (const region of deps.regions) {
    const listing = await deps.listRegion(region);
    listings.set(region, listing);
    for (const fn of listing.functions) {
      if (listed.has(fn.functionArn)) continue;
      listed.add(fn.functionArn);
      functions.push(fn);
    }
  }
  for (const [chunkRegion, functionArns] of planChunks(functions, deps.settings.sweepChunkSize)) {
    const chunk = items.length;
    const byRegion = byRegionOf(functionArns);
    items.push({
      runId,
      kind: 'sweep',
      chunk,
      region: chunkRegion,
      regions: [...byRegion.keys()],
      functionArns,
    });
    const input: SweepChunkInput = {
      byRegion: Object.fromEntries(
        [...byRegion].map(([region, arns]) => [region, listings.get(region)?.inputFor(arns) ?? null]),
      ),
    };
    inputs.push([chunk, input]);
  }
  // The inventory forgets functions deleted without an event reaching us (the sweep's backstop).
  if (deps.inventory) {
    const audited = new Set(deps.regions);
    const gone = (await deps.inventory.listArns()).filter(
      (arn) => audited.has(regionOf(arn)) && !listed.has(arn),
    );
    if (gone.length > 0) await deps.inventory.deleteMany(gone);
  }
  if (items.length === 0) {
    // An account without functions: one empty chunk still assembles a digest (and reconciles state).
    items.push({ runId, kind: 'sweep', chunk: 0, region: deps.regions[0] ?? '', functionArns: [] });
    inputs.push([0, undefined]);
  }
  await deps.runs.createRun({ runId, kind: 'sweep', chunks: items.length, startedAt, regions: deps.regions });
  for (const [chunk, input] of inputs) await deps.runs.putBlob(chunkInputKey(runId, chunk), input ?? null);
  await deps.queue.send(items);
  deps.logger.info('sweep dispatched', { runId, chunks: items.length, functions: listed.size });
  return { runId, chunks: items.length, functions: listed.size };
}

export interface ChangeDispatchDeps {
  readonly runs: RunRecorder;
  readonly queue: WorkQueue;
  readonly settings: FanOutSettings;
  /** The execution role name of each function (from the inventory; absent when unknown). */
  readonly rolesOf: (functionArns: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  readonly logger: LogSink;
  readonly now?: () => Date;
}

/**
 * A big change: its messages and affected functions become a run. Redelivered messages find the run
 * recorded and send its chunks again (a chunk audited twice completes once).
 */
export async function dispatchChange(
  messages: readonly QueueMessage[],
  functionArns: readonly string[],
  deps: ChangeDispatchDeps,
): Promise<DispatchResult> {
  const startedAt = (deps.now ?? (() => new Date()))().toISOString();
  const runId = runIdOf(
    'change',
    messages.map((m) => m.messageId),
  );
  const roles = await deps.rolesOf(functionArns);
  const chunks = planChunks(
    functionArns.map((functionArn) => {
      const roleName = roles.get(functionArn);
      return roleName === undefined ? { functionArn } : { functionArn, roleName };
    }),
    deps.settings.changeChunkSize,
  );
  const items: WorkItem[] = chunks.map(([region, arns], chunk) => ({
    runId,
    kind: 'change',
    chunk,
    region,
    regions: [...byRegionOf(arns).keys()],
    functionArns: arns,
  }));
  const created = await deps.runs.createRun({
    runId,
    kind: 'change',
    chunks: items.length,
    startedAt,
    regions: [...new Set(items.flatMap((item) => item.regions ?? [item.region]))],
    messages,
  });
  await deps.queue.send(items);
  deps.logger.info('change fanned out', {
    runId,
    chunks: items.length,
    functions: functionArns.length,
    messages: messages.length,
    redelivered: !created,
  });
  return { runId, chunks: items.length, functions: functionArns.length };
}

// --- Worker ----------------------------------------------------------------------------------------------

export interface ChunkAuditRequest {
  readonly kind: RunKind;
  readonly region: string;
  readonly functionArns: readonly string[];
  /** The sweep's listing of the chunk's functions (configurations, mappings). */
  readonly input: unknown;
  /** When the run started: the sweep rereads what was read before it. */
  readonly runStartedAt: string;
  readonly deadline: Deadline;
}

export interface WorkerDeps {
  readonly runs: RunStore;
  readonly auditChunk: (request: ChunkAuditRequest) => Promise<Report>;
  /** The sweep's digest and reconciliation, given the merged report. */
  readonly sweep: Omit<SweepDeps, 'auditRegions' | 'regions' | 'deadline' | 'finishBy'>;
  /** A change's settlement, given the merged report. */
  readonly change: Omit<HandleChangesDeps, 'auditFunctions' | 'deadline' | 'finishBy' | 'fanOut'>;
  /** Records that a sweep finished (the inventory's freshness mark). */
  readonly sweepFinished?: (startedAt: string) => Promise<void>;
  readonly logger: LogSink;
  readonly deadline?: Deadline;
  readonly finishBy?: Deadline;
  /** Whether this is the message's last delivery before the dead-letter queue. */
  readonly lastAttempt?: boolean;
  /** How long an assembly claim holds before another invocation may take over (the worker's timeout). */
  readonly claimMs: number;
  readonly now?: () => Date;
}

export type WorkOutcome =
  | {
      readonly status: 'done';
      readonly assembled: boolean;
      readonly completed: number;
      readonly chunks: number;
    }
  | { readonly status: 'retry'; readonly reason: string }
  | { readonly status: 'dropped'; readonly reason: string };

/** The errors of a chunk no invocation could finish: each function is listed, the digest says so. */
function notAuditedReport(runStartedAt: string, functionArns: readonly string[], reason: string): Report {
  return {
    schemaVersion: '1',
    generatedAt: runStartedAt,
    source: { kind: 'live' },
    summary: { functions: 0, compliant: 0, findings: {} },
    functions: [],
    errors: functionArns.map((arn) => ({
      functionName: functionNameOf(arn) ?? arn,
      resource: arn,
      message: `function ${functionNameOf(arn) ?? arn} was not audited by this sweep: ${reason}`,
    })),
  };
}

/** One work item: audit the chunk, record it, and assemble the run when it was the last. */
export async function runWorkItem(item: WorkItem, deps: WorkerDeps): Promise<WorkOutcome> {
  const deadline = deps.deadline ?? NO_DEADLINE;
  const run = await deps.runs.getRun(item.runId);
  if (!run) {
    deps.logger.warn('work item of an unknown run: dropped', { runId: item.runId, chunk: item.chunk });
    return { status: 'dropped', reason: 'unknown run' };
  }
  if (run.assembled) return { status: 'done', assembled: false, completed: run.chunks, chunks: run.chunks };

  const reportKey = chunkReportKey(item.runId, item.chunk);
  const done = (await deps.runs.getBlob(reportKey)) !== undefined;
  if (!done && item.functionArns.length > 0) {
    const input =
      item.kind === 'sweep' ? await deps.runs.getBlob(chunkInputKey(item.runId, item.chunk)) : undefined;
    let report: Report;
    try {
      report = await deps.auditChunk({
        kind: item.kind,
        region: item.region,
        functionArns: item.functionArns,
        input,
        runStartedAt: run.startedAt,
        deadline,
      });
    } catch (error) {
      if (!deps.lastAttempt || item.kind !== 'sweep') throw error;
      report = notAuditedReport(
        run.startedAt,
        item.functionArns,
        `its chunk failed on every attempt (${String(error)})`,
      );
    }
    const unfinished = (report.errors ?? []).filter(isOutOfTime);
    if (unfinished.length > 0) {
      if (!deps.lastAttempt || item.kind !== 'sweep') {
        deps.logger.warn('chunk not finished before the deadline: left for a retry', {
          runId: item.runId,
          chunk: item.chunk,
          unfinished: unfinished.length,
        });
        return { status: 'retry', reason: `${unfinished.length} functions not audited in time` };
      }
      // The last attempt of a sweep chunk: the digest goes out listing what was not audited.
    }
    await deps.runs.putBlob(reportKey, report);
  } else if (!done) {
    await deps.runs.putBlob(reportKey, notAuditedReport(run.startedAt, [], 'empty chunk'));
  }
  const completed = await deps.runs.completeChunk(item.runId, item.chunk);
  if (completed < run.chunks) return { status: 'done', assembled: false, completed, chunks: run.chunks };

  const now = (deps.now ?? (() => new Date()))();
  const claimed = await deps.runs.claimAssembly(
    item.runId,
    now.toISOString(),
    new Date(now.getTime() - deps.claimMs).toISOString(),
  );
  if (!claimed) return { status: 'done', assembled: false, completed, chunks: run.chunks };
  try {
    const outcome = await assemble(item, run, deps);
    if (outcome.status === 'retry') await deps.runs.releaseAssembly(item.runId);
    return outcome;
  } catch (error) {
    await deps.runs.releaseAssembly(item.runId);
    throw error;
  }
}

async function assemble(item: WorkItem, run: RunStatus, deps: WorkerDeps): Promise<WorkOutcome> {
  const reports: Report[] = [];
  for (let chunk = 0; chunk < run.chunks; chunk += 1) {
    const report = (await deps.runs.getBlob(chunkReportKey(item.runId, chunk))) as Report | undefined;
    if (!report) throw new Error(`run ${item.runId}: chunk ${chunk} is completed but has no report`);
    reports.push(report);
  }
  const merged = { ...mergeReports(reports), generatedAt: run.startedAt };
  if (run.kind === 'sweep') {
    await runSweep({
      ...deps.sweep,
      regions: run.regions,
      auditRegions: async (regions) => reportOfRegions(merged, regions),
      ...(deps.finishBy ? { finishBy: deps.finishBy } : {}),
    });
    await deps.sweepFinished?.(run.startedAt);
  } else {
    const result = await handleChanges(run.messages ?? [], {
      ...deps.change,
      // The chunks audited every function; one the run did not reach (the change resolved differently
      // now) is reported missing from the audit, and its message retried.
      auditFunctions: async (functionArns) => reportOfFunctions(merged, functionArns),
      ...(deps.finishBy ? { finishBy: deps.finishBy } : {}),
    });
    if (result.batchItemFailures.length > 0) {
      deps.logger.warn('change run settled in part: the assembly is retried', {
        runId: item.runId,
        failedMessages: result.batchItemFailures.length,
      });
      return { status: 'retry', reason: 'some functions of the change could not be settled' };
    }
  }
  await deps.runs.markAssembled(item.runId);
  deps.logger.info('run assembled', { runId: item.runId, kind: run.kind, chunks: run.chunks });
  return { status: 'done', assembled: true, completed: run.chunks, chunks: run.chunks };
}

function errorsFor(report: Report, keep: (error: ReportError) => boolean): { errors?: ReportError[] } {
  const errors = (report.errors ?? []).filter(keep);
  return errors.length > 0 ? { errors } : {};
}

function restrict(
  report: Report,
  functions: Report['functions'],
  errors: { errors?: ReportError[] },
): Report {
  return {
    ...mergeReports([{ ...report, functions, ...errors, errors: errors.errors ?? [] }]),
    generatedAt: report.generatedAt,
  };
}

function reportOfRegions(report: Report, regions: readonly string[]): Report {
  const wanted = new Set(regions);
  const functions = report.functions.filter((fn) => wanted.has(regionOf(fn.functionArn)));
  const names = new Set(functions.map((fn) => fn.functionName));
  return restrict(
    report,
    functions,
    errorsFor(report, (e) =>
      e.resource?.startsWith('arn:') ? wanted.has(regionOf(e.resource)) : names.has(e.functionName ?? ''),
    ),
  );
}

function reportOfFunctions(report: Report, functionArns: readonly string[]): Report {
  const wanted = new Set(functionArns);
  const unqualified = (arn: string) => arn.split(':').slice(0, 7).join(':');
  const functions = report.functions.filter((fn) => wanted.has(unqualified(fn.functionArn)));
  const names = new Set(functionArns.map((arn) => functionNameOf(arn) ?? arn));
  return restrict(
    report,
    functions,
    errorsFor(report, (e) => names.has(e.functionName ?? '') || wanted.has(e.functionName ?? '')),
  );
}
