/**
 * The alert JSON carries the report in the published schema: for each kind of alert (one function's
 * change, a suppression notice, the sweep's digest), built from the demo account's real report, rendered
 * into the real SNS message, read back from it, and truncated to fit a small message, its `report`
 * validates against schema/report.schema.json as it is; so does the stored detail of a big change, whose
 * alert names the functions and carries no report. (The handler tests do the same through
 * the deployed handlers against moto; this covers every kind and the truncated forms.)
 */
import { join } from 'node:path';
import {
  type AlertDocument,
  buildDigestAlert,
  buildFunctionAlert,
  buildSuppressionNotice,
  type DigestAlertDocument,
  diffFindings,
  type FunctionAlertDocument,
} from '../../../shared/alerts/alert-document.js';
import { buildBigChangeAlert, buildBigChangeDetail } from '../../../shared/alerts/big-change.js';
import { extractAlertDocument, renderSnsAlert } from '../../../shared/alerts/sns-message.js';
import type { Report } from '../../../shared/domain/report.js';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const validate = reportValidator();

describe('the report inside the alert JSON', () => {
  let report: Report;
  const documents: [string, () => FunctionAlertDocument | DigestAlertDocument][] = [];

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
    ['the sweep digest', () => buildDigestAlert({ report, regions: ['eu-west-1'], minSeverity: 'low' })],
  );

  it.each(documents)('validates for %s, whole and truncated to fit a small message', (_, build) => {
    const document = build();
    expect(document.report.functions.length).toBeGreaterThan(0);
    expect(validate(document.report)).toEqual([]);

    const rendered = renderSnsAlert(document).message;
    const whole = notBigChange(extractAlertDocument(rendered));
    expect(whole?.report.functions.length).toBe(document.report.functions.length);
    expect(validate(whole?.report)).toEqual([]);

    // Room for 70% of it: findings are left out, and what is left still validates.
    const limit = Math.floor(Buffer.byteLength(rendered) * 0.7);
    const small = renderSnsAlert(document, limit);
    expect(Buffer.byteLength(small.message)).toBeLessThanOrEqual(limit);
    const truncated = notBigChange(extractAlertDocument(small.message));
    expect(truncated?.truncated?.omittedFindings).toBeGreaterThan(0);
    expect(validate(truncated?.report)).toEqual([]);
  });

  it("validates for a big change's stored detail, which holds every function's report", () => {
    const input = {
      report,
      entries: failing().map((result) => ({ result, diff: diffFindings([], result.findings) })),
      changes: [],
      threshold: 3,
    };
    const detail = buildBigChangeDetail(input);
    expect(detail.report.functions.length).toBe(failing().length);
    expect(validate(detail.report)).toEqual([]);
    // What is stored is JSON: read back, it validates the same.
    expect(validate((JSON.parse(JSON.stringify(detail)) as typeof detail).report)).toEqual([]);
    // The alert itself names the functions and carries no report: it points at the detail.
    const alert = extractAlertDocument(renderSnsAlert(buildBigChangeAlert(input)).message);
    expect(alert?.type).toBe('big-change');
    expect(alert?.alertId).toBe(detail.alertId);
  });
});

function notBigChange(
  document: AlertDocument | undefined,
): FunctionAlertDocument | DigestAlertDocument | undefined {
  if (document?.type === 'big-change') throw new Error('a big change carries no report');
  return document;
}
