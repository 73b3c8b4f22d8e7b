/**
 * The fan-out worker (issue 10): SQS work queue → this handler, one chunk of a sweep or of a big change per
 * invocation, failures reported per message (`batchItemFailures`) so that a chunk is retried alone. The
 * last chunk of a run assembles it (the digest, or the change's grouped alert). Its Lambda requests take
 * their tokens from the pace every invocation of the stack shares (LAMBDA_REQUESTS_PER_SECOND per Region,
 * docs/scaling.md). The logic is in shared/app/fan-out.ts.
 */
import { createWorkerRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createWorkerHandler } from '../commons/handlers.js';
import { createLogger } from '../commons/logger.js';

export const handler = createWorkerHandler(
  createWorkerRuntime(readAuditorConfig(process.env)),
  createLogger('lambda-role-audit-worker'),
);
