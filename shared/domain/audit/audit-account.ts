/**
 * The audit: for each function of a snapshot, what its execution role is missing and what it grants in
 * excess, as a report (the public contract `report.schema.json`, version 1). Pure: the snapshot and the
 * clock come in, the report goes out.
 *
 * Decisions written down here:
 * - A function that read errors touch (its name or ARN, its role, a policy of its role) or whose role
 *   cannot be fully read (a managed policy neither in the snapshot nor shipped, an unreadable document)
 *   is not judged: half a role would give false findings. It is listed under `errors`, not under
 *   `functions`, and so is never counted compliant. `summary.functions` counts every function in scope,
 *   those under `errors` included; `summary.compliant` counts the compliant ones.
 * - A rule that throws is recorded under `errors` for that function, whose other findings stay and which
 *   is marked not compliant (fail closed).
 * - `summary.findings` counts unsuppressed findings only, per severity (every severity present, zeros
 *   included): the summary is what needs attention; suppressed findings stay visible in `functions`.
 * - A function is compliant when no unsuppressed finding of severity low or above remains.
 * - Mappings and event invoke configs on a qualified function ARN belong to the published version they
 *   resolve to, judged as its own result with its own role (audit-targets.ts); `$LATEST` and unqualified
 *   ARNs belong to the function.
 * - A role is judged with every function of it in the snapshot, whatever their regions: a snapshot may
 *   hold several regions (`mergeSnapshots`), and `sharedWith` and `unused-source-permission` see them all.
 * - The keys of the queues, streams, topics and secrets a function uses add customer managed key needs
 *   (requirements/encryption.ts); a key that is not known is listed under the function's `unverified`,
 *   never as a finding, and the report's `notes` say why once.
 * - Input warnings (report `warnings`, which leave the audit complete): a function listed more than once
 *   with the same configuration is audited once; an event source mapping whose function the snapshot does
 *   not hold is named (deleting a function leaves its mappings in place: "To delete Lambda event source
 *   mappings that invoke a function, use DeleteEventSourceMapping", DeleteFunction API reference). A
 *   function listed twice with different configurations is not audited (its configuration is unknown)
 *   and is listed under `errors`.
 * - Excess findings that AWS's recommended managed policies alone cause are graded `info` (or
 *   `awsManagedBaseline`), and one (rule, action, resource) is one finding naming every statement
 *   (rules/managed-baseline.ts).
 * - With a clock in the options, each function has a time budget and the audit may have a deadline
 *   (time-budget.ts). A function that runs out of time is listed under `errors` and is not compliant; its
 *   findings from the rules that finished stay. A function not reached before the deadline is listed under
 *   `errors` only. `auditAccountWithin` also says which functions were left unfinished, and why.
 * - A function's report lists at most 25 findings per rule; one more finding counts the rest
 *   (finding-limit.ts): a policy attached to every role must not multiply into millions of findings.
 */
import { functionNameOf } from '../arn.js';
import { AuditTimeExceededError, RuleFailedError } from '../errors.js';
import { findingIdsOf } from '../fingerprint.js';
import type {
  AccountSnapshot,
  FunctionConfiguration,
  PolicyProblem,
  ReadError,
  Role,
  UnknownGrant,
} from '../model.js';
import type { ActionCatalog } from '../policy/action-catalog.js';
import { conditionContext } from '../policy/evaluate.js';
import type {
  ConditionContext,
  EvaluationRequest,
  EvaluationResult,
  RolePolicies,
} from '../policy/evaluation-types.js';
import { recommendPolicy } from '../recommend/recommend-policy.js';
import {
  type Finding,
  type FunctionResult,
  type Report,
  type ReportError,
  type ReportWarning,
  SEVERITIES,
  type Severity,
  type UnverifiedNeed,
} from '../report.js';
import { FAMILY_OF_SOURCE, type SourceFamily } from '../requirements/catalog.js';
import { deriveRequirements, eventSourceKind } from '../requirements/derive.js';
import { deriveEncryptionNeeds, encryptedResourceUses } from '../requirements/encryption.js';
import { ROLE_UNAVAILABLE_RULES, ROLE_UNRESOLVED_RULES, RULES } from '../rules/index.js';
import { type BaselineSeverity, gradeManagedBaseline, mergeByStatement } from '../rules/managed-baseline.js';
import type { RawFinding, Rule, RuleContext } from '../rules/types.js';
import { sortSmall } from '../small-sort.js';
import {
  hasSuppressTag,
  type Suppression,
  type SuppressionOutcome,
  suppressionOf,
  type TagSuppressionPolicy,
} from '../suppressions.js';
import { type AuditTarget, auditTargets } from './audit-targets.js';
import { limitFindings } from './finding-limit.js';
import { relevantEvaluator } from './relevant-policies.js';
import {
  type AwsManagedPolicyLookup,
  policyArnsOf,
  type ResolvedRole,
  resolveRole,
} from './role-policies.js';
import {
  createFunctionTimer,
  cutOffMessage,
  DEFAULT_FUNCTION_BUDGET_MS,
  type FunctionTimer,
  notReachedMessage,
  timedCatalog,
} from './time-budget.js';

export interface AuditOptions {
  readonly catalog: ActionCatalog;
  readonly suppressions?: readonly Suppression[];
  /** What the suppress tag may suppress (default: `DEFAULT_TAG_SUPPRESSION`, nothing critical, high or trust-policy). */
  readonly tagSuppression?: TagSuppressionPolicy;
  /** ISO date-time, injected so that the domain stays pure. */
  readonly generatedAt: string;
  readonly tool?: { readonly name: string; readonly version: string };
  /** Restrict the report to these functions (names or ARNs, qualified ARNs included). */
  readonly functionNames?: readonly string[];
  /**
   * The severity of excess findings that only AWS managed policies AWS recommends for the function cause
   * (rules/managed-baseline.ts): `info` (the default) or `low`.
   */
  readonly awsManagedBaseline?: BaselineSeverity;
  /**
   * The AWS managed policies known without an account (the shipped asset), used when the snapshot lacks
   * one; by default the short list in aws-managed-policies.ts.
   */
  readonly awsManagedPolicies?: AwsManagedPolicyLookup;
  /**
   * A monotonic clock in milliseconds (such as `performance.now`), injected so that the domain stays pure.
   * With it, `functionBudgetMs` and `deadline` apply; without it, neither does.
   */
  readonly clock?: () => number;
  /** The most time one function's audit may take, in milliseconds (default 10 s when there is a clock). */
  readonly functionBudgetMs?: number;
  /** The time, on `clock`, after which no function is started and a function still running is cut off. */
  readonly deadline?: number;
  /**
   * Takes each function's result as soon as it is final, in the report's order, instead of the report: the
   * report's `functions` is then empty (its summary still counts every function). A caller that writes the
   * results out one by one so never holds them all (the CLI's JSON output of a large account).
   */
  readonly onFunction?: (result: FunctionResult) => void;
}

/** A function the audit did not finish: cut off by its own budget, or not finished before the deadline. */
export interface UnfinishedFunction {
  readonly functionName: string;
  readonly functionArn: string;
  readonly limit: 'budget' | 'deadline';
}

/** The report, and which of its functions the audit could not finish (each also listed under `errors`). */
export interface BoundedAudit {
  readonly report: Report;
  readonly unfinished: readonly UnfinishedFunction[];
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `compareText` of the two texts lower-cased, without building them: ASCII is lower-cased code unit by code
 * unit, in the one pass that compares. A prefix of ASCII lower-cases to itself whatever follows (other texts
 * may lower-case to other lengths, and to ASCII), so the texts are lower-cased whole only when a non-ASCII
 * code unit comes before they differ.
 */
function compareLowerCase(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  // Findings of one statement often share their action: the same string.
  if (x === y) return 0;
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    let p = x.charCodeAt(i);
    let q = y.charCodeAt(i);
    if (p >= 0x80 || q >= 0x80) return compareText(x.toLowerCase(), y.toLowerCase());
    if (p >= 65 && p <= 90) p += 32;
    if (q >= 65 && q <= 90) q += 32;
    if (p !== q) return p < q ? -1 : 1;
  }
  // One is a prefix of the other (lower-cased): a non-empty rest lower-cases to a non-empty text.
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

/** Deterministic order: severity, rule, action, resource, then id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.rule, b.rule) ||
    compareLowerCase(a.action, b.action) ||
    compareText(a.resource, b.resource) ||
    compareText(a.id, b.id)
  );
}

function isCompliant(findings: readonly Finding[]): boolean {
  return !findings.some((finding) => finding.suppressed !== true && finding.severity !== 'info');
}

type RuleOutcome =
  | { readonly findings: readonly RawFinding[] }
  | { readonly error: RuleFailedError }
  | { readonly timedOut: AuditTimeExceededError };

interface Evaluator {
  evaluate(action: string, resource: string, anyName?: boolean): EvaluationResult;
  requestContext(resource: string): ConditionContext;
}

/** The account field of an ARN (`''` for `*` and non-ARNs), without splitting the whole string. */
function arnAccount(resource: string): string {
  if (!resource.startsWith('arn:')) return '';
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = resource.indexOf(':', start) + 1;
    if (start === 0) return '';
  }
  const end = resource.indexOf(':', start);
  return end < 0 ? '' : resource.slice(start, end);
}

/** The ARN's region field (`''` for non-ARNs), without splitting the whole string. */
function arnRegion(arn: string): string {
  if (!arn.startsWith('arn:')) return '';
  // As parseArn: a partition, a service and six fields at least, or it is not an ARN.
  const partitionEnd = arn.indexOf(':', 4);
  if (partitionEnd <= 4) return '';
  const serviceEnd = arn.indexOf(':', partitionEnd + 1);
  if (serviceEnd <= partitionEnd + 1) return '';
  const regionEnd = arn.indexOf(':', serviceEnd + 1);
  if (regionEnd < 0 || arn.indexOf(':', regionEnd + 1) < 0) return '';
  return arn.slice(serviceEnd + 1, regionEnd);
}

/** A role that cannot be read has no policies: its functions are not judged, the rules see none. */
const NO_POLICIES: RolePolicies = { identity: [] };

/**
 * What is worth computing once per role and region rather than once per function: the condition contexts,
 * the evaluations on `*` (every function of a role asks the same ones: VPC, Kafka brokers, stream
 * listing), and the outcomes of role-level rules.
 */
interface RoleState {
  readonly roleArn: string;
  readonly region: string;
  readonly policies: RolePolicies;
  /** `evaluateRelevant` of the role's policies, their index looked up once. */
  readonly evaluateRequest: (request: EvaluationRequest) => EvaluationResult;
  readonly requestContext: (resource: string) => ConditionContext;
  /** Evaluations of actions on `*`, by action. */
  readonly onEveryResource: Map<string, EvaluationResult>;
  /**
   * Evaluations on the account's EC2 network resources (network interfaces, subnets, security groups: what
   * the network-interface calls touch), by any-name flag, resource, then action: the same for every
   * function of the role that uses them.
   */
  readonly onNetworkResources: Map<string, ResourceEvaluations>;
  readonly outcomes: Map<Rule, RuleOutcome>;
}

/** The evaluations on one resource, by action, and the condition context of requests on it. */
interface ResourceEvaluations {
  readonly context: ConditionContext;
  readonly byAction: Map<string, EvaluationResult>;
}

class AccountIndex {
  /** What is judged: each function, and each published version a qualified target resolves to. */
  readonly targets: readonly AuditTarget[];
  readonly targetNotes: readonly string[];
  /** Keyed by the target's `FunctionArn` (qualified for a version). */
  private readonly targetByArn = new Map<string, AuditTarget>();
  readonly functionsByRole: Map<string, FunctionConfiguration[]>;
  readonly readErrorsByKey: Map<string, ReadError[]>;
  private readonly resolvedRoles = new Map<string, ResolvedRole>();
  /** Role ARN → region → state. */
  private readonly roleStates = new Map<string, Map<string, RoleState>>();
  private readonly familiesByFunction = new Map<string, Set<SourceFamily>>();
  private readonly sortedNamesByRole = new Map<string, string[]>();

  constructor(
    readonly snapshot: AccountSnapshot,
    private readonly lookupAwsManaged?: AwsManagedPolicyLookup,
  ) {
    const { targets, notes } = auditTargets(snapshot);
    this.targets = targets;
    this.targetNotes = notes;
    for (const target of targets) this.targetByArn.set(target.fn.FunctionArn, target);
    this.functionsByRole = groupBy(
      targets.map((target) => target.fn),
      (fn) => fn.Role,
    );
    this.readErrorsByKey = new Map();
    for (const error of snapshot.readErrors) {
      for (const key of new Set([error.resource, error.functionName])) {
        if (key === undefined) continue;
        const list = this.readErrorsByKey.get(key);
        if (list === undefined) this.readErrorsByKey.set(key, [error]);
        else list.push(error);
      }
    }
  }

  resolve(role: Role): ResolvedRole {
    let resolved = this.resolvedRoles.get(role.Arn);
    if (resolved === undefined) {
      resolved = resolveRole(this.snapshot, role, this.lookupAwsManaged);
      this.resolvedRoles.set(role.Arn, resolved);
    }
    return resolved;
  }

  /** The per-role state of a role in a region (see `RoleState`), created on first use. */
  roleState(roleArn: string, region: string, policies: RolePolicies): RoleState {
    let byRegion = this.roleStates.get(roleArn);
    if (byRegion === undefined) {
      byRegion = new Map();
      this.roleStates.set(roleArn, byRegion);
    }
    let state = byRegion.get(region);
    if (state === undefined) {
      state = {
        roleArn,
        region,
        policies,
        evaluateRequest: relevantEvaluator(policies),
        requestContext: requestContextOf(roleArn, region),
        onEveryResource: new Map(),
        onNetworkResources: new Map(),
        outcomes: new Map(),
      };
      byRegion.set(region, state);
    }
    return state;
  }

  /**
   * Forgets what was kept for a role (its resolved policies, its per-region states) once none of its
   * functions is left to audit: an account's roles are many, and what they keep is only ever read again by
   * their own functions. A role asked about again is resolved afresh, with the same result.
   */
  forgetRole(roleArn: string): void {
    this.roleStates.delete(roleArn);
    this.resolvedRoles.delete(roleArn);
  }

  /** The target of a function or version configuration. */
  target(fn: FunctionConfiguration): AuditTarget | undefined {
    return this.targetByArn.get(fn.FunctionArn);
  }

  /** The names of a role's functions (`NAME:VERSION` for a version), sorted; computed once per role. */
  functionNamesOfRole(roleArn: string): readonly string[] {
    let names = this.sortedNamesByRole.get(roleArn);
    if (names === undefined) {
      names = (this.functionsByRole.get(roleArn) ?? []).map(displayName).sort();
      this.sortedNamesByRole.set(roleArn, names);
    }
    return names;
  }

  families(fn: FunctionConfiguration): Set<SourceFamily> {
    let families = this.familiesByFunction.get(fn.FunctionArn);
    if (families === undefined) {
      families = new Set();
      for (const mapping of this.target(fn)?.mappings ?? []) {
        const kind = eventSourceKind(mapping);
        const family = kind === undefined ? undefined : FAMILY_OF_SOURCE[kind];
        if (family !== undefined) families.add(family);
      }
      this.familiesByFunction.set(fn.FunctionArn, families);
    }
    return families;
  }

  /** Read errors that concern a function: its name or ARN, its role, the policies of its role. */
  readErrorsOf(fn: FunctionConfiguration, role: Role | undefined): ReadError[] {
    // The common case, a complete read: nothing to look up.
    if (this.readErrorsByKey.size === 0) return [];
    const roleName = fn.Role.split('/').at(-1) ?? fn.Role;
    const keys = new Set([
      fn.FunctionName,
      fn.FunctionArn,
      fn.Role,
      roleName,
      ...(role === undefined ? [] : policyArnsOf(role)),
    ]);
    const errors = new Set<ReadError>();
    for (const key of keys) for (const error of this.readErrorsByKey.get(key) ?? []) errors.add(error);
    return [...errors];
  }
}

/** How a function or version is named among a role's functions: `NAME`, or `NAME:VERSION`. */
function displayName(fn: FunctionConfiguration): string {
  return fn.Version !== undefined && fn.Version !== '$LATEST' && fn.FunctionArn.endsWith(`:${fn.Version}`)
    ? `${fn.FunctionName}:${fn.Version}`
    : fn.FunctionName;
}

/** The condition keys known for requests of a role in a region, memoised by the resource's account. */
function requestContextOf(roleArn: string, region: string): (resource: string) => ConditionContext {
  const contexts = new Map<string, ConditionContext>();
  // The first few accounts asked about, with their contexts: a role's requests are on resources of its own
  // account, of none (S3) and, for the overbroad-resource probes, of one other, asked in turn; their account
  // field is compared in place rather than cut out and hashed for every question.
  const recent: { readonly account: string; readonly context: ConditionContext }[] = [];
  return (resource) => {
    // The known keys depend on the resource only through the account its ARN shows (fifth field).
    const start = accountStart(resource);
    const end = start < 0 ? -1 : resource.indexOf(':', start);
    for (const entry of recent) {
      const { account } = entry;
      if (end < 0 ? account === '' : end - start === account.length && resource.startsWith(account, start))
        return entry.context;
    }
    const account = end < 0 ? '' : resource.slice(start, end);
    let context = contexts.get(account);
    if (context === undefined) {
      context = conditionContext({ roleArn, region, resource });
      contexts.set(account, context);
    }
    if (recent.length < RECENT_ACCOUNTS) recent.push({ account, context });
    return context;
  };
}

const RECENT_ACCOUNTS = 4;

/** Where an ARN's account field (the fifth) starts; -1 for `*` and non-ARNs (as `arnAccount` reads it). */
function accountStart(resource: string): number {
  if (!resource.startsWith('arn:')) return -1;
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = resource.indexOf(':', start) + 1;
    if (start === 0) return -1;
  }
  return start;
}

/**
 * Evaluation of the role's policies for one function, memoised: two rules ask each question. Evaluations
 * on `*` are kept per role (every function of the role asks the same ones); the others, about the
 * function's own resources (a few dozen, more with the network interfaces, subnets and security groups
 * its calls touch), by resource then action, for as long as the function's audit.
 */
function functionEvaluator(state: RoleState, timer: FunctionTimer | undefined): Evaluator {
  const { evaluateRequest, requestContext, onEveryResource, onNetworkResources } = state;
  const named = new Map<string, ResourceEvaluations>();
  const anyNamed = new Map<string, ResourceEvaluations>();
  // Two literal shapes rather than a spread: this runs for every question the rules ask.
  const compute = (
    action: string,
    resource: string,
    anyName: boolean,
    context: ConditionContext,
  ): EvaluationResult => {
    timer?.check();
    return evaluateRequest(anyName ? { action, resource, anyName, context } : { action, resource, context });
  };
  return {
    requestContext,
    evaluate: (action, resource, anyName = false) => {
      if (resource === '*' && !anyName) {
        let result = onEveryResource.get(action);
        if (result === undefined) {
          result = compute(action, resource, false, requestContext(resource));
          onEveryResource.set(action, result);
        }
        return result;
      }
      // Network resources (any-name ones end with `/*`, named ones never do, so one map serves both).
      const byResource = isNetworkResource(resource) ? onNetworkResources : anyName ? anyNamed : named;
      // The context is found once per resource: most are asked about with two or three actions.
      let evaluations = byResource.get(resource);
      if (evaluations === undefined) {
        evaluations = { context: requestContext(resource), byAction: new Map() };
        byResource.set(resource, evaluations);
      }
      let result = evaluations.byAction.get(action);
      if (result === undefined) {
        result = compute(action, resource, anyName, evaluations.context);
        evaluations.byAction.set(action, result);
      }
      return result;
    },
  };
}

/** `arn:PARTITION:ec2:…`: a resource of the account, not of one function. */
function isNetworkResource(resource: string): boolean {
  const partitionEnd = resource.indexOf(':', 4);
  return resource.startsWith('arn:') && resource.startsWith(':ec2:', partitionEnd);
}

function inScope(fn: FunctionConfiguration, names: readonly string[] | undefined): boolean {
  if (names === undefined || names.length === 0) return true;
  return names.some(
    (name) => name === fn.FunctionName || name === fn.FunctionArn || functionNameOf(name) === fn.FunctionName,
  );
}

function runRule(rule: Rule, context: RuleContext): RuleOutcome {
  try {
    // Bounded and merged here, once per outcome: a role-level outcome is then copied to each function as it
    // is. Merging each rule's findings apart is merging them all: findings merge only with findings of the
    // same rule, and the two rules that share an id (invalid-policy) name no action, which never merges.
    return { findings: mergeByStatement(limitFindings(rule.check(context))) };
  } catch (cause: unknown) {
    if (cause instanceof AuditTimeExceededError) return { timedOut: cause };
    return { error: new RuleFailedError(rule.id, context.fn.FunctionName, { cause }) };
  }
}

/** The outcome of a rule not started because the function's time is up; `undefined` while time is left. */
function timeLeft(timer: FunctionTimer | undefined): RuleOutcome | undefined {
  try {
    timer?.check();
    return undefined;
  } catch (cause: unknown) {
    if (cause instanceof AuditTimeExceededError) return { timedOut: cause };
    throw cause;
  }
}

function finalise(
  raw: readonly RawFinding[],
  fn: FunctionConfiguration,
  role: Role | undefined,
  suppressions: readonly Suppression[],
  tagSuppression: TagSuppressionPolicy | undefined,
): Finding[] {
  // Most functions of an account have nothing to report.
  if (raw.length === 0) return [];
  const idOf = findingIdsOf(fn.FunctionArn);
  // Without a suppressions entry or a suppress tag, no finding is suppressed nor refused: nothing to match.
  const suppressible = suppressions.length > 0 || hasSuppressTag(fn.Tags) || hasSuppressTag(role?.Tags);
  const findings: Finding[] = [];
  const ids = new Set<string>();
  for (const finding of raw) {
    const id = idOf(finding);
    if (ids.has(id)) continue;
    ids.add(id);
    const outcome = suppressible
      ? suppressionOf(
          {
            rule: finding.rule,
            severity: finding.severity,
            functionName: fn.FunctionName,
            functionArn: fn.FunctionArn,
            roleArn: fn.Role,
            actions: finding.actions ?? (finding.action === undefined ? [] : [finding.action]),
            ...(finding.resource === undefined ? {} : { resource: finding.resource }),
            ...(fn.Tags === undefined ? {} : { functionTags: fn.Tags }),
            ...(role?.Tags === undefined ? {} : { roleTags: role.Tags }),
          },
          suppressions,
          tagSuppression,
        )
      : undefined;
    findings.push(withId(id, finding, outcome));
  }
  return sortSmall(findings, compareFindings);
}

/**
 * The finding as reported: its id first, the raw finding's fields in their order but `actions`, then what the
 * suppressions made of it. Copied field by field rather than by a rest pattern, which is several times slower.
 */
function withId(id: string, raw: RawFinding, outcome: SuppressionOutcome | undefined): Finding {
  const finding: Record<string, unknown> = { id };
  for (const key in raw) if (key !== 'actions') finding[key] = raw[key as keyof RawFinding];
  if (outcome?.suppressed === true) {
    finding.suppressed = true;
    finding.suppressionReason = outcome.reason;
    finding.suppressionSource = outcome.source;
  } else if (outcome?.refused !== undefined) finding.suppressionRefused = outcome.refused;
  return finding as unknown as Finding;
}

/** A value's JSON with object keys sorted: two configurations are the same when these are equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => compareText(a, b)))
      : item,
  );
}

/**
 * The functions to audit, each once: a function listed again with the same configuration is a warning, with
 * another configuration an error (which of them is real is unknown, so it is not audited).
 */
function distinctFunctions(
  functions: readonly FunctionConfiguration[],
  warnings: ReportWarning[],
  errors: ReportError[],
): { readonly functions: FunctionConfiguration[]; readonly ambiguous: ReadonlySet<string> } {
  // The common case, every function once: no grouping.
  const seen = new Set<string>();
  let duplicated = false;
  for (const fn of functions) {
    if (seen.has(fn.FunctionArn)) duplicated = true;
    seen.add(fn.FunctionArn);
  }
  if (!duplicated) return { functions: [...functions], ambiguous: new Set() };
  const byArn = groupBy(functions, (fn) => fn.FunctionArn);
  const distinct: FunctionConfiguration[] = [];
  const ambiguous = new Set<string>();
  for (const [arn, copies] of byArn) {
    const [first] = copies;
    if (first === undefined) continue;
    distinct.push(first);
    if (copies.length === 1) continue;
    const same = copies.every((copy) => canonicalJson(copy) === canonicalJson(first));
    if (same) {
      warnings.push({
        functionName: first.FunctionName,
        resource: arn,
        message: `function ${first.FunctionName} is listed ${copies.length} times with the same configuration; it was audited once`,
      });
    } else {
      ambiguous.add(arn);
      errors.push({
        functionName: first.FunctionName,
        resource: arn,
        message: `function ${first.FunctionName} was not audited: it is listed ${copies.length} times with different configurations, and which one is in force is unknown`,
      });
    }
  }
  return { functions: distinct, ambiguous };
}

/** Event source mappings whose function the snapshot does not hold: they invoke nothing the audit can see. */
function orphanMappings(snapshot: AccountSnapshot, warnings: ReportWarning[]): void {
  const names = new Set(snapshot.functions.map((fn) => fn.FunctionName));
  // A function the source could not read exists as far as we know.
  for (const error of snapshot.readErrors) {
    if (error.functionName !== undefined) names.add(error.functionName);
    names.add(functionNameOf(error.resource) ?? error.resource);
  }
  for (const mapping of snapshot.eventSourceMappings) {
    const name = functionNameOf(mapping.FunctionArn) ?? mapping.FunctionArn;
    if (names.has(name)) continue;
    warnings.push({
      resource: mapping.FunctionArn,
      message: `event source mapping ${mapping.UUID}${mapping.EventSourceArn === undefined ? '' : ` (${mapping.EventSourceArn})`} invokes function ${name}, which the ${snapshot.source.kind === 'export' ? 'export' : 'account'} does not hold: nothing was checked for it (deleting a function leaves its mappings; delete the mapping if the function is gone)`,
    });
  }
}

/** The policy problems the source recorded for a role's inline and attached policies, if any. */
function problemsOf(snapshot: AccountSnapshot, role: Role): { policyProblems?: readonly PolicyProblem[] } {
  const all = snapshot.policyProblems;
  if (all === undefined || all.length === 0) return {};
  const attached = new Set(policyArnsOf(role));
  const mine = all.filter((problem) =>
    problem.roleArn === undefined ? attached.has(problem.policy) : problem.roleArn === role.Arn,
  );
  return mine.length === 0 ? {} : { policyProblems: mine };
}

/** Audits every function of the snapshot (or those named in `options.functionNames`). */
export function auditAccount(snapshot: AccountSnapshot, options: AuditOptions): Report {
  return auditAccountWithin(snapshot, options).report;
}

/**
 * `auditAccount`, saying also which functions it could not finish within the time limits of `options`
 * (none without a clock): the building block for handing unfinished work to a retry or another invocation.
 */
export function auditAccountWithin(snapshot: AccountSnapshot, options: AuditOptions): BoundedAudit {
  const index = new AccountIndex(snapshot, options.awsManagedPolicies);
  const suppressions = options.suppressions ?? [];
  const baseline = options.awsManagedBaseline ?? 'info';
  const functions: FunctionResult[] = [];
  const { onFunction } = options;
  // The summary is counted as each function is done: with `onFunction`, the results are not kept.
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let compliant = 0;
  const errors: ReportError[] = [];
  const warnings: ReportWarning[] = [];
  const unfinished: UnfinishedFunction[] = [];
  const touched = new Set<ReadError>();
  const distinct = distinctFunctions(
    index.targets.map((target) => target.fn).filter((fn) => inScope(fn, options.functionNames)),
    warnings,
    errors,
  );
  // Only a whole read can tell that a mapping's function does not exist.
  if (snapshot.partial !== true && (options.functionNames ?? []).length === 0)
    orphanMappings(snapshot, warnings);
  const scoped = distinct.functions.sort(
    (a, b) => compareText(a.FunctionName, b.FunctionName) || compareText(a.FunctionArn, b.FunctionArn),
  );
  // Functions left to audit per role: a role's cached state is dropped after its last one.
  const leftByRole = new Map<string, number>();
  for (const fn of scoped) leftByRole.set(fn.Role, (leftByRole.get(fn.Role) ?? 0) + 1);
  const done = (fn: FunctionConfiguration): void => {
    const left = (leftByRole.get(fn.Role) ?? 1) - 1;
    leftByRole.set(fn.Role, left);
    if (left === 0) index.forgetRole(fn.Role);
  };
  let unverifiedCount = 0;
  const unverifiedFunctions = new Set<string>();
  const timer =
    options.clock === undefined
      ? undefined
      : createFunctionTimer(
          options.clock,
          options.functionBudgetMs ?? DEFAULT_FUNCTION_BUDGET_MS,
          options.deadline,
        );
  const catalog = timer === undefined ? options.catalog : timedCatalog(options.catalog, timer);

  let previous: FunctionConfiguration | undefined;
  for (const fn of scoped) {
    // The previous function is finished, whichever way its iteration ended.
    if (previous !== undefined) done(previous);
    previous = fn;
    if (distinct.ambiguous.has(fn.FunctionArn)) continue;
    if (timer?.deadlinePassed() === true) {
      unfinished.push({ functionName: fn.FunctionName, functionArn: fn.FunctionArn, limit: 'deadline' });
      errors.push({ functionName: fn.FunctionName, message: notReachedMessage(fn.FunctionName) });
      continue;
    }
    const role = snapshot.roles.get(fn.Role);
    const readErrors = index.readErrorsOf(fn, role);
    for (const error of readErrors) touched.add(error);
    const resolved = role === undefined ? undefined : index.resolve(role);
    if (readErrors.length > 0 || (resolved !== undefined && !resolved.ok)) {
      for (const error of readErrors) {
        errors.push({
          functionName: fn.FunctionName,
          resource: error.resource,
          message: `function ${fn.FunctionName} was not audited: ${error.resource} could not be read (${error.message})`,
        });
      }
      for (const problem of resolved !== undefined && !resolved.ok ? resolved.problems : []) {
        errors.push({
          functionName: fn.FunctionName,
          resource: problem.resource,
          message: `function ${fn.FunctionName} was not audited: ${problem.message}`,
        });
      }
      continue;
    }
    const roleAccount = role === undefined ? arnAccount(fn.Role) : '';
    const functionAccount = arnAccount(fn.FunctionArn);
    if (roleAccount !== '' && functionAccount !== '' && roleAccount !== functionAccount) {
      // Lambda refuses another account's role ("Cross-account pass role is not allowed"), so the function and
      // the roles come from different accounts (an export put together from two): the role was not read,
      // which says nothing of whether it exists.
      errors.push({
        functionName: fn.FunctionName,
        resource: fn.Role,
        message: `function ${fn.FunctionName} was not audited: its execution role ${fn.Role} is in account ${roleAccount}, not in the function's account ${functionAccount} whose roles were read; read the function and its role from the same account`,
      });
      continue;
    }

    const ownName = displayName(fn);
    const sharedWith = index.functionNamesOfRole(fn.Role).filter((other) => other !== ownName);
    const familiesOfOthers = new Map<SourceFamily, string[]>();
    for (const other of index.functionsByRole.get(fn.Role) ?? []) {
      if (other.FunctionArn === fn.FunctionArn) continue;
      for (const family of index.families(other)) {
        const names = familiesOfOthers.get(family) ?? [];
        names.push(displayName(other));
        familiesOfOthers.set(family, names);
      }
    }

    const target = index.target(fn);
    const mappings = target?.mappings ?? [];
    const invokeConfigs = target?.invokeConfigs ?? [];
    const encryption = deriveEncryptionNeeds(
      encryptedResourceUses(fn, mappings, invokeConfigs),
      snapshot.encryption,
    );
    const ownDerived = deriveRequirements(fn, mappings, invokeConfigs);
    const derived =
      encryption.requirements.length === 0
        ? ownDerived
        : { ...ownDerived, requirements: [...ownDerived.requirements, ...encryption.requirements] };
    const unverified: readonly UnverifiedNeed[] = encryption.unverified;
    if (unverified.length > 0) {
      unverifiedCount += unverified.length;
      unverifiedFunctions.add(fn.FunctionArn);
    }
    const region = arnRegion(fn.FunctionArn) || snapshot.source.region || '';
    const policies = resolved?.ok === true ? resolved.policies : NO_POLICIES;
    const state = index.roleState(fn.Role, region, policies);
    timer?.start();
    const evaluator = functionEvaluator(state, timer);
    // A role the source knows exists but cannot read (defined outside a template): every need is unverifiable.
    const unresolvedRole = role === undefined ? snapshot.unresolved?.get(fn.Role) : undefined;
    const unknownGrants: readonly UnknownGrant[] =
      unresolvedRole !== undefined
        ? [{ source: fn.Role, kind: 'identity', reason: unresolvedRole }]
        : resolved?.ok === true
          ? resolved.unknown
          : [];
    const context: RuleContext = {
      fn,
      region,
      roleArn: fn.Role,
      ...(role === undefined ? {} : { role }),
      ...(resolved?.ok === true ? { trustPolicy: resolved.trustPolicy } : {}),
      policies,
      derived,
      catalog,
      sharedWith,
      partialRead: snapshot.partial === true,
      familiesOfOthers,
      evaluate: evaluator.evaluate,
      requestContext: evaluator.requestContext,
      ...(unknownGrants.length > 0 ? { unknownGrants } : {}),
      ...(role === undefined ? {} : problemsOf(snapshot, role)),
    };

    const raw: RawFinding[] = [];
    let ruleFailed = false;
    let timedOut: AuditTimeExceededError | undefined;
    const rules =
      role !== undefined
        ? RULES
        : unresolvedRole !== undefined
          ? ROLE_UNRESOLVED_RULES
          : ROLE_UNAVAILABLE_RULES;
    for (const rule of rules) {
      // A rule is not started once the function's time is up.
      let outcome = timeLeft(timer);
      if (outcome === undefined && rule.scope === 'role') {
        outcome = state.outcomes.get(rule);
        if (outcome === undefined) {
          outcome = runRule(rule, context);
          // A role-level rule that ran out of time would run out again for the role's next function.
          state.outcomes.set(rule, outcome);
        }
      } else if (outcome === undefined) outcome = runRule(rule, context);
      if ('timedOut' in outcome) {
        // The rules after this one would only find the time gone too.
        timedOut = outcome.timedOut;
        break;
      }
      if ('error' in outcome) {
        ruleFailed = true;
        // A role-level outcome was computed for the role's first function: name this one.
        const failure = new RuleFailedError(rule.id, fn.FunctionName, { cause: outcome.error.cause });
        errors.push({ functionName: fn.FunctionName, message: failure.message });
      } else raw.push(...outcome.findings);
    }
    if (timedOut !== undefined) {
      unfinished.push({ functionName: fn.FunctionName, functionArn: fn.FunctionArn, limit: timedOut.limit });
      errors.push({ functionName: fn.FunctionName, message: cutOffMessage(fn.FunctionName, timedOut) });
    }
    const graded = gradeManagedBaseline(raw, fn, derived.families, baseline);
    const findings = finalise(graded, fn, role, suppressions, options.tagSuppression);
    const result: FunctionResult = {
      functionName: fn.FunctionName,
      functionArn: fn.FunctionArn,
      roleArn: fn.Role,
      compliant: !ruleFailed && timedOut === undefined && isCompliant(findings),
      findings,
      recommendedPolicy: recommendPolicy(derived.requirements),
      sharedWith,
      ...(target?.version === undefined ? {} : { version: target.version }),
      ...(target === undefined || target.aliases.size === 0 ? {} : { aliases: [...target.aliases].sort() }),
      ...(unverified.length === 0 ? {} : { unverified }),
    };
    if (result.compliant) compliant += 1;
    for (const finding of findings) if (finding.suppressed !== true) counts[finding.severity] += 1;
    if (onFunction === undefined) functions.push(result);
    else onFunction(result);
  }

  // Read errors that concern no audited function are reported as they are: an audit never hides them. A
  // report restricted to some functions leaves out what concerns only the others (their name, ARN, role).
  const others = new Set(
    snapshot.functions
      .filter((fn) => !inScope(fn, options.functionNames))
      .flatMap((fn) => [fn.FunctionName, fn.FunctionArn, fn.Role]),
  );
  for (const error of snapshot.readErrors) {
    if (touched.has(error) || others.has(error.resource) || others.has(error.functionName ?? '')) continue;
    errors.push({
      ...(error.functionName === undefined ? {} : { functionName: error.functionName }),
      resource: error.resource,
      message: `${error.resource} could not be read: ${error.message}`,
    });
  }

  const notes = [...new Set(index.targetNotes)];
  if (unverifiedCount > 0) {
    notes.push(
      snapshot.encryption === undefined
        ? `${unverifiedCount} customer managed key need(s) of ${unverifiedFunctions.size} function(s) were not checked: the source holds no encryption attributes of the queues, streams, topics and secrets the functions use (an export folder without resource-encryption.json; lambda-role-audit export writes it). They are listed under each function's "unverified".`
        : `${unverifiedCount} customer managed key need(s) of ${unverifiedFunctions.size} function(s) were not checked: the key of a queue, stream, topic or secret could not be read; each function's "unverified" says which and why.`,
    );
  }
  const report: Report = {
    schemaVersion: '1',
    generatedAt: options.generatedAt,
    ...(options.tool === undefined ? {} : { tool: options.tool }),
    source: snapshot.source,
    summary: {
      functions: scoped.length,
      compliant,
      findings: counts,
    },
    functions,
    errors,
    ...(notes.length === 0 ? {} : { notes }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return { report, unfinished };
}
