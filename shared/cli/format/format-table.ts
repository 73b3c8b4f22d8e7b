/**
 * `--format table`: for a person at a terminal. One line per finding, grouped by function (most severe
 * function first): severity, rule, what breaks (the message's first sentence), then the fix in plain words; compliant functions are listed together
 * at the end so that problems come first; then the totals.
 */
import type { Finding, FunctionResult, Report } from '../../domain/report.js';
import { terminalText } from './escape.js';
import { plainFix } from './plain-fix.js';
import {
  causeNote,
  describeCounts,
  describeSource,
  firstSentence,
  roleName,
  sortFindings,
  suppressedCount,
  worstRank,
} from './report-facts.js';
import type { Paint } from './terminal-colour.js';

export function formatTable(report: Report, paint: Paint): string {
  const lines: string[] = [];
  const tool = report.tool ? `${report.tool.name} ${report.tool.version}` : 'lambda-role-audit';
  lines.push(paint.bold(`${tool} · ${terminalText(describeSource(report))}`), '');

  const withFindings = report.functions
    .filter((result) => result.findings.length > 0)
    .sort((a, b) => worstRank(a) - worstRank(b) || a.functionName.localeCompare(b.functionName));
  const clean = report.functions.filter((result) => result.findings.length === 0);

  for (const result of withFindings) {
    lines.push(functionHeading(result, paint));
    for (const finding of sortFindings(result.findings)) lines.push(findingLine(finding, paint));
    lines.push('');
  }
  if (clean.length > 0) {
    lines.push(
      `${paint.green('✓ compliant, nothing to report:')} ${clean.map((r) => terminalText(r.functionName)).join(', ')}`,
      '',
    );
  }

  // Functions not audited are told on stderr, as every warning is (see run-cli.ts); here only their count.
  const errors = report.errors ?? [];
  const { functions, compliant } = report.summary;
  const suppressed = suppressedCount(report);
  lines.push(
    paint.bold(
      `${functions} ${functions === 1 ? 'function' : 'functions'}, ${compliant} compliant · ${describeCounts(report)}` +
        (suppressed > 0 ? ` · ${suppressed} suppressed` : '') +
        (errors.length > 0 ? ` · ${errors.length} not audited (incomplete, see the warnings on stderr)` : ''),
    ),
  );
  return `${lines.join('\n')}\n`;
}

function functionHeading(result: FunctionResult, paint: Paint): string {
  const shared =
    result.sharedWith && result.sharedWith.length > 0
      ? ` · role shared with ${result.sharedWith.map(terminalText).join(', ')}`
      : '';
  return `${paint.bold(terminalText(result.functionName))} ${paint.dim(`(role ${terminalText(roleName(result.roleArn))}${shared})`)}`;
}

function findingLine(finding: Finding, paint: Paint): string {
  const label = finding.suppressed ? 'suppressed' : finding.severity.toUpperCase();
  const note = causeNote(finding);
  // Every value from the account reaches the terminal through its one escaping function.
  const sentence = terminalText(firstSentence(finding.message));
  // The note belongs inside the sentence: "…cannot connect (mapping disabled)."
  const text = note ? `${sentence.replace(/([.!?])?$/, ` (${note})$1`)}` : sentence;
  if (finding.suppressed) {
    const reason = finding.suppressionReason ? ` (${terminalText(finding.suppressionReason)})` : '';
    return paint.dim(`  ${label.padEnd(10)} ${finding.rule.padEnd(25)} ${text}${reason}`);
  }
  return `  ${paint.severity(finding.severity, label.padEnd(10))} ${finding.rule.padEnd(25)} ${text} ${paint.bold('Fix:')} ${terminalText(plainFix(finding))}`;
}
