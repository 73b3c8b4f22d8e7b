/**
 * Template mode end to end through the CLI (in-process): a hand-written CloudFormation stack with the
 * usual mistakes, values only a deployment knows, a role and a managed policy defined elsewhere, resources
 * of types the tool does not read. Every function is audited, each finding points at the template line it
 * comes from, and what cannot be known is `unverifiable`, never a crash nor a silent pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import { type CliEnvironment, runCli } from '../../../shared/cli/run-cli.js';
import type { Finding, Report } from '../../../shared/domain/report.js';
import { projectRoot } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const ORDERS = 'test/fixtures/templates/cfn/orders.yaml';
const SAM_EVENTS = 'test/fixtures/templates/sam/event-sources.yaml';

interface Captured {
  status: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: readonly string[], overrides: Partial<CliEnvironment> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  process.chdir(projectRoot);
  try {
    const status = await runCli(argv, {
      version: '9.9.9',
      stdout: { write: (text: string) => (stdout += text), isTTY: false },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      loadCatalog: loadActionCatalog,
      now: () => new Date('2026-12-02T12:00:00Z'),
      live: {},
      ...overrides,
    });
    return { status, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

async function audit(...args: string[]): Promise<{ report: Report; run: Captured }> {
  const run = await cli(['audit', ...args, '--format', 'json', '--fail-on', 'none']);
  expect(run.status).toBe(0);
  return { report: JSON.parse(run.stdout) as Report, run };
}

function findingsOf(report: Report, functionName: string): Finding[] {
  const fn = report.functions.find((candidate) => candidate.functionName === functionName);
  if (fn === undefined) throw new Error(`no function ${functionName} in the report`);
  return [...fn.findings];
}

describe('template mode (CloudFormation)', () => {
  let report: Report;
  let run: Captured;
  beforeAll(async () => {
    ({ report, run } = await audit('--template', ORDERS));
  });

  it('writes a report the published schema accepts, of source kind template', () => {
    expect(reportValidator()(report)).toEqual([]);
    expect(report.source).toEqual({
      kind: 'template',
      account: '123456789012',
      region: 'us-east-1',
      path: ORDERS,
    });
  });

  it('audits every function the template creates, named by FunctionName, and none whose condition is false', () => {
    expect(report.functions.map((fn) => fn.functionName)).toEqual([
      'orders-imported',
      'orders-notifier',
      'orders-worker-prod',
    ]);
    expect(report.errors).toEqual([]);
  });

  it('places each function at its resource', () => {
    const worker = report.functions.find((fn) => fn.functionName === 'orders-worker-prod');
    expect(worker?.template).toEqual({ file: ORDERS, logicalId: 'Worker', line: 60 });
    expect(worker?.functionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:orders-worker-prod');
    expect(worker?.roleArn).toBe('arn:aws:iam::123456789012:role/orders-worker');
  });

  it('finds what the mapping needs and the role lacks, at the mapping', () => {
    const missing = findingsOf(report, 'orders-worker-prod').find((f) => f.rule === 'missing-permission');
    expect(missing).toMatchObject({
      severity: 'high',
      action: 'sqs:DeleteMessage',
      resource: 'arn:aws:sqs:us-east-1:123456789012:orders-prod',
      decision: 'implicit-deny',
      template: { file: ORDERS, logicalId: 'WorkerMapping', line: 71 },
    });
  });

  it('points a finding that comes from a policy statement at the statement', () => {
    const typo = findingsOf(report, 'orders-worker-prod').find((f) => f.rule === 'unknown-action');
    expect(typo).toMatchObject({
      action: 'sqs:DeleteMesage',
      template: { logicalId: 'WorkerRole', line: 53 },
    });
    const broad = findingsOf(report, 'orders-worker-prod').find((f) => f.rule === 'overbroad-resource');
    expect(broad?.template).toMatchObject({ logicalId: 'Logging', line: 32 });
  });

  it('makes the verdicts that depend on a role defined elsewhere unverifiable', () => {
    const notifier = findingsOf(report, 'orders-notifier').filter((f) => f.action?.startsWith('logs:'));
    expect(notifier.map((f) => [f.action, f.decision, f.severity])).toEqual([
      ['logs:CreateLogStream', 'unverifiable', 'medium'],
      ['logs:PutLogEvents', 'unverifiable', 'medium'],
    ]);
    expect(notifier[0]?.message).toContain(
      'arn:aws:iam::123456789012:role/shared-notifier (defined outside the template)',
    );
  });

  it('makes the verdicts that a customer managed policy defined elsewhere could change unverifiable', () => {
    const imported = findingsOf(report, 'orders-imported');
    const logs = imported.find((f) => f.action === 'logs:CreateLogStream');
    expect(logs?.decision).toBe('unverifiable');
    expect(logs?.message).toContain(
      'arn:aws:iam::123456789012:policy/team-baseline (defined outside the template)',
    );
  });

  it('still judges a statement whose resource cannot be resolved for what it grants', () => {
    const wildcard = findingsOf(report, 'orders-imported').find((f) => f.rule === 'wildcard-action');
    expect(wildcard).toMatchObject({ action: 'sqs:*', severity: 'medium' });
    expect(wildcard?.resource).toContain('Fn::ImportValue shared-queue-arn');
  });

  it('says which value is missing and how to give it, on stderr and in the finding', () => {
    expect(run.stderr).toContain(
      `${ORDERS}:96: the OnFailure destination of NotifierInvoke cannot be resolved`,
    );
    expect(run.stderr).toContain('--parameter AlertTopicArn=VALUE');
    const destination = findingsOf(report, 'orders-notifier').find((f) => f.severity === 'info');
    expect(destination).toMatchObject({ decision: 'unverifiable' });
    expect(destination?.message).toContain('--parameter AlertTopicArn=VALUE');
  });

  it('takes --parameter over defaults, and conditions follow', async () => {
    const { report: dev } = await audit(
      '--template',
      ORDERS,
      '--parameter',
      'Stage=dev',
      '--parameter',
      'AlertTopicArn=arn:aws:sns:us-east-1:123456789012:alerts',
    );
    expect(dev.functions.map((fn) => fn.functionName)).toEqual([
      'dev-only',
      'orders-imported',
      'orders-notifier',
      'orders-worker-dev',
    ]);
    const publish = findingsOf(dev, 'orders-notifier').find((f) => f.action === 'sns:Publish');
    expect(publish).toMatchObject({
      resource: 'arn:aws:sns:us-east-1:123456789012:alerts',
      decision: 'unverifiable',
    });
  });

  it('names the account and region with --account and --region', async () => {
    const { report: other } = await audit(
      '--template',
      ORDERS,
      '--account',
      '111122223333',
      '--region',
      'eu-west-1',
    );
    expect(other.source).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(other.functions[2]?.functionArn).toBe(
      'arn:aws:lambda:eu-west-1:111122223333:function:orders-worker-prod',
    );
  });

  it('reads what the template does not define from an export folder with --from', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lra-outside-'));
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    const logs = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-*:*',
        },
      ],
    };
    writeFileSync(
      join(folder, 'authorization-details.json'),
      JSON.stringify({
        RoleDetailList: [
          {
            Path: '/',
            RoleName: 'shared-notifier',
            Arn: 'arn:aws:iam::123456789012:role/shared-notifier',
            AssumeRolePolicyDocument: trust,
            RolePolicyList: [{ PolicyName: 'logs', PolicyDocument: logs }],
            AttachedManagedPolicies: [],
          },
        ],
        Policies: [
          {
            PolicyName: 'team-baseline',
            Arn: 'arn:aws:iam::123456789012:policy/team-baseline',
            DefaultVersionId: 'v1',
            PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: logs }],
          },
        ],
      }),
    );
    writeFileSync(join(folder, 'functions.json'), JSON.stringify({ Functions: [] }));
    writeFileSync(join(folder, 'event-source-mappings.json'), JSON.stringify({ EventSourceMappings: [] }));
    const { report: withAccount } = await audit('--template', ORDERS, '--from', folder);
    expect(
      findingsOf(withAccount, 'orders-notifier').filter(
        (f) => f.decision === 'unverifiable' && f.severity !== 'info',
      ),
    ).toEqual([]);
    expect(findingsOf(withAccount, 'orders-imported').filter((f) => f.rule === 'missing-permission')).toEqual(
      [],
    );
  });
});

describe('template mode: bad input', () => {
  const temporary = mkdtempSync(join(tmpdir(), 'lra-templates-'));
  const write = (name: string, text: string): string => {
    const path = join(temporary, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    [
      'a file that does not exist',
      () => join(temporary, 'missing.yaml'),
      /cannot read the template .*missing\.yaml: no such file/,
    ],
    [
      'text that is not YAML',
      () => write('broken.yaml', 'Resources:\n  A: [\n'),
      /broken\.yaml:\d+: not a valid JSON or YAML template/,
    ],
    [
      'an unknown tag',
      () => write('tag.yaml', 'Resources:\n  A:\n    Type: X\n    Properties: { P: !Nope x }\n'),
      /tag\.yaml:4: unknown tag !Nope/,
    ],
  ])('stops with exit 2 and a message naming the file for %s', async (_name, file, message) => {
    const run = await cli(['audit', '--template', file(), '--format', 'json']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/unexpected error|at \w+ \(/);
  });

  it('rejects --parameter without a value and template options without a template', async () => {
    const bad = await cli(['audit', '--template', ORDERS, '--parameter', 'Stage']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--parameter "Stage" is not KEY=VALUE');
    const stray = await cli(['audit', '--from', 'examples/demo-account', '--parameter', 'A=b']);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('--parameter and --account apply to template mode');
  });

  it('audits the whole template when intrinsics are malformed and resources are unknown', async () => {
    const path = write(
      'malformed.yaml',
      [
        'Resources:',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }',
        '      Policies:',
        '        - PolicyName: p',
        '          PolicyDocument:',
        '            Version: "2012-10-17"',
        '            Statement:',
        '              - Effect: Allow',
        '                Action: [logs:CreateLogStream, logs:PutLogEvents]',
        '                Resource: !Join [":", notAList]',
        '  Broken:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Role: !GetAtt [Role]',
        '  Fine:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Role: !GetAtt Role.Arn',
        '      VpcConfig: { SubnetIds: [!Ref Subnet], SecurityGroupIds: [!GetAtt Custom.GroupId] }',
        '  Subnet:',
        '    Type: AWS::EC2::Subnet',
        '  Custom:',
        '    Type: Custom::Thing',
        '  Layer:',
        '    Type: AWS::Lambda::Frobnicator',
        '',
      ].join('\n'),
    );
    const run = await cli(['audit', '--template', path, '--format', 'json', '--fail-on', 'none']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.functions.map((fn) => fn.functionName)).toEqual(['Broken', 'Fine']);
    expect(run.stderr).toMatch(
      /malformed\.yaml:27: Layer has type AWS::Lambda::Frobnicator, which this tool does not read/,
    );
    const broken = findingsOf(report, 'Broken');
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((f) => f.decision === 'unverifiable')).toBe(true);
    expect(broken[0]?.message).toContain('malformed Fn::GetAtt');
    const fine = findingsOf(report, 'Fine').filter((f) => f.action?.startsWith('logs:'));
    expect(fine.map((f) => f.decision)).toEqual(['unverifiable', 'unverifiable']);
    expect(fine[0]?.message).toContain('malformed Fn::Join');
    expect(
      findingsOf(report, 'Fine')
        .filter((f) => f.rule === 'invalid-policy')
        .map((f) => f.template?.line),
    ).toEqual([11]);
  });
});

describe('template mode: invalid policies', () => {
  it('reports what IAM or CloudFormation would reject as invalid-policy at its line, and audits the rest', async () => {
    const file = 'test/fixtures/templates/cfn/invalid-policies.yaml';
    const { report } = await audit('--template', file);
    expect(reportValidator()(report)).toEqual([]);
    expect(report.errors).toEqual([]);
    const invalid = findingsOf(report, 'Fn').filter((f) => f.rule === 'invalid-policy');
    expect(invalid.map((f) => [f.template?.line, f.cause])).toEqual([
      [16, { kind: 'policy', policy: 'inline:shapes', statement: 'Lower' }],
      [20, { kind: 'policy', policy: 'inline:shapes', statement: 'Joined' }],
      [10, { kind: 'policy', policy: 'inline:notadocument' }],
    ]);
    expect(invalid[0]?.message).toContain('Effect must be "Allow" or "Deny", got the string "allow"');
    expect(invalid[1]?.message).toContain('malformed Fn::Join');
    expect(invalid.every((f) => f.severity === 'medium' && f.template?.logicalId === 'Role')).toBe(true);
    // The valid statement beside them is still judged.
    const fine = findingsOf(report, 'Fn').find(
      (f) => f.rule === 'unused-source-permission' && f.action === 'sqs:GetQueueAttributes',
    );
    expect(fine?.template?.line).toBe(24);
  });
});

describe('template mode (SAM)', () => {
  it('audits a SAM template, placing generated resources at the function or event that makes them', async () => {
    const { report } = await audit('--template', SAM_EVENTS);
    expect(reportValidator()(report)).toEqual([]);
    expect(report.functions.map((fn) => fn.functionName)).toEqual([
      'BrokerReader',
      'KafkaReader',
      'StreamReader',
      'sqs-consumer',
    ]);
    const consumer = report.functions.find((fn) => fn.functionName === 'sqs-consumer');
    expect(consumer?.template).toMatchObject({ logicalId: 'SqsConsumer', file: SAM_EVENTS, line: 40 });
    // A permissions boundary defined outside the template: whatever the generated role allows may be cut.
    const kafka = report.functions.find((fn) => fn.functionName === 'KafkaReader');
    const secret = kafka?.findings.find(
      (f) => f.action === 'secretsmanager:GetSecretValue' && f.template?.logicalId === 'KafkaReaderMsk',
    );
    expect(secret).toMatchObject({ decision: 'unverifiable', template: { line: 85 } });
    expect(secret?.message).toContain(
      'boundary:arn:aws:iam::123456789012:policy/lambda-boundary (defined outside the template)',
    );
  });
});
