/**
 * The expectation format of the scenario folders (`expected.json`, see test/fixtures/scenarios/README.md)
 * and the check of a report against it, shared by the scenario tests and the demo account's test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { projectRoot } from '../../support/run-cli.js';

export interface FunctionExpectation {
  /** The exact set of unsuppressed missing-permission findings; `null` leaves them unchecked. */
  readonly missing: readonly (readonly [string, string | null])[] | null;
  readonly rules?: readonly string[];
  readonly absentRules?: readonly string[];
  readonly note?: string;
}

export interface Expectations {
  readonly description?: string;
  readonly functions: Readonly<Record<string, FunctionExpectation>>;
}

export interface ReportFinding {
  readonly rule: string;
  readonly action?: string;
  readonly resource?: string;
  readonly suppressed?: boolean;
}

export interface ReportJson {
  readonly functions: readonly {
    readonly functionName: string;
    readonly findings: readonly ReportFinding[];
  }[];
  readonly errors?: readonly { readonly functionName?: string; readonly message: string }[];
}

export function readExpectations(folder: string): Expectations {
  return JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Expectations;
}

/**
 * The project's published report schema (`schema/report.schema.json`, the contract's own), used as it is:
 * nothing is widened, so a rule or field the schema does not admit fails the test.
 */
export function reportValidator(): (report: unknown) => string[] {
  const schema = JSON.parse(readFileSync(join(projectRoot, 'schema/report.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is CommonJS; under native ESM its default import is module.exports itself.
  const addFormats =
    (addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin;
  (addFormats as unknown as (instance: Ajv2020) => void)(ajv);
  const validate = ajv.compile(schema);
  return (report) =>
    validate(report)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** Every way the function's findings differ from its expectation; empty when they agree. */
export function differences(expectation: FunctionExpectation, findings: readonly ReportFinding[]): string[] {
  const problems: string[] = [];
  if (expectation.missing !== null) {
    const actual = findings
      .filter((finding) => finding.rule === 'missing-permission' && finding.suppressed !== true)
      .map((finding) => [finding.action ?? '', finding.resource ?? null] as const);
    const unmatched = [...actual];
    // Exact resources first, so that a `null` (any resource) entry does not take a finding another entry needs.
    const ordered = [...expectation.missing].sort((a, b) => Number(a[1] === null) - Number(b[1] === null));
    for (const [action, resource] of ordered) {
      const index = unmatched.findIndex(
        ([actualAction, actualResource]) =>
          actualAction.toLowerCase() === action.toLowerCase() &&
          (resource === null || actualResource === resource),
      );
      if (index === -1) problems.push(`expected missing ${action} on ${resource ?? '(any resource)'}`);
      else unmatched.splice(index, 1);
    }
    for (const [action, resource] of unmatched) problems.push(`unexpected missing ${action} on ${resource}`);
  }
  const rules = new Set(findings.map((finding) => finding.rule));
  for (const rule of expectation.rules ?? [])
    if (!rules.has(rule)) problems.push(`expected a finding of rule ${rule}`);
  for (const rule of expectation.absentRules ?? [])
    if (rules.has(rule)) problems.push(`unexpected finding of rule ${rule}`);
  return problems;
}

/**
 * Asserts that a function of the report holds its expectation; a failure lists every difference, with the
 * expectation's note saying why it matters.
 */
export function expectToHold(
  report: ReportJson,
  functionName: string,
  expectation: FunctionExpectation,
): void {
  const result = report.functions.find((candidate) => candidate.functionName === functionName);
  expect(result).toBeDefined();
  expect({
    functionName,
    note: expectation.note,
    problems: differences(expectation, result?.findings ?? []),
  }).toEqual({ functionName, note: expectation.note, problems: [] });
}
