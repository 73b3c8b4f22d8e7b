/**
 * "A CDK app written the way the CDK docs show" (issue 9): synthesized here with the project's own
 * aws-cdk-lib into a cloud assembly and audited by the built CLI's template mode (`audit --cdk-out`), the
 * account it would deploy. It must show exactly its two real gaps; every other function is compliant,
 * AWS's managed baseline being context (info), not findings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCdkApp, CDK_APP_ACCOUNT, CDK_APP_REGION, EXPECTED_GAPS } from '../../fixtures/cdk-app/app.js';
import { runCli } from '../../support/run-cli.js';
import { reportValidator } from './report-expectations.js';

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly action?: string;
  readonly decision?: string;
  readonly awsManagedBaseline?: readonly string[];
}

interface Report {
  readonly summary: { readonly functions: number; readonly compliant: number };
  readonly functions: readonly { functionName: string; compliant: boolean; findings: readonly Finding[] }[];
  readonly errors?: readonly unknown[];
  readonly warnings?: readonly unknown[];
}

describe('a CDK app written the way the CDK docs show', () => {
  let folder: string;
  const audit = (): string[] => [
    'audit',
    '--cdk-out',
    folder,
    '--account',
    CDK_APP_ACCOUNT,
    '--region',
    CDK_APP_REGION,
  ];
  let raw: unknown;
  let report: Report;
  let status: number | null;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lra-cdk-app-'));
    buildCdkApp(folder).app.synth();
    const run = await runCli([...audit(), '--format', 'json']);
    status = run.status;
    raw = JSON.parse(run.stdout);
    report = raw as Report;
  }, 300_000);

  afterAll(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('audits its 21 functions completely, in the published report format', () => {
    expect(reportValidator()(raw)).toEqual([]);
    expect(report.errors ?? []).toEqual([]);
    expect(report.warnings).toBeUndefined();
    expect(report.summary.functions).toBe(21);
    // The self-managed Kafka gap is high: exit 1 at the default --fail-on high.
    expect(status).toBe(1);
  });

  it('shows exactly its two real gaps', () => {
    const gaps = Object.fromEntries(
      report.functions
        .map((fn) => [fn.functionName, fn.findings.filter((finding) => finding.severity !== 'info')] as const)
        .filter(([, findings]) => findings.length > 0)
        .map(([name, findings]) => [
          name,
          findings.map((finding) => `${finding.rule} ${finding.action} ${finding.decision}`).sort(),
        ]),
    );
    expect(gaps).toEqual({
      // The mapping's network interfaces: none of the six actions is granted.
      'kafka-vpc-consumer': EXPECTED_GAPS['kafka-vpc-consumer']
        .map((action) => `missing-permission ${action} implicit-deny`)
        .sort(),
      // No secret: IAM authentication if the cluster has it, which the mapping does not show.
      'msk-iam-consumer': EXPECTED_GAPS['msk-iam-consumer']
        .map((action) => `missing-permission ${action} unverifiable`)
        .sort(),
    });
    expect(report.summary.compliant).toBe(19);
  });

  it('calls every other function compliant, with AWS’s managed baseline as context', () => {
    for (const fn of report.functions) {
      if (fn.functionName in EXPECTED_GAPS) continue;
      expect({ name: fn.functionName, compliant: fn.compliant }).toEqual({
        name: fn.functionName,
        compliant: true,
      });
    }
    const basic = report.functions.flatMap((fn) =>
      fn.findings.filter((finding) => finding.awsManagedBaseline?.includes('AWSLambdaBasicExecutionRole')),
    );
    // Every function's logs on * from AWSLambdaBasicExecutionRole: reported, at info.
    expect(basic.length).toBe(21);
    expect(new Set(basic.map((finding) => finding.severity))).toEqual(new Set(['info']));
  });

  it('grades the baseline low when asked, and then no function is compliant', async () => {
    const run = await runCli([...audit(), '--format', 'json', '--aws-managed-baseline', 'low']);
    const low = JSON.parse(run.stdout) as Report;
    expect(low.summary.compliant).toBe(0);
  });
});
