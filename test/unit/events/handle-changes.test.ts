import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlertPublisher } from '../../../shared/adapters/notifier/sns-notifier.js';
import type { FunctionState, StateStore } from '../../../shared/adapters/state-store/dynamodb-state-store.js';
import type { BigChangeDetailDocument } from '../../../shared/alerts/big-change.js';
import type { SnsAlertMessage } from '../../../shared/alerts/sns-message.js';
import {
  type AlertDetailStore,
  chunksOf,
  type HandleChangesDeps,
  handleChanges,
  type LogSink,
} from '../../../shared/app/handle-changes.js';
import type { Finding, Report } from '../../../shared/domain/report.js';
import {
  FUNCTION_ARN,
  functionResult,
  missingDelete,
  overbroad,
  ROLE_ARN,
  report,
  wildcard,
} from '../alerts/alert-factory.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/events');
const event = (name: string) => readFileSync(join(fixtures, `${name}.json`), 'utf8');

const silent: LogSink = { debug() {}, info() {}, warn() {}, error() {} };

class MemoryState implements StateStore {
  readonly items = new Map<string, FunctionState>();
  failPut = 0;
  failGet = 0;
  async get(arn: string) {
    return this.items.get(arn);
  }
  async getMany(arns: readonly string[]) {
    if (this.failGet > 0) {
      this.failGet -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    }
    const found = new Map<string, FunctionState>();
    for (const arn of arns) {
      const state = this.items.get(arn);
      if (state) found.set(arn, state);
    }
    return found;
  }
  async put(state: FunctionState) {
    if (this.failPut > 0) {
      this.failPut -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    }
    this.items.set(state.functionArn, state);
    return true;
  }
  async delete(arn: string) {
    this.items.delete(arn);
  }
  async *list() {
    yield* this.items.values();
  }
}

function setup(
  options: {
    findings?: () => Finding[];
    functions?: string[];
    threshold?: number;
    stackNameOf?: (arn: string) => Promise<string | undefined>;
  } = {},
) {
  const published: SnsAlertMessage[] = [];
  // Grouped alerts' details, stored as JSON (as the state table's adapter stores them).
  const details = new Map<string, string>();
  let detailFailures = 0;
  const alertDetails: AlertDetailStore = {
    async store(detail) {
      if (detailFailures > 0) {
        detailFailures -= 1;
        throw new Error('DynamoDB unavailable');
      }
      const json = JSON.stringify(detail);
      details.set(detail.alertId, json);
      return {
        table: 'state',
        region: 'us-east-1',
        key: `alert|${detail.alertId}`,
        parts: 1,
        command: `print-detail ${detail.alertId}`,
        expiresAt: '2026-12-26T14:02:30.000Z',
        bytes: Buffer.byteLength(json),
      };
    },
  };
  const audits: string[][] = [];
  let publishFailures = 0;
  const publisher: AlertPublisher = {
    async publish(message) {
      if (publishFailures > 0) {
        publishFailures -= 1;
        throw new Error('SNS unavailable');
      }
      published.push(message);
      return `m-${published.length}`;
    },
  };
  const state = new MemoryState();
  const functions = options.functions ?? [FUNCTION_ARN];
  const deps: HandleChangesDeps = {
    account: '123456789012',
    directory: {
      rolesAttachingPolicy: async () => ['orders-consumer-role'],
      functionsOfRoles: async () => functions,
      functionOfMapping: async () => FUNCTION_ARN,
      functionsUsingResource: async () => functions,
      functionsSharingRoleWith: async (arn) => (functions.includes(arn) ? functions : [arn]),
      functionExists: async (arn) => functions.includes(arn),
    },
    auditFunctions: async (arns): Promise<Report> => {
      audits.push([...arns]);
      const findings = options.findings?.() ?? [missingDelete];
      return report(
        arns
          .filter((a) => functions.includes(a))
          .map((arn) => functionResult(findings, arn.split(':')[6] ?? '')),
      );
    },
    stateStore: state,
    publisher,
    minSeverity: 'low',
    auditRegions: ['us-east-1'],
    logger: silent,
    ...(options.threshold === undefined ? {} : { bigChangeThreshold: options.threshold }),
    ...(options.stackNameOf ? { stackNameOf: options.stackNameOf } : {}),
    alertDetails,
  };
  return {
    deps,
    published,
    audits,
    state,
    details,
    failPublish: (n: number) => (publishFailures = n),
    failDetail: (n: number) => (detailFailures = n),
  };
}

const records = (...names: string[]) =>
  names.map((name, i) => ({ messageId: `msg-${i}`, body: event(name) }));

describe('change handling', () => {
  it('coalesces a burst on one role into one audit and one alert per function', async () => {
    const arns = Array.from({ length: 3 }, (_, i) => FUNCTION_ARN.replace('orders-consumer', `fn-${i}`));
    const t = setup({ functions: arns });
    const burst = Array.from({ length: 20 }, (_, i) => ({
      messageId: `msg-${i}`,
      body: event(i % 2 === 0 ? 'iam-detach-role-policy' : 'iam-put-role-policy'),
    }));
    const result = await handleChanges(burst, t.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(t.audits).toEqual([arns]);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] fn-0 can no longer receive from SQS queue orders-queue',
      '[lambda-role-audit] fn-1 can no longer receive from SQS queue orders-queue',
      '[lambda-role-audit] fn-2 can no longer receive from SQS queue orders-queue',
    ]);
  });

  it('alerts only on change: a second identical batch sends nothing', async () => {
    const t = setup();
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    expect(t.published).toHaveLength(1);
  });

  it('announces a fix, then stays quiet', async () => {
    let findings: Finding[] = [missingDelete, wildcard];
    const t = setup({ findings: () => findings });
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    findings = [wildcard];
    await handleChanges(records('iam-attach-role-policy'), t.deps);
    findings = [wildcard];
    await handleChanges(records('iam-attach-role-policy'), t.deps);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue +1 more',
      '[lambda-role-audit] orders-consumer receives from SQS queue orders-queue again',
    ]);
    expect(t.published[1]?.messageAttributes.outcome?.StringValue).toBe('fixed');
  });

  it('returns only the failing message of a batch, and the retry re-sends the alert it lost', async () => {
    const t = setup();
    t.failPublish(1);
    const batch = [
      { messageId: 'poison', body: '{"detail-type":"nonsense"}' },
      { messageId: 'ok', body: event('iam-detach-role-policy-failed') },
      { messageId: 'change', body: event('iam-detach-role-policy') },
    ];
    const first = await handleChanges(batch, t.deps);
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['change', 'poison']);
    expect(t.published).toHaveLength(0);
    expect(t.state.items.size).toBe(0);
    const retry = await handleChanges([batch[2] as { messageId: string; body: string }], t.deps);
    expect(retry.batchItemFailures).toEqual([]);
    expect(t.published).toHaveLength(1);
  });

  it('does not duplicate when a message is retried after its alert was sent and remembered', async () => {
    const t = setup({ functions: [FUNCTION_ARN, FUNCTION_ARN.replace('orders-consumer', 'other')] });
    t.failPublish(0);
    // The first function publishes, the second fails: the message is retried as a whole.
    let calls = 0;
    const publisher = t.deps.publisher;
    const deps: HandleChangesDeps = {
      ...t.deps,
      publisher: {
        publish: async (m) => {
          calls += 1;
          if (calls === 2) throw new Error('SNS unavailable');
          return publisher.publish(m);
        },
      },
    };
    const first = await handleChanges(records('iam-detach-role-policy'), deps);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    await handleChanges(records('iam-detach-role-policy'), deps);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] orders-consumer can no longer receive from SQS queue orders-queue',
      '[lambda-role-audit] other can no longer receive from SQS queue orders-queue',
    ]);
  });

  it('retries every message of the batch when the remembered findings cannot be read, and sends nothing', async () => {
    const t = setup();
    t.state.failGet = 1;
    const first = await handleChanges(records('iam-detach-role-policy', 'iam-put-role-policy'), t.deps);
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-0', 'msg-1']);
    expect(t.published).toHaveLength(0);
    await handleChanges(records('iam-detach-role-policy', 'iam-put-role-policy'), t.deps);
    expect(t.published).toHaveLength(1);
  });

  it('does not fail the message when the state write fails after the alert went out', async () => {
    const t = setup();
    t.state.failPut = 1;
    const first = await handleChanges(records('iam-detach-role-policy'), t.deps);
    expect(first.batchItemFailures).toEqual([]);
    expect(t.published).toHaveLength(1);
  });

  it('clears the state of a function deleted since the event and sends nothing', async () => {
    const t = setup({ functions: [] });
    t.state.items.set(FUNCTION_ARN, {
      functionArn: FUNCTION_ARN,
      findings: [],
      auditedAt: '2026-01-01T00:00:00Z',
    });
    const result = await handleChanges(records('lambda-update-function-configuration'), t.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(result.functions).toEqual([{ functionArn: FUNCTION_ARN, outcome: 'deleted' }]);
    expect(t.state.items.size).toBe(0);
    expect(t.published).toHaveLength(0);
  });

  it('retries the messages of a function whose audit was incomplete instead of alerting on half a read', async () => {
    const t = setup();
    const deps: HandleChangesDeps = {
      ...t.deps,
      auditFunctions: async () => ({
        ...report([functionResult([missingDelete])]),
        errors: [{ functionName: 'orders-consumer', message: 'GetRole: Throttling (after 8 attempts)' }],
      }),
    };
    const result = await handleChanges(records('lambda-update-function-configuration'), deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(t.published).toHaveLength(0);
  });

  it('audits a role’s functions in every audited region together, in one audit', async () => {
    const west = FUNCTION_ARN.replace('us-east-1', 'eu-west-1');
    const t = setup({ functions: [FUNCTION_ARN, west] });
    const deps = { ...t.deps, auditRegions: ['us-east-1', 'eu-west-1'] };
    const result = await handleChanges(records('iam-detach-role-policy'), deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(t.audits).toEqual([[FUNCTION_ARN, west]]);
    expect(t.published).toHaveLength(2);
  });

  it('settles the published version a qualified mapping reaches under the version’s own ARN', async () => {
    const t = setup();
    const version = `${FUNCTION_ARN}:3`;
    const deps = {
      ...t.deps,
      auditFunctions: async (arns: readonly string[]): Promise<Report> => {
        const base = await t.deps.auditFunctions(arns);
        const [latest] = base.functions;
        if (!latest) return base;
        return { ...base, functions: [latest, { ...latest, functionArn: version, version: '3' }] };
      },
    };
    await handleChanges(records('lambda-publish-version'), deps);
    expect(t.published.map((p) => (p.document as { function: { arn: string } }).function.arn).sort()).toEqual(
      [FUNCTION_ARN, version].sort(),
    );
    expect((await t.state.get(version))?.findings.length).toBeGreaterThan(0);
    // Quiet on a redelivery: both states are remembered.
    await handleChanges(records('lambda-publish-version'), deps);
    expect(t.published).toHaveLength(2);
  });

  it('drops events that name nothing in an audited region', async () => {
    const t = setup({ functions: [] });
    const result = await handleChanges(records('iam-delete-role'), t.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(t.audits).toEqual([]);
  });

  it('remembers, per finding, when it opened and what needed it, so that a fix can say how long it took', async () => {
    let findings: Finding[] = [missingDelete];
    const t = setup({ findings: () => findings });
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    const remembered = t.state.items.get(FUNCTION_ARN)?.findings[0];
    // The detach fixture's eventTime: the break started when the change was made, not when it was audited.
    expect(remembered).toMatchObject({ id: missingDelete.id, openedAt: '2026-11-26T14:02:11Z' });
    expect(remembered?.cause).toEqual(missingDelete.cause);
    findings = [];
    // The repair, 14 minutes after the detach.
    const attach = event('iam-attach-role-policy').replaceAll(
      '"2026-11-26T14:02:11Z"',
      '"2026-11-26T14:16:11Z"',
    );
    const outcome = await handleChanges([{ messageId: 'fix', body: attach }], t.deps);
    expect(outcome.functions[0]?.alert?.type).toBe('change');
    expect(t.published.at(-1)?.message.replace(/\n/g, ' ')).toContain(
      'orders-consumer receives from SQS queue orders-queue again, 14 min after the break, fixed by jane.',
    );
  });

  it('reads the stack of a function only when alerting on it, and never holds an alert back for it', async () => {
    const asked: string[] = [];
    const t = setup({
      stackNameOf: async (arn) => {
        asked.push(arn);
        throw new Error('AccessDeniedException');
      },
    });
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    expect(asked).toEqual([FUNCTION_ARN]);
    expect(t.published).toHaveLength(1);
    const withStack = setup({ stackNameOf: async () => 'orders-prod' });
    await handleChanges(records('iam-detach-role-policy'), withStack.deps);
    expect(withStack.published[0]?.message).toContain('comes from CloudFormation stack orders-prod');
  });

  it('sends one grouped alert when one change brings news to more functions than the threshold', async () => {
    const arns = Array.from({ length: 12 }, (_, i) => FUNCTION_ARN.replace('orders-consumer', `fn-${i}`));
    const t = setup({ functions: arns });
    const result = await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(t.published).toHaveLength(1);
    const [alert] = t.published;
    expect(alert?.subject).toBe('[lambda-role-audit] CreatePolicyVersion affects 12 functions: 12 broken');
    expect(alert?.messageAttributes.alert_type?.StringValue).toBe('big-change');
    expect(alert?.messageAttributes.functions?.StringValue).toBe('12');
    if (alert?.document.type !== 'big-change') throw new Error('expected a big-change alert');
    // Every function named (one group: the same news for each), their findings in the stored detail.
    expect(alert.document.groups.flatMap((g) => g.functions).sort()).toEqual(
      arns.map((arn) => arn.split(':')[6]).sort(),
    );
    expect(alert.document.groups[0]).toMatchObject({ count: 12, broken: true, new: { high: 1 } });
    expect(alert.document.detail?.command).toBe(`print-detail ${alert.document.alertId}`);
    expect(alert.message).toContain(`print-detail ${alert.document.alertId}`);
    const detail = JSON.parse(t.details.get(alert.document.alertId) ?? '{}') as BigChangeDetailDocument;
    expect(detail.functions.map((f) => f.arn)).toEqual([...arns].sort());
    expect(detail.functions.every((f) => f.newFindingIds.includes(missingDelete.id))).toBe(true);
    expect(detail.report.functions).toHaveLength(12);
    // Each function's state is written, so that the next change alerts per function again.
    expect([...t.state.items.keys()].sort()).toEqual([...arns].sort());
    expect(result.functions.every((f) => f.outcome === 'alerted')).toBe(true);
  });

  it('keeps one alert per function up to the threshold', async () => {
    const arns = Array.from({ length: 3 }, (_, i) => FUNCTION_ARN.replace('orders-consumer', `fn-${i}`));
    const t = setup({ functions: arns, threshold: 3 });
    await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(t.published.map((p) => p.messageAttributes.alert_type?.StringValue)).toEqual([
      'change',
      'change',
      'change',
    ]);
    const more = setup({ functions: arns, threshold: 2 });
    await handleChanges(records('iam-create-policy-version'), more.deps);
    expect(more.published.map((p) => p.messageAttributes.alert_type?.StringValue)).toEqual(['big-change']);
  });

  it('stores the detail before the grouped alert: a failed store sends nothing and writes no state', async () => {
    const arns = Array.from({ length: 11 }, (_, i) => FUNCTION_ARN.replace('orders-consumer', `fn-${i}`));
    const t = setup({ functions: arns });
    t.failDetail(1);
    const result = await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(t.published).toHaveLength(0);
    expect(t.state.items.size).toBe(0);
    await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(t.published).toHaveLength(1);
    expect(t.details.size).toBe(1);
    expect(t.state.items.size).toBe(11);
  });

  it('retries every message of a grouped alert that SNS refused, and writes no state', async () => {
    const arns = Array.from({ length: 11 }, (_, i) => FUNCTION_ARN.replace('orders-consumer', `fn-${i}`));
    const t = setup({ functions: arns });
    t.failPublish(1);
    const result = await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(t.state.items.size).toBe(0);
    await handleChanges(records('iam-create-policy-version'), t.deps);
    expect(t.published).toHaveLength(1);
  });

  it('sends a pure fixed notice when the repair brings only findings graded info (AWS’s managed baseline)', async () => {
    let findings: Finding[] = [missingDelete];
    const t = setup({ findings: () => findings });
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    // Re-attaching the managed policy brings its grants on `*` back, which the audit grades info.
    findings = [{ ...overbroad, severity: 'info' }];
    await handleChanges(records('iam-attach-role-policy'), t.deps);
    const notice = t.published[1];
    expect(notice?.subject).toBe(
      '[lambda-role-audit] orders-consumer receives from SQS queue orders-queue again',
    );
    expect(notice?.messageAttributes.outcome?.StringValue).toBe('fixed');
    if (notice?.document.type !== 'change') throw new Error('expected a change alert');
    expect(notice.document.newFindingIds).toEqual([]);
    expect(notice.message).not.toContain('New:');
  });
});

describe('change handling against the clock', () => {
  const arnOf = (name: string) => FUNCTION_ARN.replace('orders-consumer', name);
  /** One DetachRolePolicy per role `role-N`, each role with its own function `fn-N`. */
  const perRole = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      messageId: `msg-${i}`,
      body: event('iam-detach-role-policy').replace('"orders-consumer-role"', `"role-${i}"`),
    }));
  /** A setup whose roles each have one function, and whose every audit costs one unit of time. */
  function roles(count: number, time: { left: number }) {
    const functions = Array.from({ length: count }, (_, i) => arnOf(`fn-${i}`));
    const t = setup({ functions });
    const existence: string[] = [];
    const deps: HandleChangesDeps = {
      ...t.deps,
      directory: {
        ...t.deps.directory,
        functionsOfRoles: async (names) => names.map((name) => arnOf(name.replace('role-', 'fn-'))),
        functionExists: async (arn) => {
          existence.push(arn);
          return functions.includes(arn);
        },
      },
      auditFunctions: async (region, arns) => {
        const report = await t.deps.auditFunctions(region, arns);
        time.left -= 1;
        return report;
      },
      deadline: { remainingMs: () => time.left },
      auditChunkSize: 1,
    };
    return { ...t, deps, existence };
  }

  it('returns every message when no time is left, and audits and sends nothing', async () => {
    const t = roles(3, { left: 0 });
    const result = await handleChanges(perRole(3), t.deps);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-0', 'msg-1', 'msg-2']);
    expect(result.functions.map((f) => f.outcome)).toEqual(['unfinished', 'unfinished', 'unfinished']);
    expect(t.audits).toEqual([]);
    expect(t.published).toEqual([]);
  });

  it('keeps what it finished before the deadline and returns only the messages of the rest', async () => {
    const time = { left: 2 };
    const t = roles(3, time);
    const batch = perRole(3);
    const first = await handleChanges(batch, t.deps);
    // Chunks in message order, one function each: two audited and settled, the third never started.
    expect(t.audits).toEqual([[arnOf('fn-0')], [arnOf('fn-1')]]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'msg-2' }]);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] fn-0 can no longer receive from SQS queue orders-queue',
      '[lambda-role-audit] fn-1 can no longer receive from SQS queue orders-queue',
    ]);
    expect([...t.state.items.keys()].sort()).toEqual([arnOf('fn-0'), arnOf('fn-1')]);

    // The retry (a new invocation, with time) handles the message left over; nothing finished is redone.
    time.left = 10;
    const retry = await handleChanges([batch[2] as { messageId: string; body: string }], t.deps);
    expect(retry.batchItemFailures).toEqual([]);
    expect(t.audits.at(-1)).toEqual([arnOf('fn-2')]);
    expect(t.published.map((p) => p.subject)).toHaveLength(3);
    expect(t.published[2]?.subject).toBe(
      '[lambda-role-audit] fn-2 can no longer receive from SQS queue orders-queue',
    );
  });

  it('leaves a function the audit cut off at the deadline for the retry, without asking AWS about it', async () => {
    const time = { left: 1 };
    const t = roles(1, time);
    const deps: HandleChangesDeps = {
      ...t.deps,
      auditFunctions: async () => {
        time.left = 0;
        return {
          ...report([]),
          errors: [
            {
              functionName: 'fn-0',
              message:
                'function fn-0 was not audited: the audit ran out of time (its deadline passed) before reaching it',
            },
          ],
        };
      },
    };
    const result = await handleChanges(perRole(1), deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    expect(result.functions).toEqual([{ functionArn: arnOf('fn-0'), outcome: 'unfinished' }]);
    expect(t.existence).toEqual([]);
    expect(t.published).toEqual([]);
  });

  it('stops settling at finishBy: what is not yet published is returned, not half done', async () => {
    const t = roles(2, { left: 10 });
    const result = await handleChanges(perRole(2), { ...t.deps, finishBy: { remainingMs: () => 0 } });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-0', 'msg-1']);
    expect(t.published).toEqual([]);
    expect(t.state.items.size).toBe(0);
  });
});

describe('audit chunks', () => {
  const arn = (name: string, region = 'us-east-1') =>
    `arn:aws:lambda:${region}:123456789012:function:${name}`;

  it('never splits the functions resolved together, and merges groups that share a function', () => {
    const chunks = chunksOf(
      [[arn('a1'), arn('a2'), arn('a3')], [arn('b1')], [arn('c1'), arn('a2')], [arn('d1'), arn('d2')]],
      2,
    );
    expect(chunks).toEqual([
      [arn('a1'), arn('a2'), arn('a3'), arn('c1')],
      [arn('b1'), arn('d1'), arn('d2')],
    ]);
  });

  it('keeps the functions of one change together across regions: a role is judged in all of them at once', () => {
    const chunks = chunksOf([[arn('a'), arn('a', 'eu-west-1')], [arn('b', 'eu-west-1')], [arn('c')]], 2);
    expect(chunks).toEqual([
      [arn('a'), arn('a', 'eu-west-1')],
      [arn('b', 'eu-west-1'), arn('c')],
    ]);
  });
});

/** A fixture event with some of its fields replaced (dotted paths), as a queue message. */
function variant(name: string, edits: Record<string, unknown>) {
  const parsed = JSON.parse(event(name));
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    let target = parsed;
    for (const key of keys.slice(0, -1)) target = target[key];
    const last = keys.at(-1) ?? '';
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return { messageId: `variant-${name}`, body: JSON.stringify(parsed) };
}

describe('events that are not this account’s IAM or Lambda changes', () => {
  function capturing() {
    const warnings: { message: string; attributes: Record<string, unknown> }[] = [];
    const logger: LogSink = {
      ...silent,
      warn: (message, ...attributes) =>
        warnings.push({ message, attributes: Object.assign({}, ...attributes) }),
    };
    return { warnings, logger };
  }

  it.each<[string, string, Record<string, unknown>, string]>([
    [
      'another account in the envelope',
      'iam-detach-role-policy',
      { account: '999999999999' },
      'account 999999999999 is not this account',
    ],
    [
      'another recipient account',
      'lambda-update-function-configuration',
      { account: undefined, 'detail.recipientAccountId': '999999999999' },
      'detail.recipientAccountId 999999999999 is not this account',
    ],
    [
      'no account at all',
      'iam-detach-role-policy',
      { account: undefined, 'detail.recipientAccountId': undefined },
      'the event names no account',
    ],
    [
      'a source other than aws.iam and aws.lambda',
      'iam-detach-role-policy',
      { source: 'custom.forged' },
      'source custom.forged is not an audited source (aws.iam, aws.lambda, aws.sqs, aws.kinesis, aws.sns, aws.secretsmanager)',
    ],
    [
      'an eventSource that does not go with its source',
      'iam-detach-role-policy',
      { source: 'aws.lambda' },
      'source aws.lambda carries eventSource iam.amazonaws.com, not lambda.amazonaws.com',
    ],
    [
      'a function ARN of another account',
      'lambda-update-function-configuration',
      {
        'detail.responseElements.functionArn':
          'arn:aws:lambda:us-east-1:999999999999:function:orders-consumer',
      },
      'the function ARN belongs to account 999999999999',
    ],
    [
      'a managed policy of another account',
      'iam-create-policy-version',
      { 'detail.requestParameters.policyArn': 'arn:aws:iam::999999999999:policy/orders-queue-access' },
      'the managed policy belongs to account 999999999999',
    ],
  ])('ignores %s with a log line, before any lookup or audit', async (_label, name, edits, reason) => {
    const t = setup();
    const { warnings, logger } = capturing();
    const result = await handleChanges([variant(name, edits)], { ...t.deps, logger });
    expect(result.batchItemFailures).toEqual([]);
    expect(t.audits).toEqual([]);
    expect(t.published).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^event ignored: /);
    expect(warnings[0]?.attributes.reason).toBe(reason);
  });

  it('does not log what a forged account field holds', async () => {
    const t = setup();
    const { warnings, logger } = capturing();
    await handleChanges([variant('iam-detach-role-policy', { account: '<!channel> hunter2' })], {
      ...t.deps,
      logger,
    });
    expect(warnings[0]?.attributes.reason).toBe(
      'account (not an account id, 18 characters) is not this account',
    );
    expect(JSON.stringify(warnings)).not.toContain('hunter2');
  });
});

describe('suppress tag changes', () => {
  const tagged = (finding: Finding): Finding => ({
    ...finding,
    suppressed: true,
    suppressionReason: `suppressed by the tag lambda-role-audit:suppress on role ${ROLE_ARN}`,
    suppressionSource: { kind: 'tag', on: 'role', arn: ROLE_ARN },
  });
  const refused = (finding: Finding): Finding => ({
    ...finding,
    suppressionRefused:
      'the tag lambda-role-audit:suppress on role … names it, but tags may not suppress high findings',
  });

  it('sends a notice of what the tag hides now: hidden, not fixed; and the tag refused for a high finding', async () => {
    let findings: Finding[] = [missingDelete, wildcard, overbroad];
    const t = setup({ findings: () => findings });
    await handleChanges(records('iam-detach-role-policy'), t.deps);
    findings = [refused(missingDelete), tagged(wildcard), tagged(overbroad)];
    await handleChanges(records('iam-tag-role-suppress'), t.deps);

    expect(t.published).toHaveLength(2);
    const notice = t.published[1];
    expect(notice?.document.type).toBe('suppression');
    expect(notice?.subject).toBe(
      '[lambda-role-audit] orders-consumer: suppress tag changed: hides 2 findings, 1 refused',
    );
    expect(notice?.messageAttributes.alert_type?.StringValue).toBe('suppression');
    expect(notice?.messageAttributes.outcome?.StringValue).toBe('suppression');
    if (notice?.document.type !== 'suppression') throw new Error('expected a notice');
    expect(notice.document.suppression?.hiddenFindings.map((f) => f.id)).toEqual([
      'f-wildcard',
      'f-overbroad',
    ]);
    expect(notice.document.suppression?.refusedFindings.map((f) => f.id)).toEqual(['f-missing-delete']);
    // What the tag hides is not "fixed".
    expect(notice.document.resolvedFindings).toEqual([]);
    // The text wraps at 78 columns: read it as one line.
    const text = notice.message.replace(/\n +/g, ' ').replace(/\n/g, ' ');
    expect(text).toContain('Hidden by the suppress tag (2): not fixed, only not alerted');
    expect(text).toContain(
      `Suppressed: suppressed by the tag lambda-role-audit:suppress on role ${ROLE_ARN}`,
    );
    expect(text).toContain('Named by the tag, still open (1)');
    expect(text).toContain(
      'Changed by jane at 2026-11-26 14:02 UTC: TagRole lambda-role-audit:suppress = "wildcard-action,overbroad-resource,trust-policy-too-broad" on role orders-consumer-role.',
    );
    expect(notice.document.changes[0]?.suppressTag).toMatchObject({ on: 'role', action: 'set' });
  });

  it('sends a notice even when no alerting finding moved, once: a retry finds it sent', async () => {
    const t = setup({ findings: () => [refused(missingDelete)] });
    await handleChanges(records('iam-tag-role-suppress'), t.deps);
    await handleChanges(records('iam-tag-role-suppress'), t.deps);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] orders-consumer: suppress tag changed: hides 0 findings, 1 refused',
    ]);
  });

  it('says when the tag is removed and the findings are open again', async () => {
    let findings: Finding[] = [tagged(wildcard)];
    const t = setup({ findings: () => findings });
    await handleChanges(records('lambda-tag-resource-suppress'), t.deps);
    findings = [wildcard];
    await handleChanges(records('lambda-untag-resource-suppress'), t.deps);
    expect(t.published.map((p) => p.subject)).toEqual([
      '[lambda-role-audit] orders-consumer: suppress tag changed: hides 1 finding',
      '[lambda-role-audit] orders-consumer: suppress tag removed: hides 0 findings',
    ]);
    const removed = t.published[1];
    if (removed?.document.type !== 'suppression') throw new Error('expected a notice');
    expect(removed.document.newFindingIds).toEqual(['f-wildcard']);
    expect(removed.message).toContain('The suppress tag hides no finding of this function now.');
  });
});
