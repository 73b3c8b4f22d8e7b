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
 * rule past it. Linear in the number of findings: this runs for every function.
 */
export function limitFindings(
  raw: readonly RawFinding[],
  limit = FINDINGS_LISTED_PER_RULE,
): readonly RawFinding[] {
  if (raw.length <= limit) return raw;
  // Findings per rule and severity.
  const counts = new Map<RawFinding['rule'], number[]>();
  for (const finding of raw) {
    let bySeverity = counts.get(finding.rule);
    if (bySeverity === undefined) {
      bySeverity = SEVERITIES.map(() => 0);
      counts.set(finding.rule, bySeverity);
    }
    bySeverity[rank(finding.severity)] = (bySeverity[rank(finding.severity)] ?? 0) + 1;
  }
  // For each rule past the limit: how many of each severity are listed (the most severe first).
  const quotas = new Map<RawFinding['rule'], number[]>();
  for (const [rule, bySeverity] of counts) {
    if (UNBOUNDED.has(rule) || bySeverity.reduce((a, b) => a + b, 0) <= limit) continue;
    let room = limit;
    quotas.set(
      rule,
      bySeverity.map((count) => {
        const listed = Math.min(count, room);
        room -= listed;
        return listed;
      }),
    );
  }
  if (quotas.size === 0) return raw;
  const kept: RawFinding[] = [];
  for (const finding of raw) {
    const quota = quotas.get(finding.rule);
    if (quota === undefined) kept.push(finding);
    else if ((quota[rank(finding.severity)] ?? 0) > 0) {
      quota[rank(finding.severity)] = (quota[rank(finding.severity)] ?? 0) - 1;
      kept.push(finding);
    }
  }
  for (const rule of quotas.keys()) {
    const bySeverity = counts.get(rule) ?? [];
    const total = bySeverity.reduce((a, b) => a + b, 0);
    const count = total - limit;
    // The most severe left out: the first severity not wholly listed.
    let listed = 0;
    let severity: Severity = 'info';
    for (let r = 0; r < SEVERITIES.length; r++) {
      listed += bySeverity[r] ?? 0;
      if (listed > limit) {
        severity = SEVERITIES[r] ?? 'info';
        break;
      }
    }
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
