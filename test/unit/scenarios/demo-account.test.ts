/**
 * The demo account (examples/demo-account, what `npm start` audits) keeps the promises of its
 * expected.json: each function's verdict is part of what the product shows a newcomer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { expectToHold, type ReportJson, readExpectations, reportValidator } from './report-expectations.js';

const demo = join(projectRoot, 'examples/demo-account');
const expectations = readExpectations(demo);

describe('demo account', () => {
  let status: number | null;
  let stdout: string;
  let report: ReportJson;

  beforeAll(async () => {
    ({ status, stdout } = await runCli(['audit', '--from', demo, '--format', 'json']));
    report = JSON.parse(stdout) as ReportJson;
  });

  it('promises a verdict for every function it contains', () => {
    const functions = JSON.parse(readFileSync(join(demo, 'functions.json'), 'utf8')) as {
      Functions: { FunctionName: string }[];
    };
    expect(Object.keys(expectations.functions).sort()).toEqual(
      functions.Functions.map((fn) => fn.FunctionName).sort(),
    );
  });

  it('is audited completely, with findings at or above high (exit 1)', () => {
    expect(reportValidator()(JSON.parse(stdout))).toEqual([]);
    expect(report.errors ?? []).toEqual([]);
    expect(status).toBe(1);
  });

  it.each(Object.entries(expectations.functions))(
    'holds the expectations for %s',
    (functionName, expectation) => expectToHold(report, functionName, expectation),
  );

  it('prints a readable table and exits 0 the way npm start runs it', async () => {
    const run = await runCli(['audit', '--from', demo, '--format', 'table', '--fail-on', 'none']);

    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stdout).toMatch(
      /^ {2}CRITICAL +arn:aws:iam::111122223333:role\/service-role\/nightly-cleanup-role$/m,
    );
    expect(run.stdout).toContain('✓ compliant, nothing to report (5): catalog-sync, clickstream-aggregator');
    expect(run.stdout).toMatch(/^16 functions: 11 not compliant, 5 compliant · 1 critical, \d+ high/m);
  });
});
