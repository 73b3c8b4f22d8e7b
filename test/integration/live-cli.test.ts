/**
 * The built CLI against moto, as a user runs it: `audit` without `--from` (credentials, region and
 * endpoint from the environment, as the SDK reads them), `export --to DIR` then `audit --from DIR` to the
 * same findings, `--function` through the per-function path, and the failures a user meets first.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../shared/domain/report.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { createAccountFromExport } from '../support/moto-account.js';
import { projectRoot, runCli } from '../support/run-cli.js';
import { findingKeys } from './live-comparison.js';

const scenario = join(projectRoot, 'test/fixtures/scenarios/basic');

describe('lambda-role-audit on a live account (moto)', () => {
  let server: MotoServer;
  let env: Record<string, string>;
  let exportDir: string;

  beforeAll(async () => {
    server = await startMotoServer('us-west-2');
    await createAccountFromExport(server, scenario);
    env = {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '2',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    exportDir = await mkdtemp(join(tmpdir(), 'live-cli-'));
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (exportDir) await rm(exportDir, { recursive: true, force: true });
  });

  it('audits the account of the environment’s credentials, and its export, to the same findings', async () => {
    const live = await runCli(['audit', '--format', 'json'], { env });
    expect(live.stderr).toBe('');
    expect(live.status).toBe(1);
    const liveReport = JSON.parse(live.stdout) as Report;
    expect(liveReport.source).toEqual({ kind: 'live', account: '123456789012', region: 'us-west-2' });
    expect(liveReport.summary.functions).toBe(9);

    const exported = await runCli(['export', '--to', exportDir], { env });
    expect(exported.status).toBe(0);
    expect(exported.stderr).toContain(`wrote 9 functions and 9 roles of us-west-2 to ${exportDir}`);
    expect((await readdir(exportDir)).sort()).toEqual([
      'aliases.json',
      'authorization-details.json',
      'event-invoke-configs.json',
      'event-source-mappings.json',
      'functions.json',
      'resource-encryption.json',
      'versions.json',
    ]);

    const offline = await runCli(['audit', '--from', exportDir, '--format', 'json']);
    expect(offline.status).toBe(live.status);
    expect(findingKeys(JSON.parse(offline.stdout) as Report)).toEqual(findingKeys(liveReport));
  }, 120_000);

  it('audits one function by name through per-function calls', async () => {
    const run = await runCli(['audit', '--function', 'payments-consumer', '--format', 'json'], { env });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.functions.map((fn) => fn.functionName)).toEqual(['payments-consumer']);
    expect(findingKeys(report)['payments-consumer']).toContain(
      'missing-permission sqs:DeleteMessage arn:aws:sqs:us-west-2:123456789012:payments implicit-deny ',
    );
  }, 60_000);

  it('draws no progress when stderr is not a terminal', async () => {
    const run = await runCli(['audit', '--format', 'table'], { env });
    expect(run.stderr).not.toContain('reading the account');
    expect(run.stdout).toContain('payments-consumer');
  }, 60_000);

  it('says what is missing when no region is configured (exit 2)', async () => {
    const { AWS_REGION: _region, ...withoutRegion } = env;
    const run = await runCli(['audit', '--format', 'json'], {
      env: { ...withoutRegion, AWS_CONFIG_FILE: '/nonexistent' },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no AWS region for the live audit: pass --region');
  }, 60_000);

  it('stops with a clear message when the account cannot be listed (exit 2)', async () => {
    // Nothing listens there: the request is never answered.
    const run = await runCli(['audit', '--format', 'json'], {
      env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read the account: /);
    expect(run.stderr).not.toContain('unexpected error');
  }, 60_000);
});
