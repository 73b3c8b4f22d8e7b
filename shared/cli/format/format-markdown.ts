/**
 * `--format markdown`: for a pull-request comment or a ticket. A summary table of every function, then a
 * section per function with findings (a table with the fix) and its recommended policy as a JSON block
 * that can be pasted into IAM as it is.
 */
import type { Finding, FunctionResult, Report } from '../../domain/report.js';
import { SEVERITIES } from '../../domain/report.js';
import { plainFix } from './plain-fix.js';
import { describeSource, roleName, sortFindings, suppressedCount, worstRank } from './report-facts.js';

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  out.push('## Lambda execution role audit', '');
  out.push(`${describeSource(report)} · generated ${report.generatedAt}`, '');

  const { functions, compliant } = report.summary;
  const suppressed = suppressedCount(report);
  const counts = [
    ...SEVERITIES.flatMap((severity) => {
      const count = report.summary.findings[severity] ?? 0;
      return count > 0 ? [`${count} ${severity}`] : [];
    }),
    ...(suppressed > 0 ? [`${suppressed} suppressed`] : []),
  ];
  out.push(
    `**${compliant} of ${functions} functions compliant**${counts.map((count) => ` · ${count}`).join('')}`,
    '',
  );

  const ordered = [...report.functions].sort(
    (a, b) => worstRank(a) - worstRank(b) || a.functionName.localeCompare(b.functionName),
  );
  out.push('| Function | Role | Compliant | Findings |', '|---|---|---|---|');
  for (const result of ordered) {
    out.push(
      `| ${cell(result.functionName)} | ${cell(roleName(result.roleArn))} | ${result.compliant ? '✅' : '❌'} | ${cell(countFindings(result))} |`,
    );
  }
  out.push('');

  const errors = report.errors ?? [];
  if (errors.length > 0) {
    out.push('### Not audited (the audit is incomplete)', '');
    for (const error of errors) {
      out.push(
        `- ${error.functionName ? `**${escapeInline(error.functionName)}**: ` : ''}${escapeInline(error.message)}`,
      );
    }
    out.push('');
  }

  for (const result of ordered) {
    if (result.findings.length === 0) continue;
    out.push(...functionSection(result));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function functionSection(result: FunctionResult): string[] {
  const out: string[] = [`### ${escapeInline(result.functionName)}`, ''];
  const shared =
    result.sharedWith && result.sharedWith.length > 0
      ? `, shared with ${result.sharedWith.map((name) => `\`${name}\``).join(', ')}`
      : '';
  out.push(`Role \`${result.roleArn}\`${shared}`);
  out.push('', '| Severity | Rule | Finding | Fix |', '|---|---|---|---|');
  for (const finding of sortFindings(result.findings)) out.push(findingRow(finding));
  out.push('');
  if (result.recommendedPolicy) {
    out.push('Recommended policy (grants what this function needs, and nothing else):', '');
    out.push('```json', JSON.stringify(result.recommendedPolicy, null, 2), '```', '');
  }
  return out;
}

function findingRow(finding: Finding): string {
  const message = finding.message;
  if (finding.suppressed) {
    const reason = finding.suppressionReason ? `: ${finding.suppressionReason}` : '';
    return `| ~~${finding.severity}~~ suppressed | \`${finding.rule}\` | ${cell(message)} | ${cell(`suppressed${reason}`)} |`;
  }
  return `| **${finding.severity}** | \`${finding.rule}\` | ${cell(message)} | ${cell(plainFix(finding))} |`;
}

function countFindings(result: FunctionResult): string {
  const active = result.findings.filter((finding) => !finding.suppressed);
  if (active.length === 0) return result.findings.length > 0 ? 'suppressed only' : '—';
  return SEVERITIES.flatMap((severity) => {
    const count = active.filter((finding) => finding.severity === severity).length;
    return count > 0 ? [`${count} ${severity}`] : [];
  }).join(', ');
}

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return escapeInline(text).replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
}

/** Markdown would read `*` in `sqs:*` or ARNs as emphasis. */
function escapeInline(text: string): string {
  return text.replace(/([\\*_`[\]<>])/g, '\\$1');
}
