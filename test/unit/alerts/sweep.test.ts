import type { AlertPublisher } from '../../../shared/adapters/notifier/sns-notifier.js';
import type { FunctionState, StateStore } from '../../../shared/adapters/state-store/dynamodb-state-store.js';
import { summariseFinding } from '../../../shared/alerts/alert-document.js';
import type { SnsAlertMessage } from '../../../shared/alerts/sns-message.js';
import type { LogSink } from '../../../shared/app/handle-changes.js';
import { mergeReports, runSweep } from '../../../shared/app/sweep.js';
import type { Report } from '../../../shared/domain/report.js';
import { FUNCTION_ARN, functionResult, missingDelete, overbroad, report, wildcard } from './alert-factory.js';

const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

function memoryState(initial: FunctionState[]): StateStore & { items: Map<string, FunctionState> } {
  const items = new Map(initial.map((s) => [s.functionArn, s]));
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

function sweepWith(reports: Record<string, Report>, state: StateStore) {
  const published: SnsAlertMessage[] = [];
  const publisher: AlertPublisher = {
    publish: async (m) => {
      published.push(m);
      return 'id';
    },
  };
  return {
    published,
    run: () =>
      runSweep({
        auditRegions: async (regions) => mergeReports(regions.map((region) => reports[region] as Report)),
        regions: Object.keys(reports),
        stateStore: state,
        publisher,
        minSeverity: 'medium',
        logger: silent,
      }),
  };
}

const otherRegion = (arn: string) => arn.replace('us-east-1', 'eu-west-1');

describe('scheduled sweep', () => {
  it('merges the regions into one digest of alerting findings', async () => {
    const euResult = {
      ...functionResult([wildcard], 'eu-fn'),
      functionArn: otherRegion(FUNCTION_ARN).replace('orders-consumer', 'eu-fn'),
    };
    const state = memoryState([]);
    const sweep = sweepWith(
      { 'us-east-1': report([functionResult([missingDelete, overbroad])]), 'eu-west-1': report([euResult]) },
      state,
    );
    const result = await sweep.run();
    expect(result.published).toBe(true);
    expect(sweep.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] digest: 2 open in 2 of 2 functions',
    ]);
    // overbroad is low, under the minimum: not in the digest, not remembered.
    expect(state.items.get(FUNCTION_ARN)?.findings.map((f) => f.id)).toEqual(['f-missing-delete']);
    expect(result.stateUpdated).toBe(2);
  });

  it('rewrites only the state that differs, and forgets functions that are gone', async () => {
    const gone = FUNCTION_ARN.replace('orders-consumer', 'gone');
    const elsewhere = otherRegion(gone);
    const state = memoryState([
      {
        functionArn: FUNCTION_ARN,
        findings: [summariseFinding(missingDelete)],
        auditedAt: '2026-01-01T00:00:00Z',
      },
      { functionArn: gone, findings: [], auditedAt: '2026-01-01T00:00:00Z' },
      { functionArn: elsewhere, findings: [], auditedAt: '2026-01-01T00:00:00Z' },
    ]);
    const sweep = sweepWith({ 'us-east-1': report([functionResult([missingDelete])]) }, state);
    const result = await sweep.run();
    expect(result.stateUpdated).toBe(0);
    expect(result.stateRemoved).toBe(1);
    expect([...state.items.keys()].sort()).toEqual([FUNCTION_ARN, elsewhere].sort());
  });

  it('leaves the state of a function it could not read, and says so in the subject', async () => {
    const state = memoryState([
      {
        functionArn: FUNCTION_ARN,
        findings: [summariseFinding(missingDelete)],
        auditedAt: '2026-01-01T00:00:00Z',
      },
    ]);
    const incomplete: Report = {
      ...report([]),
      errors: [{ functionName: 'orders-consumer', message: 'GetRole: Throttling (after 8 attempts)' }],
    };
    const sweep = sweepWith({ 'us-east-1': incomplete }, state);
    const result = await sweep.run();
    expect(result.subject).toBe('[lambda-role-audit] digest: no open findings in 0 functions, 1 not audited');
    expect(result.published).toBe(true);
    expect(state.items.has(FUNCTION_ARN)).toBe(true);
  });

  it('publishes nothing when every function is clean', async () => {
    const sweep = sweepWith({ 'us-east-1': report([functionResult([])]) }, memoryState([]));
    expect((await sweep.run()).published).toBe(false);
    expect(sweep.published).toEqual([]);
  });

  it('recounts the summary when merging reports', () => {
    const merged = mergeReports([
      {
        ...report([functionResult([missingDelete])]),
        summary: { functions: 1, compliant: 0, findings: { high: 1 } },
      },
      {
        ...report([functionResult([])]),
        summary: { functions: 1, compliant: 1, findings: { high: 0, low: 2 } },
      },
    ]);
    expect(merged.summary).toEqual({ functions: 2, compliant: 1, findings: { high: 1, low: 2 } });
  });
});

describe('scheduled sweep against the clock', () => {
  const euArn = otherRegion(FUNCTION_ARN);
  const remembered = (functionArn: string): FunctionState => ({
    functionArn,
    findings: [summariseFinding(missingDelete)],
    auditedAt: '2026-12-01T00:00:00Z',
  });

  it('reads every region in one audit, with its deadline, and keeps what it remembers of a function left unfinished', async () => {
    const state = memoryState([remembered(euArn)]);
    const calls: { regions: readonly string[]; deadline: unknown }[] = [];
    const deadline = { remainingMs: () => 1 };
    const result = await runSweep({
      auditRegions: async (regions, given) => {
        calls.push({ regions, deadline: given });
        return {
          ...report([functionResult([missingDelete])]),
          errors: [
            {
              functionName: euArn.split(':')[6] ?? '',
              message: `function ${euArn.split(':')[6]} was not audited: the audit ran out of time (its deadline passed) before reaching it`,
            },
          ],
        };
      },
      regions: ['us-east-1', 'eu-west-1'],
      stateStore: state,
      publisher: { publish: async () => 'id' },
      minSeverity: 'medium',
      logger: silent,
      deadline,
    });
    expect(calls).toEqual([{ regions: ['us-east-1', 'eu-west-1'], deadline }]);
    expect(result.published).toBe(true);
    // Not audited is not gone: the remembered function is kept.
    expect(state.items.has(euArn)).toBe(true);
    expect(result.stateRemoved).toBe(0);
  });

  it('lists the functions the audit did not finish, and leaves their state as it was', async () => {
    const state = memoryState([remembered(FUNCTION_ARN)]);
    const cut = {
      ...report([]),
      errors: [
        {
          functionName: 'orders-consumer',
          message:
            'function orders-consumer was not audited: the audit ran out of time (its deadline passed) before reaching it',
        },
      ],
    };
    const result = await runSweep({
      auditRegions: async () => cut,
      regions: ['us-east-1'],
      stateStore: state,
      publisher: { publish: async () => 'id' },
      minSeverity: 'medium',
      logger: silent,
      deadline: { remainingMs: () => 0 },
    });
    expect(result.unfinishedFunctions).toBe(1);
    expect(result.published).toBe(true);
    expect(result.digest.report.errors?.[0]?.functionName).toBe('orders-consumer');
    expect(state.items.get(FUNCTION_ARN)).toEqual(remembered(FUNCTION_ARN));
  });

  it('stops writing state at finishBy and says how much is left for the next sweep', async () => {
    const state = memoryState([]);
    const result = await runSweep({
      auditRegions: async () => report([functionResult([missingDelete])]),
      regions: ['us-east-1'],
      stateStore: state,
      publisher: { publish: async () => 'id' },
      minSeverity: 'medium',
      logger: silent,
      finishBy: { remainingMs: () => 0 },
    });
    expect(result.published).toBe(true);
    expect(result.stateUpdated).toBe(0);
    expect(result.stateLeft).toBe(1);
    expect(state.items.size).toBe(0);
  });
});
