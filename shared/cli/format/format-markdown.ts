/**
 * `--format markdown`: for a pull-request comment or a ticket. A summary table of every function, then a
 * section per function with findings (a table with the fix) and its recommended policy as a JSON block
 * that can be pasted into IAM as it is.
 */

import { readableJson } from '../../alerts/escape.js';
import type { Finding, FunctionResult, Report } from '../../domain/report.js';
import { SEVERITIES } from '../../domain/report.js';
import { markdownCode, markdownText } from './escape.js';
import { plainFix } from './plain-fix.js';
import { describeSource, roleName, sortFindings, suppressedCount, worstRank } from './report-facts.js';

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  out.push('## Lambda execution role audit', '');
  out.push(`${markdownText(describeSource(report))} · generated ${markdownText(report.generatedAt)}`, '');

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
      `| ${markdownCode(result.functionName)} | ${markdownCode(roleName(result.roleArn))} | ${result.compliant ? '✅' : '❌'} | ${countFindings(result)} |`,
    );
  }
  out.push('');

  const errors = report.errors ?? [];
  if (errors.length > 0) {
    out.push('### Not audited (the audit is incomplete)', '');
    for (const error of errors) {
      out.push(
        `- ${error.functionName ? `**${markdownCode(error.functionName)}**: ` : ''}${markdownText(error.message)}`,
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
  const out: string[] = [`### ${markdownText(result.functionName)}`, ''];
  const shared =
    result.sharedWith && result.sharedWith.length > 0
      ? `, shared with ${result.sharedWith.map(markdownCode).join(', ')}`
      : '';
  out.push(`Role ${markdownCode(result.roleArn)}${shared}`);
  out.push('', '| Severity | Rule | Finding | Fix |', '|---|---|---|---|');
  for (const finding of sortFindings(result.findings)) out.push(findingRow(finding));
  out.push('');
  if (result.recommendedPolicy) {
    out.push('Recommended policy (grants what this function needs, and nothing else):', '');
    // A backtick in a resource could end the fence: JSON's \u0060 is the same character to IAM.
    out.push('```json', readableJson(result.recommendedPolicy).replaceAll('`', '\\u0060'), '```', '');
  }
  return out;
}

function findingRow(finding: Finding): string {
  const message = finding.message;
  if (finding.suppressed) {
    const reason = finding.suppressionReason ? `: ${markdownText(finding.suppressionReason)}` : '';
    return `| ~~${finding.severity}~~ suppressed | ${markdownCode(finding.rule)} | ${markdownText(message)} | suppressed${reason} |`;
  }
  // A suppression the tag asked for and the deployment refused is said beside the fix, as the table says it.
  const refused = finding.suppressionRefused ? ` Note: ${finding.suppressionRefused}` : '';
  return `| **${finding.severity}** | ${markdownCode(finding.rule)} | ${markdownText(message)} | ${markdownText(`${plainFix(finding)}${refused}`)} |`;
}

function countFindings(result: FunctionResult): string {
  const active = result.findings.filter((finding) => !finding.suppressed);
  if (active.length === 0) return result.findings.length > 0 ? 'suppressed only' : '—';
  return SEVERITIES.flatMap((severity) => {
    const count = active.filter((finding) => finding.severity === severity).length;
    return count > 0 ? [`${count} ${severity}`] : [];
  }).join(', ');
}
