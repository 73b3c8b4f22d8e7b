/**
 * Comparisons shared by the live integration tests: snapshots without their origin, findings as sets of
 * (rule, action, resource, decision) per function, and scenario expectations narrowed to what moto can
 * represent (test/support/moto-account.ts says what that is, as data).
 */
import {
  eventInvokeConfigSchema,
  eventSourceMappingSchema,
  functionConfigurationSchema,
} from '../../shared/adapters/export-folder/export-folder-schemas.js';
import type { AccountSnapshot } from '../../shared/domain/model.js';
import type { Report } from '../../shared/domain/report.js';
import type { MotoAccount } from '../support/moto-account.js';
import type { FunctionExpectation } from '../unit/scenarios/report-expectations.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The snapshot without `source` (live vs export), maps as sorted entries, lists sorted; items narrowed to
 * the fields the export folder's schemas declare, since a source may keep the others as they came.
 */
export function comparableSnapshot(snapshot: AccountSnapshot): unknown {
  const sortBy = <T>(items: readonly T[], key: (item: T) => string): T[] =>
    [...items].sort((a, b) => byText(key(a), key(b)));
  return {
    functions: sortBy(snapshot.functions, (fn) => fn.FunctionArn).map((fn) =>
      functionConfigurationSchema.parse(fn),
    ),
    eventSourceMappings: sortBy(snapshot.eventSourceMappings, (mapping) => mapping.UUID).map((mapping) =>
      eventSourceMappingSchema.parse(mapping),
    ),
    eventInvokeConfigs: sortBy(snapshot.eventInvokeConfigs ?? [], (config) => config.FunctionArn).map(
      (config) => eventInvokeConfigSchema.parse(config),
    ),
    roles: [...snapshot.roles.entries()].sort(([a], [b]) => byText(a, b)),
    managedPolicies: [...snapshot.managedPolicies.entries()].sort(([a], [b]) => byText(a, b)),
    readErrors: sortBy(snapshot.readErrors, (error) => `${error.resource}|${error.message}`),
  };
}

/** Per function, the sorted set of `rule action resource decision` of its findings. */
export function findingKeys(report: Pick<Report, 'functions'>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const fn of report.functions) {
    result[fn.functionName] = [
      ...new Set(
        fn.findings.map((finding) =>
          [
            finding.rule,
            finding.action ?? '-',
            finding.resource ?? '-',
            finding.decision ?? '-',
            finding.suppressed ? 'suppressed' : '',
          ].join(' '),
        ),
      ),
    ].sort(byText);
  }
  return result;
}

/**
 * The expectation with ARNs rewritten to moto's (DynamoDB stream labels) and without the pieces moto
 * cannot hold for this function; `ignoredActionPrefixes` names the actions whose findings are not
 * compared either (a dropped custom log group moves the logs requirements elsewhere).
 */
export function representableExpectation(
  expectation: FunctionExpectation,
  functionName: string,
  account: MotoAccount,
): { expectation: FunctionExpectation; ignoredActionPrefixes: string[] } {
  const pieces = account.unrepresented.filter(
    (piece) => piece.functionName === undefined || piece.functionName === functionName,
  );
  const resources = pieces.flatMap((piece) => piece.resources).filter((resource) => resource.length > 0);
  const ignoredActionPrefixes = pieces
    .flatMap((piece) => piece.actionPrefixes ?? [])
    .map((prefix) => prefix.toLowerCase());
  const ignoredRules = new Set(pieces.flatMap((piece) => piece.rules ?? []));
  const rewrite = (resource: string | null): string | null => {
    if (resource === null) return null;
    let result = resource;
    for (const [from, to] of account.arnRewrites) result = result.split(from).join(to);
    return result;
  };
  const missing =
    expectation.missing === null
      ? null
      : expectation.missing
          .filter(([action, resource]) => {
            if (ignoredActionPrefixes.some((prefix) => action.toLowerCase().startsWith(prefix))) return false;
            return resource === null || !resources.some((dropped) => resource.startsWith(dropped));
          })
          .map(([action, resource]) => [action, rewrite(resource)] as const);
  return {
    expectation: {
      ...expectation,
      missing,
      rules: (expectation.rules ?? []).filter((rule) => !ignoredRules.has(rule)),
      absentRules: (expectation.absentRules ?? []).filter((rule) => !ignoredRules.has(rule)),
    },
    ignoredActionPrefixes,
  };
}
