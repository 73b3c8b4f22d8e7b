/**
 * One Lambda request pace for every invocation of the deployed stack (issue 10): the change handler, the
 * sweep and the workers run in separate invocations, yet Lambda's control-plane quota (15 requests per
 * second, per account and Region, shared with the account's deployments) is counted for all of them
 * together. Each Lambda request first takes a token from a counter in the state table.
 *
 * - Time is cut into slots (a quarter of a second for most budgets: `paceSlots`), and each slot of each
 *   Region has a counter item (`pace|lambda|<region>|<slot start ms>`), raised with a conditional
 *   `UpdateItem ADD` that fails once the slot's share is taken. A slot holds `budget / (slots per second
 *   + 1)` tokens, so that any one-second window, which can touch one slot more than a second holds, never
 *   sees more than the budget: 10 requests per second gives 2 tokens per 250 ms slot, at most 10 in any
 *   second and 8 per second when busy.
 * - Tokens are taken a few at a time (as many as this invocation has requests waiting, up to the slot's
 *   share), so that a busy reader makes about one DynamoDB call per slot, and are used only within their
 *   slot (less a small margin): a token never travels into the next window.
 * - The items expire an hour later (`expiresAt`, the table's time to live).
 * - When the table cannot be reached (an error, a throttle, a call slower than `callTimeoutMs`), the pace
 *   falls back for a minute to a local token bucket at `budget / invocations` (the most invocations that
 *   can run at once), which keeps the whole stack within the budget without the table, and logs it once.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, type RequestPace, systemClock, TokenBucket } from '../aws/request-limits.js';

export interface PaceSlots {
  /** The length of one slot. */
  readonly slotMs: number;
  /** Tokens per slot and Region. */
  readonly perSlot: number;
}

/** Slots of at least 250 ms: more slots per second would cost more DynamoDB calls for little more pace. */
const MAX_SLOTS_PER_SECOND = 4;
/** A token is not handed out this close to the end of its slot (the request must leave within the slot). */
const SLOT_MARGIN_MS = 25;
const FALLBACK_MS = 60_000;
const DEFAULT_CALL_TIMEOUT_MS = 1_000;
const EXPIRY_SECONDS = 3_600;

/**
 * How a budget of requests per second is cut into slots: `n` slots per second of `perSlot` tokens, with
 * `perSlot × (n + 1) ≤ budget` (a one-second window touches at most n + 1 slots), choosing the `n` that
 * gives the most requests per second (and the fewest slots among equals).
 */
export function paceSlots(requestsPerSecond: number): PaceSlots {
  if (!(requestsPerSecond >= 2)) {
    throw new RangeError(
      `a shared Lambda pace needs a budget of 2 requests per second or more, got ${requestsPerSecond}`,
    );
  }
  let best: PaceSlots = { slotMs: 1000, perSlot: Math.floor(requestsPerSecond / 2) };
  for (let n = 2; n <= MAX_SLOTS_PER_SECOND; n += 1) {
    const perSlot = Math.floor(requestsPerSecond / (n + 1));
    if (perSlot * n > best.perSlot * (1000 / best.slotMs)) best = { slotMs: 1000 / n, perSlot };
  }
  return best;
}

/** Requests per second one Region gets when busy, under a budget (8 for 10, 12 for 15). */
export function steadyRequestsPerSecond(requestsPerSecond: number): number {
  const { slotMs, perSlot } = paceSlots(requestsPerSecond);
  return (perSlot * 1000) / slotMs;
}

export interface SharedLambdaPaceOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The Lambda Region paced (Lambda's quota is per Region). */
  readonly region: string;
  /** Requests per second in any one-second window, for the whole stack in this Region. */
  readonly requestsPerSecond: number;
  /** The most invocations that can read Lambda at once: the fallback pace is the budget divided by it. */
  readonly invocations: number;
  /** Called once, the first time the pace falls back to its local bucket. */
  readonly onFallback?: (reason: string) => void;
  /**
   * Called with the time (the clock's) of each token handed out: what the pace decided, which tests and
   * benches compare with the budget. When the request then leaves is up to the process and the network.
   */
  readonly onGrant?: (at: number) => void;
  readonly clock?: Clock;
  readonly callTimeoutMs?: number;
}

export interface SharedLambdaPace extends RequestPace {
  /** Whether the local fallback is in force now. */
  fallingBack(): boolean;
}

export function createSharedLambdaPace(options: SharedLambdaPaceOptions): SharedLambdaPace {
  const { slotMs, perSlot } = paceSlots(options.requestsPerSecond);
  if (!(options.invocations >= 1))
    throw new RangeError(`invocations must be 1 or more, got ${options.invocations}`);
  const clock = options.clock ?? systemClock;
  const local = new TokenBucket(options.requestsPerSecond / options.invocations, 1, clock);
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  let slot = -1;
  let left = 0;
  let waiting = 0;
  let fallbackUntil = Number.NEGATIVE_INFINITY;
  let warned = false;
  let queue: Promise<void> = Promise.resolve();

  /** Takes up to `want` tokens of the slot: how many were granted, or undefined when the table failed. */
  async function acquire(slotIndex: number, want: number): Promise<number | undefined> {
    const start = slotIndex * slotMs;
    for (const count of want > 1 ? [want, 1] : [1]) {
      try {
        await options.client.send(
          new UpdateItemCommand({
            TableName: options.tableName,
            Key: { functionArn: { S: `pace|lambda|${options.region}|${start}` } },
            UpdateExpression: 'ADD taken :count SET expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(taken) OR taken <= :most',
            ExpressionAttributeValues: {
              ':count': { N: String(count) },
              ':most': { N: String(perSlot - count) },
              ':expiresAt': { N: String(Math.floor(start / 1000) + EXPIRY_SECONDS) },
            },
          }),
          { abortSignal: AbortSignal.timeout(callTimeoutMs) },
        );
        return count;
      } catch (error: unknown) {
        if (error instanceof ConditionalCheckFailedException) continue;
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        fallBack(reason);
        return undefined;
      }
    }
    return 0;
  }

  function fallBack(reason: string): void {
    fallbackUntil = clock.now() + FALLBACK_MS;
    if (warned) return;
    warned = true;
    options.onFallback?.(reason.slice(0, 300));
  }

  const untilNextSlot = (now: number) => (Math.floor(now / slotMs) + 1) * slotMs - now + Math.random() * 10;

  async function takeOne(): Promise<void> {
    for (;;) {
      const now = clock.now();
      if (now < fallbackUntil) {
        await local.take();
        options.onGrant?.(clock.now());
        return;
      }
      const current = Math.floor(now / slotMs);
      const usable = now < (current + 1) * slotMs - SLOT_MARGIN_MS;
      if (usable && current === slot && left > 0) {
        left -= 1;
        options.onGrant?.(now);
        return;
      }
      if (!usable) {
        await clock.sleep(untilNextSlot(now));
        continue;
      }
      const granted = await acquire(current, Math.min(perSlot, Math.max(1, waiting)));
      if (granted === undefined) continue;
      if (granted > 0) {
        slot = current;
        left = granted;
        continue;
      }
      await clock.sleep(untilNextSlot(clock.now()));
    }
  }

  return {
    take() {
      waiting += 1;
      const turn = queue.then(takeOne).finally(() => {
        waiting -= 1;
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    fallingBack: () => clock.now() < fallbackUntil,
  };
}
