/** Runs the engine on a one-function (or small) snapshot and returns what the rules tests look at. */
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { type AuditOptions, auditAccount } from '../../../shared/domain/audit/audit-account.js';
import type { ActionCatalog } from '../../../shared/domain/policy/action-catalog.js';
import type { Finding, FunctionResult, Report } from '../../../shared/domain/report.js';
import { type SnapshotSpec, snapshot } from '../../support/snapshot-builder.js';

let catalog: ActionCatalog | undefined;

export async function testCatalog(): Promise<ActionCatalog> {
  catalog ??= await loadActionCatalog();
  return catalog;
}

export async function audit(spec: SnapshotSpec, options: Partial<AuditOptions> = {}): Promise<Report> {
  return auditAccount(snapshot(spec), {
    catalog: await testCatalog(),
    generatedAt: '2026-11-26T12:00:00.000Z',
    ...options,
  });
}

export function resultOf(report: Report, functionName: string): FunctionResult {
  const result = report.functions.find((candidate) => candidate.functionName === functionName);
  if (result === undefined)
    throw new Error(`no result for ${functionName}: ${JSON.stringify(report.errors)}`);
  return result;
}

export function findingsOf(report: Report, functionName: string, rule?: string): Finding[] {
  return resultOf(report, functionName).findings.filter(
    (finding) => rule === undefined || finding.rule === rule,
  );
}
