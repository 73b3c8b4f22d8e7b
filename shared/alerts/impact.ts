/**
 * What the findings of an alert mean to the people who run the function: findings grouped by what needs
 * them (a mapping, a setting, a destination, a policy statement), each group with the sentence that says
 * what stopped working ("orders-consumer can no longer receive from SQS queue orders-queue"), what works
 * again, or what never worked, and the one line that lists its actions. Pure: findings in, sentences out
 * (as rich text, see rich-text.ts), ordered worst first.
 */

import { parseArn, shortName } from '../domain/arn.js';
import type { DenyDecision, FindingCause, Severity } from '../domain/report.js';
import { appendTo } from './collections.js';
import { joinRich, type Piece, type Rich, v } from './rich-text.js';

/** The part of a finding (open, or remembered and now resolved) that impact reads. */
export interface FindingLike {
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly decision?: DenyDecision;
  readonly cause?: FindingCause;
}

export type CauseKind =
  | 'mapping'
  | 'mapping-destination'
  | 'logs'
  | 'vpc'
  | 'tracing'
  | 'dead-letter'
  | 'destination'
  | 'setting'
  | 'role'
  | 'trust'
  | 'trust-exposure'
  | 'grant'
  | 'other';

export interface CauseGroup<F extends FindingLike = FindingLike> {
  /** Stable: the same mapping, setting or statement gives the same key in every alert. */
  readonly key: string;
  readonly kind: CauseKind;
  /** The worst severity of its findings. */
  readonly severity: Severity;
  /** True when something the function is configured to do stops working (not merely more access). */
  readonly breaks: boolean;
  /** True when every finding's decision is `conditional` or `unverifiable`: it may break. */
  readonly uncertain: boolean;
  /** What needs the findings, as a label: "SQS mapping on orders-queue". */
  readonly label: Rich;
  /** One line: "SQS mapping on orders-queue: missing sqs:DeleteMessage, sqs:ReceiveMessage". */
  readonly line: Rich;
  readonly findings: readonly F[];
  /** The mapping's UUID, for mapping causes (links, "new mapping"). */
  readonly mappingUuid?: string;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  info: 1,
};

const KIND_ORDER_LIST: readonly CauseKind[] = [
  'role',
  'trust',
  'mapping',
  'logs',
  'mapping-destination',
  'dead-letter',
  'destination',
  'vpc',
  'tracing',
  'setting',
  'trust-exposure',
  'grant',
  'other',
];
const KIND_ORDER = new Map(KIND_ORDER_LIST.map((kind, index) => [kind, index]));

/** Actions with which Lambda sends somewhere, rather than reads: a mapping's on-failure destination. */
const SENDING_ACTIONS = new Set([
  'sqs:sendmessage',
  'sns:publish',
  's3:putobject',
  's3:listbucket',
  'kafka-cluster:writedata',
]);

const BREAKING_RULES = new Set(['missing-permission', 'role-unavailable', 'trust-policy-not-lambda']);

/** The event source of a mapping in words, and what Lambda does with it. */
export interface SourceWords {
  /** "SQS queue" */
  readonly noun: string;
  /** "orders-queue" */
  readonly name?: string;
  /** "SQS" (for labels: "SQS mapping") */
  readonly family: string;
  /** "receive from" / "read from" */
  readonly verb: string;
  /** "receives from" / "reads from" */
  readonly verbs: string;
}

export function describeEventSource(eventSourceArn: string | undefined): SourceWords {
  const receive = { verb: 'receive from', verbs: 'receives from' };
  const read = { verb: 'read from', verbs: 'reads from' };
  if (eventSourceArn === undefined || eventSourceArn === '')
    return { noun: 'its Kafka cluster', family: 'Kafka', ...read };
  const arn = parseArn(eventSourceArn);
  const resource = arn?.resource ?? '';
  switch (arn?.service) {
    case 'sqs':
      return { noun: 'SQS queue', name: resource, family: 'SQS', ...receive };
    case 'kinesis': {
      const stream = resource.split('/')[1] ?? shortName(eventSourceArn);
      return { noun: 'Kinesis stream', name: stream, family: 'Kinesis', ...read };
    }
    case 'dynamodb': {
      const table = resource.split('/')[1] ?? shortName(eventSourceArn);
      return { noun: 'the DynamoDB stream of table', name: table, family: 'DynamoDB', ...read };
    }
    case 'kafka': {
      const cluster = resource.split('/')[1] ?? shortName(eventSourceArn);
      return { noun: 'MSK cluster', name: cluster, family: 'MSK', ...read };
    }
    case 'mq': {
      const broker = resource.split(':')[1] ?? shortName(eventSourceArn);
      return { noun: 'Amazon MQ broker', name: broker, family: 'Amazon MQ', ...receive };
    }
    case 'rds':
    case 'docdb': {
      const cluster = resource.split(':')[1] ?? shortName(eventSourceArn);
      return { noun: 'DocumentDB cluster', name: cluster, family: 'DocumentDB', ...read };
    }
    default:
      return { noun: 'event source', name: shortName(eventSourceArn), family: 'event source', ...read };
  }
}

/** The log group of a log-stream (or log-group) ARN: `…:log-group:/aws/lambda/f:log-stream:*` → `/aws/lambda/f`. */
export function logGroupOf(resource: string | undefined): string | undefined {
  if (resource === undefined) return undefined;
  const at = resource.indexOf(':log-group:');
  if (at < 0) return undefined;
  const rest = resource.slice(at + ':log-group:'.length);
  const end = rest.indexOf(':');
  return end < 0 ? rest : rest.slice(0, end);
}

/** The short name of a destination ARN: a queue, topic, bucket, function or event bus. */
export function destinationName(resource: string | undefined): string {
  if (resource === undefined) return 'its destination';
  const arn = parseArn(resource);
  if (arn?.service === 's3') return arn.resource.split('/')[0] ?? resource;
  if (arn?.service === 'lambda') return arn.resource.split(':')[1] ?? resource;
  return shortName(resource);
}

function destinationNoun(resource: string | undefined): string {
  switch (parseArn(resource ?? '')?.service) {
    case 'sqs':
      return 'queue';
    case 'sns':
      return 'topic';
    case 's3':
      return 'bucket';
    case 'lambda':
      return 'function';
    case 'events':
      return 'event bus';
    default:
      return 'destination';
  }
}

/** How a cause line says each decision: "missing a, b", "a, b denied by a Deny statement". */
const DECISION_WORDS: Readonly<Record<DenyDecision, { readonly before?: string; readonly after?: string }>> =
  {
    'implicit-deny': { before: 'missing ' },
    'explicit-deny': { after: ' denied by a Deny statement' },
    boundary: { after: ' not allowed by the permissions boundary' },
    conditional: { after: ' allowed only under a condition' },
    unverifiable: { after: ' not verifiable from the configuration' },
  };

const RULE_WORDS: Readonly<Record<string, string>> = {
  'wildcard-action': 'wildcard',
  'overbroad-resource': 'broader than needed',
  'unused-source-permission': 'used by no mapping',
  'unknown-action': 'unknown action',
  'invalid-policy': 'invalid statement',
  'trust-policy-too-broad': 'trusts more than Lambda',
  'trust-policy-not-lambda': 'does not trust Lambda',
  'role-unavailable': 'unavailable',
};

function roleNameOf(roleArn: string): string {
  const slash = roleArn.lastIndexOf('/');
  return slash >= 0 ? roleArn.slice(slash + 1) : roleArn;
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "a, b" with each action as a value. */
function valueList(values: readonly string[]): Rich {
  return joinRich(
    values.map((value) => [v(value)]),
    ', ',
  );
}

interface Draft<F extends FindingLike> {
  key: string;
  kind: CauseKind;
  label: Rich;
  findings: F[];
  mappingUuid?: string;
}

function draftFor<F extends FindingLike>(finding: F, roleArn: string): Omit<Draft<F>, 'findings'> {
  const cause = finding.cause;
  if (finding.rule === 'role-unavailable')
    return { key: 'role', kind: 'role', label: ['Execution role ', v(roleNameOf(roleArn))] };
  if (finding.rule === 'trust-policy-not-lambda')
    return { key: 'trust', kind: 'trust', label: ['Trust policy of ', v(roleNameOf(roleArn))] };
  if (finding.rule === 'trust-policy-too-broad') {
    const statement = cause?.kind === 'trust-policy' ? (cause.statement ?? '') : '';
    return {
      key: `trust:${statement}`,
      kind: 'trust-exposure',
      label: ['Trust policy of ', v(roleNameOf(roleArn))],
    };
  }
  if (cause?.kind === 'event-source-mapping') {
    const source = describeEventSource(cause.eventSourceArn);
    const disabled = cause.state?.toLowerCase() === 'disabled' ? ' (disabled)' : '';
    const on: Rich = source.name === undefined ? [] : [' on ', v(source.name)];
    if (finding.action !== undefined && SENDING_ACTIONS.has(finding.action.toLowerCase())) {
      const name = destinationName(finding.resource);
      return {
        key: `mapping:${cause.uuid}:destination`,
        kind: 'mapping-destination',
        label: [
          `On-failure ${destinationNoun(finding.resource)} `,
          v(name),
          ` of the ${source.family} mapping`,
          ...on,
        ],
        mappingUuid: cause.uuid,
      };
    }
    return {
      key: `mapping:${cause.uuid}`,
      kind: 'mapping',
      label: [`${source.family} mapping`, ...on, disabled],
      mappingUuid: cause.uuid,
    };
  }
  if (cause?.kind === 'function-configuration') {
    const setting = cause.setting;
    if (setting === 'LoggingConfig') {
      // The log group itself is named in the details: the line stays short.
      return { key: 'setting:LoggingConfig', kind: 'logs', label: ['Logs'] };
    }
    if (setting === 'VpcConfig') return { key: 'setting:VpcConfig', kind: 'vpc', label: ['VPC networking'] };
    if (setting === 'TracingConfig')
      return { key: 'setting:TracingConfig', kind: 'tracing', label: ['X-Ray tracing'] };
    if (setting === 'DeadLetterConfig')
      return {
        key: 'setting:DeadLetterConfig',
        kind: 'dead-letter',
        label: [`Dead-letter ${destinationNoun(finding.resource)} `, v(destinationName(finding.resource))],
      };
    if (setting.startsWith('DestinationConfig.')) {
      const which = setting.slice('DestinationConfig.'.length);
      return {
        key: `setting:${setting}`,
        kind: 'destination',
        label: [v(which), ` ${destinationNoun(finding.resource)} `, v(destinationName(finding.resource))],
      };
    }
    return { key: `setting:${setting}`, kind: 'setting', label: ['Setting ', v(setting)] };
  }
  if (cause?.kind === 'policy') {
    const policy = cause.policy ?? 'a policy';
    const statement = cause.statement;
    return {
      key: `policy:${policy}#${statement ?? ''}`,
      kind: 'grant',
      label: [
        'Policy ',
        v(shortPolicyName(policy)),
        ...(statement === undefined ? [] : [', statement ', v(statement)]),
      ],
    };
  }
  return { key: `rule:${finding.rule}`, kind: 'other', label: [v(finding.rule)] };
}

/** What a finding is grouped by, without the words: cheap enough to run over every finding of a big change. */
export function classify(finding: FindingLike): { readonly key: string; readonly kind: CauseKind } {
  const cause = finding.cause;
  if (finding.rule === 'role-unavailable') return { key: 'role', kind: 'role' };
  if (finding.rule === 'trust-policy-not-lambda') return { key: 'trust', kind: 'trust' };
  if (finding.rule === 'trust-policy-too-broad')
    return {
      key: `trust:${cause?.kind === 'trust-policy' ? (cause.statement ?? '') : ''}`,
      kind: 'trust-exposure',
    };
  if (cause?.kind === 'event-source-mapping') {
    return finding.action !== undefined && SENDING_ACTIONS.has(finding.action.toLowerCase())
      ? { key: `mapping:${cause.uuid}:destination`, kind: 'mapping-destination' }
      : { key: `mapping:${cause.uuid}`, kind: 'mapping' };
  }
  if (cause?.kind === 'function-configuration') {
    const setting = cause.setting;
    const kind: CauseKind =
      setting === 'LoggingConfig'
        ? 'logs'
        : setting === 'VpcConfig'
          ? 'vpc'
          : setting === 'TracingConfig'
            ? 'tracing'
            : setting === 'DeadLetterConfig'
              ? 'dead-letter'
              : setting.startsWith('DestinationConfig.')
                ? 'destination'
                : 'setting';
    return { key: `setting:${setting}`, kind };
  }
  if (cause?.kind === 'policy')
    return { key: `policy:${cause.policy ?? 'a policy'}#${cause.statement ?? ''}`, kind: 'grant' };
  return { key: `rule:${finding.rule}`, kind: 'other' };
}

function breaksOf(kind: CauseKind, findings: readonly FindingLike[]): boolean {
  return (
    kind === 'role' ||
    kind === 'trust' ||
    findings.some(
      (f) => BREAKING_RULES.has(f.rule) && f.decision !== 'unverifiable' && f.action !== undefined,
    )
  );
}

/** The causes of findings by key, with their kind and whether they break something: no sentences built. */
export function causeKinds(
  findings: readonly FindingLike[],
): Map<string, { kind: CauseKind; breaks: boolean; first: FindingLike }> {
  const byKey = new Map<string, { kind: CauseKind; findings: FindingLike[] }>();
  for (const f of findings) {
    const { key, kind } = classify(f);
    const entry = byKey.get(key);
    if (entry) entry.findings.push(f);
    else byKey.set(key, { kind, findings: [f] });
  }
  const out = new Map<string, { kind: CauseKind; breaks: boolean; first: FindingLike }>();
  for (const [key, e] of byKey)
    out.set(key, { kind: e.kind, breaks: breaksOf(e.kind, e.findings), first: e.findings[0] as FindingLike });
  return out;
}

/** `arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole` → its name; `inline:x` → `x`. */
export function shortPolicyName(policy: string): string {
  if (policy.startsWith('arn:')) {
    const slash = policy.lastIndexOf('/');
    return slash >= 0 ? policy.slice(slash + 1) : policy;
  }
  const colon = policy.indexOf(':');
  return colon >= 0 && policy.slice(0, colon) === 'inline' ? policy.slice(colon + 1) : policy;
}

function worst(findings: readonly FindingLike[]): Severity {
  let best: Severity = 'info';
  for (const f of findings) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}

function lineOf(draft: Draft<FindingLike>): Rich {
  const pieces: Piece[] = [...draft.label, ': '];
  if (draft.kind === 'grant' || draft.kind === 'other' || draft.kind === 'trust-exposure') {
    const byRule = new Map<string, FindingLike[]>();
    for (const f of draft.findings) appendTo(byRule, f.rule, f);
    const parts: Rich[] = [];
    for (const [rule, findings] of byRule) {
      const actions = uniqueSorted(findings.flatMap((f) => (f.action ? [f.action] : [])));
      const resources = uniqueSorted(findings.flatMap((f) => (f.resource ? [f.resource] : [])));
      const onWhat: Rich =
        resources.length === 1 && rule === 'overbroad-resource' ? [' on ', v(resources[0] as string)] : [];
      parts.push([
        ...(actions.length > 0 ? [...valueList(actions), ...onWhat, ' '] : []),
        `(${RULE_WORDS[rule] ?? rule})`,
      ]);
    }
    pieces.push(...joinRich(parts, '; '));
    return pieces;
  }
  if (draft.kind === 'role' || draft.kind === 'trust') {
    pieces.push(draft.kind === 'role' ? 'unavailable' : 'Lambda may not assume the role');
    return pieces;
  }
  // Missing permissions, grouped by decision: "missing a, b; c denied by a Deny statement".
  const byDecision = new Map<DenyDecision, string[]>();
  const notes: FindingLike[] = [];
  for (const f of draft.findings) {
    if (f.action === undefined) {
      notes.push(f);
      continue;
    }
    const decision = f.decision ?? 'implicit-deny';
    appendTo(byDecision, decision, f.action);
  }
  const parts: Rich[] = [...byDecision].map(([decision, actions]) => {
    const words = DECISION_WORDS[decision];
    return [
      ...(words.before ? [words.before] : []),
      ...valueList(uniqueSorted(actions)),
      ...(words.after ? [words.after] : []),
    ];
  });
  if (notes.length > 0) parts.push(['not checked (see details)']);
  pieces.push(...joinRich(parts, '; '));
  return pieces;
}

/** The line of a group whose findings were all resolved: "SQS mapping on q: a, b allowed again". */
export function fixedLine(group: CauseGroup): Rich {
  const actions = uniqueSorted(group.findings.flatMap((f) => (f.action ? [f.action] : [])));
  if (!group.breaks || actions.length === 0) return [...group.label, ': resolved'];
  return [...group.label, ': ', ...valueList(actions), ' allowed again'];
}

/** A group as a class: its line is written when first read (a big change reads one per function). */
class Group<F extends FindingLike> implements CauseGroup<F> {
  readonly key: string;
  readonly kind: CauseKind;
  readonly severity: Severity;
  readonly breaks: boolean;
  readonly uncertain: boolean;
  readonly label: Rich;
  readonly findings: readonly F[];
  readonly mappingUuid?: string;
  #line: Rich | undefined;
  readonly #draft: Draft<F>;

  constructor(draft: Draft<F>) {
    this.#draft = draft;
    this.key = draft.key;
    this.kind = draft.kind;
    this.severity = worst(draft.findings);
    this.breaks = breaksOf(draft.kind, draft.findings);
    this.uncertain = draft.findings.every(
      (f) => f.decision === 'conditional' || f.decision === 'unverifiable',
    );
    this.label = draft.label;
    this.findings = draft.findings;
    if (draft.mappingUuid !== undefined) this.mappingUuid = draft.mappingUuid;
  }

  get line(): Rich {
    this.#line ??= lineOf(this.#draft as Draft<FindingLike>);
    return this.#line;
  }
}

/**
 * Groups findings by what needs them, worst first: by severity, then what breaks before what is
 * merely broader than needed, then by kind, then by key (so the order is the same on every run).
 */
export function groupCauses<F extends FindingLike>(findings: readonly F[], roleArn: string): CauseGroup<F>[] {
  // Grouped by key first; the words of a group are written once, from its first finding.
  const byKey = new Map<string, F[]>();
  for (const finding of findings) appendTo(byKey, classify(finding).key, finding);
  const drafts: Draft<F>[] = [...byKey.values()].map((members) => ({
    ...draftFor(members[0] as F, roleArn),
    findings: members,
  }));
  const groups: CauseGroup<F>[] = drafts.map((draft) => new Group(draft));
  return groups.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      Number(b.breaks) - Number(a.breaks) ||
      (KIND_ORDER.get(a.kind) ?? 99) - (KIND_ORDER.get(b.kind) ?? 99) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

export type Tense = 'lost' | 'again' | 'never';

function shortUuid(uuid: string): string {
  return uuid.length > 8 ? `${uuid.slice(0, 8)}…` : uuid;
}

/**
 * The sentence of a group, after the function's name: what stopped working (`lost`), what works again
 * (`again`), or what cannot work from the start (`never`, for a new mapping or function).
 */
export function impactSentence(functionName: string, group: CauseGroup, tense: Tense): Rich {
  const fn = v(functionName);
  const first = group.findings[0];
  const can = tense === 'never' ? 'cannot' : group.uncertain ? 'may no longer be able to' : 'can no longer';
  const lost = (what: Rich): Rich => [fn, ` ${can} `, ...what];
  const cause = first?.cause;
  switch (group.kind) {
    case 'mapping': {
      const source = describeEventSource(
        cause?.kind === 'event-source-mapping' ? cause.eventSourceArn : undefined,
      );
      const name: Rich = source.name === undefined ? [] : [' ', v(source.name)];
      const uuid = group.mappingUuid ?? '';
      if (tense === 'again') return [fn, ` ${source.verbs} ${source.noun}`, ...name, ' again'];
      return lost([
        `${source.verb} ${source.noun}`,
        ...name,
        ` (${tense === 'never' ? 'new mapping ' : 'mapping '}`,
        v(shortUuid(uuid)),
        ')',
      ]);
    }
    case 'mapping-destination': {
      const target = destinationName(first?.resource);
      if (tense === 'again') return [fn, ' can send failed batches to ', v(target), ' again'];
      return lost(['send failed batches of its mapping to ', v(target)]);
    }
    case 'logs':
      return tense === 'again' ? [fn, ' writes its logs again'] : lost(['write its logs']);
    case 'vpc':
      return tense === 'again'
        ? [fn, ' can set up its VPC network interfaces again']
        : lost(['set up its network interfaces in its VPC']);
    case 'tracing':
      return tense === 'again' ? [fn, ' sends traces to X-Ray again'] : lost(['send traces to X-Ray']);
    case 'dead-letter': {
      const target: Rich = [
        `its dead-letter ${destinationNoun(first?.resource)} `,
        v(destinationName(first?.resource)),
      ];
      return tense === 'again'
        ? [fn, ' can send failed events to ', ...target, ' again']
        : lost(['send failed events to ', ...target]);
    }
    case 'destination': {
      const setting =
        cause?.kind === 'function-configuration' ? cause.setting.replace('DestinationConfig.', '') : '';
      const target: Rich = [
        `its `,
        v(setting),
        ` ${destinationNoun(first?.resource)} `,
        v(destinationName(first?.resource)),
      ];
      return tense === 'again'
        ? [fn, ' delivers to ', ...target, ' again']
        : lost(['deliver to ', ...target]);
    }
    case 'setting': {
      const setting = cause?.kind === 'function-configuration' ? cause.setting : '';
      return tense === 'again'
        ? [fn, ' has what its setting ', v(setting), ' needs again']
        : [fn, ' lacks what its setting ', v(setting), ' needs'];
    }
    case 'role':
      return tense === 'again'
        ? [fn, ' has a usable execution role again']
        : [fn, ' cannot run: its execution role is unavailable'];
    case 'trust':
      return tense === 'again'
        ? [fn, "'s role lets Lambda assume it again"]
        : [fn, ' cannot run: Lambda may not assume its role'];
    case 'trust-exposure':
      return tense === 'again'
        ? [fn, "'s role trusts only Lambda again"]
        : [fn, "'s role can be assumed by more than Lambda"];
    case 'grant':
      return tense === 'again'
        ? [fn, "'s role no longer grants more than it needs through ", ...group.label.slice(1, 2)]
        : [fn, "'s role grants more than it needs: ", ...group.label.slice(1, 2)];
    default:
      return tense === 'again' ? [fn, ': ', ...group.label, ' resolved'] : [fn, ': ', ...group.label];
  }
}

/** The headline: the first (worst) group's sentence and "+N more" for the others. */
export function headline(functionName: string, groups: readonly CauseGroup[], tense: Tense): Rich {
  const [first, ...rest] = groups;
  if (first === undefined) return [v(functionName), ': nothing to report'];
  const sentence = impactSentence(functionName, first, tense);
  return rest.length > 0 ? [...sentence, ` +${rest.length} more`] : sentence;
}
