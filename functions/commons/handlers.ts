/**
 * The handlers as functions of their runtime, so that tests build them around clients pointed at moto
 * (and faults injected into those very clients) while `functions/<name>/handler.ts` builds them from the
 * environment at cold start.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  createFunctionTagReader,
  createInventoryStackNames,
} from '../../shared/adapters/notifier/function-tags.js';
import { createAlertDetailStore } from '../../shared/adapters/state-store/alert-detail-store.js';
import { parseWorkItem } from '../../shared/adapters/work-queue/sqs-work-queue.js';
import { lambdaDeadline } from '../../shared/app/deadline.js';
import {
  DEFAULT_FAN_OUT,
  dispatchChange,
  dispatchSweep,
  type FanOutSettings,
  runWorkItem,
} from '../../shared/app/fan-out.js';
import { type HandleChangesDeps, handleChanges } from '../../shared/app/handle-changes.js';
import { runSweep } from '../../shared/app/sweep.js';
import type { ChangeRuntime, SweepRuntime, WorkerRuntime } from './auditor.js';

/**
 * The time kept after the last publish or state write, to return the response: Lambda's timeout must not
 * catch the handler writing (see shared/app/deadline.ts for the reserve kept after the last audit).
 */
const RESPONSE_RESERVE_MS = 2_000;

export interface HandlerOptions {
  /** Functions per audit chunk of the change handler (default: handle-changes.ts's). */
  readonly auditChunkSize?: number;
  /** How runs are cut (default: fan-out.ts's). */
  readonly fanOut?: FanOutSettings;
  /**
   * Reads the CloudFormation stack of a function about to be alerted on (the change handler's entry point
   * gives it a tag reader; without it, its alerts go without the stack hint). The worker reads it from the
   * inventory's tags unless given one.
   */
  readonly stackNameOf?: (functionArn: string) => Promise<string | undefined>;
}

/** Where grouped alerts keep their full detail: the state table (alert-detail-store.ts). */
function alertDetailsOf(runtime: Pick<ChangeRuntime, 'dynamodb' | 'config'>) {
  return createAlertDetailStore({
    client: runtime.dynamodb,
    tableName: runtime.config.stateTableName,
    region: runtime.config.region,
  });
}

/** The worker's work queue redrive: a message received this many times goes to its dead-letter queue next. */
export const WORK_MAX_RECEIVE_COUNT = 5;

/** A big change handed to the worker, when the deployment has a work queue. */
function fanOutOf(
  runtime: Pick<ChangeRuntime, 'workQueue' | 'runs' | 'inventory'>,
  logger: Logger,
  settings: FanOutSettings,
): Pick<HandleChangesDeps, 'fanOut'> {
  const queue = runtime.workQueue;
  if (!queue) return {};
  return {
    fanOut: {
      limit: settings.changeInProcessLimit,
      dispatch: (messages, functionArns) =>
        dispatchChange(messages, functionArns, {
          runs: runtime.runs,
          queue,
          settings,
          logger,
          rolesOf: async (arns) => {
            const entries = await runtime.inventory.getMany(arns);
            const roles = new Map<string, string>();
            for (const [arn, entry] of entries) {
              const role = entry.configuration.Role;
              if (role) roles.set(arn, role.slice(role.lastIndexOf('/') + 1));
            }
            return roles;
          },
        }),
    },
  };
}

export function createChangeHandler(runtime: ChangeRuntime, logger: Logger, options: HandlerOptions = {}) {
  async function processBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    // New per batch: its ListFunctions scans serve this batch only.
    const batch = runtime.newBatch();
    const result = await handleChanges(
      event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
      {
        directory: batch.directory,
        auditFunctions: batch.auditFunctions,
        stateStore: runtime.stateStore,
        publisher: runtime.publisher,
        minSeverity: runtime.config.minSeverity,
        auditRegions: runtime.config.auditRegions,
        account: runtime.config.account,
        logger,
        ...(options.stackNameOf ? { stackNameOf: options.stackNameOf } : {}),
        bigChangeThreshold: runtime.config.bigChangeThreshold,
        alertDetails: alertDetailsOf(runtime),
        // What is not audited before the reserve returns as batchItemFailures, not as a timed-out batch.
        deadline: lambdaDeadline(context),
        finishBy: lambdaDeadline(context, RESPONSE_RESERVE_MS),
        ...(options.auditChunkSize === undefined ? {} : { auditChunkSize: options.auditChunkSize }),
        ...fanOutOf(runtime, logger, options.fanOut ?? DEFAULT_FAN_OUT),
        ...(runtime.securityHub === undefined ? {} : { securityHub: runtime.securityHub }),
      },
    );
    return { batchItemFailures: result.batchItemFailures };
  }
  return middy(processBatch).use(injectLambdaContext(logger));
}

export function createSweepHandler(runtime: SweepRuntime, logger: Logger, options: HandlerOptions = {}) {
  async function sweep(
    _event: unknown,
    context: Context,
  ): Promise<{
    published: boolean;
    openFindings: number;
    subject: string;
    unfinished: number;
    chunks?: number;
  }> {
    const queue = runtime.workQueue;
    if (queue) {
      // Fanned out: the worker audits the chunks, and the last one publishes the digest.
      const dispatched = await dispatchSweep({
        regions: runtime.config.auditRegions,
        listRegion: runtime.listRegion,
        runs: runtime.runs,
        queue,
        settings: options.fanOut ?? DEFAULT_FAN_OUT,
        logger,
        inventory: runtime.inventory,
      });
      return { published: false, openFindings: 0, subject: '', unfinished: 0, chunks: dispatched.chunks };
    }
    const result = await runSweep({
      auditRegions: runtime.auditRegions,
      regions: runtime.config.auditRegions,
      stateStore: runtime.stateStore,
      publisher: runtime.publisher,
      minSeverity: runtime.config.minSeverity,
      logger,
      deadline: lambdaDeadline(context),
      finishBy: lambdaDeadline(context, RESPONSE_RESERVE_MS),
      ...(runtime.securityHub === undefined ? {} : { securityHub: runtime.securityHub }),
    });
    const openFindings = result.digest.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
    const unfinished = result.unfinishedFunctions;
    return { published: result.published, openFindings, subject: result.subject, unfinished };
  }
  return middy(sweep).use(injectLambdaContext(logger));
}

/**
 * The worker: one work item per message (the mapping's batch size is 1, so a chunk is retried alone),
 * failures reported per message. The logic is in shared/app/fan-out.ts.
 */
export function createWorkerHandler(runtime: WorkerRuntime, logger: Logger, options: HandlerOptions = {}) {
  const stackNames = createInventoryStackNames(
    runtime.inventory,
    createFunctionTagReader({
      lambdaByRegion: new Map([...runtime.clientsByRegion].map(([region, c]) => [region, c.lambda])),
    }),
  );
  async function work(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      // Its settlement resolves changes the chunks have read already: no new marks on their entries.
      const batch = runtime.newBatch({ marksInventory: false });
      try {
        const item = parseWorkItem(record.body, record.messageId);
        const outcome = await runWorkItem(item, {
          runs: runtime.runs,
          auditChunk: runtime.auditChunk,
          sweep: {
            stateStore: runtime.stateStore,
            publisher: runtime.publisher,
            minSeverity: runtime.config.minSeverity,
            logger,
            ...(runtime.securityHub === undefined ? {} : { securityHub: runtime.securityHub }),
          },
          change: {
            directory: batch.directory,
            stateStore: runtime.stateStore,
            publisher: runtime.publisher,
            minSeverity: runtime.config.minSeverity,
            auditRegions: runtime.config.auditRegions,
            account: runtime.config.account,
            logger,
            bigChangeThreshold: runtime.config.bigChangeThreshold,
            alertDetails: alertDetailsOf(runtime),
            // The change's functions were read through the inventory, which holds their tags: the stack
            // hint of a function alerted on its own costs no Lambda call (ListTags only where it lacks them).
            stackNameOf: options.stackNameOf ?? stackNames,
            ...(runtime.securityHub === undefined ? {} : { securityHub: runtime.securityHub }),
          },
          sweepFinished: (startedAt) => runtime.inventory.setLastSweep(startedAt),
          logger,
          deadline: lambdaDeadline(context),
          finishBy: lambdaDeadline(context, RESPONSE_RESERVE_MS),
          lastAttempt: Number(record.attributes?.ApproximateReceiveCount ?? '1') >= WORK_MAX_RECEIVE_COUNT,
          claimMs: context.getRemainingTimeInMillis(),
        });
        if (outcome.status === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        logger.warn('work item failed: will retry', {
          messageId: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  }
  return middy(work).use(injectLambdaContext(logger));
}
