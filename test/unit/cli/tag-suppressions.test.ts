/**
 * The suppress tag through the built CLI: the demo account with the tag set on two roles, audited with
 * the default tag setting (a tag hides nothing critical, high or trust-policy), with a wider setting, and
 * with a bad one. The file of suppressions keeps its power over what a tag may not hide.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Report } from '../../../shared/domain/report.js';
import { SUPPRESS_TAG } from '../../../shared/domain/suppressions.js';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const folder = mkdtempSync(join(tmpdir(), 'lra-tag-suppress-'));
const account = join(folder, 'account');
const validate = reportValidator();
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const TAGGED: Readonly<Record<string, string>> = {
  // wildcard-action here is high; overbroad-resource is low.
  'order-events-mq-role': 'wildcard-action,overbroad-resource',
  // trust-policy-too-broad here is medium: a trust-policy rule all the same.
  'webhook-receiver-role': 'trust-policy-too-broad',
};

beforeAll(() => {
  cpSync(join(projectRoot, 'examples/demo-account'), account, { recursive: true });
  const path = join(account, 'authorization-details.json');
  const details = JSON.parse(readFileSync(path, 'utf8')) as {
    RoleDetailList: { RoleName: string; Tags?: { Key: string; Value: string }[] }[];
  };
  for (const role of details.RoleDetailList) {
    const value = TAGGED[role.RoleName];
    if (value !== undefined) role.Tags = [...(role.Tags ?? []), { Key: SUPPRESS_TAG, Value: value }];
  }
  writeFileSync(path, JSON.stringify(details));
});

async function audit(...extra: string[]): Promise<{ status: number | null; report: Report }> {
  const run = await runCli(['audit', '--from', account, '--format', 'json', '--fail-on', 'none', ...extra]);
  expect(run.stderr).not.toContain('unexpected error');
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

function findingsOf(report: Report, functionName: string, rule: string): Finding[] {
  const fn = report.functions.find((candidate) => candidate.functionName === functionName);
  return (fn?.findings ?? []).filter((finding) => finding.rule === rule);
}

describe('the suppress tag through the CLI', () => {
  it('by default hides the low finding it names, and leaves high and trust-policy findings open with a note', async () => {
    const { status, report } = await audit();
    expect(status).toBe(0);
    expect(validate(report)).toEqual([]);

    const overbroad = findingsOf(report, 'order-events-mq', 'overbroad-resource');
    expect(overbroad.length).toBeGreaterThan(0);
    for (const finding of overbroad) {
      expect(finding).toMatchObject({
        suppressed: true,
        suppressionReason: `suppressed by the tag ${SUPPRESS_TAG} on role arn:aws:iam::111122223333:role/service-role/order-events-mq-role`,
        suppressionSource: {
          kind: 'tag',
          on: 'role',
          arn: 'arn:aws:iam::111122223333:role/service-role/order-events-mq-role',
        },
      });
    }

    const [wildcard] = findingsOf(report, 'order-events-mq', 'wildcard-action');
    expect(wildcard?.severity).toBe('high');
    expect(wildcard?.suppressed).toBeUndefined();
    expect(wildcard?.suppressionRefused).toContain('tags may not suppress high findings (at most medium)');

    const [trust] = findingsOf(report, 'webhook-receiver', 'trust-policy-too-broad');
    expect(trust?.suppressed).toBeUndefined();
    expect(trust?.suppressionRefused).toContain('tags may not suppress the trust-policy rules');
    // Open findings count: the high one is in the summary.
    expect(report.summary.findings.high).toBeGreaterThan(0);
  });

  it('lets a deployment widen what tags may suppress', async () => {
    const { report } = await audit('--tag-suppress-max-severity', 'critical', '--tag-suppress-rules', 'all');
    expect(findingsOf(report, 'order-events-mq', 'wildcard-action')[0]).toMatchObject({
      suppressed: true,
      suppressionSource: { kind: 'tag', on: 'role' },
    });
    expect(findingsOf(report, 'webhook-receiver', 'trust-policy-too-broad')[0]?.suppressed).toBe(true);
  });

  it('lets none turn tags off, while the suppressions file still applies with its reason', async () => {
    const file = join(folder, 'suppressions.yaml');
    writeFileSync(
      file,
      '- rule: trust-policy-too-broad\n  role: webhook-receiver-role\n  reason: partner account, reviewed 2026-11\n',
    );
    const { report } = await audit('--tag-suppress-max-severity', 'none', '--suppressions', file);
    expect(findingsOf(report, 'order-events-mq', 'overbroad-resource')[0]).toMatchObject({
      suppressionRefused: expect.stringContaining('tags suppress nothing in this deployment'),
    });
    expect(findingsOf(report, 'webhook-receiver', 'trust-policy-too-broad')[0]).toMatchObject({
      suppressed: true,
      suppressionReason: 'partner account, reviewed 2026-11',
      suppressionSource: { kind: 'file' },
    });
  });

  it('rejects a setting it does not know, with exit 2 and the option named', async () => {
    const run = await runCli(['audit', '--from', account, '--tag-suppress-rules', 'wildcard-action,typo']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--tag-suppress-rules: "typo" is not a rule');
  });
});
