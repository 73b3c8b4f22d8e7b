/**
 * Exit status, exactly as the contract fixes it: scripts and CI gates depend on these numbers.
 */
import { UsageError } from '../domain/errors.js';
import { type FunctionResult, type Report, SEVERITIES, type Severity } from '../domain/report.js';
import { didYouMean } from './suggest.js';

export const EXIT = { ok: 0, findings: 1, unusable: 2, incomplete: 3 } as const;

/** A severity, or `none`: the findings are printed but never fail the run (demos, reports-only jobs). */
export type FailOn = Severity | 'none';

export function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'high';
  const normalised = value.toLowerCase();
  if (normalised === 'none') return 'none';
  const severity = SEVERITIES.find((candidate) => candidate === normalised);
  if (!severity) {
    throw new UsageError(
      `--fail-on "${value}" is not one of ${[...SEVERITIES, 'none'].join(', ')}${didYouMean(value, [...SEVERITIES, 'none'])}`,
      'audit',
    );
  }
  return severity;
}

/**
 * 3 when some function could not be audited: its verdict is unknown, so "no findings" would be a false
 * all-clear, and this outranks 1. Otherwise 1 when an unsuppressed finding is at or above `failOn`.
 */
export function exitStatus(report: Report, failOn: FailOn, failingElsewhere = false): number {
  if ((report.errors ?? []).length > 0) return EXIT.incomplete;
  if (failOn === 'none') return EXIT.ok;
  const failing = failingElsewhere || report.functions.some((result) => functionFails(result, failOn));
  return failing ? EXIT.findings : EXIT.ok;
}

/**
 * Whether one function has an unsuppressed finding at or above `failOn`: for a caller that does not keep
 * the report's functions (the CLI's streamed JSON), which then passes `exitStatus` what it found.
 */
export function functionFails(result: FunctionResult, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  const threshold = SEVERITIES.indexOf(failOn);
  return result.findings.some(
    (finding) => !finding.suppressed && SEVERITIES.indexOf(finding.severity) <= threshold,
  );
}
