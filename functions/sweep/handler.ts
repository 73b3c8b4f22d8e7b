/**
 * Scheduled (a rate rule): audits the whole account in every audited region and publishes a digest of
 * the open findings. A failure throws, so that the schedule's retry runs it again.
 * The logic is in shared/app/sweep.ts.
 */
import { createSweepRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createSweepHandler } from '../commons/handlers.js';
import { createLogger } from '../commons/logger.js';

export const handler = createSweepHandler(
  createSweepRuntime(readAuditorConfig(process.env)),
  createLogger('lambda-role-audit-sweep'),
);
