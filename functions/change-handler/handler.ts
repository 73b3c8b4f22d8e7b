/**
 * EventBridge (CloudTrail "AWS API Call via CloudTrail" events from IAM and Lambda) → SQS queue → this
 * handler, in batches. The queue's batching window is what coalesces a burst of changes into one audit;
 * failures are reported per message (`batchItemFailures`, with ReportBatchItemFailures on the mapping).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleChanges } from '../../shared/app/handle-changes.js';
import { createAuditorRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createLogger } from '../commons/logger.js';

const logger = createLogger('lambda-role-audit-change-handler');
const runtime = createAuditorRuntime(readAuditorConfig(process.env));

async function processBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const result = await handleChanges(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    {
      directory: runtime.newDirectory(),
      auditFunctions: runtime.auditFunctions,
      stateStore: runtime.stateStore,
      publisher: runtime.publisher,
      minSeverity: runtime.config.minSeverity,
      auditRegions: runtime.config.auditRegions,
      logger,
    },
  );
  return { batchItemFailures: result.batchItemFailures };
}

export const handler = middy(processBatch).use(injectLambdaContext(logger));
