/**
 * Client-side limits that keep a whole-account read gentle with AWS:
 *
 * - Lambda's control plane allows 15 requests per second per account and Region for every read call
 *   except GetFunction and GetPolicy, shared by every caller of the account (deploys, consoles, other
 *   tools), and not increasable (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 *   A token bucket keeps this process below that rate.
 * - IAM throttles with token buckets whose sizes AWS does not publish; a small cap on requests in flight
 *   plus the SDK's adaptive retries is what AWS Support recommends.
 *
 * Both are an SDK middleware placed just inside the retry middleware, so that each attempt (retries
 * included) takes a token and a slot, and a retry's back-off holds neither.
 */
import type {
  FinalizeRequestHandlerOptions,
  FinalizeRequestMiddleware,
  RelativeMiddlewareOptions,
} from '@smithy/types';
import type { WithMiddlewareStack } from './call-counter.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket: `capacity` tokens at most, refilled at `ratePerSecond`. Callers are served in arrival
 * order (a promise chain), so a burst of waiters cannot starve one another.
 */
export class TokenBucket implements RequestPace {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number = ratePerSecond,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) {
      throw new RangeError(
        `a token bucket needs a rate > 0 and a capacity >= 1, got ${ratePerSecond}/s and ${capacity}`,
      );
    }
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  /** Resolves when a token has been taken. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeOne());
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }

  private async takeOne(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }
}

/** At most `limit` holders at a time; the others wait in arrival order. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`a concurrency limit must be at least 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Something that hands out one request at a time: a local token bucket, or a pace shared by processes. */
export interface RequestPace {
  /** Resolves when one request may be sent. */
  take(): Promise<void>;
}

export interface RequestLimits {
  /** Requests in flight at once. */
  readonly maxConcurrent: number;
  /** Requests per second (a token bucket with that many tokens); absent → no rate limit. */
  readonly requestsPerSecond?: number;
  /** A pace given by the caller (the deployed functions' shared pace): used instead of a local bucket. */
  readonly pace?: RequestPace;
}

interface InstalledLimits {
  readonly slots: ConcurrencyLimit;
  readonly bucket?: RequestPace;
}

// One set of limits per client, however many sources share it: the quota is per account, not per reader.
const installed = new WeakMap<object, InstalledLimits>();

const afterRetries: RelativeMiddlewareOptions & Pick<FinalizeRequestHandlerOptions, 'name'> = {
  relation: 'after',
  toMiddleware: 'retryMiddleware',
  name: 'lambdaRoleAuditRequestLimits',
};

/**
 * Limits the requests `client` sends. Idempotent: a client already limited keeps its first limits (the
 * bucket must be shared, not doubled).
 */
export function limitRequests<Input extends object, Output extends object>(
  client: WithMiddlewareStack<Input, Output>,
  limits: RequestLimits,
  clock: Clock = systemClock,
): void {
  if (installed.has(client)) return;
  const state: InstalledLimits = {
    slots: new ConcurrencyLimit(limits.maxConcurrent),
    ...(limits.pace
      ? { bucket: limits.pace }
      : limits.requestsPerSecond
        ? { bucket: new TokenBucket(limits.requestsPerSecond, limits.requestsPerSecond, clock) }
        : {}),
  };
  installed.set(client, state);
  const limit: FinalizeRequestMiddleware<Input, Output> = (next) => (args) =>
    state.slots.run(async () => {
      await state.bucket?.take();
      return next(args);
    });
  client.middlewareStack.addRelativeTo(limit, { ...afterRetries });
}
