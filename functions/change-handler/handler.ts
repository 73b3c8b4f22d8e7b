/**
 * EventBridge (CloudTrail "AWS API Call via CloudTrail" events from IAM and Lambda) → SQS queue → this
 * handler, in batches. The queue's batching window is what coalesces a burst of changes into one audit;
 * failures are reported per message (`batchItemFailures`; the mapping sets ReportBatchItemFailures).
 * The logic is in shared/app/handle-changes.ts.
 */
import { createFunctionTagReader } from '../../shared/adapters/notifier/function-tags.js';
import { createChangeRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createChangeHandler } from '../commons/handlers.js';
import { createLogger } from '../commons/logger.js';

const runtime = createChangeRuntime(readAuditorConfig(process.env));
// Tags (for the alert's CloudFormation hint) only for functions about to be alerted on: ListTags.
const tags = createFunctionTagReader({
  lambdaByRegion: new Map([...runtime.clientsByRegion].map(([region, clients]) => [region, clients.lambda])),
});

export const handler = createChangeHandler(runtime, createLogger('lambda-role-audit-change-handler'), {
  stackNameOf: (functionArn) => tags.stackNameOf(functionArn),
});
