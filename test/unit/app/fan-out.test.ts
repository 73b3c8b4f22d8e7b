/**
 * The fan-out's own code (shared/app/fan-out.ts) on a 20,000-function account with in-memory adapters:
 * the sweep is cut into chunks that each fit a worker's deadline at the real pace, every chunk is run
 * (one failing once is retried alone), and the last one assembles a digest covering every function.
 */
import type { AlertPublisher } from '../../../shared/adapters/notifier/sns-notifier.js';
import type { FunctionState, StateStore } from '../../../shared/adapters/state-store/dynamodb-state-store.js';
import { steadyRequestsPerSecond } from '../../../shared/adapters/state-store/lambda-pace.js';
import type { DigestAlertDocument } from '../../../shared/alerts/alert-document.js';
import type { SnsAlertMessage } from '../../../shared/alerts/sns-message.js';
import {
  type ChunkAuditRequest,
  DEFAULT_FAN_OUT,
  dispatchChange,
  dispatchSweep,
  planChunks,
  type RunRecord,
  type RunStatus,
  type RunStore,
  regionInputOf,
  runWorkItem,
  type WorkItem,
  type WorkQueue,
} from '../../../shared/app/fan-out.js';
import type { LogSink } from '../../../shared/app/handle-changes.js';
import { notReachedMessage } from '../../../shared/domain/audit/time-budget.js';
import type { Report } from '../../../shared/domain/report.js';
import { functionResult, missingDelete, report } from '../alerts/alert-factory.js';

const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {} };
const REGION = 'us-east-1';
/** The 20,000-function account's regions: one function in seven is in the second, whatever its role. */
const REGIONS = [REGION, 'eu-west-1'] as const;

function memoryRuns(): RunStore & { records: Map<string, RunStatus & { claimed?: string }> } {
  const records = new Map<string, RunStatus & { claimed?: string; done: Set<number> }>();
  const blobs = new Map<string, string>();
  return {
    records,
    async createRun(record: RunRecord) {
      if (records.has(record.runId)) return false;
      records.set(record.runId, { ...record, completed: 0, assembled: false, done: new Set() });
      return true;
    },
    async getRun(runId) {
      const run = records.get(runId);
      return run ? { ...run, completed: run.done.size } : undefined;
    },
    async putBlob(key, value) {
      // Stored as the DynamoDB adapter stores it: JSON, so that nothing survives by reference.
      blobs.set(key, JSON.stringify(value ?? null));
    },
    async getBlob(key) {
      const text = blobs.get(key);
      return text === undefined ? undefined : JSON.parse(text);
    },
    async completeChunk(runId, chunk) {
      const run = records.get(runId);
      if (!run) throw new Error('no run');
      run.done.add(chunk);
      return run.done.size;
    },
    async claimAssembly(runId, now, staleBefore) {
      const run = records.get(runId);
      if (!run || run.assembled || (run.claimed !== undefined && run.claimed >= staleBefore)) return false;
      run.claimed = now;
      return true;
    },
    async markAssembled(runId) {
      const run = records.get(runId);
      if (run) records.set(runId, { ...run, assembled: true });
    },
    async releaseAssembly(runId) {
      const run = records.get(runId);
      if (run) run.claimed = undefined;
    },
  };
}

function memoryQueue(): WorkQueue & { items: WorkItem[] } {
  const items: WorkItem[] = [];
  return {
    items,
    async send(sent) {
      items.push(...sent.map((item) => JSON.parse(JSON.stringify(item)) as WorkItem));
    },
  };
}

function memoryState(): StateStore & { items: Map<string, FunctionState> } {
  const items = new Map<string, FunctionState>();
  return {
    items,
    get: async (arn) => items.get(arn),
    getMany: async (arns) =>
      new Map(arns.flatMap((a) => (items.has(a) ? [[a, items.get(a) as FunctionState]] : []))),
    put: async (state) => {
      items.set(state.functionArn, state);
      return true;
    },
    delete: async (arn) => {
      items.delete(arn);
    },
    async *list() {
      yield* items.values();
    },
  };
}

const regionOfIndex = (i: number) => (i % 7 === 0 ? REGIONS[1] : REGIONS[0]);
const arnOf = (i: number) => `arn:aws:lambda:${regionOfIndex(i)}:123456789012:function:fn-${i}`;
const regionOfArn = (arn: string) => arn.split(':')[3] ?? '';

/**
 * 20,000 functions in two regions: roles shared by 1 to 40 functions, one role shared by 900 (larger than
 * a chunk); most roles with more than one function have functions in both regions.
 */
function account(size: number): { functionArn: string; roleName: string }[] {
  const functions: { functionArn: string; roleName: string }[] = [];
  let role = 0;
  let left = 0;
  for (let i = 0; i < size; i += 1) {
    if (i < 900) {
      functions.push({ functionArn: arnOf(i), roleName: 'widely-shared' });
      continue;
    }
    if (left === 0) {
      role += 1;
      left = 1 + (role % 40);
    }
    left -= 1;
    functions.push({ functionArn: arnOf(i), roleName: `role-${role}` });
  }
  return functions;
}

/** A chunk's audit: every third function has a finding; reads of two Lambda calls per function counted. */
function chunkAuditor() {
  const calls: number[] = [];
  const audit = async (request: ChunkAuditRequest): Promise<Report> => {
    calls.push(request.functionArns.length * 2);
    const results = request.functionArns.map((arn) => {
      const name = arn.split(':')[6] ?? arn;
      const index = Number(name.slice(3));
      return { ...functionResult(index % 3 === 0 ? [missingDelete] : [], name), functionArn: arn };
    });
    return { ...report(results), generatedAt: request.runStartedAt };
  };
  return { calls, audit };
}

describe('fan-out of a 20,000-function sweep', () => {
  const functions = account(20_000);
  const byArn = new Map(functions.map((fn) => [fn.functionArn, fn.roleName]));

  it('cuts the account into chunks that never split a role and fit a worker at the real pace', () => {
    const chunks = planChunks(functions, DEFAULT_FAN_OUT.sweepChunkSize);
    const seen = new Set<string>();
    const chunkOfRole = new Map<string, number>();
    const twice: string[] = [];
    const splitRoles: string[] = [];
    chunks.forEach(([region, arns], index) => {
      expect(region).toBe(regionOfArn(arns[0] ?? ''));
      for (const arn of arns) {
        if (seen.has(arn)) twice.push(arn);
        seen.add(arn);
        const role = byArn.get(arn) ?? '';
        if ((chunkOfRole.get(role) ?? index) !== index) splitRoles.push(role);
        chunkOfRole.set(role, index);
      }
    });
    expect(twice).toEqual([]);
    expect(splitRoles).toEqual([]);
    expect(seen.size).toBe(20_000);
    // Roles across regions are there to be split, and are not.
    const rolesInBoth = new Set(
      functions.filter((fn) => regionOfArn(fn.functionArn) === REGIONS[1]).map((fn) => fn.roleName),
    );
    expect(
      [...rolesInBoth].filter((role) =>
        functions.some((fn) => fn.roleName === role && regionOfArn(fn.functionArn) === REGIONS[0]),
      ).length,
    ).toBeGreaterThan(100);
    // Two Lambda calls per function (invoke configs, tags) at a worker's share of the shared pace (the
    // default budget of 10 per second gives 8 when busy, split between the two workers the mapping
    // allows), within the 15-minute worker timeout less its 60 s reserve: every chunk, the widely shared
    // role's included.
    const perWorker = steadyRequestsPerSecond(10) / 2;
    const largest = Math.max(...chunks.map(([, arns]) => arns.length));
    expect(largest).toBeGreaterThanOrEqual(900);
    expect((largest * 2) / perWorker).toBeLessThan(900 - 60);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(20_000 / (DEFAULT_FAN_OUT.sweepChunkSize + 40)));
  });

  it('runs every chunk, retries a failed one alone, and publishes one digest covering every function', async () => {
    const runs = memoryRuns();
    const queue = memoryQueue();
    const state = memoryState();
    // A function remembered from before that no longer exists: the assembled sweep forgets it.
    state.items.set(arnOf(99_999), {
      functionArn: arnOf(99_999),
      findings: [],
      auditedAt: '2026-01-01T00:00:00Z',
    });
    const published: SnsAlertMessage[] = [];
    const publisher: AlertPublisher = {
      publish: async (message) => {
        published.push(message);
        return `m-${published.length}`;
      },
    };
    const dispatched = await dispatchSweep({
      regions: REGIONS,
      listRegion: async (region) => ({
        functions: functions.filter((fn) => regionOfArn(fn.functionArn) === region),
        inputFor: (arns) => ({ count: arns.length }),
      }),
      runs,
      queue,
      settings: DEFAULT_FAN_OUT,
      logger: silent,
      now: () => new Date('2026-12-02T03:00:00.000Z'),
    });
    expect(dispatched.functions).toBe(20_000);
    expect(queue.items).toHaveLength(dispatched.chunks);
    // Cut by role across both regions: no role in two chunks, chunks holding both regions, and each chunk's
    // Lambda reads (its regions read side by side) within a worker's timeout at its share of the pace.
    const chunkOfRole = new Map<string, number>();
    const split = new Set<string>();
    for (const item of queue.items) {
      for (const arn of item.functionArns) {
        const role = byArn.get(arn) ?? '';
        if ((chunkOfRole.get(role) ?? item.chunk) !== item.chunk) split.add(role);
        chunkOfRole.set(role, item.chunk);
      }
    }
    expect([...split]).toEqual([]);
    expect(queue.items.filter((item) => item.regions?.length === 2).length).toBeGreaterThan(10);
    const slowest = Math.max(
      ...queue.items.flatMap((item) =>
        REGIONS.map((region) => item.functionArns.filter((arn) => regionOfArn(arn) === region).length),
      ),
    );
    expect((slowest * 2) / (steadyRequestsPerSecond(10) / 2)).toBeLessThan(900 - 60);

    const { calls, audit } = chunkAuditor();
    let failedOnce = false;
    const attempts = new Map<number, number>();
    const deps = {
      runs,
      sweep: { stateStore: state, publisher, minSeverity: 'low' as const, logger: silent },
      change: {} as never,
      logger: silent,
      claimMs: 900_000,
      now: () => new Date('2026-12-02T03:30:00.000Z'),
    };
    let assembled = 0;
    // The queue as the event source mapping delivers it: one item per invocation, failures back at the end.
    while (queue.items.length > 0) {
      const item = queue.items.shift() as WorkItem;
      attempts.set(item.chunk, (attempts.get(item.chunk) ?? 0) + 1);
      const outcome = await runWorkItem(item, {
        ...deps,
        auditChunk: async (request) => {
          if (item.chunk === 3 && !failedOnce) {
            // The deadline passes in the middle of chunk 3: its functions are reported not reached.
            failedOnce = true;
            const partial = await audit({ ...request, functionArns: request.functionArns.slice(0, 10) });
            return {
              ...partial,
              errors: request.functionArns.slice(10).map((arn) => {
                const name = arn.split(':')[6] ?? arn;
                return { functionName: name, message: notReachedMessage(name) };
              }),
            };
          }
          return audit(request);
        },
      });
      if (outcome.status === 'retry') queue.items.push(item);
      else if (outcome.status === 'done' && outcome.assembled) assembled += 1;
    }

    expect(assembled).toBe(1);
    // Chunk 3 ran twice, every other chunk once.
    expect(attempts.get(3)).toBe(2);
    expect([...attempts].filter(([chunk, n]) => chunk !== 3 && n !== 1)).toEqual([]);
    expect(attempts.size).toBe(dispatched.chunks);
    expect(calls.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40_000);

    expect(published).toHaveLength(1);
    const digest = published[0]?.document as DigestAlertDocument;
    expect(digest.type).toBe('digest');
    expect(digest.audited).toBe(20_000);
    expect(digest.report.generatedAt).toBe('2026-12-02T03:00:00.000Z');
    // Every function with a finding is remembered, and the one that no longer exists is forgotten.
    expect(state.items.size).toBe(Math.ceil(20_000 / 3));
    expect(state.items.has(arnOf(99_999))).toBe(false);
    expect(state.items.get(arnOf(3))?.findings.map((f) => f.id)).toEqual([missingDelete.id]);
  });
});

describe('fan-out of a sweep across regions', () => {
  it('puts a role used in two regions in one chunk, audited once with its functions of both', async () => {
    const arn = (region: string, name: string) => `arn:aws:lambda:${region}:123456789012:function:${name}`;
    const listings: Record<string, { functionArn: string; roleName: string }[]> = {
      'us-east-1': [
        { functionArn: arn('us-east-1', 'orders-east'), roleName: 'orders' },
        ...Array.from({ length: 3 }, (_, i) => ({
          functionArn: arn('us-east-1', `east-${i}`),
          roleName: `east-${i}`,
        })),
      ],
      'eu-west-1': [
        ...Array.from({ length: 3 }, (_, i) => ({
          functionArn: arn('eu-west-1', `west-${i}`),
          roleName: `west-${i}`,
        })),
        { functionArn: arn('eu-west-1', 'orders-west'), roleName: 'orders' },
      ],
    };
    const runs = memoryRuns();
    const queue = memoryQueue();
    const dispatched = await dispatchSweep({
      regions: ['us-east-1', 'eu-west-1'],
      listRegion: async (region) => ({
        functions: listings[region] ?? [],
        // The listing's share for these functions: what the worker's reader of that region gets.
        inputFor: (arns) => ({ region, arns }),
      }),
      runs,
      queue,
      // Chunks of 2 functions: without cutting across regions, the role would be split by region.
      settings: { ...DEFAULT_FAN_OUT, sweepChunkSize: 2 },
      logger: silent,
      now: () => new Date('2026-12-02T03:00:00.000Z'),
    });
    expect(dispatched.functions).toBe(8);
    const holding = queue.items.filter((item) =>
      item.functionArns.some((a) => a.includes(':function:orders-')),
    );
    expect(holding).toHaveLength(1);
    const [chunk] = holding;
    if (!chunk) throw new Error('no chunk');
    expect(chunk.functionArns).toEqual(
      expect.arrayContaining([arn('us-east-1', 'orders-east'), arn('eu-west-1', 'orders-west')]),
    );
    expect(chunk.regions).toEqual(['us-east-1', 'eu-west-1']);
    // No other chunk holds a function of the role, and every function is in exactly one chunk.
    const all = queue.items.flatMap((item) => item.functionArns);
    expect(new Set(all).size).toBe(8);
    expect(all).toHaveLength(8);

    const requests: ChunkAuditRequest[] = [];
    const state = memoryState();
    const published: SnsAlertMessage[] = [];
    for (const item of [...queue.items]) {
      await runWorkItem(item, {
        runs,
        auditChunk: async (request) => {
          requests.push(request);
          return {
            ...report(request.functionArns.map((a) => functionResult([missingDelete], a.split(':')[6] ?? a))),
            functions: request.functionArns.map((a) => ({
              ...functionResult([missingDelete], a.split(':')[6] ?? a),
              functionArn: a,
            })),
            generatedAt: request.runStartedAt,
          };
        },
        sweep: {
          stateStore: state,
          publisher: {
            publish: async (message) => {
              published.push(message);
              return 'm-1';
            },
          },
          minSeverity: 'low',
          logger: silent,
        },
        change: {} as never,
        logger: silent,
        claimMs: 900_000,
      });
    }
    // The role's chunk is audited once, with both regions' functions, each region with its own listing.
    const judged = requests.filter((r) => r.functionArns.some((a) => a.includes(':function:orders-')));
    expect(judged).toHaveLength(1);
    const [request] = judged;
    expect(request?.functionArns).toEqual(
      expect.arrayContaining([arn('us-east-1', 'orders-east'), arn('eu-west-1', 'orders-west')]),
    );
    expect(regionInputOf(request?.input, 'eu-west-1')).toEqual({
      region: 'eu-west-1',
      arns: [arn('eu-west-1', 'orders-west')],
    });
    expect(regionInputOf(request?.input, 'us-east-1')).toEqual({
      region: 'us-east-1',
      arns: [arn('us-east-1', 'orders-east')],
    });
    // One digest for both regions, every function counted once.
    expect(published).toHaveLength(1);
    expect((published[0]?.document as DigestAlertDocument | undefined)?.audited).toBe(8);
  });
});

describe('fan-out of a big change', () => {
  it('records the run once however often the same messages are dispatched, and chunks by role', async () => {
    const runs = memoryRuns();
    const queue = memoryQueue();
    const arns = Array.from({ length: 2_000 }, (_, i) => arnOf(i));
    const roles = new Map(arns.map((arn, i) => [arn, `role-${Math.floor(i / 40)}`]));
    const deps = {
      runs,
      queue,
      settings: DEFAULT_FAN_OUT,
      logger: silent,
      rolesOf: async () => roles,
    };
    const messages = [{ messageId: 'm-1', body: '{}' }];
    const first = await dispatchChange(messages, arns, deps);
    const again = await dispatchChange(messages, arns, deps);
    expect(again.runId).toBe(first.runId);
    expect(runs.records.size).toBe(1);
    expect(first.chunks).toBe(Math.ceil(2_000 / DEFAULT_FAN_OUT.changeChunkSize));
    for (const item of queue.items.slice(0, first.chunks)) {
      const chunkRoles = new Set(item.functionArns.map((arn) => roles.get(arn)));
      for (const other of queue.items.slice(0, first.chunks)) {
        if (other.chunk === item.chunk) continue;
        expect(other.functionArns.some((arn) => chunkRoles.has(roles.get(arn)))).toBe(false);
      }
    }
  });
});
