import { type Clock, ConcurrencyLimit, TokenBucket } from '../../../shared/adapters/aws/request-limits.js';

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
