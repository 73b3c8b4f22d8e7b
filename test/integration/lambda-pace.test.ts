/**
 * The shared Lambda pace (shared/adapters/state-store/lambda-pace.ts) against moto's DynamoDB through the
 * real client (moto answering one request at a time: its threaded server lets concurrent conditional
 * writes race, which DynamoDB does not): several acquirers, each standing for one invocation of the stack with its own client and
 * its own pace object, share one budget through the state table; and a table that cannot be reached makes
 * the pace fall back to its local bucket instead of stalling.
 */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createSharedLambdaPace,
  paceSlots,
  steadyRequestsPerSecond,
} from '../../shared/adapters/state-store/lambda-pace.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { createStateTable, REGION } from './handler-harness.js';

const TABLE = 'pace-state';
let moto: MotoServer;
const clients: DynamoDBClient[] = [];

const newClient = () => {
  const client = new DynamoDBClient({ ...moto.clientConfig, maxAttempts: 2 });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  // One request at a time, as DynamoDB applies each conditional write atomically (test/support/moto.ts).
  moto = await startMotoServer(REGION, {}, { singleThreaded: true });
  await createStateTable(newClient(), TABLE);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await moto?.stop();
});

/** The most timestamps that fall in any window [t, t + 1000 ms). */
function maxInAnySecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('the shared Lambda pace', () => {
  it('cuts a budget into slots that no one-second window can overfill', () => {
    expect(paceSlots(10)).toEqual({ slotMs: 250, perSlot: 2 });
    expect(steadyRequestsPerSecond(10)).toBe(8);
    expect(steadyRequestsPerSecond(15)).toBe(12);
    expect(steadyRequestsPerSecond(2)).toBe(1);
    for (const budget of [2, 3, 5, 7, 10, 13, 15, 200]) {
      const { slotMs, perSlot } = paceSlots(budget);
      expect(perSlot).toBeGreaterThanOrEqual(1);
      // A one-second window touches at most 1000 / slotMs + 1 slots.
      expect(perSlot * (1000 / slotMs + 1)).toBeLessThanOrEqual(budget);
    }
    expect(() => paceSlots(1)).toThrow(RangeError);
  });

  it('keeps four concurrent invocations within the budget in every one-second window', async () => {
    const budget = 10;
    // The times the pace handed each token out (when the request then leaves is the process's business: on
    // a loaded machine that can be tens of milliseconds later, which is what the budget's margin under
    // Lambda's 15 is for).
    const granted: number[] = [];
    let taken = 0;
    const fallbacks: string[] = [];
    const stopAt = Date.now() + 3_500;
    // Four invocations, each with three requests waiting at any time (as a reader with requests in flight).
    const invocations = Array.from({ length: 4 }, () =>
      createSharedLambdaPace({
        client: newClient(),
        tableName: TABLE,
        region: REGION,
        requestsPerSecond: budget,
        invocations: 5,
        onFallback: (reason) => fallbacks.push(reason),
        onGrant: (at) => granted.push(at),
        // A loaded test machine can make moto slower than the deployed default of one second: this test is
        // about sharing the table, not about giving up on it.
        callTimeoutMs: 15_000,
      }),
    );
    await Promise.all(
      invocations.flatMap((pace) =>
        Array.from({ length: 3 }, async () => {
          while (Date.now() < stopAt) {
            await pace.take();
            taken += 1;
          }
        }),
      ),
    );
    expect(fallbacks).toEqual([]);
    expect(granted).toHaveLength(taken);
    expect(maxInAnySecond(granted)).toBeLessThanOrEqual(budget);
    // Shared, not stalled: the four got more than one second's budget between them.
    expect(taken).toBeGreaterThan(budget);
    // The counters are in the table, under the pace's reserved keys, with a time to live.
    const slot = Math.floor((granted[0] as number) / 250) * 250;
    const item = await newClient().send(
      new GetItemCommand({ TableName: TABLE, Key: { functionArn: { S: `pace|lambda|${REGION}|${slot}` } } }),
    );
    expect(Number(item.Item?.taken?.N)).toBeGreaterThanOrEqual(1);
    expect(Number(item.Item?.taken?.N)).toBeLessThanOrEqual(2);
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan(slot / 1000);
  }, 30_000);

  it('falls back to a local pace, logged once, when the table does not exist', async () => {
    const fallbacks: string[] = [];
    const times: number[] = [];
    const pace = createSharedLambdaPace({
      client: newClient(),
      tableName: 'no-such-table',
      region: REGION,
      requestsPerSecond: 10,
      invocations: 2,
      onFallback: (reason) => fallbacks.push(reason),
      onGrant: (at) => times.push(at),
    });
    for (let i = 0; i < 6; i += 1) await pace.take();
    expect(times).toHaveLength(6);
    expect(pace.fallingBack()).toBe(true);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toContain('ResourceNotFoundException');
    // The local pace is the budget over the invocations: 5 per second here.
    expect(maxInAnySecond(times)).toBeLessThanOrEqual(5);
  }, 30_000);

  it('falls back rather than stalls when the table throttles', async () => {
    const client = newClient();
    const mock = mockClient(client);
    mock.on(UpdateItemCommand).rejects(
      Object.assign(new Error('Throughput exceeds the current capacity of your table'), {
        name: 'ThrottlingException',
        $metadata: {},
      }),
    );
    const fallbacks: string[] = [];
    const pace = createSharedLambdaPace({
      client,
      tableName: TABLE,
      region: REGION,
      requestsPerSecond: 10,
      invocations: 5,
      onFallback: (reason) => fallbacks.push(reason),
    });
    await Promise.all(Array.from({ length: 4 }, () => pace.take()));
    expect(fallbacks).toEqual([expect.stringContaining('ThrottlingException')]);
    // One call to the table, then the local bucket for a while: no call per request against a failing table.
    expect(mock.commandCalls(UpdateItemCommand)).toHaveLength(1);
    mock.restore();
  }, 30_000);
});
