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
import type { RolePolicies } from '../policy/evaluation-types.js';
import type { FindingCause } from '../report.js';
import type { Requirement } from '../requirements/derive.js';
import { resourceNoun, type SiblingScope, siblingProbes } from '../requirements/siblings.js';
import { evaluateNeed, type NeedEvaluation } from './need-evaluation.js';
import { capitalise, describeStatement, type LocatedStatement, policyCause } from './policy-helpers.js';
import type { RawFinding, Rule, RuleContext } from './types.js';

interface IndexedStatement {
  readonly statement: PolicyStatement;
  readonly version: string | undefined;
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
        byId.set(statement.id, { statement, version: document.Version });
    }
    indexCache.set(policies, index);
  }
  return index;
}

/** Whether the function itself needs `action` on `resource` (a sibling it needs is no excess). */
function isNeeded(requirements: readonly Requirement[], action: string, resource: string): boolean {
  const lower = action.toLowerCase();
  for (const requirement of requirements) {
    const resources = requirement.touches?.map((touched) => touched.resource) ?? [requirement.resource];
    if (!resources.includes(resource)) continue;
    for (const needed of requirement.actions) if (needed.toLowerCase() === lower) return true;
  }
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
  readonly source: string;
  readonly statement: PolicyStatement;
  readonly scope: Scope;
}

/**
 * How far a statement that allows `action` on the evaluated resource reaches beyond it, or `undefined`
 * when it does not. For what a call touches (network interfaces, subnets, security groups) any name in
 * the function's account and region is within the need (requirements.md §1): only other regions and
 * accounts count.
 */
function reach(
  indexed: IndexedStatement,
  requirement: Requirement,
  evaluation: NeedEvaluation,
  action: string,
  context: RuleContext,
): Scope | undefined {
  const { statement } = indexed;
  if (statement.Condition === undefined && statement.Resource?.includes('*') === true) return '*';
  const probes = siblingProbes(evaluation.resource).filter(
    (probe) => requirement.touches === undefined || probe.scope !== 'name',
  );
  return probes.find((probe) => {
    if (isNeeded(context.derived.requirements, action, probe.arn)) return false;
    const match = statementMatch(
      statement,
      {
        action,
        resource: probe.arn,
        ...(evaluation.anyName ? { anyName: true } : {}),
        context: context.requestContext(probe.arn),
      },
      indexed.version,
    );
    return match === true || match === 'partial';
  })?.scope;
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

function grantedText(statement: PolicyStatement): string {
  const granted = (statement.Resource ?? statement.NotResource ?? []).join(', ');
  return statement.Resource === undefined ? `every resource except ${granted}` : granted;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const overbroadResource: Rule = {
  id: 'overbroad-resource',
  check(context) {
    const index = statementIndex(context.policies);
    // Needed resource (as reported) → action → statements that grant it beyond the need, in order.
    const byResource = new Map<string, { requirement: Requirement; actions: Map<string, Broad[]> }>();
    // Statement → evaluated resource → how far it reaches (null: not beyond), computed once.
    const judged = new Map<PolicyStatement, Map<string, Scope | null>>();
    for (const requirement of context.derived.requirements) {
      if (requirement.resource === '*' && requirement.touches === undefined) continue;
      const reported = requirement.touches?.[0]?.resource ?? requirement.resource;
      for (const action of requirement.actions) {
        // Only an allowed need can be granted too broadly; most are allowed, each asked once (memoised).
        if (
          requirement.touches === undefined &&
          context.evaluate(action, requirement.resource, requirement.anyName).decision !== 'allowed'
        )
          continue;
        const evaluations = evaluateNeed(context, requirement, action);
        if (evaluations.some((evaluation) => evaluation.result.decision !== 'allowed')) continue;
        for (const evaluation of evaluations) {
          if (evaluation.result.decision !== 'allowed') continue;
          for (const ref of evaluation.result.allowedBy) {
            const indexed = index.get(ref.source)?.get(ref.statement);
            if (indexed === undefined || grantsExactResourcesOnly(indexed.statement)) continue;
            let byEvaluated = judged.get(indexed.statement);
            if (byEvaluated === undefined) {
              byEvaluated = new Map();
              judged.set(indexed.statement, byEvaluated);
            }
            // The excess a statement grants depends on the statement and the resource, not on the action
            // (the action already matched): the two log actions, the three queue actions ask once.
            let scope = byEvaluated.get(evaluation.resource);
            if (scope === undefined) {
              scope = reach(indexed, requirement, evaluation, action, context) ?? null;
              byEvaluated.set(evaluation.resource, scope);
            }
            if (scope === null) continue;
            let entry = byResource.get(reported);
            if (entry === undefined) {
              entry = { requirement, actions: new Map() };
              byResource.set(reported, entry);
            }
            const list = entry.actions.get(action) ?? [];
            const known = list.find((broad) => broad.statement === indexed.statement);
            if (known === undefined) list.push({ source: ref.source, statement: indexed.statement, scope });
            else if (SCOPE_ORDER.indexOf(scope) < SCOPE_ORDER.indexOf(known.scope)) {
              list[list.indexOf(known)] = { ...known, scope };
            }
            entry.actions.set(action, list);
          }
        }
      }
    }
    const findings: RawFinding[] = [];
    for (const [resource, { requirement, actions }] of byResource) {
      // One finding per set of statements: every (action, resource) is reported once, naming each cause.
      const groups = new Map<string, { actions: string[]; statements: Broad[] }>();
      for (const [action, unsorted] of actions) {
        // By policy then statement: the verdict does not depend on the order of policies and statements.
        const statements = [...unsorted].sort(
          (a, b) => compareText(a.source, b.source) || compareText(a.statement.id, b.statement.id),
        );
        const key = statements.map((broad) => `${broad.source}\u0000${broad.statement.id}`).join('\u0001');
        const group = groups.get(key);
        if (group === undefined) groups.set(key, { actions: [action], statements });
        else group.actions.push(action);
      }
      for (const { actions: groupActions, statements } of groups.values()) {
        const sorted = [...groupActions].sort();
        const located: LocatedStatement[] = statements.map((broad) => ({
          source: broad.source,
          statement: broad.statement,
        }));
        const widest =
          SCOPE_ORDER.find((scope) => statements.some((broad) => broad.scope === scope)) ?? 'name';
        const granted = [...new Set(statements.map((broad) => grantedText(broad.statement)))];
        const who =
          located.length === 1
            ? `${capitalise(describeStatement(located[0] as LocatedStatement))} grants`
            : `${capitalise(joinWords(located.map(describeStatement)))} each grant`;
        const causes: FindingCause[] = located.map(policyCause);
        findings.push({
          rule: 'overbroad-resource',
          severity: 'low',
          message: `${who} ${sorted.join(', ')} on ${granted.join('; ')}, ${coverage(widest, resource)}; ${requirement.origin} needs only ${neededText(requirement)}. The function’s code may use these actions on other resources through the SDK: if so, suppress this finding (rule overbroad-resource) with that reason.`,
          action: sorted[0] ?? '',
          actions: sorted,
          resource,
          cause: causes[0] as FindingCause,
          ...(causes.length > 1 ? { causes } : {}),
          remediation: `Scope the Resource of ${located.length === 1 ? 'the statement' : 'each statement'} to ${requirement.touches === undefined ? requirement.grantResource : neededText(requirement)}.`,
        });
      }
    }
    return findings;
  },
};
