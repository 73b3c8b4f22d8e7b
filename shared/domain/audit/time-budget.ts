/**
 * Time limits of an audit, on a clock the caller injects (the domain reads no clock of its own):
 *
 * - a per-function budget: the most time one function's audit may take. A function that exceeds it is
 *   listed under the report's `errors` as incomplete, never left to stall the run, never passed silently;
 * - a deadline for the whole audit: functions not finished by then are listed as unfinished, so that a
 *   Lambda handler can hand them back (a retry, or another invocation) before its own timeout.
 *
 * The engine asks `check()` between units of work that are themselves bounded (one evaluation of a request,
 * one expansion or suggestion of the action catalog, one rule), so a function overruns its limit by one
 * such unit at most.
 */
import { AuditTimeExceededError } from '../errors.js';
import type { ActionCatalog } from '../policy/action-catalog.js';

/** The per-function budget when the caller gives a clock but no budget. */
export const DEFAULT_FUNCTION_BUDGET_MS = 10_000;

/** Words every report error about a time limit holds (after the function's name), for counting them. */
const OUT_OF_TIME = 'ran out of time';

/** The report error of a function the audit did not reach before its deadline. */
export function notReachedMessage(functionName: string): string {
  return `function ${functionName} was not audited: the audit ${OUT_OF_TIME} (its deadline passed) before reaching it`;
}

/** The report error of a function whose audit was cut off. */
export function cutOffMessage(functionName: string, error: AuditTimeExceededError): string {
  return `function ${functionName} was not audited completely: it ${OUT_OF_TIME} (${error.message})`;
}

/** Whether a report error is one of the two above (its function's name read as a whole, not searched). */
export function isOutOfTime(error: { readonly functionName?: string; readonly message: string }): boolean {
  const name = error.functionName;
  if (name === undefined) return false;
  return (
    error.message.startsWith(`function ${name} was not audited: the audit ${OUT_OF_TIME}`) ||
    error.message.startsWith(`function ${name} was not audited completely: it ${OUT_OF_TIME}`)
  );
}

export interface FunctionTimer {
  /** Whether the audit's deadline has passed: no function is started after it. */
  deadlinePassed(): boolean;
  /** Starts the clock of one function's audit. */
  start(): void;
  /** Throws `AuditTimeExceededError` once the function's budget or the audit's deadline is passed. */
  check(): void;
}

export function createFunctionTimer(
  clock: () => number,
  budgetMs: number,
  deadline: number | undefined,
): FunctionTimer {
  const lastMoment = deadline ?? Number.POSITIVE_INFINITY;
  let functionEnd = Number.POSITIVE_INFINITY;
  return {
    deadlinePassed: () => clock() >= lastMoment,
    start() {
      functionEnd = clock() + budgetMs;
    },
    check() {
      const now = clock();
      if (now >= lastMoment) {
        throw new AuditTimeExceededError('deadline', 'the audit reached its deadline');
      }
      if (now >= functionEnd) {
        throw new AuditTimeExceededError(
          'budget',
          `its audit took longer than the budget of ${budgetMs} ms per function`,
        );
      }
    },
  };
}

/**
 * The catalog with a time check before each question that can take long (expanding a pattern, searching
 * for a suggestion). One wrapper per audit: rules memoise per catalog object.
 */
export function timedCatalog(catalog: ActionCatalog, timer: FunctionTimer): ActionCatalog {
  return {
    has: (action) => catalog.has(action),
    canonical: (action) => catalog.canonical(action),
    expand(pattern) {
      timer.check();
      return catalog.expand(pattern);
    },
    matchesAny(pattern) {
      timer.check();
      return catalog.matchesAny(pattern);
    },
    suggest(action) {
      timer.check();
      return catalog.suggest(action);
    },
  };
}
