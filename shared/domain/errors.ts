/**
 * The project's error classes: one file, names ending in `Error`, the underlying `cause` kept. Expected
 * outcomes (a denied action, an unreadable policy in one role) are values, not exceptions; these are for
 * input the tool cannot use at all and for defects.
 */

/** Input the user gave that the tool cannot use (a malformed suppressions file, a bad option). */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** A rule threw while judging one function: the engine records it and marks the function not compliant. */
export class RuleFailedError extends Error {
  readonly rule: string;
  readonly functionName: string;
  constructor(rule: string, functionName: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`rule ${rule} failed on function ${functionName}: ${reason}`, options);
    this.name = 'RuleFailedError';
    this.rule = rule;
    this.functionName = functionName;
  }
}
