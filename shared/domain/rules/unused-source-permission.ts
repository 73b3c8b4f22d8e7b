/**
 * `unused-source-permission`: the role grants actions of an event-source family (SQS, Kinesis, DynamoDB
 * Streams, MSK, Amazon MQ, DocumentDB) while neither this function nor any other function of the same role
 * has a mapping of that family. Wildcards `*` and `service:*` are `wildcard-action`'s to report.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
 */
import type { ActionCatalog } from '../policy/action-catalog.js';
import type { RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches } from '../policy/match.js';
import { familyOfAction, SOURCE_FAMILIES, type SourceFamily } from '../requirements/catalog.js';
import { compareCodeUnits, sortSmall } from '../small-sort.js';
import {
  capitalise,
  describeStatement,
  hasWildcard,
  identityStatements,
  isServiceWildcard,
  type LocatedStatement,
  policyCause,
} from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

/** Every event-source family action, as the catalog spells them. */
const FAMILY_ACTIONS = Object.values(SOURCE_FAMILIES).flatMap((family) => family.actions);

/** The family actions a wildcard pattern matches, per catalog and pattern (patterns recur across roles). */
const familyMatches = new WeakMap<ActionCatalog, Map<string, readonly string[]>>();

/**
 * What expanding `pattern` would give of the family actions: those the catalog knows that it matches. The
 * few dozen family actions are matched, rather than the whole catalog expanded: a policy of hundreds of
 * `*:*ab*` patterns would otherwise list millions of actions, for each role.
 */
function familyActionsOf(pattern: string, catalog: ActionCatalog): readonly string[] {
  let byPattern = familyMatches.get(catalog);
  if (byPattern === undefined) {
    byPattern = new Map();
    familyMatches.set(catalog, byPattern);
  }
  let actions = byPattern.get(pattern);
  if (actions === undefined) {
    actions = FAMILY_ACTIONS.filter(
      (action) => actionMatches(pattern, action) && catalog.has(action) === true,
    );
    if (byPattern.size > 50_000) byPattern.clear();
    byPattern.set(pattern, actions);
  }
  return actions;
}

/** The actions a statement grants, family actions at least (the caller keeps only those). */
function grantedActions(located: LocatedStatement, catalog: ActionCatalog): string[] {
  const actions: string[] = [];
  for (const pattern of located.statement.Action ?? []) {
    if (isServiceWildcard(pattern)) continue;
    if (hasWildcard(pattern)) actions.push(...familyActionsOf(pattern, catalog));
    else actions.push(catalog.canonical(pattern) ?? pattern);
  }
  return actions;
}

interface FamilyGrant {
  readonly located: LocatedStatement;
  readonly family: SourceFamily;
  readonly actions: readonly string[];
}

const grantsCache = new WeakMap<ActionCatalog, WeakMap<RolePolicies, readonly FamilyGrant[]>>();
/** Per statement object and source: a managed policy attached to many roles is checked once. */
const statementGrantsCache = new WeakMap<
  ActionCatalog,
  WeakMap<LocatedStatement['statement'], Map<string, readonly FamilyGrant[]>>
>();

/** The event-source family actions one Allow statement grants, by family. */
function statementGrants(located: LocatedStatement, catalog: ActionCatalog): readonly FamilyGrant[] {
  let byStatement = statementGrantsCache.get(catalog);
  if (byStatement === undefined) {
    byStatement = new WeakMap();
    statementGrantsCache.set(catalog, byStatement);
  }
  let bySource = byStatement.get(located.statement);
  if (bySource === undefined) {
    bySource = new Map();
    byStatement.set(located.statement, bySource);
  }
  const known = bySource.get(located.source);
  if (known !== undefined) return known;
  // Most statements grant no event-source action: no map for them.
  let byFamily: Map<SourceFamily, Set<string>> | undefined;
  for (const action of grantedActions(located, catalog)) {
    const family = familyOfAction(action);
    if (family === undefined) continue;
    byFamily ??= new Map();
    const set = byFamily.get(family) ?? new Set<string>();
    set.add(action);
    byFamily.set(family, set);
  }
  const grants: FamilyGrant[] = [];
  for (const [family, set] of byFamily ?? []) {
    grants.push({ located, family, actions: sortSmall([...set], compareCodeUnits) });
  }
  bySource.set(located.source, grants);
  return grants;
}

/** The event-source family actions each Allow statement grants; the same for every function of the role. */
function familyGrants(policies: RolePolicies, catalog: ActionCatalog): readonly FamilyGrant[] {
  let byPolicies = grantsCache.get(catalog);
  if (byPolicies === undefined) {
    byPolicies = new WeakMap();
    grantsCache.set(catalog, byPolicies);
  }
  let grants = byPolicies.get(policies);
  if (grants === undefined) {
    const list: FamilyGrant[] = [];
    for (const located of identityStatements(policies)) {
      if (located.statement.Effect === 'Allow') list.push(...statementGrants(located, catalog));
    }
    grants = list;
    byPolicies.set(policies, grants);
  }
  return grants;
}

export const unusedSourcePermission: Rule = {
  id: 'unused-source-permission',
  check(context) {
    const findings: RawFinding[] = [];
    for (const { located, family, actions } of familyGrants(context.policies, context.catalog)) {
      if (context.derived.families.has(family)) continue;
      // Another function of the role reads this kind of source: shared-role context, not a finding.
      if ((context.familiesOfOthers.get(family) ?? []).length > 0) continue;
      const first = actions[0] ?? '';
      let shared =
        context.sharedWith.length > 0
          ? ` None of the other functions of the role (${context.sharedWith.join(', ')}) has one either.`
          : '';
      if (context.partialRead) {
        shared +=
          ' Only the named functions were read: another function of this role may use it (a whole-account audit knows).';
      }
      findings.push({
        rule: 'unused-source-permission',
        severity: 'medium',
        message: `${capitalise(describeStatement(located))} grants ${SOURCE_FAMILIES[family].title} actions (${actions.join(', ')}), but the function has no event source mapping of that kind.${shared} The function’s code may call them through the SDK: if so, suppress this finding (rule unused-source-permission, action ${first}) with that reason.`,
        action: first,
        actions,
        cause: policyCause(located),
        remediation: `Remove ${actions.join(', ')} from the statement, or scope them to the resources the code uses and suppress the finding.`,
      });
    }
    return findings;
  },
};
