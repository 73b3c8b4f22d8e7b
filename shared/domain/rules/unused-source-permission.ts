/**
 * `unused-source-permission`: the role grants *consumer* access of an event-source family (receiving and
 * deleting queue messages, reading records or shards of a stream, subscribing a stream consumer, reading
 * a Kafka topic or consumer group, Amazon MQ and DocumentDB source access) on resources of the type the
 * action applies to, while neither this function nor any other function of the same role has a mapping of
 * that family. Wildcards `*` and `service:*` are `wildcard-action`'s to report.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
 *
 * Not event-source access (requirements.md §3, decided 2026-12-02):
 * - producer grants (sending messages, putting records, reading and writing table items): a statement
 *   counts only when it grants one of the family's consumer actions (`CONSUMER_ACTIONS`); the other family
 *   actions it grants (`sqs:GetQueueAttributes`, `kinesis:ListShards`…) are then listed with them;
 * - an action granted only on resources of another type, which grants nothing of the source
 *   (`dynamodb:GetRecords` on a table ARN: GetRecords authorizes on the table's stream);
 * - statements whose resources are the function's own dead-letter queue or destinations.
 */
import type { ActionCatalog } from '../policy/action-catalog.js';
import type { PolicyDocument, PolicyStatement, SourcedDocument } from '../policy/document.js';
import type { RolePolicies } from '../policy/evaluation-types.js';
import { actionMatches, resourceMatches } from '../policy/match.js';
import type { FindingCause } from '../report.js';
import { familyOfAction, SOURCE_FAMILIES, type SourceFamily } from '../requirements/catalog.js';
import type { Requirement } from '../requirements/derive.js';
import { grantsOnItsResourceType } from '../requirements/resource-types.js';
import { siblingResources } from '../requirements/siblings.js';
import { compareCodeUnits, sortSmall } from '../small-sort.js';
import {
  capitalise,
  describeStatement,
  hasWildcard,
  isServiceWildcard,
  type LocatedStatement,
  policyCause,
} from './policy-helpers.js';
import type { RawFinding, Rule } from './types.js';

/**
 * The actions only a consumer of the source uses, per family: one of them, granted on a resource of its
 * type, makes a statement event-source access.
 */
export const CONSUMER_ACTIONS: Readonly<Record<SourceFamily, readonly string[]>> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
  kinesis: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:SubscribeToShard'],
  'dynamodb-streams': ['dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
  kafka: ['kafka-cluster:ReadData', 'kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
  mq: ['mq:DescribeBroker'],
  documentdb: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups'],
};

const CONSUMER = new Set(
  Object.values(CONSUMER_ACTIONS).flatMap((actions) => actions.map((a) => a.toLowerCase())),
);

/** Catalog entries whose resource is where the function sends: its DLQ, destinations, on-failure targets. */
const DESTINATION_ENTRIES = /^(dead-letter|async-destination|esm-on-failure)-/;

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

/**
 * The event-source family of an action name as a policy spells it, memoised by the exact string: policies
 * repeat the same few hundred names, and most are no family's (no lower-cased copy made for those).
 */
const familyOfName = new Map<string, SourceFamily | null>();

function familyOf(action: string): SourceFamily | undefined {
  let family = familyOfName.get(action);
  if (family === undefined) {
    family = familyOfAction(action) ?? null;
    // Bounded, as the catalog's caches are: a long-running handler cannot grow it without limit.
    if (familyOfName.size > 50_000) familyOfName.clear();
    familyOfName.set(action, family);
  }
  return family ?? undefined;
}

/**
 * The family actions a statement grants, by family, each family's actions in the order the statement
 * grants them (as the catalog spells them); `undefined` when it grants none (most statements).
 */
function grantedFamilyActions(
  statement: PolicyStatement,
  catalog: ActionCatalog,
): Map<SourceFamily, Set<string>> | undefined {
  let byFamily: Map<SourceFamily, Set<string>> | undefined;
  for (const pattern of statement.Action ?? []) {
    if (isServiceWildcard(pattern)) continue;
    const wildcard = hasWildcard(pattern);
    // A literal name of no family (most): nothing to add, and no catalog lookup.
    if (!wildcard && familyOf(pattern) === undefined) continue;
    for (const action of wildcard
      ? familyActionsOf(pattern, catalog)
      : [catalog.canonical(pattern) ?? pattern]) {
      const family = familyOf(action);
      if (family === undefined) continue;
      byFamily ??= new Map();
      const set = byFamily.get(family);
      if (set === undefined) byFamily.set(family, new Set([action]));
      else set.add(action);
    }
  }
  return byFamily;
}

interface FamilyGrant {
  readonly located: LocatedStatement;
  readonly family: SourceFamily;
  /** The family's actions the statement grants on resources of their type. */
  readonly actions: readonly string[];
}

const NO_GRANTS: readonly FamilyGrant[] = [];

const grantsCache = new WeakMap<ActionCatalog, WeakMap<RolePolicies, readonly FamilyGrant[]>>();
/** Per document object and source: a managed policy attached to many roles is checked once. */
const documentGrantsCache = new WeakMap<
  ActionCatalog,
  WeakMap<PolicyDocument, Map<string, readonly FamilyGrant[]>>
>();

/** The event-source family actions one Allow statement grants, by family. */
function statementGrants(
  source: string,
  statement: PolicyStatement,
  catalog: ActionCatalog,
  grants: FamilyGrant[],
): void {
  // Most statements grant no event-source action: nothing is built for them.
  const byFamily = grantedFamilyActions(statement, catalog);
  if (byFamily === undefined) return;
  const located: LocatedStatement = { source, statement };
  for (const [family, set] of byFamily) {
    // Consumer access first (producers grant none), then what of the family applies: each action's
    // resource type is judged once.
    const applying: string[] = [];
    let consumer = false;
    for (const action of set) {
      if (!onItsResourceType(located, action)) continue;
      applying.push(action);
      if (!consumer && CONSUMER.has(action.toLowerCase())) consumer = true;
    }
    if (!consumer) continue;
    grants.push({ located, family, actions: sortSmall(applying, compareCodeUnits) });
  }
}

/** The grants of one identity document's Allow statements, in statement order, memoised per document. */
function documentGrants(sourced: SourcedDocument, catalog: ActionCatalog): readonly FamilyGrant[] {
  let byDocument = documentGrantsCache.get(catalog);
  if (byDocument === undefined) {
    byDocument = new WeakMap();
    documentGrantsCache.set(catalog, byDocument);
  }
  const { source, document } = sourced;
  let bySource = byDocument.get(document);
  if (bySource === undefined) {
    bySource = new Map();
    byDocument.set(document, bySource);
  }
  let grants = bySource.get(source);
  if (grants === undefined) {
    const list: FamilyGrant[] = [];
    for (const statement of document.Statement) {
      if (statement.Effect === 'Allow') statementGrants(source, statement, catalog, list);
    }
    grants = list.length === 0 ? NO_GRANTS : list;
    bySource.set(source, grants);
  }
  return grants;
}

/** Whether the statement's resources can hold a resource of the action's type. */
function onItsResourceType(located: LocatedStatement, action: string): boolean {
  const patterns = located.statement.Resource;
  // NotResource names what is left out, not what is granted: whatever remains may well hold the source.
  if (patterns === undefined) return located.statement.NotResource !== undefined;
  return grantsOnItsResourceType(action, patterns) ?? true;
}

/**
 * The event-source consumer access each Allow statement grants; the same for every function of the role.
 */
function familyGrants(policies: RolePolicies, catalog: ActionCatalog): readonly FamilyGrant[] {
  let byPolicies = grantsCache.get(catalog);
  if (byPolicies === undefined) {
    byPolicies = new WeakMap();
    grantsCache.set(catalog, byPolicies);
  }
  let grants = byPolicies.get(policies);
  if (grants === undefined) {
    let list: FamilyGrant[] | undefined;
    for (const sourced of policies.identity) {
      const own = documentGrants(sourced, catalog);
      if (own.length === 0) continue;
      list ??= [];
      for (const grant of own) list.push(grant);
    }
    grants = list ?? NO_GRANTS;
    byPolicies.set(policies, grants);
  }
  return grants;
}

/** The resources of the function's own DLQ, destinations and on-failure targets. */
function destinationTargets(requirements: readonly Requirement[]): string[] {
  const targets: string[] = [];
  for (const requirement of requirements)
    if (DESTINATION_ENTRIES.test(requirement.entryId)) targets.push(requirement.resource);
  return targets;
}

/** Whether every resource of the statement is one of the function's own DLQ or destinations. */
function servesOwnDestinations(located: LocatedStatement, targets: readonly string[]): boolean {
  const patterns = located.statement.Resource;
  if (patterns === undefined || patterns.length === 0) return false;
  if (targets.length === 0) return false;
  return patterns.every((pattern) =>
    targets.some(
      (target) =>
        resourceMatches(pattern, target) &&
        // `arn:…:my-dlq` or a pattern of it, not one that reaches other queues too.
        !siblingResources(target).some((sibling) => resourceMatches(pattern, sibling)),
    ),
  );
}

/** What a finding says of a family's grants: the same for every function that has all of them. */
interface FamilySummary {
  /** How many grants it is made of (a function's own destinations may leave some out). */
  readonly count: number;
  readonly who: string;
  readonly actions: readonly string[];
  readonly causes: readonly FindingCause[];
}

function summarise(unsorted: FamilyGrant[]): FamilySummary {
  // By policy then statement: the verdict does not depend on the order of policies and statements.
  const grants = sortSmall(unsorted, compareGrants);
  const actionSet = new Set<string>();
  for (const grant of grants) for (const action of grant.actions) actionSet.add(action);
  return {
    count: grants.length,
    who: capitalise(grants.map((grant) => describeStatement(grant.located)).join(' and ')),
    actions: sortSmall([...actionSet], compareCodeUnits),
    causes: grants.map((grant) => policyCause(grant.located)),
  };
}

function compareGrants(a: FamilyGrant, b: FamilyGrant): number {
  return (
    compareCodeUnits(a.located.source, b.located.source) ||
    compareCodeUnits(a.located.statement.id, b.located.statement.id)
  );
}

/**
 * Per role (its grants list): each family's summary of all its grants, made once for the functions of the
 * role that have them all (most: a statement left out because it serves the function's own destinations is
 * rare).
 */
const summaries = new WeakMap<readonly FamilyGrant[], Map<SourceFamily, FamilySummary>>();

function roleSummary(all: readonly FamilyGrant[], family: SourceFamily): FamilySummary {
  let byFamily = summaries.get(all);
  if (byFamily === undefined) {
    byFamily = new Map();
    summaries.set(all, byFamily);
  }
  let summary = byFamily.get(family);
  if (summary === undefined) {
    summary = summarise(all.filter((grant) => grant.family === family));
    byFamily.set(family, summary);
  }
  return summary;
}

export const unusedSourcePermission: Rule = {
  id: 'unused-source-permission',
  check(context) {
    // One finding per family, naming every statement that grants its consumer access.
    const all = familyGrants(context.policies, context.catalog);
    if (all.length === 0) return [];
    const byFamily = new Map<SourceFamily, FamilyGrant[]>();
    // The function's own DLQ and destinations, found on first use.
    let targets: readonly string[] | undefined;
    for (const grant of all) {
      if (context.derived.families.has(grant.family)) continue;
      // Another function of the role reads this kind of source: shared-role context, not a finding.
      if ((context.familiesOfOthers.get(grant.family) ?? []).length > 0) continue;
      targets ??= destinationTargets(context.derived.requirements);
      if (servesOwnDestinations(grant.located, targets)) continue;
      const list = byFamily.get(grant.family);
      if (list === undefined) byFamily.set(grant.family, [grant]);
      else list.push(grant);
    }
    const findings: RawFinding[] = [];
    let shared: string | undefined;
    for (const [family, grants] of byFamily) {
      const whole = roleSummary(all, family);
      const { who, actions, causes } = whole.count === grants.length ? whole : summarise(grants);
      const first = actions[0] ?? '';
      if (shared === undefined) {
        shared =
          context.sharedWith.length > 0
            ? ` None of the other functions of the role (${context.sharedWith.join(', ')}) has one either.`
            : '';
        if (context.partialRead) {
          shared +=
            ' Only the named functions were read: another function of this role may use it (a whole-account audit knows).';
        }
      }
      const listed = actions.join(', ');
      findings.push({
        rule: 'unused-source-permission',
        severity: 'medium',
        message: `${who} ${causes.length === 1 ? 'grants' : 'grant'} ${SOURCE_FAMILIES[family].title} actions (${listed}), but the function has no event source mapping of that kind.${shared} The function's code may call them through the SDK: if so, suppress this finding (rule unused-source-permission, action ${first}) with that reason.`,
        action: first,
        actions,
        cause: causes[0] as FindingCause,
        ...(causes.length > 1 ? { causes } : {}),
        remediation: `Remove ${listed} from the ${causes.length === 1 ? 'statement' : 'statements'}, or scope them to the resources the code uses and suppress the finding.`,
      });
    }
    return findings;
  },
};
