/**
 * `--format table`: for a person at a terminal, fitted to its width (80 columns when it is not known).
 *
 * Functions that are not compliant come first (most severe first), each finding under its function:
 *
 *   ✗ payments-processor · role payments-processor-role
 *     HIGH      sqs:ReceiveMessage on arn:aws:sqs:eu-west-1:111122223333:payments
 *               missing-permission: Lambda cannot receive messages from queue
 *               payments: the mapping delivers nothing.
 *               Fix: Allow sqs:ReceiveMessage on …
 *
 * The first line of a finding is what tells it from its neighbours (the action and the resource), then
 * the rule and what breaks, then the fix, wrapped under the severity column. Compliant functions that
 * still carry findings (suppressed, or info only) follow, then the compliant ones with nothing to report,
 * so that every ✓ is a function the summary counts compliant. Every value from the account goes through
 * `terminalText` once before it is measured and wrapped; colour is added after wrapping.
 */
import type { Finding, FunctionResult, Report, ReportError } from '../../domain/report.js';
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
import { wrap } from './wrap.js';

/** Narrower than this, the columns stop making sense: wrap as if the terminal had this many. */
const MIN_WIDTH = 40;
export const DEFAULT_WIDTH = 80;
const LABEL_WIDTH = 10;
const INDENT = 2;
/** Names listed in a heading before "and N more". */
const SHARED_NAMES = 5;

export function formatTable(report: Report, paint: Paint, width: number = DEFAULT_WIDTH): string {
  const columns = Math.max(MIN_WIDTH, Math.floor(width));
  const lines: string[] = [];
  const tool = report.tool ? `${report.tool.name} ${report.tool.version}` : 'lambda-role-audit';
  for (const line of wrap(`${tool} · ${terminalText(describeSource(report))}`, columns)) {
    lines.push(paint.bold(line));
  }
  lines.push('');

  const byName = (a: FunctionResult, b: FunctionResult): number =>
    worstRank(a) - worstRank(b) || a.functionName.localeCompare(b.functionName);
  const failing = report.functions.filter((result) => !result.compliant).sort(byName);
  const compliantWithFindings = report.functions
    .filter((result) => result.compliant && result.findings.length > 0)
    .sort(byName);
  const clean = report.functions.filter((result) => result.compliant && result.findings.length === 0);
  const errors = report.errors ?? [];

  for (const result of failing) {
    lines.push(...functionBlock(result, errors, paint, columns), '');
  }
  for (const result of compliantWithFindings) {
    lines.push(...functionBlock(result, errors, paint, columns), '');
  }
  if (clean.length > 0) {
    const names = clean.map((result) => terminalText(result.functionName)).join(', ');
    const title = '✓ compliant, nothing to report';
    const wrapped = wrap(`${title} (${clean.length}): ${names}`, columns - INDENT);
    wrapped.forEach((line, index) => {
      lines.push(
        index === 0 ? `${paint.green(title)}${line.slice(title.length)}` : `${' '.repeat(INDENT)}${line}`,
      );
    });
    lines.push('');
  }

  // Functions not audited are told on stderr, as every warning is (see run-cli.ts); here only their count.
  const { functions, compliant } = report.summary;
  const suppressed = suppressedCount(report);
  const notCompliant = functions - compliant;
  const summary =
    `${functions} ${functions === 1 ? 'function' : 'functions'}: ${notCompliant} not compliant, ${compliant} compliant` +
    ` · ${describeCounts(report)}` +
    (suppressed > 0 ? ` · ${suppressed} suppressed` : '') +
    (errors.length > 0 ? ` · ${errors.length} not audited (incomplete, see the warnings on stderr)` : '');
  for (const line of wrap(summary, columns)) lines.push(paint.bold(line));
  return `${lines.join('\n')}\n`;
}

function functionBlock(
  result: FunctionResult,
  errors: readonly ReportError[],
  paint: Paint,
  columns: number,
): string[] {
  const lines: string[] = [];
  const mark = result.compliant ? paint.green('✓') : paint.severity('high', '✗');
  const name = terminalText(result.functionName);
  const role = `role ${terminalText(roleName(result.roleArn))}`;
  const others = result.sharedWith ?? [];
  const shared =
    others.length === 0
      ? ''
      : ` (shared with ${others.slice(0, SHARED_NAMES).map(terminalText).join(', ')}${others.length > SHARED_NAMES ? ` and ${others.length - SHARED_NAMES} more` : ''})`;
  const heading = wrap(`${name} · ${role}${shared}`, columns - 2);
  heading.forEach((line, index) => {
    if (index > 0) lines.push(`  ${paint.dim(line)}`);
    else {
      const at = line.indexOf(' · ');
      lines.push(
        at === -1
          ? `${mark} ${paint.bold(line)}`
          : `${mark} ${paint.bold(line.slice(0, at))}${paint.dim(line.slice(at))}`,
      );
    }
  });
  if (result.findings.length === 0) {
    // Not compliant with nothing found: it could not be audited.
    const own = errors.filter((error) => error.functionName === result.functionName);
    const reason = own[0] ? terminalText(own[0].message) : 'see the warnings on stderr';
    lines.push(
      ...block(paint.severity('high', 'INCOMPLETE'.padEnd(LABEL_WIDTH)), [reason], columns, (t) => t),
    );
    return lines;
  }
  for (const finding of sortFindings(result.findings)) lines.push(...findingLines(finding, paint, columns));
  return lines;
}

/** What tells a finding from its neighbours: `action on resource`, or whichever of the two it has. */
function subject(finding: Finding): string {
  const action = finding.action === undefined ? undefined : terminalText(finding.action);
  const resource = finding.resource === undefined ? undefined : terminalText(finding.resource);
  if (action !== undefined && resource !== undefined) return `${action} on ${resource}`;
  return action ?? resource ?? finding.rule;
}

function findingLines(finding: Finding, paint: Paint, columns: number): string[] {
  const suppressed = finding.suppressed === true;
  const label = (suppressed ? 'suppressed' : finding.severity.toUpperCase()).padEnd(LABEL_WIDTH);
  const note = causeNote(finding);
  const sentence = terminalText(firstSentence(finding.message));
  // The note belongs inside the sentence: "…cannot connect (mapping disabled)."
  const what = note ? sentence.replace(/([.!?])?$/, ` (${note})$1`) : sentence;
  const where = finding.template;
  const at =
    where === undefined
      ? []
      : [
          `At: ${terminalText(where.file)}${where.line === undefined ? '' : `:${where.line}`} (${terminalText(where.logicalId)})`,
        ];
  if (suppressed) {
    // Accepted by someone: what it is and why is enough; the JSON and markdown reports keep the whole message.
    const why = finding.suppressionReason ? terminalText(finding.suppressionReason) : 'no reason given';
    return block(
      paint.dim(label),
      [subject(finding), `${finding.rule}, suppressed: ${why}`, ...at],
      columns,
      paint.dim,
    );
  }
  const paragraphs = [subject(finding), `${finding.rule}: ${what}`, ...at];
  paragraphs.push(`Fix: ${terminalText(plainFix(finding))}`);
  if (finding.suppressionRefused) paragraphs.push(`Note: ${terminalText(finding.suppressionRefused)}`);
  return block(paint.severity(finding.severity, label), paragraphs, columns, (text, index) =>
    index === 0 ? paint.bold(text) : text,
  );
}

/**
 * Paragraphs wrapped under the text column, the (already painted) label before the first line. `style`
 * paints each wrapped line, told which paragraph it belongs to.
 */
function block(
  label: string,
  paragraphs: readonly string[],
  columns: number,
  style: (text: string, paragraph: number) => string,
): string[] {
  const textColumn = INDENT + LABEL_WIDTH + 1;
  const textWidth = columns - textColumn;
  const pad = ' '.repeat(textColumn);
  const lines: string[] = [];
  paragraphs.forEach((paragraph, index) => {
    for (const line of wrap(paragraph, textWidth)) {
      const styled = style(line, index);
      lines.push(lines.length === 0 ? `${' '.repeat(INDENT)}${label} ${styled}` : `${pad}${styled}`);
    }
  });
  return lines;
}
