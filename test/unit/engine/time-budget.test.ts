/**
 * The engine's time limits, on clocks the tests control (the engine reads no clock of its own): a function
 * that exceeds its budget is listed under `errors` and never counted compliant; functions the audit does
 * not reach before its deadline are named, not dropped; without a clock nothing changes.
 */
import { ExportFolderSource } from '../../../shared/adapters/export-folder/export-folder-source.js';
import {
  type AuditOptions,
  auditAccount,
  auditAccountWithin,
} from '../../../shared/domain/audit/audit-account.js';
import { isOutOfTime } from '../../../shared/domain/audit/time-budget.js';
import type { AccountSnapshot } from '../../../shared/domain/model.js';
import type { Report } from '../../../shared/domain/report.js';
import { projectRoot } from '../../support/run-cli.js';
import { testCatalog } from '../rules/audit-helper.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const DEMO = `${projectRoot}/examples/demo-account`;
const GENERATED_AT = '2026-12-02T00:00:00.000Z';

/** A fresh snapshot each time: the engine memoises per policies object, and these tests count clock reads. */
const demo = (): Promise<AccountSnapshot> => new ExportFolderSource(DEMO).load({});

async function options(extra: Partial<AuditOptions> = {}): Promise<AuditOptions> {
  return { catalog: await testCatalog(), generatedAt: GENERATED_AT, ...extra };
}

/** A clock that moves `step` milliseconds every time it is read, and counts the reads. */
function steppingClock(step: number): { clock: () => number; reads: () => number } {
  let reads = 0;
  return { clock: () => step * reads++, reads: () => reads };
}

const names = (report: Report) => report.functions.map((fn) => fn.functionName);

describe('per-function time budget', () => {
  it('changes nothing without a clock, nor with a clock that stays under the budget', async () => {
    const plain = auditAccount(await demo(), await options());
    const bounded = auditAccountWithin(await demo(), await options({ clock: () => 0, functionBudgetMs: 1 }));
    expect(bounded.unfinished).toEqual([]);
    expect(bounded.report).toEqual(plain);
    expect(auditAccountWithin(await demo(), await options()).unfinished).toEqual([]);
  });

  it('lists a function that exceeds its budget under errors, never as compliant', async () => {
    // Every read of this clock is a second later: each function's first check finds its 500 ms spent.
    const { clock } = steppingClock(1000);
    const { report, unfinished } = auditAccountWithin(
      await demo(),
      await options({ clock, functionBudgetMs: 500 }),
    );
    const all = (await demo()).functions.map((fn) => fn.FunctionName).sort();
    expect(unfinished.map((u) => u.functionName).sort()).toEqual(all);
    expect(unfinished.every((u) => u.limit === 'budget')).toBe(true);
    expect(report.summary).toMatchObject({ functions: all.length, compliant: 0 });
    expect(report.functions.every((fn) => !fn.compliant)).toBe(true);
    const timeErrors = (report.errors ?? []).filter(isOutOfTime);
    expect(timeErrors.map((e) => e.functionName).sort()).toEqual(all);
    expect(timeErrors[0]?.message).toMatch(
      /^function \S+ was not audited completely: it ran out of time \(its audit took longer than the budget of 500 ms per function\)$/,
    );
    expect(reportValidator()(report)).toEqual([]);
  });

  it('stops at the deadline: the functions reached are judged as without it, the others are named', async () => {
    // The engine's clock reads are deterministic for a given snapshot: count them on a run without a
    // deadline, then put the deadline halfway.
    const counting = steppingClock(1);
    const full = auditAccountWithin(await demo(), await options({ clock: counting.clock }));
    expect(full.unfinished).toEqual([]);
    const halfway = Math.floor(counting.reads() / 2);

    const { clock } = steppingClock(1);
    const { report, unfinished } = auditAccountWithin(
      await demo(),
      await options({ clock, deadline: halfway }),
    );
    expect(unfinished.length).toBeGreaterThan(0);
    expect(unfinished.every((u) => u.limit === 'deadline')).toBe(true);
    const left = new Set(unfinished.map((u) => u.functionName));
    // Functions are audited in name order: those finished come first, and are judged exactly as before.
    const finished = full.report.functions.filter((fn) => !left.has(fn.functionName));
    expect(finished.length).toBeGreaterThan(0);
    expect(report.functions.filter((fn) => !left.has(fn.functionName))).toEqual(finished);
    // Every function is accounted for: finished, or named as not (or not completely) audited.
    const accounted = new Set([...finished.map((fn) => fn.functionName), ...left]);
    expect([...accounted].sort()).toEqual(names(full.report).sort());
    for (const name of left) {
      const errors = (report.errors ?? []).filter((e) => e.functionName === name);
      expect(errors.some(isOutOfTime)).toBe(true);
      const result = report.functions.find((fn) => fn.functionName === name);
      expect(result === undefined || !result.compliant).toBe(true);
    }
    expect(report.summary.functions).toBe(full.report.summary.functions);
    expect(reportValidator()(report)).toEqual([]);
  });

  it('audits nothing once the deadline has passed, and says so for every function', async () => {
    const { report, unfinished } = auditAccountWithin(
      await demo(),
      await options({ clock: () => 10, deadline: 10 }),
    );
    expect(report.functions).toEqual([]);
    expect(unfinished).toHaveLength(report.summary.functions);
    expect((report.errors ?? []).filter(isOutOfTime)).toHaveLength(report.summary.functions);
    expect(report.errors?.[0]?.message).toMatch(
      /^function \S+ was not audited: the audit ran out of time \(its deadline passed\) before reaching it$/,
    );
  });
});

describe('reading the time errors', () => {
  it('recognises its own messages by the function name they start with, not by searching', () => {
    const hostileName = 'was-not-audited-completely-it-ran-out-of-time';
    expect(
      isOutOfTime({
        functionName: 'f',
        message: `function ${hostileName} was not audited completely: it ran out of time (x)`,
      }),
    ).toBe(false);
    expect(
      isOutOfTime({
        functionName: hostileName,
        message: `function ${hostileName} was not audited completely: it ran out of time (x)`,
      }),
    ).toBe(true);
    expect(isOutOfTime({ message: 'function f was not audited: the audit ran out of time' })).toBe(false);
  });
});
