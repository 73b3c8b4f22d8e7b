/**
 * The handlers as functions of their runtime, so that tests build them around clients pointed at moto
 * (and faults injected into those very clients) while `functions/<name>/handler.ts` builds them from the
 * environment at cold start.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaDeadline } from '../../shared/app/deadline.js';
import { handleChanges } from '../../shared/app/handle-changes.js';
import { runSweep } from '../../shared/app/sweep.js';
import type { ChangeRuntime, SweepRuntime } from './auditor.js';

/**
 * The time kept after the last publish or state write, to return the response: Lambda's timeout must not
 * catch the handler writing (see shared/app/deadline.ts for the reserve kept after the last audit).
 */
const RESPONSE_RESERVE_MS = 2_000;

export interface HandlerOptions {
  /** Functions per audit chunk of the change handler (default: handle-changes.ts's). */
  readonly auditChunkSize?: number;
  /**
   * Reads the CloudFormation stack of a function about to be alerted on (the change handler's entry point
   * gives it a tag reader; without it, alerts go without the stack hint).
   */
  readonly stackNameOf?: (functionArn: string) => Promise<string | undefined>;
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
        // What is not audited before the reserve returns as batchItemFailures, not as a timed-out batch.
        deadline: lambdaDeadline(context),
        finishBy: lambdaDeadline(context, RESPONSE_RESERVE_MS),
        ...(options.auditChunkSize === undefined ? {} : { auditChunkSize: options.auditChunkSize }),
        ...(runtime.securityHub === undefined ? {} : { securityHub: runtime.securityHub }),
      },
    );
    return { batchItemFailures: result.batchItemFailures };
  }
  return middy(processBatch).use(injectLambdaContext(logger));
}

export function createSweepHandler(runtime: SweepRuntime, logger: Logger) {
  async function sweep(
    _event: unknown,
    context: Context,
  ): Promise<{ published: boolean; openFindings: number; subject: string; unfinished: number }> {
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
