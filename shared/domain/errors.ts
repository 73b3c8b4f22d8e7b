/**
 * The project's error classes: one file, names ending in `Error`, the underlying `cause` kept. Expected
 * outcomes (a denied action, an unreadable policy in one role) are values, not exceptions; these are for
 * input the tool cannot use at all and for defects. (LiveAccountReadError, an InputError built from an AWS
 * SDK error, lives beside the code that classifies those errors: shared/adapters/aws/aws-errors.ts.)
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

/** The Lambda handlers' environment is unusable (a variable missing or malformed); names the variable, never its value. */
export class ConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** The deploy-time configuration (CDK context) is unusable; names each bad key. */
export class DeployConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployConfigError';
  }
}

/** The Slack webhook could not be read or did not accept a message. */
export class SlackWebhookError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackWebhookError';
  }
}

/**
 * The command line was used wrongly (an unknown option, a missing value): the message is in our words, and
 * `command` names the subcommand whose `--help` to point to (`undefined`: the tool's own).
 */
export class UsageError extends InputError {
  readonly command: string | undefined;
  constructor(message: string, command?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
    this.command = command;
  }
}

/**
 * One function's audit ran out of time: its own budget (`limit: 'budget'`) or the whole audit's deadline
 * (`limit: 'deadline'`). The engine catches it and lists the function under the report's `errors`.
 */
export class AuditTimeExceededError extends Error {
  readonly limit: 'budget' | 'deadline';
  constructor(limit: 'budget' | 'deadline', message: string) {
    super(message);
    this.name = 'AuditTimeExceededError';
    this.limit = limit;
  }
}
