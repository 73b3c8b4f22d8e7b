/**
 * The grouped alert's document (shared/alerts/big-change.ts): every affected function named once, in groups
 * of functions the change did the same thing to, worst first, regions named when the change spans them.
 */
import { diffFindings, summariseFindingAt } from '../../../shared/alerts/alert-document.js';
import { buildBigChangeAlert, buildBigChangeDetail } from '../../../shared/alerts/big-change.js';
import { renderSnsAlert } from '../../../shared/alerts/sns-message.js';
import type { Finding, FunctionResult } from '../../../shared/domain/report.js';
import { logsMissing, reportOf, result, sqsMissing, wildcardGrant } from './alert-cases.js';

function inRegion(fn: FunctionResult, region: string): FunctionResult {
  return { ...fn, functionArn: fn.functionArn.replace(':us-east-1:', `:${region}:`) };
}

const logs = (name: string): Finding[] => [
  logsMissing(name, 'logs:CreateLogStream'),
  logsMissing(name, 'logs:PutLogEvents'),
];

describe('the grouped alert of a big change', () => {
  const entries = [
    // Logs broken, in two regions.
    ...['a', 'b', 'c'].map((n) => ({ result: result(n, logs(n)), diff: diffFindings([], logs(n)) })),
    ...['d', 'e'].map((n) => ({
      result: inRegion(result(n, logs(n)), 'eu-west-1'),
      diff: diffFindings([], logs(n)),
    })),
    // Logs and an SQS mapping broken: worse, so first.
    ...['f'].map((n) => {
      const open = [...logs(n), sqsMissing('sqs:ReceiveMessage')];
      return { result: result(n, open), diff: diffFindings([], open) };
    }),
    // An excess grant gone, and a published version that works again.
    ...['g'].map((n) => ({
      result: result(n, []),
      diff: diffFindings([summariseFindingAt(wildcardGrant('legacy', 'S3'), '2026-11-20T09:00:00Z')], []),
    })),
    {
      result: { ...result('h', []), functionArn: `${result('h', []).functionArn}:3`, version: '3' },
      diff: diffFindings(
        [summariseFindingAt(logsMissing('h', 'logs:PutLogEvents'), '2026-11-20T09:00:00Z')],
        [],
      ),
    },
  ];
  const input = { report: reportOf(entries.map((e) => e.result)), entries, changes: [], threshold: 5 };
  const document = buildBigChangeAlert(input);

  it('names every function once, a published version as NAME:VERSION', () => {
    const named = document.groups.flatMap((g) => g.functions);
    expect(named.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h:3']);
    expect(document.summary).toMatchObject({ functions: 8, broken: 6, fixed: 2 });
    expect(document.summary.newFindings).toEqual({ high: 13 });
    expect(document.summary.fixedFindings).toEqual({ high: 1, medium: 1 });
    expect(document.summary.rules).toEqual(['missing-permission', 'wildcard-action']);
  });

  it('groups functions the change did the same thing to, worst first, with their regions', () => {
    expect(document.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(
      document.groups.map((g) => [g.region, g.kinds.join(', '), g.broken, g.new, g.fixed, g.functions]),
    ).toEqual([
      ['us-east-1', 'Logs cannot be written, SQS mappings cannot receive', true, { high: 3 }, {}, ['f']],
      ['us-east-1', 'Logs cannot be written', true, { high: 2 }, {}, ['a', 'b', 'c']],
      ['eu-west-1', 'Logs cannot be written', true, { high: 2 }, {}, ['d', 'e']],
      ['us-east-1', 'Works again', false, {}, { high: 1 }, ['h:3']],
      ['us-east-1', '', false, {}, { medium: 1 }, ['g']],
    ]);
  });

  it('has the id of its stored detail, which holds every function with its findings', () => {
    const detail = buildBigChangeDetail(input);
    expect(detail.alertId).toBe(document.alertId);
    expect(detail.functions.map((f) => f.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(detail.report.functions.find((fn) => fn.functionName === 'f')?.findings).toHaveLength(3);
  });

  it('says in its attributes what it stands for', () => {
    const attributes = renderSnsAlert(document).messageAttributes;
    expect(attributes.functions?.StringValue).toBe('8');
    expect(attributes.severity?.StringValue).toBe('high');
    expect(attributes.outcome?.StringValue).toBe('new-and-fixed');
    expect(attributes.rules?.StringValue).toBe('["missing-permission","wildcard-action"]');
  });

  it('leaves out names from its least bad groups when they do not fit, and says so', () => {
    // One function whose SQS mapping broke too (the worst group), forty whose logs did.
    const names = Array.from({ length: 40 }, (_, i) => `reporting-${'x'.repeat(30)}-${i}`);
    const many = [
      ...entries.filter((e) => e.result.functionName === 'f'),
      ...names.map((n) => ({ result: result(n, logs(n)), diff: diffFindings([], logs(n)) })),
    ];
    const big = buildBigChangeAlert({ ...input, report: reportOf(many.map((e) => e.result)), entries: many });
    const whole = renderSnsAlert(big);
    const attributes = Object.entries(whole.messageAttributes).reduce(
      (n, [k, v]) => n + k.length + (v.DataType?.length ?? 0) + (v.StringValue?.length ?? 0),
      0,
    );
    const limit = Buffer.byteLength(whole.message) + attributes - 600;
    const sns = renderSnsAlert(big, limit);
    if (sns.document.type !== 'big-change') throw new Error('expected a big change');
    expect(Buffer.byteLength(sns.message) + attributes).toBeLessThanOrEqual(limit);
    const omitted = sns.document.omittedFunctions ?? 0;
    expect(omitted).toBeGreaterThan(0);
    expect(omitted).toBeLessThan(40);
    expect(sns.document.groups[0]?.functions).toEqual(['f']);
    expect(sns.document.groups[1]?.count).toBe(40);
    expect(sns.document.groups[1]?.functions).toEqual([...names].sort().slice(0, 40 - omitted));
    expect(sns.message.replace(/\n/g, ' ')).toContain(`+${omitted} more functions not named in this message`);
  });
});
