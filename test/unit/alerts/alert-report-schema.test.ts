/**
 * The alert JSON carries the report in the published schema: for each kind of alert (one function's
 * change, a suppression notice, a big change, the sweep's digest), built from the demo account's real
 * report, rendered into the real SNS message, read back from it, and truncated to fit a small message, its
 * `report` validates against schema/report.schema.json as it is. (The handler tests do the same through
 * the deployed handlers against moto; this covers every kind and the truncated forms.)
 */
import { join } from 'node:path';
import {
  type AlertDocument,
  buildBigChangeAlert,
  buildDigestAlert,
  buildFunctionAlert,
  buildSuppressionNotice,
  diffFindings,
} from '../../../shared/alerts/alert-document.js';
import { extractAlertDocument, renderSnsAlert } from '../../../shared/alerts/sns-message.js';
import type { Report } from '../../../shared/domain/report.js';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const validate = reportValidator();

describe('the report inside the alert JSON', () => {
  let report: Report;
  const documents: [string, () => AlertDocument][] = [];

  beforeAll(async () => {
    const run = await runCli([
      'audit',
      '--from',
      join(projectRoot, 'examples/demo-account'),
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    report = JSON.parse(run.stdout) as Report;
  });

  const failing = () => report.functions.filter((fn) => fn.findings.length > 0);
  documents.push(
    [
      'a change to one function',
      () => {
        const [result] = failing();
        if (!result) throw new Error('the demo has no finding');
        return buildFunctionAlert({ report, result, diff: diffFindings([], result.findings), changes: [] });
      },
    ],
    [
      'a suppression notice',
      () => {
        const [result] = failing();
        if (!result) throw new Error('the demo has no finding');
        return buildSuppressionNotice({
          report,
          result,
          diff: diffFindings([], result.findings),
          changes: [],
        });
      },
    ],
    [
      'a big change',
      () =>
        buildBigChangeAlert({
          report,
          entries: failing().map((result) => ({ result, diff: diffFindings([], result.findings) })),
          changes: [],
          threshold: 3,
        }),
    ],
    ['the sweep digest', () => buildDigestAlert({ report, regions: ['eu-west-1'], minSeverity: 'low' })],
  );

  it.each(documents)('validates for %s, whole and truncated to fit a small message', (_, build) => {
    const document = build();
    expect(document.report.functions.length).toBeGreaterThan(0);
    expect(validate(document.report)).toEqual([]);

    const rendered = renderSnsAlert(document).message;
    const whole = extractAlertDocument(rendered);
    expect(whole?.report.functions.length).toBe(document.report.functions.length);
    expect(validate(whole?.report)).toEqual([]);

    // Room for 70% of it: findings are left out, and what is left still validates.
    const limit = Math.floor(Buffer.byteLength(rendered) * 0.7);
    const small = renderSnsAlert(document, limit);
    expect(Buffer.byteLength(small.message)).toBeLessThanOrEqual(limit);
    const truncated = extractAlertDocument(small.message);
    expect(truncated?.truncated?.omittedFindings).toBeGreaterThan(0);
    expect(validate(truncated?.report)).toEqual([]);
  });
});
