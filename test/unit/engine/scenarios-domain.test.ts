/**
 * The scenarios of test/fixtures/scenarios at the domain level: the export folder is turned into a snapshot
 * by a few lines here (not the CLI's reader, which has its own end-to-end scenario test), so that a
 * failure points at the engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditAccount } from '../../../shared/domain/audit/audit-account.js';
import type {
  AccountSnapshot,
  EventSourceMapping,
  FunctionConfiguration,
  ManagedPolicy,
  Role,
} from '../../../shared/domain/model.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';
import type { FunctionResult } from '../../../shared/domain/report.js';
import { testCatalog } from '../rules/audit-helper.js';

const SCENARIOS = join(process.cwd(), 'test/fixtures/scenarios');

interface RawRole {
  RoleName: string;
  Arn: string;
  AssumeRolePolicyDocument: unknown;
  RolePolicyList?: { PolicyName: string; PolicyDocument: unknown }[];
  AttachedManagedPolicies?: { PolicyName?: string; PolicyArn: string }[];
  PermissionsBoundary?: { PermissionsBoundaryArn: string };
}

interface RawPolicy {
  Arn: string;
  PolicyName: string;
  DefaultVersionId: string;
  PolicyVersionList: { VersionId: string; Document: unknown }[];
}

function readJson<T>(folder: string, file: string): T {
  return JSON.parse(readFileSync(join(folder, file), 'utf8')) as T;
}

function loadExport(folder: string): AccountSnapshot {
  const details = readJson<{ RoleDetailList: RawRole[]; Policies: RawPolicy[] }>(
    folder,
    'authorization-details.json',
  );
  const roles = new Map<string, Role>(
    details.RoleDetailList.map((raw) => [
      raw.Arn,
      {
        RoleName: raw.RoleName,
        Arn: raw.Arn,
        AssumeRolePolicyDocument: parsePolicyDocument(raw.AssumeRolePolicyDocument),
        RolePolicyList: (raw.RolePolicyList ?? []).map((p) => ({
          PolicyName: p.PolicyName,
          PolicyDocument: parsePolicyDocument(p.PolicyDocument),
        })),
        AttachedManagedPolicies: raw.AttachedManagedPolicies ?? [],
        ...(raw.PermissionsBoundary === undefined ? {} : { PermissionsBoundary: raw.PermissionsBoundary }),
      },
    ]),
  );
  const managedPolicies = new Map<string, ManagedPolicy>(
    details.Policies.map((raw) => {
      const version = raw.PolicyVersionList.find((v) => v.VersionId === raw.DefaultVersionId);
      return [
        raw.Arn,
        {
          Arn: raw.Arn,
          PolicyName: raw.PolicyName,
          DefaultVersionId: raw.DefaultVersionId,
          Document:
            version === undefined
              ? { ok: false, error: 'no default version' }
              : parsePolicyDocument(version.Document),
        },
      ];
    }),
  );
  return {
    source: { kind: 'export', path: folder },
    functions: readJson<{ Functions: FunctionConfiguration[] }>(folder, 'functions.json').Functions,
    eventSourceMappings: readJson<{ EventSourceMappings: EventSourceMapping[] }>(
      folder,
      'event-source-mappings.json',
    ).EventSourceMappings,
    roles,
    managedPolicies,
    readErrors: [],
  };
}

interface Expectation {
  missing: [string, string | null][] | null;
  rules?: string[];
  absentRules?: string[];
}

const cases = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => {
    const folder = join(SCENARIOS, entry.name);
    const expected = readJson<{ functions: Record<string, Expectation> }>(folder, 'expected.json');
    return Object.entries(expected.functions).map(
      ([name, expectation]) => [entry.name, name, folder, expectation] as const,
    );
  });

describe('scenarios, at the domain level', () => {
  it('has scenarios to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s: %s', async (_scenario, functionName, folder, expectation) => {
    const report = auditAccount(loadExport(folder), {
      catalog: await testCatalog(),
      generatedAt: '2026-11-26T12:00:00.000Z',
    });
    expect(report.errors).toEqual([]);
    const result = report.functions.find((candidate) => candidate.functionName === functionName);
    expect(result).toBeDefined();
    const findings = (result?.findings ?? []).filter((finding) => finding.suppressed !== true);
    if (expectation.missing !== null) {
      const missing = findings.filter((finding) => finding.rule === 'missing-permission');
      const expected = expectation.missing;
      expect(missing).toHaveLength(expected.length);
      for (const [action, resource] of expected) {
        const match = missing.some(
          (finding) =>
            finding.action?.toLowerCase() === action.toLowerCase() &&
            (resource === null || finding.resource === resource),
        );
        expect({ action, resource, match }).toEqual({ action, resource, match: true });
      }
    }
    const rules = new Set(findings.map((finding) => finding.rule));
    for (const rule of expectation.rules ?? [])
      expect({ rule, present: rules.has(rule as never) }).toEqual({ rule, present: true });
    for (const rule of expectation.absentRules ?? [])
      expect({ rule, present: rules.has(rule as never) }).toEqual({ rule, present: false });
  });

  it.each(readdirSync(SCENARIOS, { withFileTypes: true }).filter((entry) => entry.isDirectory()))(
    '$name: onFunction takes each result in the report order, and the summary still counts them',
    async (entry) => {
      const folder = join(SCENARIOS, entry.name);
      const options = { catalog: await testCatalog(), generatedAt: '2026-11-26T12:00:00.000Z' };
      const kept = auditAccount(loadExport(folder), options);
      const taken: FunctionResult[] = [];
      const handedOver = auditAccount(loadExport(folder), {
        ...options,
        onFunction: (result) => taken.push(result),
      });
      expect(kept.functions.length).toBeGreaterThan(0);
      expect(handedOver.functions).toEqual([]);
      expect(taken).toEqual(kept.functions);
      expect(handedOver.summary).toEqual(kept.summary);
      expect({ ...handedOver, functions: taken }).toEqual(kept);
    },
  );
});
