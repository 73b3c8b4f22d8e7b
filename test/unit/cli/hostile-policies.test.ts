/**
 * The built CLI on the demo account with the benchmark's hostile policies added to every role (the
 * patterns of issue 8's security review, and worse, each within IAM's size limits): every audit finishes
 * with every function judged, and the verdicts are the ones the policies call for. Before the linear
 * matcher, the review's resource pattern alone took 105 s. How fast is `npm run bench`'s to say; here a
 * stall would show as a test that never ends.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addHostilePolicies,
  type HostileCase,
  hostileCases,
  INLINE_LIMIT,
  MANAGED_LIMIT,
  policySize,
  realActions,
} from '../../../bench/hostile-policies.js';
import { readActionCatalogData } from '../../../shared/adapters/action-catalog/iam-data-reader.mjs';
import type { Finding, Report } from '../../../shared/domain/report.js';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const DEMO = join(projectRoot, 'examples/demo-account');
const ACCOUNT = '111122223333';
const work = mkdtempSync(join(tmpdir(), 'lra-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const actions = realActions(readActionCatalogData());
const cases = hostileCases(actions);
const validate = reportValidator();

async function auditFolder(
  folder: string,
  ...args: string[]
): Promise<{ status: number | null; report: Report }> {
  const run = await runCli(['audit', '--from', folder, '--format', 'json', '--fail-on', 'none', ...args]);
  if (run.status !== 0 && run.status !== 3) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

function withPolicies(hostile: HostileCase): string {
  const folder = join(work, hostile.name.replace(/[^a-z0-9]+/gi, '-'));
  cpSync(DEMO, folder, { recursive: true });
  addHostilePolicies(folder, hostile, ACCOUNT);
  return folder;
}

const missingOf = (report: Report): string[] =>
  report.functions
    .flatMap((fn) => fn.findings.filter((f) => f.rule === 'missing-permission').map((f) => f.id))
    .sort();
const findingsOf = (report: Report, rule: string): Finding[] =>
  report.functions.flatMap((fn) => fn.findings.filter((f) => f.rule === rule));
/** The functions whose role exists (the demo has one whose role was deleted: it has no policies). */
const withRole = (report: Report) =>
  report.functions.filter((fn) => !fn.findings.some((f) => f.rule === 'role-unavailable'));

let baseline: Report;
beforeAll(async () => {
  ({ report: baseline } = await auditFolder(DEMO));
});

describe('hostile policies', () => {
  it('are each within the size IAM accepts', () => {
    for (const hostile of cases) {
      if (hostile.inline) expect(policySize(hostile.inline(0))).toBeLessThanOrEqual(INLINE_LIMIT);
      for (const document of hostile.managed ?? []) {
        expect(policySize(document)).toBeLessThanOrEqual(MANAGED_LIMIT);
      }
    }
    // And each role's inline policies together, the demo's own included, stay within the inline limit.
    const folder = withPolicies(cases[1] as HostileCase);
    const details = JSON.parse(readFileSync(join(folder, 'authorization-details.json'), 'utf8')) as {
      RoleDetailList: { RolePolicyList: { PolicyDocument: unknown }[] }[];
    };
    for (const role of details.RoleDetailList) {
      const total = role.RolePolicyList.reduce((n, p) => n + JSON.stringify(p.PolicyDocument).length, 0);
      expect(total).toBeLessThanOrEqual(INLINE_LIMIT);
    }
  });

  it.each(cases.map((hostile) => [hostile.name, hostile] as const))(
    '%s: every function is audited, none left incomplete',
    async (_name, hostile) => {
      const { status, report } = await auditFolder(withPolicies(hostile));
      expect(status).toBe(0);
      expect(report.errors ?? []).toEqual([]);
      expect(report.summary.functions).toBe(baseline.summary.functions);
      expect(validate(report)).toEqual([]);
    },
  );

  it.each([
    'review resource pattern',
    'resource pattern at the inline limit',
    'resource list at the inline limit',
    'condition operators at the inline limit',
    'policy variables without end',
  ])('%s: grants (or denies) nothing the functions need, as IAM would decide', async (name) => {
    const hostile = cases.find((candidate) => candidate.name === name) as HostileCase;
    const { report } = await auditFolder(withPolicies(hostile));
    expect(missingOf(report)).toEqual(missingOf(baseline));
  });

  it('NotResource at the inline limit: grants logs:* except on names the pattern reaches, so the log needs are conditional, not missing', async () => {
    const hostile = cases.find((candidate) => candidate.name.startsWith('NotResource')) as HostileCase;
    const { report } = await auditFolder(withPolicies(hostile));
    const logs = (r: Report) =>
      findingsOf(r, 'missing-permission').filter((f) => f.action?.startsWith('logs:'));
    expect(logs(baseline).some((f) => f.decision !== 'conditional')).toBe(true);
    // The pattern's `*` spans colons, so it excludes some log-stream names (those holding `:N:` and ending
    // in Z): IAM denies those, and whether Lambda's stream names are among them is not knowable.
    expect(logs(report).length).toBeGreaterThan(0);
    expect(
      logs(report).every((f) => f.decision === 'conditional' && f.resource?.includes(':log-stream:')),
    ).toBe(true);
  });

  it('review action pattern: reported as matching no action, on every function', async () => {
    const hostile = cases.find((candidate) => candidate.name === 'review action pattern') as HostileCase;
    const { report } = await auditFolder(withPolicies(hostile));
    const unknown = findingsOf(report, 'unknown-action').filter((f) => f.action === 'ec2:*?*?*?*?*?*?*Q');
    expect(withRole(report).length).toBeGreaterThan(10);
    expect(unknown).toHaveLength(withRole(report).length);
    expect(unknown[0]?.message).toContain('the pattern ec2:*?*?*?*?*?*?*Q matches no action');
  });

  it('150 near-miss actions: each listed one names the action it was meant to be', async () => {
    const hostile = cases.find((candidate) => candidate.name.startsWith('150 near-miss')) as HostileCase;
    const { report } = await auditFolder(withPolicies(hostile));
    const meant = new Set(actions.slice(0, 150));
    for (const fn of withRole(report)) {
      const unknown = fn.findings.filter((f) => f.rule === 'unknown-action');
      const listed = unknown.filter((f) => f.action !== undefined);
      expect(listed).toHaveLength(25);
      // One function's role has a typo of its own (sqs:RecieveMessage), listed before the managed policy's.
      for (const finding of listed.filter((f) => f.action?.startsWith('ec2:'))) {
        const suggestion = /Did you mean (\S+)\?/.exec(finding.message)?.[1];
        expect(meant.has(suggestion ?? '')).toBe(true);
      }
      expect(unknown.find((f) => f.action === undefined)?.message).toMatch(
        /^12[56] more unknown-action findings/,
      );
    }
  });
});

describe('the per-function time budget (--function-budget-ms)', () => {
  it('lists every function it cuts off under errors, on stderr, and exits 3', async () => {
    const run = await runCli(['audit', '--from', DEMO, '--format', 'json', '--function-budget-ms', '0']);
    expect(run.status).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary.compliant).toBe(0);
    const cut = (report.errors ?? []).filter((e) => /ran out of time/.test(e.message));
    expect(cut.map((e) => e.functionName).sort()).toEqual(
      baseline.functions.map((fn) => fn.functionName).sort(),
    );
    expect(run.stderr).toContain('took longer than the budget of 0 ms per function');
    expect(validate(report)).toEqual([]);
  });

  it('rejects a budget that is not a whole number of milliseconds', async () => {
    const run = await runCli(['audit', '--from', DEMO, '--function-budget-ms', '2s']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--function-budget-ms "2s" is not a whole number of milliseconds');
  });
});
