/**
 * One schema, published: the report every JSON-carrying output of the CLI prints validates against
 * schema/report.schema.json as it is (no copy widened for the test), in each mode and with each optional
 * part present: suppressions, errors, warnings, template locations, a subset of functions. The alert JSON's
 * embedded report is validated by the handler tests (test/integration/handler-*.test.ts). The other
 * formats carry no JSON (markdown, table, html), or another schema's (SARIF, sarif.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_IDS } from '../../../shared/domain/report.js';
import { projectRoot, runCli } from '../../support/run-cli.js';
import { reportValidator } from '../scenarios/report-expectations.js';

const validate = reportValidator();
const basic = join(projectRoot, 'test/fixtures/scenarios/basic');
const demo = join(projectRoot, 'examples/demo-account');
const work = mkdtempSync(join(tmpdir(), 'lra-schema-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Json = Record<string, unknown>;
function editedCopy(name: string, file: string, edit: (json: Json) => void): string {
  const folder = join(work, name);
  cpSync(basic, folder, { recursive: true });
  const path = join(folder, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return folder;
}

async function reportOf(args: readonly string[]): Promise<Json> {
  const run = await runCli([...args, '--format', 'json', '--fail-on', 'none']);
  expect([0, 3]).toContain(run.status);
  return JSON.parse(run.stdout) as Json;
}

describe('the published report schema', () => {
  it('lists every rule the tool can emit', () => {
    const schema = JSON.parse(readFileSync(join(projectRoot, 'schema/report.schema.json'), 'utf8'));
    const rule = schema.$defs.finding.properties.rule;
    expect([...rule.examples].sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) expect(rule.description).toContain(id);
    expect(schema.properties.schemaVersion).toEqual({ const: '1' });
  });

  it.each([
    ['the demo account', () => ['audit', '--from', demo]],
    [
      'an export folder, some functions only',
      () => ['audit', '--from', basic, '--function', 'orders-consumer'],
    ],
    [
      'suppressions from a file',
      () => {
        const file = join(work, 'suppressions.yaml');
        writeFileSync(file, 'suppressions:\n  - rule: missing-permission\n    reason: tracked in JIRA-1\n');
        return ['audit', '--from', basic, '--suppressions', file];
      },
    ],
    [
      'functions that could not be audited (errors)',
      () => [
        'audit',
        '--from',
        editedCopy('errors', 'authorization-details.json', (json) => {
          const [role] = json.RoleDetailList as Json[];
          if (role)
            role.AttachedManagedPolicies = [
              { PolicyName: 'x', PolicyArn: 'arn:aws:iam::123456789012:policy/x' },
            ];
        }),
      ],
    ],
    [
      'input oddities (warnings)',
      () => [
        'audit',
        '--from',
        editedCopy('warnings', 'event-source-mappings.json', (json) => {
          const [mapping] = json.EventSourceMappings as Json[];
          if (mapping) mapping.FunctionArn = 'arn:aws:lambda:us-west-2:123456789012:function:gone';
        }),
      ],
    ],
    [
      'a SAM template',
      () => ['audit', '--template', join(projectRoot, 'test/fixtures/templates/sam/event-sources.yaml')],
    ],
    [
      'a CloudFormation template',
      () => ['audit', '--template', join(projectRoot, 'test/fixtures/templates/cfn/orders.yaml')],
    ],
  ] as const)('validates the CLI JSON of %s unchanged', async (_, args) => {
    const report = await reportOf(args());
    expect(validate(report)).toEqual([]);
    expect(report.schemaVersion).toBe('1');
  });

  it('exercises the optional parts it claims to (so that the cases above are not vacuous)', async () => {
    const withErrors = await reportOf([
      'audit',
      '--from',
      editedCopy('errors-2', 'authorization-details.json', (json) => {
        const [role] = json.RoleDetailList as Json[];
        if (role)
          role.AttachedManagedPolicies = [
            { PolicyName: 'x', PolicyArn: 'arn:aws:iam::123456789012:policy/x' },
          ];
      }),
    ]);
    expect((withErrors.errors as unknown[]).length).toBeGreaterThan(0);
    const withWarnings = await reportOf([
      'audit',
      '--from',
      editedCopy('warnings-2', 'event-source-mappings.json', (json) => {
        const [mapping] = json.EventSourceMappings as Json[];
        if (mapping) mapping.FunctionArn = 'arn:aws:lambda:us-west-2:123456789012:function:gone';
      }),
    ]);
    expect((withWarnings.warnings as unknown[]).length).toBeGreaterThan(0);
    const template = await reportOf([
      'audit',
      '--template',
      join(projectRoot, 'test/fixtures/templates/sam/event-sources.yaml'),
    ]);
    expect((template.functions as Json[]).every((fn) => fn.template !== undefined)).toBe(true);
  });
});
