/**
 * `--format sarif`: SARIF 2.1.0 that the official schema (vendored, draft-04) accepts, for every source:
 * a template (results at the file and line) and an export folder (results at the function's ARN). One
 * rule per rule of the catalog, one result per unsuppressed finding, stable fingerprints.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import addFormatsPlugin from 'ajv-formats';
import { fileUri, formatSarif } from '../../../shared/cli/format/format-sarif.js';
import type { Report } from '../../../shared/domain/report.js';
import { RULE_METADATA } from '../../../shared/domain/rules/rule-metadata.js';
import { projectRoot, runCli } from '../../support/run-cli.js';

const schemaText = readFileSync(join(projectRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8');
// Both packages are CommonJS; under native ESM their default import is module.exports itself.
interface Validator {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
}
type AjvClass = new (options: { allErrors: boolean; strict: boolean }) => Validator;
const draft04 = ajvDraft04 as unknown as AjvClass & { default?: AjvClass };
const Ajv: AjvClass = draft04.default ?? draft04;
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ??
  addFormatsPlugin) as unknown as (instance: Validator) => void;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(schemaText));

/** The parts of a SARIF log these tests read. */
interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: string;
  readonly message: { readonly text: string };
  readonly partialFingerprints: Record<string, string>;
  readonly locations: readonly {
    readonly physicalLocation?: unknown;
    readonly logicalLocations: readonly unknown[];
  }[];
}
interface Json {
  readonly version: string;
  readonly runs: readonly {
    readonly tool: { readonly driver: { readonly rules: readonly { readonly id: string }[] } };
    readonly results: readonly SarifResult[];
    readonly invocations: readonly unknown[];
  }[];
}

async function sarifOf(args: readonly string[]): Promise<{ sarif: Json; report: Report }> {
  const sarifRun = await runCli(['audit', ...args, '--format', 'sarif', '--fail-on', 'none']);
  expect(sarifRun.status).toBe(0);
  const jsonRun = await runCli(['audit', ...args, '--format', 'json', '--fail-on', 'none']);
  return { sarif: JSON.parse(sarifRun.stdout) as Json, report: JSON.parse(jsonRun.stdout) as Report };
}

function unsuppressed(report: Report) {
  return report.functions.flatMap((fn) =>
    fn.findings.filter((f) => f.suppressed !== true).map((f) => ({ fn, f })),
  );
}

describe('SARIF output', () => {
  it('validates against the vendored official schema, unchanged', () => {
    expect(createHash('sha256').update(schemaText).digest('hex')).toBe(
      'ddddcccbf95c7c50c037b5b07eff4140556278ca574ff374db46786b5fce7949',
    );
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  describe.each([
    ['a CloudFormation template', ['--template', 'test/fixtures/templates/cfn/orders.yaml'], true],
    ['a SAM template', ['--template', 'test/fixtures/templates/sam/event-sources.yaml'], true],
    ['an export folder', ['--from', 'examples/demo-account'], false],
  ])('for %s', (_name, args, located) => {
    let sarif: Json;
    let report: Report;
    beforeAll(async () => {
      ({ sarif, report } = await sarifOf(args as string[]));
    });

    it('is valid SARIF 2.1.0', () => {
      expect(validate(sarif) ? [] : validate.errors).toEqual([]);
      expect(sarif.version).toBe('2.1.0');
    });

    it('describes every rule of the catalog with help text and a documentation link', () => {
      const rules = sarif.runs[0]?.tool.driver.rules ?? [];
      expect(rules.map((rule) => rule.id)).toEqual(RULE_METADATA.map((metadata) => metadata.id));
      for (const [index, metadata] of RULE_METADATA.entries()) {
        expect(rules[index]).toMatchObject({
          shortDescription: { text: metadata.title },
          helpUri: metadata.docsUrl,
          help: { text: expect.stringContaining(metadata.remediation) },
        });
      }
    });

    it('has one result per unsuppressed finding, with its level, rule and fingerprint', () => {
      const results = sarif.runs[0]?.results ?? [];
      const expected = unsuppressed(report);
      expect(results.length).toBe(expected.length);
      expect(results.length).toBeGreaterThan(0);
      const level = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
      for (const [index, { fn, f }] of expected.entries()) {
        const result = results[index] as SarifResult;
        expect(result.ruleId).toBe(f.rule);
        expect(sarif.runs[0]?.tool.driver.rules[result.ruleIndex]?.id).toBe(f.rule);
        expect(result.level).toBe(level[f.severity]);
        expect(result.partialFingerprints).toEqual({ 'lambdaRoleAuditFindingId/v1': f.id });
        expect(result.message.text).toContain(f.message);
        const location = result.locations[0];
        expect(location?.logicalLocations[0]).toEqual({
          name: fn.functionName,
          fullyQualifiedName: fn.functionArn,
          kind: 'function',
        });
        if (located) {
          expect(location?.physicalLocation).toEqual({
            artifactLocation: { uri: (f.template ?? fn.template)?.file, uriBaseId: '%SRCROOT%' },
            // A generated resource (a SAM role) has a place but no line: SARIF then points at line 1.
            region: { startLine: (f.template ?? fn.template)?.line ?? 1 },
          });
        } else expect(location?.physicalLocation).toBeUndefined();
      }
    });
  });

  it('leaves suppressed findings out and keeps fingerprints stable from run to run', async () => {
    const first = await runCli([
      'audit',
      '--from',
      'examples/demo-account',
      '--format',
      'sarif',
      '--fail-on',
      'none',
    ]);
    const second = await runCli([
      'audit',
      '--from',
      'examples/demo-account',
      '--format',
      'sarif',
      '--fail-on',
      'none',
    ]);
    const prints = (text: string) =>
      (JSON.parse(text) as Json).runs[0]?.results.map(
        (r) => r.partialFingerprints['lambdaRoleAuditFindingId/v1'],
      );
    expect(prints(first.stdout)).toEqual(prints(second.stdout));
    const report: Report = {
      schemaVersion: '1',
      generatedAt: '2026-12-02T00:00:00.000Z',
      source: { kind: 'export' },
      summary: { functions: 1, compliant: 1, findings: {} },
      functions: [
        {
          functionName: 'f',
          functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
          roleArn: 'arn:aws:iam::123456789012:role/r',
          compliant: true,
          findings: [
            {
              id: 'a',
              rule: 'wildcard-action',
              severity: 'high',
              message: 'm',
              suppressed: true,
              suppressionReason: 'ok',
            },
          ],
        },
      ],
      errors: [{ functionName: 'g', message: 'role unreadable' }],
    };
    const sarif = formatSarif(report) as unknown as Json;
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(sarif.runs[0]?.invocations[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'role unreadable' } }],
    });
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });

  it('writes file paths as URI references, hostile characters encoded', () => {
    expect(fileUri('templates/my stack#1.yaml')).toEqual({
      uri: 'templates/my%20stack%231.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(fileUri('./cdk.out/App.template.json')).toEqual({
      uri: 'cdk.out/App.template.json',
      uriBaseId: '%SRCROOT%',
    });
    expect(fileUri('/tmp/x/a.json')).toEqual({ uri: 'file:///tmp/x/a.json' });
  });
});
