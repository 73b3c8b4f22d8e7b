/**
 * How long a use case may keep working. A Lambda invocation that reaches its timeout is killed with
 * everything it had not reported: an SQS batch then comes back whole (every message retried, work already
 * done included) and a scheduled sweep publishes nothing. So the handlers stop early, with a reserve for
 * reporting what they finished, and hand back what they did not.
 *
 * The shape is deliberately small, `remainingMs()`, so that the same use case runs under a Lambda context,
 * a test's simulated clock, or (issue 10) a coordinator that splits work across invocations.
 */

export interface Deadline {
  /** Milliseconds left before work must stop; zero or less once it has passed. */
  remainingMs(): number;
}

/** No deadline: the CLI, and callers that do not run under a timeout. */
export const NO_DEADLINE: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

/** The part of the Lambda context this needs. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/**
 * The reserve a handler keeps for what follows its last unit of work (publishing, writing state, returning
 * the batch response): a quarter of the time it had when it started, at least 5 s and at most 60 s. For the
 * change handler's 60 s that is 15 s; for the sweep's 10 minutes, 60 s.
 */
export function reserveFor(remainingAtStartMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.floor(remainingAtStartMs / 4)));
}

/** The deadline of a Lambda invocation: its remaining time less `reserveMs` (by default `reserveFor`). */
export function lambdaDeadline(context: RemainingTime, reserveMs?: number): Deadline {
  const reserve = reserveMs ?? reserveFor(context.getRemainingTimeInMillis());
  return { remainingMs: () => context.getRemainingTimeInMillis() - reserve };
}
