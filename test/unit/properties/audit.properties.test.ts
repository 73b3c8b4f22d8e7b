import fc from 'fast-check';
import { auditAccount } from '../../../shared/domain/audit/audit-account.js';
import type { ActionCatalog } from '../../../shared/domain/policy/action-catalog.js';
import { recommendPolicy } from '../../../shared/domain/recommend/recommend-policy.js';
import type { Finding, Report } from '../../../shared/domain/report.js';
import { deriveRequirements } from '../../../shared/domain/requirements/derive.js';
import { allow, deny, doc, type RawStatement, role, snapshot } from '../../support/snapshot-builder.js';
import { testCatalog } from '../rules/audit-helper.js';
import {
  functionArbitrary,
  type GeneratedFunction,
  policiesArbitrary,
  statementArbitrary,
} from './generators.js';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

/** Audits the function with these inline policies, in this order; a policy is named by its statements' Sid prefix. */
function run(generated: GeneratedFunction, policies: readonly (readonly RawStatement[])[]): Report {
  const inline = Object.fromEntries(
    policies.map((statements, index) => [
      String(statements[0]?.Sid ?? `policy-${index}`).replace(/S\d+$/, ''),
      doc(...statements),
    ]),
  );
  return auditAccount(
    snapshot({
      functions: [generated.fn],
      roles: [role('f-role', { inline })],
      mappings: generated.mappings,
      invokeConfigs: generated.invokeConfigs,
    }),
    { catalog, generatedAt: '2026-11-26T12:00:00.000Z' },
  );
}

function findings(report: Report): readonly Finding[] {
  const [result] = report.functions;
  if (result === undefined) throw new Error(`function not audited: ${JSON.stringify(report.errors)}`);
  return result.findings;
}

const RUNS = { numRuns: 150 };

describe('audit properties', () => {
  it('finds nothing missing or excessive in a role that holds exactly the recommended policy', () => {
    fc.assert(
      fc.property(functionArbitrary, (generated) => {
        const recommended = recommendPolicy(
          deriveRequirements(generated.fn, generated.mappings, generated.invokeConfigs).requirements,
        );
        const statements = (recommended?.Statement ?? []).map((statement) => ({ ...statement }));
        const reported = findings(run(generated, [statements])).filter((finding) =>
          [
            'missing-permission',
            'wildcard-action',
            'unused-source-permission',
            'overbroad-resource',
          ].includes(finding.rule),
        );
        expect(reported).toEqual([]);
      }),
      RUNS,
    );
  });

  it('never loses a missing-permission finding when a Deny statement is added', () => {
    fc.assert(
      fc.property(functionArbitrary, policiesArbitrary, statementArbitrary, (generated, policies, extra) => {
        const denyStatement = { ...extra, Effect: 'Deny', Sid: 'AddedDeny' };
        const missing = (report: Report) =>
          findings(report)
            .filter((finding) => finding.rule === 'missing-permission')
            .map((finding) => finding.id);
        const before = missing(run(generated, policies));
        const after = new Set(missing(run(generated, [...policies, [denyStatement]])));
        expect(before.filter((id) => !after.has(id))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('gives the same verdicts whatever the order of statements and policies', () => {
    fc.assert(
      fc.property(
        functionArbitrary,
        policiesArbitrary.chain((policies) =>
          fc.tuple(
            fc.constant(policies),
            fc
              .shuffledSubarray(policies, { minLength: policies.length, maxLength: policies.length })
              .chain((order) =>
                fc.tuple(
                  ...order.map((statements) =>
                    fc.shuffledSubarray(statements, {
                      minLength: statements.length,
                      maxLength: statements.length,
                    }),
                  ),
                ),
              ),
          ),
        ),
        (generated, [policies, shuffled]) => {
          const verdicts = (report: Report) =>
            findings(report)
              .map(({ message: _message, ...rest }) => rest)
              .sort((a, b) => a.id.localeCompare(b.id));
          const original = run(generated, policies);
          const reordered = run(generated, shuffled);
          expect(verdicts(reordered)).toEqual(verdicts(original));
          expect(reordered.functions[0]?.compliant).toBe(original.functions[0]?.compliant);
        },
      ),
      RUNS,
    );
  });

  it('reports exactly the denied action when every need is allowed and one is denied', () => {
    fc.assert(
      fc.property(functionArbitrary, (generated) => {
        const requirements = deriveRequirements(
          generated.fn,
          generated.mappings,
          generated.invokeConfigs,
        ).requirements;
        const statements = requirements.map((requirement, index) =>
          allow(requirement.actions[0] ?? '', requirement.resource, { Sid: `R${index}` }),
        );
        const withDeny = [...statements, deny('sqs:DeleteMessage', '*', { Sid: 'NoDelete' })];
        const missing = findings(run(generated, [withDeny])).filter(
          (finding) => finding.rule === 'missing-permission',
        );
        const needsDelete = requirements.some((requirement) =>
          requirement.actions.includes('sqs:DeleteMessage'),
        );
        expect([...new Set(missing.map((finding) => `${finding.action} ${finding.decision}`))]).toEqual(
          needsDelete ? ['sqs:DeleteMessage explicit-deny'] : [],
        );
      }),
      RUNS,
    );
  });
});
