/**
 * The handlers as functions of their runtime, so that tests build them around clients pointed at moto
 * (and faults injected into those very clients) while `functions/<name>/handler.ts` builds them from the
 * environment at cold start.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleChanges } from '../../shared/app/handle-changes.js';
import { runSweep } from '../../shared/app/sweep.js';
import type { ChangeRuntime, SweepRuntime } from './auditor.js';

export function createChangeHandler(runtime: ChangeRuntime, logger: Logger) {
  async function processBatch(event: SQSEvent): Promise<SQSBatchResponse> {
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
      },
    );
    return { batchItemFailures: result.batchItemFailures };
  }
  return middy(processBatch).use(injectLambdaContext(logger));
}

export function createSweepHandler(runtime: SweepRuntime, logger: Logger) {
  async function sweep(): Promise<{ published: boolean; openFindings: number; subject: string }> {
    const result = await runSweep({
      auditRegions: runtime.auditRegions,
      regions: runtime.config.auditRegions,
      stateStore: runtime.stateStore,
      publisher: runtime.publisher,
      minSeverity: runtime.config.minSeverity,
      logger,
    });
    const openFindings = result.digest.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
    return { published: result.published, openFindings, subject: result.subject };
  }
  return middy(sweep).use(injectLambdaContext(logger));
}
