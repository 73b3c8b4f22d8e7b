/**
 * Bad input, end to end through the built CLI: each problem gets a message naming the file and the item,
 * the other functions are still audited where that is possible, and the exit status says whether the run
 * was unusable (2) or incomplete (3). Also the options that change the verdict: --function, --fail-on and
 * --suppressions.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runCli } from '../../support/run-cli.js';

const basic = join(projectRoot, 'test/fixtures/scenarios/basic');
const ACCOUNT = '123456789012';

interface ReportJson {
  functions: {
    functionName: string;
    findings: { rule: string; action?: string; suppressed?: boolean; suppressionReason?: string }[];
  }[];
  errors?: { functionName?: string; resource?: string; message: string }[];
}

const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

function copyOfBasic(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lra-cli-'));
  temporaryFolders.push(folder);
  cpSync(basic, folder, { recursive: true });
  return folder;
}

type Json = Record<string, unknown>;
function editAuthorizationDetails(folder: string, edit: (roles: Json[], policies: Json[]) => void): void {
  const path = join(folder, 'authorization-details.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { RoleDetailList: Json[]; Policies: Json[] };
  edit(json.RoleDetailList, json.Policies);
  writeFileSync(path, JSON.stringify(json, null, 2));
}

function role(roles: Json[], name: string): Json {
  const found = roles.find((candidate) => candidate.RoleName === name);
  if (!found) throw new Error(`fixture has no role ${name}`);
  return found;
}

const names = (report: ReportJson) => report.functions.map((fn) => fn.functionName);

describe('bad input through the CLI', () => {
  it('malformed JSON: exit 2, the file and the line named, nothing on stdout', async () => {
    const folder = copyOfBasic();
    const path = join(folder, 'functions.json');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('"Runtime": "nodejs22.x",', '"Runtime": "nodejs22.x",,'),
    );

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${path} is not valid JSON`);
    expect(run.stderr).toMatch(/line \d+, column \d+/);
    expect(run.stdout).toBe('');
  });

  it('a missing required file: exit 2, the file named', async () => {
    const folder = copyOfBasic();
    unlinkSync(join(folder, 'authorization-details.json'));

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${join(folder, 'authorization-details.json')} is missing`);
    expect(run.stdout).toBe('');
  });

  it('an item that does not fit the AWS CLI shape: exit 2, the JSON path and the function named', async () => {
    const folder = copyOfBasic();
    const path = join(folder, 'functions.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as { Functions: Json[] };
    (json.Functions[1] as Json).Role = 42;
    writeFileSync(path, JSON.stringify(json));

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Functions[1].Role (FunctionName payments-consumer)');
  });

  it('a policy document that is neither JSON nor URL-encoded JSON: exit 3, the others audited', async () => {
    const folder = copyOfBasic();
    editAuthorizationDetails(folder, (roles) => {
      role(roles, 'orders-consumer-role').RolePolicyList = [
        { PolicyName: 'orders', PolicyDocument: 'Version=2012-10-17;Allow=sqs' },
      ];
    });

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);
    const report = JSON.parse(run.stdout) as ReportJson;

    expect(run.status).toBe(3);
    expect(run.stderr).toContain('orders-consumer');
    expect(run.stderr).toContain(
      'authorization-details.json: RoleDetailList[0] (role orders-consumer-role), inline policy orders',
    );
    expect(report.errors?.map((error) => error.functionName)).toEqual(['orders-consumer']);
    expect(names(report)).not.toContain('orders-consumer');
    expect(names(report)).toContain('payments-consumer');
    expect(report.functions).toHaveLength(8);
  });

  it('a managed policy the role attaches and the export lacks: exit 3, the policy and the function named', async () => {
    const folder = copyOfBasic();
    const missingPolicy = `arn:aws:iam::${ACCOUNT}:policy/payments-extra`;
    editAuthorizationDetails(folder, (roles) => {
      role(roles, 'payments-consumer-role').AttachedManagedPolicies = [
        { PolicyName: 'payments-extra', PolicyArn: missingPolicy },
      ];
    });

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);
    const report = JSON.parse(run.stdout) as ReportJson;

    expect(run.status).toBe(3);
    expect(run.stderr).toContain(missingPolicy);
    expect(run.stderr).toContain('payments-consumer');
    expect(report.errors?.some((error) => error.functionName === 'payments-consumer')).toBe(true);
    expect(names(report)).toContain('orders-consumer');
  });

  it('a role the account lacks: a role-unavailable finding, not an input error', async () => {
    const folder = copyOfBasic();
    editAuthorizationDetails(folder, (roles) => {
      roles.splice(roles.indexOf(role(roles, 'orders-consumer-role')), 1);
    });

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);
    const report = JSON.parse(run.stdout) as ReportJson;
    const orders = report.functions.find((fn) => fn.functionName === 'orders-consumer');

    expect(run.status).toBe(1);
    expect(report.errors ?? []).toEqual([]);
    expect(orders?.findings.map((finding) => finding.rule)).toContain('role-unavailable');
  });

  it('a role of another account: not audited (exit 3) with both accounts named, not called missing', async () => {
    const folder = copyOfBasic();
    const path = join(folder, 'functions.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as { Functions: Json[] };
    const orders = json.Functions.find((fn) => fn.FunctionName === 'orders-consumer');
    if (!orders) throw new Error('fixture has no orders-consumer');
    const otherRole = 'arn:aws:iam::210987654321:role/orders-consumer-role';
    orders.Role = otherRole;
    writeFileSync(path, JSON.stringify(json, null, 2));

    const run = await runCli(['audit', '--from', folder, '--format', 'json']);
    const report = JSON.parse(run.stdout) as ReportJson;

    expect(run.status).toBe(3);
    const error = report.errors?.find((entry) => entry.functionName === 'orders-consumer');
    expect(error?.resource).toBe(otherRole);
    expect(error?.message).toContain(
      "is in account 210987654321, not in the function's account 123456789012",
    );
    expect(error?.message).not.toContain('does not exist');
    const findings = report.functions.flatMap((fn) => fn.findings.map((finding) => finding.rule));
    expect(findings).not.toContain('role-unavailable');
    expect(names(report)).toContain('payments-consumer');
  });

  it('a --function the export does not have: exit 2, the name and the folder named', async () => {
    const run = await runCli([
      'audit',
      '--from',
      basic,
      '--function',
      'orders-consumer',
      '--function',
      'no-such-fn',
    ]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`function no-such-fn not found in the export folder ${basic}`);
  });
});

describe('options that change the verdict', () => {
  const audit = (...args: string[]) => runCli(['audit', '--from', basic, '--format', 'json', ...args]);

  it('--function limits the report to the named functions', async () => {
    const run = await audit('--function', 'payments-consumer');
    expect(names(JSON.parse(run.stdout) as ReportJson)).toEqual(['payments-consumer']);
  });

  it('--fail-on sets the severity that fails the run (default high)', async () => {
    expect((await audit('--function', 'payments-consumer')).status).toBe(1);
    expect((await audit('--function', 'payments-consumer', '--fail-on', 'critical')).status).toBe(0);
    expect((await audit('--function', 'email-sender')).status).toBe(0);
    // email-sender's only findings come from AWS's recommended managed policy: info, unless asked otherwise.
    expect((await audit('--function', 'email-sender', '--fail-on', 'low')).status).toBe(0);
    expect((await audit('--function', 'email-sender', '--fail-on', 'info')).status).toBe(1);
    expect(
      (await audit('--function', 'email-sender', '--fail-on', 'low', '--aws-managed-baseline', 'low')).status,
    ).toBe(1);
    expect((await audit('--function', 'orders-consumer', '--fail-on', 'info')).status).toBe(0);
    expect((await audit('--fail-on', 'none')).status).toBe(0);
  });

  describe('--suppressions', () => {
    const suppressedRun = async (file: string, content: string) => {
      const folder = mkdtempSync(join(tmpdir(), 'lra-suppress-'));
      temporaryFolders.push(folder);
      writeFileSync(join(folder, file), content);
      return audit('--function', 'payments-consumer', '--suppressions', join(folder, file));
    };

    it.each([
      [
        'suppressions.yaml',
        '# accepted while the queue is migrated\n- rule: missing-permission\n  function: payments-consumer\n  action: sqs:DeleteMessage\n  reason: messages are deleted by the migration job\n',
      ],
      [
        'suppressions.json',
        JSON.stringify({
          suppressions: [
            {
              rule: 'missing-permission',
              function: 'payments-consumer',
              reason: 'messages are deleted by the migration job',
            },
          ],
        }),
      ],
    ])(
      '%s keeps the finding, marked suppressed with its reason, out of the exit status',
      async (file, content) => {
        const run = await suppressedRun(file, content);
        const report = JSON.parse(run.stdout) as ReportJson;
        const finding = report.functions[0]?.findings.find(
          (candidate) => candidate.rule === 'missing-permission',
        );

        expect(run.status).toBe(0);
        expect(finding?.suppressed).toBe(true);
        expect(finding?.suppressionReason).toBe('messages are deleted by the migration job');
      },
    );

    it('a suppression without a reason: exit 2, the file named', async () => {
      const run = await suppressedRun(
        'no-reason.yaml',
        '- rule: missing-permission\n  function: payments-consumer\n',
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('no-reason.yaml');
      expect(run.stderr).toContain('reason');
    });

    it('a file that is neither YAML nor JSON: exit 2, the file named', async () => {
      const run = await suppressedRun('broken.yaml', '- rule: [missing-permission\n  reason: "x\n');
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/suppressions file .*broken\.yaml is neither valid YAML nor JSON/);
    });
  });
});
