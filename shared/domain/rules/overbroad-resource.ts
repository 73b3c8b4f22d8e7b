/**
 * `overbroad-resource`: a required action is allowed by a statement whose resource patterns also match
 * a sibling of the needed resource (another queue, the same queue name in another region or account),
 * i.e. more than the function needs. Only for requirements whose resource is not `*`. One finding per
 * (statement, needed resource), listing the actions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
import { parseArn } from '../arn.js';
import type { PolicyStatement } from '../policy/document.js';
import { statementMatch } from '../policy/evaluate.js';
import type { RolePolicies, StatementRef } from '../policy/evaluation-types.js';
import type { FindingCause } from '../report.js';
import type { Requirement } from '../requirements/derive.js';
import {
  resourceNoun,
  type SiblingProbe,
  type SiblingScope,
  siblingProbes,
} from '../requirements/siblings.js';
import { compareCodeUnits, sortSmall } from '../small-sort.js';
import { capitalise, describeStatement, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

interface IndexedStatement {
  readonly source: string;
  readonly statement: PolicyStatement;
  readonly version: string | undefined;
  /** Its resources are exact ARNs only (no wildcard, no variable), which match only themselves. */
  readonly exactOnly: boolean;
  /** It grants on `*` without a condition: it reaches every resource, whatever the need (see `reach`). */
  readonly everywhere: boolean;
  /** `describeStatement` of it and what it grants, in words: made on first use, for every function of the role. */
  described: string | undefined;
  granted: string | undefined;
  /** `described`, capitalised, and the statement's key among the causes of a finding (`keyOf`): the same. */
  capitalised: string | undefined;
  key: string | undefined;
}

const indexCache = new WeakMap<RolePolicies, Map<string, Map<string, IndexedStatement>>>();

/** Identity statements by source then id, to find the statements an evaluation names; memoised per role. */
function statementIndex(policies: RolePolicies): Map<string, Map<string, IndexedStatement>> {
  let index = indexCache.get(policies);
  if (index === undefined) {
    index = new Map();
    for (const { source, document } of policies.identity) {
      let byId = index.get(source);
      if (byId === undefined) {
        byId = new Map();
        index.set(source, byId);
      }
      for (const statement of document.Statement)
        byId.set(statement.id, {
          source,
          statement,
          version: document.Version,
          exactOnly: grantsExactResourcesOnly(statement),
          everywhere: statement.Condition === undefined && statement.Resource?.includes('*') === true,
          described: undefined,
          granted: undefined,
          capitalised: undefined,
          key: undefined,
        });
    }
    indexCache.set(policies, index);
  }
  return index;
}

/** Whether the function itself needs `action` on `resource` (a sibling it needs is no excess). */
function isNeeded(requirements: readonly Requirement[], action: string, resource: string): boolean {
  let lower: string | undefined;
  for (const requirement of requirements) {
    if (!judgedOn(requirement, resource)) continue;
    lower ??= action.toLowerCase();
    for (const needed of requirement.actions) if (needed.toLowerCase() === lower) return true;
  }
  return false;
}

/** Whether a requirement's actions are judged on `resource` (its resource, or one it touches). */
function judgedOn(requirement: Requirement, resource: string): boolean {
  if (requirement.touches === undefined) return requirement.resource === resource;
  for (const touched of requirement.touches) if (touched.resource === resource) return true;
  return false;
}

/** Exact ARNs (no wildcard, no variable) match only themselves: never broader than the need. */
function grantsExactResourcesOnly(statement: PolicyStatement): boolean {
  const patterns = statement.Resource;
  if (patterns === undefined) return false;
  for (const pattern of patterns) {
    if (pattern.includes('*') || pattern.includes('?') || pattern.includes('$')) return false;
  }
  return true;
}

/** How far a grant reaches beyond the need: every resource, or siblings of another name, region or account. */
type Scope = SiblingScope | '*';

const SCOPE_ORDER: readonly Scope[] = ['*', 'account', 'region', 'name'];

interface Broad {
  readonly indexed: IndexedStatement;
  scope: Scope;
}

/** What one function's check keeps while it judges: the excess found so far and what it computed once. */
interface Judging {
  readonly context: RuleContext;
  readonly index: Map<string, Map<string, IndexedStatement>>;
  /** Needed resource (as reported) → action → statements that grant it beyond the need, in order. */
  readonly byResource: Map<string, { requirement: Requirement; actions: Map<string, Broad[]> }>;
  /** Statement → evaluated resource → how far it reaches (null: not beyond), computed once. */
  readonly judged: Map<PolicyStatement, Map<string, Scope | null>>;
  /** Sibling probes per evaluated resource, made once. */
  readonly probes: Map<string, readonly SiblingProbe[]>;
}

/**
 * How far a statement that allows `action` on the evaluated resource reaches beyond it, or `undefined`
 * when it does not. For what a call touches (network interfaces, subnets, security groups) any name in
 * the function's account and region is within the need (requirements.md §1): only other regions and
 * accounts count.
 */
function reach(
  judging: Judging,
  indexed: IndexedStatement,
  requirement: Requirement,
  resource: string,
  anyName: boolean,
  action: string,
): Scope | undefined {
  const { statement } = indexed;
  if (indexed.everywhere) return '*';
  let probes = judging.probes.get(resource);
  if (probes === undefined) {
    probes = siblingProbes(resource);
    judging.probes.set(resource, probes);
  }
  const { context } = judging;
  for (const probe of probes) {
    if (requirement.touches !== undefined && probe.scope === 'name') continue;
    const requestContext = context.requestContext(probe.arn);
    const match = statementMatch(
      statement,
      anyName
        ? { action, resource: probe.arn, anyName: true, context: requestContext }
        : { action, resource: probe.arn, context: requestContext },
      indexed.version,
    );
    if (match !== true && match !== 'partial') continue;
    // A sibling the function itself needs is no excess (rare: checked only for a probe the statement matches).
    if (!isNeeded(context.derived.requirements, action, probe.arn)) return probe.scope;
  }
  return undefined;
}

/**
 * `reach` of a statement on an evaluated resource, memoised for the function: the excess a statement grants
 * depends on the statement and the resource, not on the action (the action already matched), so the two
 * log actions, the three queue actions ask once.
 */
function judged(
  judging: Judging,
  indexed: IndexedStatement,
  requirement: Requirement,
  resource: string,
  anyName: boolean,
  action: string,
): Scope | null {
  let byEvaluated = judging.judged.get(indexed.statement);
  if (byEvaluated === undefined) {
    byEvaluated = new Map();
    judging.judged.set(indexed.statement, byEvaluated);
  }
  let scope = byEvaluated.get(resource);
  if (scope === undefined) {
    scope = reach(judging, indexed, requirement, resource, anyName, action) ?? null;
    byEvaluated.set(resource, scope);
  }
  return scope;
}

/** Records the statements that allow `action` on the evaluated resource beyond the need. */
function judge(
  judging: Judging,
  requirement: Requirement,
  reported: string,
  action: string,
  resource: string,
  anyName: boolean,
  allowedBy: readonly StatementRef[],
): void {
  for (const ref of allowedBy) {
    const indexed = judging.index.get(ref.source)?.get(ref.statement);
    if (indexed === undefined || indexed.exactOnly) continue;
    const scope = indexed.everywhere ? '*' : judged(judging, indexed, requirement, resource, anyName, action);
    if (scope === null) continue;
    let entry = judging.byResource.get(reported);
    if (entry === undefined) {
      entry = { requirement, actions: new Map() };
      judging.byResource.set(reported, entry);
    }
    let list = entry.actions.get(action);
    if (list === undefined) {
      list = [];
      entry.actions.set(action, list);
    }
    let known: Broad | undefined;
    for (const broad of list) if (broad.indexed.statement === indexed.statement) known = broad;
    if (known === undefined) list.push({ indexed, scope });
    else if (SCOPE_ORDER.indexOf(scope) < SCOPE_ORDER.indexOf(known.scope)) known.scope = scope;
  }
}

/** What the need covers, in words, for the message. */
function neededText(requirement: Requirement): string {
  if (requirement.touches === undefined) return requirement.resource;
  return requirement.touches.map((touched) => touched.resource).join(', ');
}

/** The coverage a broad grant has beyond the need, in words (the sibling probes stay internal). */
function coverage(scope: Scope, resource: string): string {
  const noun = resourceNoun(resource);
  const nouns = noun.endsWith('s') ? `${noun}es` : `${noun}s`;
  if (scope === '*') return `which covers every ${noun} in every account`;
  if (scope === 'region') return `which also covers the ${noun} of that name in other regions`;
  if (scope === 'account') return `which also covers the ${noun} of that name in other accounts`;
  const arn = parseArn(resource);
  const account = arn?.account ? ` of account ${arn.account}` : '';
  const region = arn?.region ? ` in ${arn.region}` : '';
  return `which also covers other ${nouns}${account}${region}`;
}

/** What a statement grants, in words; made once per statement of the role. */
function grantedText(indexed: IndexedStatement): string {
  if (indexed.granted === undefined) {
    const { statement } = indexed;
    const granted = (statement.Resource ?? statement.NotResource ?? []).join(', ');
    indexed.granted = statement.Resource === undefined ? `every resource except ${granted}` : granted;
  }
  return indexed.granted;
}

/** `describeStatement` of a statement; made once per statement of the role. */
function described(indexed: IndexedStatement): string {
  indexed.described ??= describeStatement(indexed);
  return indexed.described;
}

/** `capitalise(described(indexed))`; made once per statement of the role. */
function capitalisedDescription(indexed: IndexedStatement): string {
  indexed.capitalised ??= capitalise(described(indexed));
  return indexed.capitalised;
}

function keyOf(broad: Broad): string {
  const { indexed } = broad;
  indexed.key ??= `${indexed.source}\u0000${indexed.statement.id}`;
  return indexed.key;
}

function compareBroad(a: Broad, b: Broad): number {
  return (
    compareCodeUnits(a.indexed.source, b.indexed.source) ||
    compareCodeUnits(a.indexed.statement.id, b.indexed.statement.id)
  );
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const overbroadResource: Rule = {
  id: 'overbroad-resource',
  check(context) {
    const judging: Judging = {
      context,
      index: statementIndex(context.policies),
      byResource: new Map(),
      judged: new Map(),
      probes: new Map(),
    };
    for (const requirement of context.derived.requirements) {
      if (requirement.resource === '*' && requirement.touches === undefined) continue;
      const reported = requirement.touches?.[0]?.resource ?? requirement.resource;
      for (const action of requirement.actions) {
        // Only an allowed need can be granted too broadly; most are allowed, each asked once (memoised).
        if (requirement.touches === undefined) {
          const result = context.evaluate(action, requirement.resource, requirement.anyName);
          if (result.decision !== 'allowed') continue;
          const { resource, anyName } = requirement;
          judge(judging, requirement, reported, action, resource, anyName, result.allowedBy);
          continue;
        }
        // Judged on what the call touches: only when allowed on every one of them.
        let everywhere = true;
        for (const { resource, anyName } of requirement.touches)
          if (context.evaluate(action, resource, anyName).decision !== 'allowed') everywhere = false;
        if (!everywhere) continue;
        for (const { resource, anyName } of requirement.touches) {
          const result = context.evaluate(action, resource, anyName);
          if (result.decision !== 'allowed') continue;
          judge(judging, requirement, reported, action, resource, anyName, result.allowedBy);
        }
      }
    }
    const findings: RawFinding[] = [];
    for (const [resource, { requirement, actions }] of judging.byResource) {
      // One finding per set of statements: every (action, resource) is reported once, naming each cause.
      const groups = new Map<string, { actions: string[]; statements: Broad[] }>();
      for (const [action, statements] of actions) {
        // By policy then statement: the verdict does not depend on the order of policies and statements.
        sortSmall(statements, compareBroad);
        const key =
          statements.length === 1 ? keyOf(statements[0] as Broad) : statements.map(keyOf).join('\u0001');
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { actions: [action], statements });
        else group.actions.push(action);
      }
      for (const { actions: sorted, statements } of groups.values()) {
        sortSmall(sorted, compareCodeUnits);
        const first = (statements[0] as Broad).indexed;
        let widest: Scope = 'name';
        for (const broad of statements)
          if (SCOPE_ORDER.indexOf(broad.scope) < SCOPE_ORDER.indexOf(widest)) widest = broad.scope;
        const granted =
          statements.length === 1
            ? grantedText(first)
            : [...new Set(statements.map((broad) => grantedText(broad.indexed)))].join('; ');
        const who =
          statements.length === 1
            ? `${capitalisedDescription(first)} grants`
            : `${capitalise(joinWords(statements.map((broad) => described(broad.indexed))))} each grant`;
        const cause = policyCause(first);
        const causes: FindingCause[] | undefined =
          statements.length === 1 ? undefined : statements.map((broad) => policyCause(broad.indexed));
        findings.push({
          rule: 'overbroad-resource',
          severity: 'low',
          message: `${who} ${sorted.join(', ')} on ${granted}, ${coverage(widest, resource)}; ${requirement.origin} needs only ${neededText(requirement)}. The function's code may use these actions on other resources through the SDK: if so, suppress this finding (rule overbroad-resource) with that reason.`,
          action: sorted[0] ?? '',
          actions: sorted,
          resource,
          cause: causes === undefined ? cause : (causes[0] as FindingCause),
          ...(causes === undefined ? {} : { causes }),
          remediation: `Scope the Resource of ${statements.length === 1 ? 'the statement' : 'each statement'} to ${requirement.touches === undefined ? requirement.grantResource : neededText(requirement)}.`,
        });
      }
    }
    return findings;
  },
};
