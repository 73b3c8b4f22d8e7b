/**
 * The change use case: a batch of CloudTrail events (as the SQS messages EventBridge delivered) in, at
 * most one alert per affected function out.
 *
 * 1. Parse and classify each message. A malformed message fails (it returns to the queue and, after
 *    maxReceiveCount, lands in the dead-letter queue where someone can read it). A failed API call, an
 *    event we do not act on, or one naming nothing that still exists is logged and dropped: retrying it
 *    would never help. So is an event that is not an audited event of this account, or that names
 *    another account's function (event-origin.ts), before any API call.
 * 2. Resolve each change to functions, then coalesce: twenty events on one role in a batch give one audit
 *    per region and at most one alert per function.
 * 3. Audit the affected functions together, whatever their regions (a role is judged with its functions in
 *    every audited region), through the per-function read path; compare their alerting findings (and
 *    those of the published versions their qualified mappings use) with the state table, and publish only
 *    when findings appeared or were resolved.
 * 4. Report failures per message (`batchItemFailures`): a message fails when any function it affects
 *    could not be settled, and only those messages are retried.
 *
 * Deadline: the functions are audited in chunks (functions resolved together, a role's functions always
 * among them, stay in one chunk: a shared role is judged as a whole). No chunk is started once `deadline`
 * has passed, and the audit of a chunk stops at it; what was audited is settled (publishing and writing
 * state, within `finishBy`), and the functions left over fail their messages, so that the batch returns
 * well before Lambda's timeout with its finished work kept. A timed-out invocation would instead return
 * every message of the batch, finished or not.
 *
 * Idempotency, and why state is written after the publish:
 * - publish fails → nothing is written → the message is retried, sees the same difference and publishes
 *   again (with the same `alert_id`): no alert is lost;
 * - publish and state write succeed → a retry of the message (because another function of it failed)
 *   finds no difference for this function and sends nothing: no duplicate;
 * - publish succeeds, then the state write fails (DynamoDB throttling after the SDK's retries) → the
 *   message is NOT failed for it: people have been told, and a retry could only tell them twice. The
 *   stale state means the next change to that function announces the same findings again (same
 *   `alert_id`, so a subscriber can drop it), and the daily sweep rewrites the state at the latest.
 *   No order of two writes to two services avoids every repeat without a transaction spanning them; this
 *   order makes loss impossible and confines repeats to a rare, later, identifiable message.
 */

import type { AlertPublisher } from '../adapters/notifier/sns-notifier.js';
import type {
  FunctionState,
  StateReader,
  StateWriter,
} from '../adapters/state-store/dynamodb-state-store.js';
import {
  type AlertDocument,
  buildFunctionAlert,
  buildSuppressionNotice,
  changeTime,
  diffFindings,
  type FindingDiff,
  isAlerting,
  rememberFindings,
} from '../alerts/alert-document.js';
import {
  type BigChangeDetailDocument,
  buildBigChangeAlert,
  buildBigChangeDetail,
  type StoredDetail,
} from '../alerts/big-change.js';
import { appendTo } from '../alerts/collections.js';
import { renderSnsAlert } from '../alerts/sns-message.js';
import type { FunctionResult, Report, ReportError, Severity } from '../domain/report.js';
import { type Change, classifyEvent, functionNameOf } from '../events/change.js';
import { parseCloudTrailEvent } from '../events/cloudtrail-event.js';
import { foreignChangeReason, foreignEventReason } from '../events/event-origin.js';
import { type Directory, resolveAffectedFunctions } from '../events/resolve-affected.js';
import { type Deadline, NO_DEADLINE } from './deadline.js';
import { type HubOutcome, recordChangeInHub, type SecurityHubSink } from './security-hub-sync.js';

/** The part of an SQS record the use case reads. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
}

/** Structured logging (Powertools' Logger satisfies it). Never pass whole events or environment here. */
export interface LogSink {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface HandleChangesDeps {
  readonly directory: Directory & { functionExists(functionArn: string): Promise<boolean> };
  /**
   * Audits these functions (unqualified ARNs, in any audited regions) together, through the per-function
   * read path; a function the audit could not finish before `deadline` is listed under the report's `errors`.
   */
  readonly auditFunctions: (functionArns: readonly string[], deadline?: Deadline) => Promise<Report>;
  readonly stateStore: StateReader & StateWriter;
  readonly publisher: AlertPublisher;
  readonly minSeverity: Severity;
  /** Regions whose functions are audited; changes to functions elsewhere are dropped. */
  readonly auditRegions: readonly string[];
  /** This account: events of another account, or naming another account's resources, are dropped. */
  readonly account: string;
  readonly logger: LogSink;
  /**
   * The CloudFormation stack a function came from (its `aws:cloudformation:stack-name` tag), read only
   * for functions about to be alerted; `undefined` when it has none or the tag cannot be read.
   */
  readonly stackNameOf?: (functionArn: string) => Promise<string | undefined>;
  /** More functions than this with news from one change give one grouped alert (default 10). */
  readonly bigChangeThreshold?: number;
  /**
   * Where a grouped alert's full detail (every function's new and fixed findings: megabytes for thousands
   * of functions, beyond SNS's 256 KB) is stored before the alert, which says how to read it. Without it,
   * the alert says each function's findings are in the state table.
   */
  readonly alertDetails?: AlertDetailStore;
  /** When to stop starting audits (default: never). */
  readonly deadline?: Deadline;
  /** When to stop settling audited functions, publishing and writing state (default: never). */
  readonly finishBy?: Deadline;
  /** Functions per audit chunk, at least (default 25); functions resolved together are never split. */
  readonly auditChunkSize?: number;
  /**
   * Big changes (issue 10): when the batch affects more than `limit` functions, more than one invocation
   * can audit within its deadline, they are handed to the worker as a run (fan-out.ts), which settles them
   * with this same code once every chunk is audited. The messages succeed once the run is dispatched.
   */
  readonly fanOut?: {
    readonly limit: number;
    dispatch(messages: readonly QueueMessage[], functionArns: readonly string[]): Promise<unknown>;
  };
  /** Security Hub, when the deployment sends findings there: updated after each alert is published. */
  readonly securityHub?: SecurityHubSink;
}

/** Stores the detail of a grouped alert (implemented in the state table: alert-detail-store.ts). */
export interface AlertDetailStore {
  /** Stores it under the alert's id (a retry overwrites the same), and says where and how to read it. */
  store(detail: BigChangeDetailDocument): Promise<StoredDetail>;
}

/** The default of `bigChangeThreshold` (issue 10: "setting, default 10"). */
export const BIG_CHANGE_THRESHOLD = 10;

export interface FunctionOutcome {
  readonly functionArn: string;
  /** `unfinished`: left for a retry because the invocation's time ran out; `dispatched`: to the worker. */
  readonly outcome: 'alerted' | 'unchanged' | 'deleted' | 'failed' | 'unfinished' | 'dispatched';
  readonly alert?: AlertDocument;
  readonly subject?: string;
  /** What the alert's Security Hub update did (failed records are left for the sweep). */
  readonly securityHub?: HubOutcome;
}

export interface HandleChangesResult {
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly functions: readonly FunctionOutcome[];
}

interface Affected {
  readonly messageIds: Set<string>;
  readonly changes: Change[];
}

/** Functions per audit chunk when the caller does not say: a chunk's read and audit take a few seconds. */
export const AUDIT_CHUNK_SIZE = 25;

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function regionOf(functionArn: string): string {
  return functionArn.split(':')[3] ?? '';
}

/** Most recent first, one entry per CloudTrail event (a redelivered event is the same change). */
function distinctChanges(changes: readonly Change[]): Change[] {
  const seen = new Set<string>();
  const out: Change[] = [];
  for (const change of [...changes].sort((a, b) => b.eventTime.localeCompare(a.eventTime))) {
    const key = change.eventId ?? `${change.eventName}|${change.eventTime}|${change.summary}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(change);
  }
  return out;
}

export async function handleChanges(
  messages: readonly QueueMessage[],
  deps: HandleChangesDeps,
): Promise<HandleChangesResult> {
  const { logger } = deps;
  const failed = new Set<string>();
  const affected = new Map<string, Affected>();
  const auditRegions = new Set(deps.auditRegions);
  // The same role or policy named by many events of the batch is resolved once.
  const resolutions = new Map<string, Promise<readonly string[]>>();
  // Functions resolved from one change are audited in one chunk (see `chunksOf`); in message order.
  const groups: (readonly string[])[] = [];

  await Promise.all(
    messages.map(async (message, index) => {
      const parsed = parseCloudTrailEvent(message.body);
      if (!parsed.ok) {
        logger.error('malformed event: left for the dead-letter queue', {
          messageId: message.messageId,
          reason: parsed.error,
        });
        failed.add(message.messageId);
        return;
      }
      const eventName = parsed.event.detail.eventName;
      const eventId = parsed.event.detail.eventID;
      const foreign = foreignEventReason(parsed.event, deps.account);
      if (foreign !== undefined) {
        logger.warn('event ignored: not an audited event of this account', {
          messageId: message.messageId,
          eventId,
          reason: foreign,
        });
        return;
      }
      const classified = classifyEvent(parsed.event);
      if (classified.kind === 'ignored') {
        logger.info('event ignored', {
          messageId: message.messageId,
          eventName,
          eventId,
          reason: classified.reason,
        });
        return;
      }
      const change = classified.change;
      const outside = foreignChangeReason(change, deps.account);
      if (outside !== undefined) {
        logger.warn('event ignored: it names a resource of another account', {
          messageId: message.messageId,
          eventName,
          eventId,
          reason: outside,
        });
        return;
      }
      const key = JSON.stringify(change.target);
      let resolution = resolutions.get(key);
      if (!resolution) {
        resolution = resolveAffectedFunctions(change, deps.directory);
        resolutions.set(key, resolution);
      }
      let functionArns: readonly string[];
      try {
        functionArns = await resolution;
      } catch (error) {
        logger.warn('cannot resolve the functions a change affects: will retry', {
          messageId: message.messageId,
          eventName,
          eventId,
          error: errorText(error),
        });
        failed.add(message.messageId);
        return;
      }
      const inScope = functionArns.filter((arn) => auditRegions.has(regionOf(arn)));
      if (inScope.length === 0) {
        logger.info('event names no function to audit: dropped', {
          messageId: message.messageId,
          eventName,
          eventId,
          target: change.target,
          outOfScope: functionArns.length,
        });
        return;
      }
      groups[index] = inScope;
      for (const arn of inScope) {
        const entry = affected.get(arn) ?? { messageIds: new Set<string>(), changes: [] };
        entry.messageIds.add(message.messageId);
        entry.changes.push(change);
        affected.set(arn, entry);
      }
    }),
  );

  if (deps.fanOut && affected.size > deps.fanOut.limit) {
    const owning = messages.filter(
      (m) => !failed.has(m.messageId) && [...affected.values()].some((e) => e.messageIds.has(m.messageId)),
    );
    try {
      await deps.fanOut.dispatch(owning, [...affected.keys()]);
    } catch (error) {
      logger.warn('cannot hand the big change to the worker: will retry', {
        functions: affected.size,
        error: errorText(error),
      });
      for (const m of owning) failed.add(m.messageId);
    }
    return {
      batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })),
      functions: [...affected.keys()].map((functionArn) => ({
        functionArn,
        outcome: owning.some((m) => failed.has(m.messageId)) ? 'failed' : 'dispatched',
      })),
    };
  }

  const outcomes: FunctionOutcome[] = [];
  const fail = (arn: string, reason: string, error?: unknown) => {
    logger.warn(reason, { functionArn: arn, ...(error === undefined ? {} : { error: errorText(error) }) });
    for (const id of affected.get(arn)?.messageIds ?? []) failed.add(id);
    outcomes.push({ functionArn: arn, outcome: 'failed' });
  };
  const leftOver: string[] = [];
  const leave = (arn: string) => {
    for (const id of affected.get(arn)?.messageIds ?? []) failed.add(id);
    outcomes.push({ functionArn: arn, outcome: 'unfinished' });
    leftOver.push(arn);
  };
  const deadline = deps.deadline ?? NO_DEADLINE;
  const finishBy = deps.finishBy ?? NO_DEADLINE;

  const chunks = chunksOf(
    groups.filter((group) => group !== undefined),
    deps.auditChunkSize ?? AUDIT_CHUNK_SIZE,
  );
  for (const chunk of chunks) {
    if (deadline.remainingMs() <= 0) {
      for (const arn of chunk) leave(arn);
      continue;
    }
    let report: Report;
    try {
      // Every region of the chunk in one audit: a role shared across regions is judged as a whole.
      report = await deps.auditFunctions(chunk, deadline);
    } catch (error) {
      for (const arn of chunk) fail(arn, 'audit failed: will retry', error);
      continue;
    }
    // A published version a qualified mapping uses is judged as its own result: settled like a function,
    // for the messages of the function it belongs to.
    const arns = [...chunk];
    for (const result of report.functions) {
      const entry = affected.get(result.functionArn.split(':').slice(0, 7).join(':'));
      if (!entry || affected.has(result.functionArn)) continue;
      affected.set(result.functionArn, entry);
      arns.push(result.functionArn);
    }
    // One BatchGetItem for the remembered states of the chunk's functions, not one read each.
    let states: Map<string, FunctionState>;
    try {
      states = await deps.stateStore.getMany(arns);
    } catch (error) {
      for (const arn of arns) fail(arn, 'cannot read the remembered findings: will retry', error);
      continue;
    }
    // First what changed for each function (a few at a time: a deleted function costs a lookup)…
    const news: News[] = [];
    await forEachLimited(arns, SETTLE_CONCURRENCY, async (arn) => {
      const entry = affected.get(arn);
      if (!entry) return;
      // Past the deadline, a function the audit did not finish is left for the retry as it is: asking
      // whether it was deleted meanwhile would spend the time that is left on API calls.
      if (finishBy.remainingMs() <= 0 || (deadline.remainingMs() <= 0 && errorsOf(report, arn).length > 0)) {
        leave(arn);
        return;
      }
      try {
        const prepared = await prepareFunction(arn, entry, report, states.get(arn), deps);
        if ('outcome' in prepared) outcomes.push(prepared);
        else news.push(prepared);
      } catch (error) {
        fail(arn, 'cannot settle function: will retry', error);
      }
    });
    // …then one alert per function, or one for a change that brought news to more than the threshold.
    const threshold = deps.bigChangeThreshold ?? BIG_CHANGE_THRESHOLD;
    const byChange = new Map<string, News[]>();
    // A suppression notice is about what one tag hides on one function: it is never grouped.
    for (const item of news)
      appendTo(byChange, item.tagChanged ? `tag|${item.functionArn}` : item.changeKey, item);
    for (const group of byChange.values()) {
      if (group.length > threshold && !group.some((item) => item.tagChanged)) {
        try {
          outcomes.push(...(await publishBigChange(group, report, threshold, deps)));
        } catch (error) {
          for (const item of group)
            fail(item.functionArn, 'cannot publish the grouped alert: will retry', error);
        }
        continue;
      }
      await forEachLimited(group, SETTLE_CONCURRENCY, async (item) => {
        try {
          outcomes.push(await publishFunction(item, report, deps));
        } catch (error) {
          fail(item.functionArn, 'cannot settle function: will retry', error);
        }
      });
    }
  }

  if (leftOver.length > 0) {
    logger.warn('time ran out before every function was audited: their messages are left for a retry', {
      unfinished: leftOver.length,
      functionArns: leftOver.slice(0, 20),
      remainingMs: deadline.remainingMs(),
    });
  }
  logger.info('batch done', {
    messages: messages.length,
    functions: affected.size,
    alerted: outcomes.filter((o) => o.outcome === 'alerted').length,
    unfinished: leftOver.length,
    failedMessages: failed.size,
  });
  return {
    batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })),
    functions: outcomes,
  };
}

const SETTLE_CONCURRENCY = 8;

/** What the report says could not be read or audited about one function. */
function errorsOf(report: Report, functionArn: string): ReportError[] {
  const name = functionNameOf(functionArn);
  return (report.errors ?? []).filter((e) => e.functionName === name || e.functionName === functionArn);
}

/**
 * The affected functions in audit chunks: functions resolved from one change (every function of a role, or
 * of the roles attaching a policy, in every audited region) are never split, because the audit judges a
 * shared role from all of its functions, across regions; groups that share a function are merged; groups are
 * packed in their order until a chunk holds at least `size` functions.
 */
export function chunksOf(groups: readonly (readonly string[])[], size: number): string[][] {
  // Union-find over the functions: each group joins its members to its first.
  const parent = new Map<string, string>();
  const root = (arn: string): string => {
    let top = arn;
    for (let up = parent.get(top); up !== undefined && up !== top; up = parent.get(top)) top = up;
    // Path compression: point the walked chain at the root.
    for (let at = arn; at !== top; ) {
      const next = parent.get(at) ?? top;
      parent.set(at, top);
      at = next;
    }
    return top;
  };
  for (const group of groups) {
    const [first] = group;
    if (first === undefined) continue;
    if (!parent.has(first)) parent.set(first, first);
    for (const arn of group) {
      if (!parent.has(arn)) parent.set(arn, arn);
      const a = root(first);
      const b = root(arn);
      if (a !== b) parent.set(b, a);
    }
  }
  // Components in order of first appearance.
  const components = new Map<string, string[]>();
  for (const arn of parent.keys()) {
    const top = root(arn);
    const component = components.get(top);
    if (component === undefined) components.set(top, [arn]);
    else component.push(arn);
  }
  const chunks: string[][] = [];
  let open: string[] = [];
  for (const component of components.values()) {
    open.push(...component);
    if (open.length >= size) {
      chunks.push(open);
      open = [];
    }
  }
  if (open.length > 0) chunks.push(open);
  return chunks;
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A function whose findings differ from what was last reported: it will be alerted on. */
interface News {
  readonly functionArn: string;
  readonly result: FunctionResult;
  readonly diff: FindingDiff;
  readonly changes: readonly Change[];
  readonly previous: FunctionState | undefined;
  /** The distinct events behind the news, so that functions touched by the same change group together. */
  readonly changeKey: string;
  /** A change to the suppress tag is among the events: the news is a suppression notice. */
  readonly tagChanged: boolean;
}

/** Settles a function with nothing to announce (unchanged, deleted), or returns its news. */
async function prepareFunction(
  functionArn: string,
  entry: Affected,
  report: Report,
  state: FunctionState | undefined,
  deps: HandleChangesDeps,
): Promise<FunctionOutcome | News> {
  const name = functionNameOf(functionArn);
  const result =
    report.functions.find((fn) => fn.functionArn === functionArn) ??
    report.functions.find((fn) => fn.functionName === name && fn.version === undefined);
  const errors = errorsOf(report, functionArn);
  if (!result || errors.length > 0) {
    // Either the function is gone (deleted since the event), or part of it could not be read. Only the
    // first is settled; alerting on a half-read function could announce findings that are not there.
    if (!(await deps.directory.functionExists(functionArn))) {
      await deps.stateStore.delete(functionArn);
      deps.logger.info('function no longer exists: state cleared, nothing to alert', { functionArn });
      return { functionArn, outcome: 'deleted' };
    }
    throw new Error(
      result
        ? `incomplete audit: ${errors.map((e) => e.message).join('; ')}`
        : 'the audit returned no result for the function',
    );
  }

  const open = result.findings.filter((f) => isAlerting(f, deps.minSeverity));
  const diff = diffFindings(state?.findings ?? [], open);
  // A change to the suppress tag is news even when no alerting finding moved: what it hides now, or tried to.
  const tagChanged = entry.changes.some((change) => change.suppressTag !== undefined);
  if (diff.added.length === 0 && diff.resolved.length === 0 && !tagChanged) {
    deps.logger.info('findings unchanged: no alert', { functionArn, open: open.length });
    return { functionArn, outcome: 'unchanged' };
  }
  const changes = distinctChanges(entry.changes);
  const changeKey = changes
    .map((c) => c.eventId ?? `${c.eventName}|${c.eventTime}|${c.summary}`)
    .sort()
    .join('\n');
  return { functionArn, result, diff, changes, previous: state, changeKey, tagChanged };
}

/** The state to write for a function once people have been told. */
function stateOf(item: News, report: Report, alertId: string): FunctionState {
  return {
    functionArn: item.functionArn,
    findings: rememberFindings(
      item.previous?.findings ?? [],
      item.diff.open,
      changeTime(item.changes, report.generatedAt),
    ),
    auditedAt: report.generatedAt,
    alertId,
  };
}

/** Writes state after a publish; a failed write is logged, not failed (see the header). */
async function writeState(state: FunctionState, deps: HandleChangesDeps): Promise<boolean | 'failed'> {
  try {
    return await deps.stateStore.put(state);
  } catch (error) {
    deps.logger.error('alert sent but its state was not written: the next change may repeat it', {
      functionArn: state.functionArn,
      alertId: state.alertId,
      error: errorText(error),
    });
    return 'failed';
  }
}

async function stackNameOf(functionArn: string, deps: HandleChangesDeps): Promise<string | undefined> {
  if (!deps.stackNameOf) return undefined;
  try {
    return await deps.stackNameOf(functionArn);
  } catch (error) {
    // Only a hint in the alert: never a reason to hold the alert back.
    deps.logger.warn('cannot read the function tags: the alert goes without the stack hint', {
      functionArn,
      error: errorText(error),
    });
    return undefined;
  }
}

async function publishFunction(
  item: News,
  report: Report,
  deps: HandleChangesDeps,
): Promise<FunctionOutcome> {
  const { functionArn, diff } = item;
  const input = { report, result: item.result, diff, changes: item.changes };
  let document: AlertDocument;
  if (item.tagChanged) {
    document = buildSuppressionNotice(input);
    if (item.previous?.alertId === document.alertId) {
      // A retried message (another function of it failed): this notice is out already.
      deps.logger.info('suppression notice already sent', { functionArn, alertId: document.alertId });
      return { functionArn, outcome: 'unchanged' };
    }
  } else {
    const stackName = await stackNameOf(functionArn, deps);
    document = buildFunctionAlert({ ...input, ...(stackName === undefined ? {} : { stackName }) });
  }
  const message = renderSnsAlert(document);
  const messageId = await deps.publisher.publish(message);
  const securityHub = await recordInHub(item, report, deps);
  const written = await writeState(stateOf(item, report, document.alertId), deps);
  deps.logger.info('alert published', {
    functionArn,
    alertId: document.alertId,
    snsMessageId: messageId,
    added: diff.added.length,
    resolved: diff.resolved.length,
    stateWritten: written,
    ...(securityHub === undefined ? {} : { securityHubFailed: securityHub.failed.length }),
  });
  return {
    functionArn,
    outcome: 'alerted',
    alert: message.document,
    subject: message.subject,
    ...(securityHub === undefined ? {} : { securityHub }),
  };
}

/**
 * Security Hub says what the alert says, in the same run, after the publish; its failures never fail the
 * message (see security-hub-sync.ts): the sweep imports what is missing.
 */
async function recordInHub(
  item: News,
  report: Report,
  deps: HandleChangesDeps,
): Promise<HubOutcome | undefined> {
  if (deps.securityHub === undefined) return undefined;
  return recordChangeInHub(deps.securityHub, {
    report,
    result: item.result,
    added: item.diff.added,
    resolved: item.diff.resolved,
    logger: deps.logger,
  });
}

/**
 * One alert for a change that brought news to more functions than the threshold; each function's state
 * is still written, so the next change alerts per function again. Its full detail is stored first (the
 * alert names every function; their findings are megabytes for thousands of functions).
 */
async function publishBigChange(
  items: readonly News[],
  report: Report,
  threshold: number,
  deps: HandleChangesDeps,
): Promise<FunctionOutcome[]> {
  const input = {
    report,
    entries: items.map((item) => ({ result: item.result, diff: item.diff })),
    changes: items[0]?.changes ?? [],
    threshold,
  };
  // The detail first: an alert never points at what is not there yet. A failure fails the group like a
  // refused publish (nothing sent, no state written, the messages retried); the retry overwrites it.
  const detail = deps.alertDetails ? await deps.alertDetails.store(buildBigChangeDetail(input)) : undefined;
  const document = buildBigChangeAlert({ ...input, ...(detail === undefined ? {} : { detail }) });
  const message = renderSnsAlert(document);
  const messageId = await deps.publisher.publish(message);
  let notWritten = 0;
  const hub = new Map<string, HubOutcome>();
  await forEachLimited(items, SETTLE_CONCURRENCY, async (item) => {
    const securityHub = await recordInHub(item, report, deps);
    if (securityHub !== undefined) hub.set(item.functionArn, securityHub);
    if ((await writeState(stateOf(item, report, document.alertId), deps)) === 'failed') notWritten += 1;
  });
  deps.logger.info('grouped alert published', {
    alertId: document.alertId,
    snsMessageId: messageId,
    functions: items.length,
    namedInMessage:
      items.length - (message.document.type === 'big-change' ? (message.document.omittedFunctions ?? 0) : 0),
    messageBytes: Buffer.byteLength(message.message),
    ...(detail === undefined ? {} : { detailBytes: detail.bytes }),
    threshold,
    statesNotWritten: notWritten,
  });
  return items.map((item) => {
    const securityHub = hub.get(item.functionArn);
    return {
      functionArn: item.functionArn,
      outcome: 'alerted' as const,
      alert: message.document,
      subject: message.subject,
      ...(securityHub === undefined ? {} : { securityHub }),
    };
  });
}
