/**
 * Small facts about a report that every format states the same way.
 */
import type { Finding, FunctionResult, Report, Severity } from '../../domain/report.js';
import { SEVERITIES } from '../../domain/report.js';

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** Most severe first; then by rule and action, so that output is stable from run to run. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      Number(a.suppressed === true) - Number(b.suppressed === true) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.rule.localeCompare(b.rule) ||
      (a.action ?? '').localeCompare(b.action ?? '') ||
      (a.resource ?? '').localeCompare(b.resource ?? ''),
  );
}

/** The most severe unsuppressed finding's rank, or Infinity when there is none. */
export function worstRank(result: FunctionResult): number {
  let worst = Number.POSITIVE_INFINITY;
  for (const finding of result.findings) {
    if (!finding.suppressed) worst = Math.min(worst, severityRank(finding.severity));
  }
  return worst;
}

export function roleName(roleArn: string): string {
  const slash = roleArn.lastIndexOf('/');
  return slash >= 0 ? roleArn.slice(slash + 1) : roleArn;
}

/** "export folder examples/demo-account · account 123456789012 · eu-west-1" */
export function describeSource(report: Report): string {
  const { source } = report;
  const parts = [
    source.kind === 'export'
      ? `export folder ${source.path ?? ''}`.trim()
      : source.kind === 'template'
        ? `template ${source.path ?? ''}`.trim()
        : 'live account',
  ];
  if (source.account) parts.push(`account ${source.account}`);
  if (source.region) parts.push(source.region);
  return parts.join(' · ');
}

/** "2 critical, 5 high, 1 medium" from the summary (unsuppressed findings), most severe first. */
export function describeCounts(report: Report): string {
  const parts = SEVERITIES.flatMap((severity) => {
    const count = report.summary.findings[severity] ?? 0;
    return count > 0 ? [`${count} ${severity}`] : [];
  });
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

export function suppressedCount(report: Report): number {
  let count = 0;
  for (const result of report.functions) {
    for (const finding of result.findings) if (finding.suppressed) count += 1;
  }
  return count;
}

/** A disabled mapping still needs its permissions (enabling it must not fail); say so in the short form. */
export function causeNote(finding: Finding): string | undefined {
  const cause = finding.cause;
  if (cause?.kind === 'event-source-mapping' && cause.state?.toLowerCase() === 'disabled')
    return 'mapping disabled';
  return undefined;
}

/**
 * The first sentence of a finding's message: what breaks, or what is granted. The rest (which statement,
 * which mapping) is in the JSON and markdown reports; a terminal line stays short enough to scan.
 */
export function firstSentence(message: string): string {
  const end = /[.!?](?=\s+\S)/.exec(message);
  return end ? message.slice(0, end.index + 1) : message;
}
