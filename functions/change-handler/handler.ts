/**
 * EventBridge (CloudTrail "AWS API Call via CloudTrail" events from IAM and Lambda) → SQS queue → this
 * handler, in batches. The queue's batching window is what coalesces a burst of changes into one audit;
 * failures are reported per message (`batchItemFailures`; the mapping sets ReportBatchItemFailures).
 * The logic is in shared/app/handle-changes.ts.
 */
import { createChangeRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createChangeHandler } from '../commons/handlers.js';
import { createLogger } from '../commons/logger.js';

export const handler = createChangeHandler(
  createChangeRuntime(readAuditorConfig(process.env)),
  createLogger('lambda-role-audit-change-handler'),
);
