/**
 * AWS's managed baseline as context, not an alarm (requirements.md §3, decided 2026-12-02). AWS tells
 * every Lambda user to attach `AWSLambdaBasicExecutionRole`, and the managed policy of each event source
 * for its mapping, all of which grant on `*`. A finding caused only by such a policy, for a function whose
 * configuration AWS recommends it for, is reported at `info` (or the level the deployment chooses): it
 * stays in the report with the function's narrower `recommendedPolicy`, does not make the function
 * non-compliant and is not alerted by default.
 *
 * Also here: the same (rule, action, resource) is one finding per function, naming every statement that
 * causes it (`causes`).
 */
import type { FunctionConfiguration } from '../model.js';
import type { FindingCause, Severity } from '../report.js';
import type { SourceFamily } from '../requirements/catalog.js';
import { describeStatement } from './policy-helpers.js';
import type { RawFinding } from './types.js';

/** The severity of a finding that only AWS's recommended managed policies cause: `info` unless configured. */
export type BaselineSeverity = 'info' | 'low';

export const BASELINE_SEVERITIES: readonly BaselineSeverity[] = ['info', 'low'];

interface Recommendation {
  /** The path after `arn:PARTITION:iam::aws:policy/`. */
  readonly path: string;
  readonly when: (fn: FunctionConfiguration, families: ReadonlySet<SourceFamily>) => boolean;
  /** The configuration, in words, for the docs. */
  readonly recommendedFor: string;
  /** The AWS page that recommends it. */
  readonly docsUrl: string;
}

/** The AWS managed policies AWS recommends, each for the configuration its page names. */
export const RECOMMENDED_AWS_MANAGED_POLICIES: readonly Recommendation[] = [
  {
    path: 'service-role/AWSLambdaBasicExecutionRole',
    recommendedFor: 'every function',
    when: () => true,
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  },
  {
    path: 'service-role/AWSLambdaSQSQueueExecutionRole',
    recommendedFor: 'an SQS event source mapping',
    when: (_, families) => families.has('sqs'),
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
  },
  {
    path: 'service-role/AWSLambdaKinesisExecutionRole',
    recommendedFor: 'a Kinesis event source mapping',
    when: (_, families) => families.has('kinesis'),
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html',
  },
  {
    path: 'service-role/AWSLambdaDynamoDBExecutionRole',
    recommendedFor: 'a DynamoDB Streams event source mapping',
    when: (_, families) => families.has('dynamodb-streams'),
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-eventsourcemapping.html',
  },
  {
    path: 'service-role/AWSLambdaMSKExecutionRole',
    recommendedFor: 'an Amazon MSK event source mapping',
    when: (_, families) => families.has('kafka'),
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html',
  },
  {
    path: 'service-role/AWSLambdaVPCAccessExecutionRole',
    recommendedFor: 'a function in a VPC (`VpcConfig`)',
    when: (fn) => (fn.VpcConfig?.SubnetIds ?? []).length > 0,
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
  },
  {
    path: 'service-role/AWSLambdaENIManagementAccess',
    recommendedFor: 'a function in a VPC (`VpcConfig`)',
    when: (fn) => (fn.VpcConfig?.SubnetIds ?? []).length > 0,
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
  },
  {
    path: 'AWSXRayDaemonWriteAccess',
    recommendedFor: 'active tracing',
    when: (fn) => fn.TracingConfig?.Mode === 'Active',
    docsUrl: 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
  },
];

const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\/(.+)$/;

/** The name of the AWS managed policy `source` is, when AWS recommends it for this function; else `undefined`. */
export function recommendedBaselinePolicy(
  source: string,
  fn: FunctionConfiguration,
  families: ReadonlySet<SourceFamily>,
): string | undefined {
  const recommended = recommendationOf(source);
  if (recommended === null || !recommended.recommendation.when(fn, families)) return undefined;
  return recommended.name;
}

interface Recommended {
  readonly recommendation: Recommendation;
  /** The policy's name, the last part of its path. */
  readonly name: string | undefined;
}

/**
 * The recommendation of each policy source, found once: the sources of excess findings are a role's few
 * policies, and every finding of every function asked again with a RegExp and a search.
 */
const recommendations = new Map<string, Recommended | null>();

function recommendationOf(source: string): Recommended | null {
  let recommended = recommendations.get(source);
  if (recommended === undefined) {
    const path = AWS_MANAGED.exec(source)?.[1];
    const recommendation =
      path === undefined
        ? undefined
        : RECOMMENDED_AWS_MANAGED_POLICIES.find((candidate) => candidate.path === path);
    recommended =
      path === undefined || recommendation === undefined
        ? null
        : { recommendation, name: path.split('/').at(-1) };
    // Bounded, as match.ts's caches are: a long-running handler cannot grow it without limit.
    if (recommendations.size > 10_000) recommendations.clear();
    recommendations.set(source, recommended);
  }
  return recommended;
}

/** Excess rules: what the role grants beyond the need. Only they are graded by the baseline. */
const EXCESS_RULES: ReadonlySet<string> = new Set([
  'wildcard-action',
  'unused-source-permission',
  'overbroad-resource',
]);

function causesOf(finding: RawFinding): readonly FindingCause[] {
  return finding.causes ?? (finding.cause === undefined ? [] : [finding.cause]);
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

function causeKey(cause: FindingCause): string {
  return cause.kind === 'policy'
    ? `${cause.policy ?? ''}\u0000${cause.statement ?? ''}`
    : JSON.stringify(cause);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One finding per (rule, action, resource) among findings that statements cause: the one whose statement
 * comes first (by policy, then statement) keeps its message and gains `causes` (every statement, in that
 * order) and the union of `actions`; the most severe severity wins. The result does not depend on the
 * order of policies and statements. Findings without an action (a trust policy, an invalid statement)
 * are left as they are.
 */
export function mergeByStatement(raw: readonly RawFinding[]): readonly RawFinding[] {
  // Most functions have one finding or none: nothing to merge.
  if (raw.length < 2) return raw;
  const result: (RawFinding | MergeGroup)[] = [];
  // Groups by resource first, then by rule and lower-cased action among the few of that resource: the
  // resource string is usually one the evaluation already hashed, where a joined key of the three would be a
  // new string to flatten and hash for every finding (most of this function's time on a findings-heavy
  // account).
  const byResource = new Map<string, MergeGroup[]>();
  let merging = false;
  for (const finding of raw) {
    if (finding.action === undefined || !policyCaused(finding)) {
      result.push(finding);
      continue;
    }
    const resource = finding.resource ?? '';
    const action = finding.action.toLowerCase();
    let groups = byResource.get(resource);
    if (groups === undefined) {
      groups = [];
      byResource.set(resource, groups);
    }
    let group: MergeGroup | undefined;
    for (const candidate of groups) {
      if (candidate.rule === finding.rule && candidate.action === action) {
        group = candidate;
        break;
      }
    }
    if (group === undefined) {
      const created = new MergeGroup(finding.rule, action, finding);
      groups.push(created);
      result.push(created);
    } else {
      group.findings.push(finding);
      merging = true;
    }
  }
  // Nothing shared a (rule, action, resource) (most functions): the findings as they came, in that order.
  if (!merging) return raw;
  return result.map((entry) => (entry instanceof MergeGroup ? merged(entry.findings) : entry));
}

/** The findings of one (rule, lower-cased action, resource), in their order. */
class MergeGroup {
  readonly findings: RawFinding[];

  constructor(
    readonly rule: string,
    readonly action: string,
    first: RawFinding,
  ) {
    this.findings = [first];
  }
}

/** Every cause of the finding is a policy statement (and it has one at least). */
function policyCaused(finding: RawFinding): boolean {
  if (finding.causes === undefined) return finding.cause?.kind === 'policy';
  if (finding.causes.length === 0) return false;
  for (const cause of finding.causes) if (cause.kind !== 'policy') return false;
  return true;
}

interface KeyedCause {
  readonly cause: FindingCause;
  readonly key: string;
}

function compareKeyed(a: { readonly key: string }, b: { readonly key: string }): number {
  return compareText(a.key, b.key);
}

function merged(group: RawFinding[]): RawFinding {
  if (group.length === 1) return group[0] as RawFinding;
  // Each cause's key is made once (the sorts compare them many times).
  const sorted = group
    .map((finding) => ({ finding, key: causeKey(causesOf(finding)[0] as FindingCause) }))
    .sort(compareKeyed);
  const kept = (sorted[0] as { finding: RawFinding }).finding;
  const causes: KeyedCause[] = [];
  const seen = new Set<string>();
  const actionSet = new Set<string>();
  let severity = kept.severity;
  for (const { finding } of sorted) {
    for (const cause of causesOf(finding)) {
      const key = causeKey(cause);
      if (seen.has(key)) continue;
      seen.add(key);
      causes.push({ cause, key });
    }
    if (finding.actions === undefined) actionSet.add(finding.action ?? '');
    else for (const action of finding.actions) actionSet.add(action);
    if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[severity]) severity = finding.severity;
  }
  causes.sort(compareKeyed);
  const actions = [...actionSet].sort();
  const own = new Set(causesOf(kept).map(causeKey));
  const also: string[] = [];
  for (const { cause, key } of causes) {
    if (own.has(key)) continue;
    also.push(
      cause.kind === 'policy'
        ? describeStatement({
            source: cause.policy ?? '',
            statement: { id: cause.statement ?? '', Effect: 'Allow' },
          })
        : '',
    );
  }
  const all = causes.map((keyed) => keyed.cause);
  return {
    ...kept,
    severity,
    message: `${kept.message} The same is granted by ${also.join('; ')}.`,
    actions,
    cause: all[0] as FindingCause,
    causes: all,
  };
}

/**
 * Whether a finding may be graded: an excess finding whose first cause is an AWS managed policy AWS
 * recommends for some configuration (whatever the function's).
 */
function mayBeBaseline(finding: RawFinding): boolean {
  if (!EXCESS_RULES.has(finding.rule)) return false;
  const first = finding.causes === undefined ? finding.cause : finding.causes[0];
  return (
    first !== undefined &&
    first.kind === 'policy' &&
    first.policy !== undefined &&
    recommendationOf(first.policy) !== null
  );
}

/**
 * Grades excess findings whose every cause is an AWS managed policy AWS recommends for the function's
 * configuration: `severity` becomes `baseline` (info by default), `awsManagedBaseline` names the policies,
 * and the message says why.
 */
export function gradeManagedBaseline(
  raw: readonly RawFinding[],
  fn: FunctionConfiguration,
  families: ReadonlySet<SourceFamily>,
  baseline: BaselineSeverity,
): readonly RawFinding[] {
  // Most excess findings are caused by the role's own policies: then nothing is graded, and nothing made.
  if (!raw.some(mayBeBaseline)) return raw;
  return raw.map((finding) => {
    if (!EXCESS_RULES.has(finding.rule)) return finding;
    const causes = causesOf(finding);
    if (causes.length === 0) return finding;
    const names: string[] = [];
    for (const cause of causes) {
      const name =
        cause.kind === 'policy' && cause.policy !== undefined
          ? recommendedBaselinePolicy(cause.policy, fn, families)
          : undefined;
      if (name === undefined) return finding;
      if (!names.includes(name)) names.push(name);
    }
    const which =
      names.length === 1
        ? `${names[0]} is an AWS managed policy`
        : `${names.join(' and ')} are AWS managed policies`;
    return {
      ...finding,
      severity: baseline,
      awsManagedBaseline: names,
      message: `${finding.message} ${which} that AWS recommends for this function's configuration: reported as context (${baseline}); the function's recommendedPolicy grants only what it needs.`,
    };
  });
}
