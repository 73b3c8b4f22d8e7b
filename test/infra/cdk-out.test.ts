/**
 * `audit --cdk-out DIR` on real cloud assemblies: the project's own stacks (as `cdk synth` writes them,
 * with construct paths) must audit with zero findings, and a nested stack's functions are read too.
 * The built CLI is run as a user runs it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { addAuditorStacks } from '../../infra/auditor-app.js';
import { AUDITOR_SELF_SUPPRESSIONS } from '../../shared/auditor-permissions.js';
import type { Report } from '../../shared/domain/report.js';
import { runCli } from '../support/run-cli.js';
import { reportValidator } from '../unit/scenarios/report-expectations.js';
import { stubBundles, TEST_CONFIG } from './support/synth.js';

/** The context `cdk synth` runs with: cdk.json's, and construct paths in the template metadata. */
function appContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return { ...cdkJson.context, 'aws:cdk:enable-path-metadata': true };
}

/**
 * The auditor's own reads of the keys of the account's queues and streams are, by design, what the engine
 * reports as SQS and Kinesis consumer actions it cannot explain: suppressed with that reason, as in the
 * self-audit (shared/auditor-permissions.ts). Nothing else may be found.
 */
function selfSuppressionsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lra-self-')), 'suppressions.json');
  writeFileSync(file, JSON.stringify(AUDITOR_SELF_SUPPRESSIONS));
  return file;
}

async function auditAssembly(outdir: string, region: string): Promise<Report> {
  const run = await runCli([
    'audit',
    '--cdk-out',
    outdir,
    '--region',
    region,
    '--format',
    'json',
    '--suppressions',
    selfSuppressionsFile(),
  ]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout) as Report;
  expect(reportValidator()(report)).toEqual([]);
  return report;
}

describe('audit --cdk-out', () => {
  it.each([
    ['the default deployment', {}, 2],
    [
      'a deployment with Slack and extra regions',
      {
        slackWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf',
        extraRegions: ['us-west-2', 'us-east-1'],
      },
      3,
    ],
  ])('audits the project’s own stacks with zero findings: %s', async (_name, overrides, functions) => {
    const outdir = mkdtempSync(join(tmpdir(), 'lra-cdk-out-'));
    const app = new App({ context: appContext(), outdir });
    const dir = stubBundles();
    addAuditorStacks(app, { ...TEST_CONFIG, ...overrides }, (name) => lambda.Code.fromAsset(join(dir, name)));
    app.synth();

    const report = await auditAssembly(outdir, TEST_CONFIG.region);
    expect(report.source).toMatchObject({ kind: 'template', path: outdir });
    expect(report.summary.functions).toBe(functions);
    expect(report.functions.flatMap((fn) => fn.findings).filter((f) => f.suppressed !== true)).toEqual([]);
    const declared = new Set(AUDITOR_SELF_SUPPRESSIONS.map((s) => `${s.rule} ${s.action}`));
    for (const finding of report.functions.flatMap((fn) => fn.findings))
      expect(declared.has(`${finding.rule} ${finding.action}`)).toBe(true);
    expect(report.errors).toEqual([]);
    for (const fn of report.functions) {
      expect(fn.template).toMatchObject({ stack: 'LambdaRoleAudit', logicalId: expect.any(String) });
      expect(fn.template?.constructPath).toMatch(/^LambdaRoleAudit\//);
      expect(fn.template?.file).toBe(join(outdir, 'LambdaRoleAudit.template.json'));
    }
  });

  it('reads the functions of nested stacks, at their own template file', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lra-cdk-nested-'));
    const app = new App({ context: { 'aws:cdk:enable-path-metadata': true }, outdir });
    const parent = new Stack(app, 'Parent', { env: { account: '123456789012', region: 'us-east-1' } });
    const nested = new NestedStack(parent, 'Workers');
    const queue = new sqs.Queue(nested, 'Jobs', { queueName: 'jobs' });
    const worker = new lambda.Function(nested, 'Worker', {
      functionName: 'nested-worker',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    });
    worker.addEventSource(new SqsEventSource(queue));
    app.synth();

    const run = await runCli(['audit', '--cdk-out', outdir, '--format', 'json', '--fail-on', 'none']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const fn = report.functions.find((candidate) => candidate.functionName === 'nested-worker');
    expect(fn?.template).toMatchObject({
      stack: 'Parent/Workers',
      constructPath: 'Parent/Workers/Worker/Resource',
    });
    expect(fn?.template?.file).toMatch(/\.nested\.template\.json$/);
    // The CDK grants the queue actions the mapping needs: nothing is missing.
    expect(fn?.findings.filter((f) => f.rule === 'missing-permission')).toEqual([]);
  });
});
