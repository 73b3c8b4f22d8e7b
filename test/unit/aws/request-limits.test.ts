import { Readable } from 'node:stream';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  type Clock,
  ConcurrencyLimit,
  limitRequests,
  TokenBucket,
} from '../../../shared/adapters/aws/request-limits.js';

/** A clock that only moves when someone sleeps: the bucket's waits become exact and instant. */
function fakeClock(): Clock & { elapsed: () => number } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    elapsed: () => now,
  };
}

describe('token bucket', () => {
  it('lets a burst of its capacity through at once, then paces the rest at its rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(15, 15, clock);
    for (let i = 0; i < 15; i += 1) await bucket.take();
    expect(clock.elapsed()).toBe(0);
    for (let i = 0; i < 30; i += 1) await bucket.take();
    // 30 more tokens at 15 per second take two seconds (rounded up to whole milliseconds per wait).
    expect(clock.elapsed()).toBeGreaterThanOrEqual(2000);
    expect(clock.elapsed()).toBeLessThan(2040);
  });

  it('serves concurrent callers in arrival order without exceeding the rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(400);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('concurrency limit', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    const limit = new ConcurrencyLimit(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 1));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a task that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});

describe('request limits on an SDK client', () => {
  it('paces every request the client sends through the token bucket and caps those in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const requestHandler = {
      handle: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: Readable.from([Buffer.from('{"Functions":[]}')]),
          },
        };
      },
    };
    const lambda = new LambdaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: requestHandler as never,
    });
    const clock = fakeClock();
    limitRequests(lambda, { maxConcurrent: 2, requestsPerSecond: 15 }, clock);
    // A second installation is ignored: the quota belongs to the client, not to each reader.
    limitRequests(lambda, { maxConcurrent: 50, requestsPerSecond: 1000 }, clock);
    await Promise.all(Array.from({ length: 45 }, () => lambda.send(new ListFunctionsCommand({}))));
    expect(peak).toBe(2);
    // 15 at once, then 30 more at 15 per second.
    expect(clock.elapsed()).toBeGreaterThanOrEqual(2000);
  });
});
