/**
 * Scheduled (EventBridge Scheduler or a rate rule): audits the whole account in every audited region and
 * publishes a digest of the open findings. A failure throws: the schedule's retry policy runs it again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { runSweep } from '../../shared/app/sweep.js';
import { createAuditorRuntime } from '../commons/auditor.js';
import { readAuditorConfig } from '../commons/config.js';
import { createLogger } from '../commons/logger.js';

const logger = createLogger('lambda-role-audit-sweep');
const runtime = createAuditorRuntime(readAuditorConfig(process.env));

async function sweep(): Promise<{ published: boolean; openFindings: number; subject: string }> {
  const result = await runSweep({
    auditRegion: runtime.auditRegion,
    regions: runtime.config.auditRegions,
    stateStore: runtime.stateStore,
    publisher: runtime.publisher,
    minSeverity: runtime.config.minSeverity,
    logger,
  });
  const openFindings = result.digest.report.functions.reduce((n, fn) => n + fn.findings.length, 0);
  return { published: result.published, openFindings, subject: result.subject };
}

export const handler = middy(sweep).use(injectLambdaContext(logger));
