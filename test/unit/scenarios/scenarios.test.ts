/**
 * Every scenario folder under test/fixtures/scenarios, audited through the built CLI's JSON output, must
 * give the results its expected.json promises. Folders are enumerated, not listed: a new scenario is
 * tested by being added.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { expectToHold, type ReportJson, readExpectations, reportValidator } from './report-expectations.js';

const scenariosRoot = join(projectRoot, 'test/fixtures/scenarios');
const scenarios = readdirSync(scenariosRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(scenariosRoot, entry.name, 'expected.json')))
  .map((entry) => entry.name)
  .sort();

describe('scenarios', () => {
  it('finds the scenario folders', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(scenarios)('%s', (scenario) => {
    const folder = join(scenariosRoot, scenario);
    const expectations = readExpectations(folder);
    let status: number | null;
    let stdout: string;
    let report: ReportJson;

    beforeAll(async () => {
      ({ status, stdout } = await runCli(['audit', '--from', folder, '--format', 'json']));
      report = JSON.parse(stdout) as ReportJson;
    });

    it('prints one report that validates against the report schema', () => {
      expect(reportValidator()(JSON.parse(stdout))).toEqual([]);
    });

    it('audits every function completely, with an exit status of 0 or 1', () => {
      expect(report.errors ?? []).toEqual([]);
      expect([0, 1]).toContain(status);
    });

    it.each(Object.entries(expectations.functions))(
      'holds the expectations for %s',
      (functionName, expectation) => expectToHold(report, functionName, expectation),
    );
  });
});
