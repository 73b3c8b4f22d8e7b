/**
 * A bound on the findings one function's report lists per rule. Most rules find things in the role's
 * policies, and every function of the role gets its own copy: a managed policy of 6,144 characters can hold
 * hundreds of misspelt actions or wildcard statements, and attached to every role of an account of
 * thousands of functions it would turn into millions of findings (a report of gigabytes, a digest no one
 * can read, a sweep that runs out of memory). Past the bound, one finding says how many more there are.
 *
 * The summary keeps the rule and the highest severity of what it stands for, so that the function stays
 * non-compliant and alerts still fire; it is suppressed only by an entry (or tag) for the whole rule.
 * `missing-permission` is not bounded: its findings come from the function's own configuration, one per
 * need, not from policy text, and each says what breaks.
 */
import { SEVERITIES, type Severity } from '../report.js';
import type { RawFinding } from '../rules/types.js';

/** Findings of one rule listed for one function; the rest are counted in one summary finding. */
export const FINDINGS_LISTED_PER_RULE = 25;

const UNBOUNDED: ReadonlySet<RawFinding['rule']> = new Set(['missing-permission']);

/**
 * `raw` with at most `limit` findings per rule (the most severe, in their order), and a summary finding per
 * rule past it.
 */
export function limitFindings(
  raw: readonly RawFinding[],
  limit = FINDINGS_LISTED_PER_RULE,
): readonly RawFinding[] {
  if (raw.length <= limit) return raw;
  const byRule = new Map<RawFinding['rule'], RawFinding[]>();
  for (const finding of raw) {
    const list = byRule.get(finding.rule);
    if (list === undefined) byRule.set(finding.rule, [finding]);
    else list.push(finding);
  }
  const kept: RawFinding[] = [];
  for (const [rule, findings] of byRule) {
    if (findings.length <= limit || UNBOUNDED.has(rule)) {
      kept.push(...findings);
      continue;
    }
    // Array.prototype.sort is stable: equally severe findings keep the rules' order.
    const ranked = [...findings].sort((a, b) => rank(a.severity) - rank(b.severity));
    kept.push(...ranked.slice(0, limit));
    const count = ranked.length - limit;
    const severity = ranked[limit]?.severity ?? 'info';
    kept.push({
      rule,
      severity,
      message: `${count} more ${rule} finding${count === 1 ? '' : 's'} of this function ${count === 1 ? 'is' : 'are'} not listed: a function's report lists at most ${limit} findings per rule, so that policies written to flood the report cannot. The most severe of those not listed is ${severity}.`,
      // No policy or statement: one summary per function and rule, whose id stays while the excess lasts.
      cause: { kind: 'policy' },
      remediation: `Fix or suppress the ${rule} findings listed and audit again: the next ones are then listed.`,
    });
  }
  return kept;
}

function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
