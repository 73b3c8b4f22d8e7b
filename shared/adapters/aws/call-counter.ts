/**
 * Counts the API calls a client sends, per operation, with an SDK middleware. It sits just inside the
 * retry middleware, so each HTTP attempt counts: that is what AWS meters and throttles.
 */
import type {
  FinalizeRequestHandlerOptions,
  FinalizeRequestMiddleware,
  MiddlewareStack,
  RelativeMiddlewareOptions,
} from '@smithy/types';

export class ApiCallCounter {
  private readonly counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  /** Calls per operation (`IAM:GetRole`, `Lambda:ListFunctions`, …), sorted by name. */
  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Anything with an SDK middleware stack (every v3 client). */
export interface WithMiddlewareStack<Input extends object, Output extends object> {
  readonly middlewareStack: MiddlewareStack<Input, Output>;
}

/** `IAMClient` → `IAM`, `GetRoleCommand` → `GetRole`. */
export function operationName(context: { clientName?: string; commandName?: string }): string {
  const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
  const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
  return `${service}:${command}`;
}

const afterRetries: RelativeMiddlewareOptions & Pick<FinalizeRequestHandlerOptions, 'name'> = {
  relation: 'after',
  toMiddleware: 'retryMiddleware',
  name: 'lambdaRoleAuditCallCounter',
  // A second counter on the same client replaces the first instead of failing on a duplicate name.
  override: true,
};

/**
 * Adds the counting middleware to `client`: every call it sends from now on is recorded in `counter`
 * (one counter per client at a time).
 */
export function countApiCalls<Input extends object, Output extends object>(
  client: WithMiddlewareStack<Input, Output>,
  counter: ApiCallCounter,
): void {
  const count: FinalizeRequestMiddleware<Input, Output> = (next, context) => async (args) => {
    counter.record(operationName(context));
    return next(args);
  };
  client.middlewareStack.addRelativeTo(count, { ...afterRetries });
}
