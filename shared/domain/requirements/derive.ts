/**
 * From configuration to requirements: a function, the event source mappings that invoke it and its event
 * invoke configs give the list of (actions, resource) pairs its execution role must allow, each with the
 * cause that makes it needed. Pure: the catalog (catalog.ts) says what each source and setting needs;
 * this file only recognises sources and fills templates.
 *
 * Limitation: mappings and event invoke configs on a qualified ARN (`…:function:NAME:alias`) are judged
 * against the role of `$LATEST`, the only configuration the snapshot holds; a published version may have
 * been created with another role.
 */
import { bucketName, functionQualifierOf, isBucketArn, parseArn, segment, shortName } from '../arn.js';
import type { EventInvokeConfig, EventSourceMapping, FunctionConfiguration } from '../model.js';
import type { FindingCause, Severity } from '../report.js';
import {
  type CatalogEntry,
  type DestinationKind,
  type EventSourceKind,
  FAMILY_OF_SOURCE,
  type NeedCondition,
  REQUIREMENT_CATALOG,
  type SourceFamily,
  type TouchedResources,
} from './catalog.js';

/** A resource an action touches (see `TouchedResources`), evaluated in place of the requirement's `*`. */
export interface TouchedResource {
  readonly resource: string;
  /** The resource ends with a `*` that stands for any name (policy/any-name.ts). */
  readonly anyName: boolean;
  /**
   * The configuration does not show which resources these are (the subnets of an MSK cluster or an MQ
   * broker): a grant on some of them may be the right ones, so it is `unverifiable`, not missing.
   */
  readonly notInConfiguration?: true;
}

export interface Requirement {
  /** The catalog entry it comes from. */
  readonly entryId: string;
  /** Any one of these satisfies the requirement; the first is the one to grant. */
  readonly actions: readonly string[];
  /** The resource evaluated: an ARN, an ARN pattern standing for "any of" (`…:log-stream:*`), or `*`. */
  readonly resource: string;
  /** `resource` ends with a `*` that stands for any name: only a grant of every name meets it. */
  readonly anyName: boolean;
  /**
   * When set, the action is judged on these resources (what the call touches) instead of `resource`,
   * which stays `*`, the grant AWS documents. Each must be allowed.
   */
  readonly touches: readonly TouchedResource[] | undefined;
  /** The pattern the recommended policy grants. */
  readonly grantResource: string;
  readonly cause: FindingCause;
  readonly mode: 'exact' | 'any-grant';
  /** Set when the requirement may not apply (MSK IAM auth): a missing grant is `unverifiable`. */
  readonly unverifiable?: string;
  readonly docsUrl: string;
  /** The mapping that needs it is disabled (it still counts: enabling it must not break it). */
  readonly disabled: boolean;
  readonly severity: Severity;
  /** What breaks without it, one clause for a person. */
  readonly breaks: string;
  /** Where the need comes from, for messages: `event source mapping 1234 (disabled)`, `the function's VPC configuration`. */
  readonly origin: string;
  /** Sid of the recommended statement. */
  readonly sid: string;
}

/** Something in the configuration the catalog has no entry for: reported, never silently dropped. */
export interface RequirementNote {
  readonly message: string;
  readonly cause: FindingCause;
  readonly resource?: string;
}

export interface DerivedRequirements {
  readonly requirements: readonly Requirement[];
  readonly notes: readonly RequirementNote[];
  /** Event-source families the function's own mappings use. */
  readonly families: ReadonlySet<SourceFamily>;
}

/** Placeholder values; an undefined one is not bound. */
type Bindings = Record<string, string | readonly string[] | undefined>;

/** Function settings and invoke configs meet no need condition (those are about mappings). */
const NO_CONDITIONS: ReadonlySet<string> = new Set();

export interface Context {
  readonly cause: FindingCause;
  readonly origin: string;
  readonly disabled: boolean;
  readonly conditions: ReadonlySet<string>;
  readonly bindings: Bindings;
}

/** The source kind of a mapping, or `undefined` when the catalog does not know it. */
export function eventSourceKind(mapping: EventSourceMapping): EventSourceKind | undefined {
  const source = mapping.EventSourceArn;
  if (source === undefined || source === '') {
    return mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS !== undefined
      ? 'self-managed-kafka'
      : undefined;
  }
  const arn = parseArn(source);
  if (arn === undefined) return undefined;
  switch (arn.service) {
    case 'sqs':
      return 'sqs';
    case 'kinesis':
      if (/^stream\/[^/]+\/consumer\/.+/.test(arn.resource)) return 'kinesis-consumer';
      return /^stream\/[^/]+$/.test(arn.resource) ? 'kinesis' : undefined;
    case 'dynamodb':
      return /^table\/[^/]+\/stream\/.+/.test(arn.resource) ? 'dynamodb-streams' : undefined;
    case 'kafka':
      return arn.resource.startsWith('cluster/') ? 'msk' : undefined;
    case 'mq':
      return arn.resource.startsWith('broker:') ? 'mq' : undefined;
    case 'rds':
      return arn.resource.startsWith('cluster:') ? 'documentdb' : undefined;
    default:
      return undefined;
  }
}

/** The destination kind of a DLQ or destination ARN. */
export function destinationKind(target: string): DestinationKind | undefined {
  const arn = parseArn(target);
  switch (arn?.service) {
    case 'sqs':
      return 'sqs';
    case 'sns':
      return 'sns';
    case 'lambda':
      return 'lambda';
    case 'events':
      return 'eventbridge';
    case 's3':
      return isBucketArn(target) ? 's3' : undefined;
    default:
      return undefined;
  }
}

/** The Secrets Manager ARNs of a mapping's `*_AUTH` / `*_CERTIFICATE` source access configurations. */
export function secretsOf(mapping: EventSourceMapping): string[] {
  const secrets: string[] = [];
  for (const config of mapping.SourceAccessConfigurations ?? []) {
    const type = config.Type ?? '';
    const uri = config.URI ?? '';
    if ((type.endsWith('_AUTH') || type.endsWith('_CERTIFICATE')) && uri !== '') secrets.push(uri);
  }
  return secrets;
}

/** `PascalCase` letters and digits of a name, for Sids (which allow only `[A-Za-z0-9]`). */
export function sidName(name: string): string {
  // One pass over the characters: runs of other characters separate the parts, each part capitalised and
  // appended as one slice.
  let sid = '';
  let i = 0;
  while (i < name.length) {
    if (!isSidCharacter(name.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < name.length && isSidCharacter(name.charCodeAt(end))) end++;
    const code = name.charCodeAt(i);
    sid +=
      code >= 97 && code <= 122
        ? String.fromCharCode(code - 32) + name.slice(i + 1, end)
        : name.slice(i, end);
    i = end;
  }
  return sid;
}

/** `[A-Za-z0-9]`. */
function isSidCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** A template split once into literal text and placeholder names (odd indexes are placeholders). */
type Template = readonly string[];

function compileTemplate(template: string): Template {
  return template.split(/\{(\w+)\}/);
}

/** A template filled with a context's bindings; `item` is the list item being expanded, if any. */
function fill(parts: Template, bindings: Bindings, item: string | undefined): string {
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const part = parts[i] ?? '';
    if (part === 'item') text += item === undefined ? `{${part}}` : shortName(item);
    // The item's name as a Sid fragment: one statement per secret, named after the secret.
    else if (part === 'ItemName') text += item === undefined ? `{${part}}` : sidName(shortName(item));
    else {
      const value = bindings[part];
      text += value === undefined ? `{${part}}` : typeof value === 'string' ? value : (item ?? `{${part}}`);
    }
    text += parts[i + 1] ?? '';
  }
  return text;
}

/** The list placeholder a template uses, if any (one per template, by construction of the catalog). */
function listKey(parts: Template, bindings: Bindings): string | undefined {
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i];
    if (key !== undefined && Array.isArray(bindings[key])) return key;
  }
  return undefined;
}

/**
 * A catalog need compiled once: what every requirement of it shares, in one shape (the catalog's needs have
 * a dozen shapes, which would make each read of one of their optional fields a slow, megamorphic one), and
 * its templates as indexes into its `CompiledNeeds`' templates.
 */
interface CompiledNeed {
  readonly entryId: string;
  readonly docsUrl: string;
  readonly severity: Severity;
  readonly actions: readonly string[];
  readonly anyName: boolean;
  readonly touches: TouchedResources | undefined;
  readonly mode: 'exact' | 'any-grant';
  readonly unverifiable: string | undefined;
  readonly when: NeedCondition | undefined;
  readonly resource: number;
  /** `-1`: the recommended policy grants the evaluated resource. */
  readonly grant: number;
  readonly sid: number;
  /** Filled only when read: what breaks is told only in a finding. */
  readonly breaks: Template;
}

/**
 * The needs of some catalog entries, in catalog order, with their templates compiled once. Their distinct
 * templates are listed once: the needs of an entry mostly share their resource and Sid (a stream's five
 * actions, a VPC's six), so a context fills each at most once and its requirements share the text.
 */
export interface CompiledNeeds {
  readonly needs: readonly CompiledNeed[];
  readonly templates: readonly Template[];
}

export function compileNeeds(entries: readonly CatalogEntry[]): CompiledNeeds {
  const templates: Template[] = [];
  const indexes = new Map<string, number>();
  const indexOf = (template: string): number => {
    let index = indexes.get(template);
    if (index === undefined) {
      index = templates.length;
      templates.push(compileTemplate(template));
      indexes.set(template, index);
    }
    return index;
  };
  const needs: CompiledNeed[] = [];
  for (const entry of entries) {
    for (const need of entry.needs) {
      needs.push({
        entryId: entry.id,
        docsUrl: entry.docsUrl,
        severity: entry.severity,
        actions: need.anyOf,
        anyName: need.anyName === true,
        touches: need.touches,
        mode: need.mode ?? 'exact',
        unverifiable: need.unverifiable,
        when: need.when,
        resource: indexOf(need.resource),
        grant: need.grant === undefined ? -1 : indexOf(need.grant),
        sid: indexOf(need.sid),
        breaks: compileTemplate(need.breaks),
      });
    }
  }
  return { needs, templates };
}

/**
 * The expansion of one context at a time: each template filled at most once, the touched network resources
 * found once. One for all, reset for each context: what the requirements keep is their own.
 */
class Expansion {
  private bindings: Bindings = {};
  private templates: readonly Template[] = [];
  private readonly filled: (string | undefined)[] = [];
  private placement: readonly TouchedResource[] | undefined;

  reset(bindings: Bindings, templates: readonly Template[]): void {
    this.bindings = bindings;
    this.templates = templates;
    this.filled.length = 0;
    for (let index = 0; index < templates.length; index++) this.filled.push(undefined);
    this.placement = undefined;
  }

  /** The template at `index` filled for the item, or for the context (once) when there is none. */
  text(index: number, item: string | undefined): string {
    const parts = this.templates[index] as Template;
    if (item !== undefined) return fill(parts, this.bindings, item);
    let text = this.filled[index];
    if (text === undefined) {
      text = fill(parts, this.bindings, undefined);
      this.filled[index] = text;
    }
    return text;
  }

  listKey(index: number): string | undefined {
    return listKey(this.templates[index] as Template, this.bindings);
  }

  touched(touches: TouchedResources): readonly TouchedResource[] {
    const bindings = this.bindings;
    const place = networkPlace(String(bindings.P), String(bindings.R), String(bindings.A));
    if (touches === 'network-interface') return place.networkInterfaces;
    this.placement ??= place.placement(bindings.subnetIds, bindings.securityGroupIds);
    return this.placement;
  }
}

/**
 * The EC2 resources that the network-interface calls of functions in one partition, region and account
 * touch, built once for the place rather than for each function (each VPC function and each mapping into a
 * VPC asks for them) and shared: they are read, never changed. Subnets and security groups by id.
 */
class NetworkPlace {
  readonly networkInterfaces: readonly TouchedResource[];
  /** Neither subnets nor security groups in the configuration, so every one of the place's. */
  private readonly unknownPlacement: readonly TouchedResource[];
  private readonly anySubnet: TouchedResource;
  private readonly anySecurityGroup: TouchedResource;
  private readonly subnets = new Map<string, TouchedResource>();
  private readonly securityGroups = new Map<string, TouchedResource>();

  constructor(
    readonly partition: string,
    readonly region: string,
    readonly account: string,
  ) {
    const prefix = `arn:${partition}:ec2:${region}:${account}:`;
    const networkInterface = { resource: `${prefix}network-interface/*`, anyName: true };
    this.networkInterfaces = [networkInterface];
    this.anySubnet = { resource: `${prefix}subnet/*`, anyName: true, notInConfiguration: true };
    this.anySecurityGroup = {
      resource: `${prefix}security-group/*`,
      anyName: true,
      notInConfiguration: true,
    };
    this.unknownPlacement = [networkInterface, this.anySubnet, this.anySecurityGroup];
  }

  /** What `ec2:CreateNetworkInterface` touches: a network interface, the subnets and the security groups. */
  placement(
    subnetIds: string | readonly string[] | undefined,
    securityGroupIds: string | readonly string[] | undefined,
  ): readonly TouchedResource[] {
    const subnets = Array.isArray(subnetIds) ? subnetIds : [];
    const groups = Array.isArray(securityGroupIds) ? securityGroupIds : [];
    if (subnets.length === 0 && groups.length === 0) return this.unknownPlacement;
    const touched: TouchedResource[] = [...this.networkInterfaces];
    if (subnets.length === 0) touched.push(this.anySubnet);
    for (const id of subnets) touched.push(this.named(this.subnets, 'subnet', id));
    if (groups.length === 0) touched.push(this.anySecurityGroup);
    for (const id of groups) touched.push(this.named(this.securityGroups, 'security-group', id));
    return touched;
  }

  private named(byId: Map<string, TouchedResource>, type: string, id: string): TouchedResource {
    let touched = byId.get(id);
    if (touched === undefined) {
      touched = {
        resource: `arn:${this.partition}:ec2:${this.region}:${this.account}:${type}/${id}`,
        anyName: false,
      };
      byId.set(id, touched);
    }
    return touched;
  }
}

/** The place asked for last: an account's functions are in one place, or a few one after the other. */
let lastNetworkPlace: NetworkPlace | undefined;

function networkPlace(partition: string, region: string, account: string): NetworkPlace {
  const last = lastNetworkPlace;
  if (
    last !== undefined &&
    last.partition === partition &&
    last.region === region &&
    last.account === account
  )
    return last;
  lastNetworkPlace = new NetworkPlace(partition, region, account);
  return lastNetworkPlace;
}

/**
 * A requirement as derived. An account of 5,000 functions has some 56,000: what the rules read for each is
 * a field of its own; what its need or its context holds for all of theirs is read through them rather than
 * copied into each, and `breaks`, read only for a finding, is filled when read.
 */
class DerivedRequirement implements Requirement {
  constructor(
    private readonly need: CompiledNeed,
    private readonly context: Context,
    private readonly item: string | undefined,
    readonly actions: readonly string[],
    readonly resource: string,
    readonly anyName: boolean,
    readonly touches: readonly TouchedResource[] | undefined,
    readonly grantResource: string,
    readonly sid: string,
  ) {}

  get entryId(): string {
    return this.need.entryId;
  }

  get cause(): FindingCause {
    return this.context.cause;
  }

  get mode(): 'exact' | 'any-grant' {
    return this.need.mode;
  }

  get unverifiable(): string | undefined {
    return this.need.unverifiable;
  }

  get docsUrl(): string {
    return this.need.docsUrl;
  }

  get disabled(): boolean {
    return this.context.disabled;
  }

  get severity(): Severity {
    return this.need.severity;
  }

  get breaks(): string {
    return fill(this.need.breaks, this.context.bindings, this.item);
  }

  get origin(): string {
    return this.context.origin;
  }

  /**
   * Every field, as a plain object: the getters above live on the prototype, which JSON.stringify (a debug
   * print, a stored copy) would otherwise skip. A spread (`{ ...requirement }`) skips them too: copy with
   * this instead.
   */
  toJSON(): Requirement {
    return {
      entryId: this.entryId,
      actions: this.actions,
      resource: this.resource,
      anyName: this.anyName,
      touches: this.touches,
      grantResource: this.grantResource,
      cause: this.cause,
      mode: this.mode,
      ...(this.unverifiable === undefined ? {} : { unverifiable: this.unverifiable }),
      docsUrl: this.docsUrl,
      disabled: this.disabled,
      severity: this.severity,
      breaks: this.breaks,
      origin: this.origin,
      sid: this.sid,
    };
  }
}

function requirementOf(
  need: CompiledNeed,
  context: Context,
  expansion: Expansion,
  item: string | undefined,
): Requirement {
  const resource = expansion.text(need.resource, item);
  return new DerivedRequirement(
    need,
    context,
    item,
    need.actions,
    resource,
    need.anyName,
    need.touches === undefined ? undefined : expansion.touched(need.touches),
    need.grant < 0 ? resource : expansion.text(need.grant, item),
    expansion.text(need.sid, item),
  );
}

const EXPANSION = new Expansion();

/**
 * Appends the requirements of the needs that apply in `context` to `result`: one per need, or one per item
 * of its list placeholder.
 */
export function expandNeeds(compiled: CompiledNeeds, context: Context, result: Requirement[]): void {
  if (compiled.needs.length === 0) return;
  const expansion = EXPANSION;
  expansion.reset(context.bindings, compiled.templates);
  for (const need of compiled.needs) {
    const when = need.when;
    if (when !== undefined && !context.conditions.has(when)) continue;
    const key = expansion.listKey(need.resource);
    if (key === undefined) {
      result.push(requirementOf(need, context, expansion, undefined));
      continue;
    }
    const list = context.bindings[key] as readonly string[];
    for (const item of list.length > 1 ? new Set(list) : list)
      result.push(requirementOf(need, context, expansion, item));
  }
}

/** The list ordered by `key` as `localeCompare` orders it; the list itself when there is nothing to order. */
export function sortedBy<T>(list: readonly T[], key: (item: T) => string): readonly T[] {
  return list.length < 2 ? list : [...list].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The needs of the catalog entries of each scope (`logs`, `event-source:sqs`, `async-destination:s3`, …), compiled once. */
const NEEDS_BY_SCOPE: ReadonlyMap<string, CompiledNeeds> = (() => {
  const entriesByScope = new Map<string, CatalogEntry[]>();
  for (const entry of REQUIREMENT_CATALOG) {
    const scope = entry.scope;
    const key =
      scope.kind === 'event-source'
        ? `${scope.kind}:${scope.source}`
        : 'destination' in scope
          ? `${scope.kind}:${scope.destination}`
          : scope.kind;
    entriesByScope.set(key, [...(entriesByScope.get(key) ?? []), entry]);
  }
  return new Map([...entriesByScope].map(([key, entries]) => [key, compileNeeds(entries)]));
})();

/** `event-source:KIND` scope keys, built once rather than per mapping. */
const EVENT_SOURCE_SCOPE: Readonly<Record<EventSourceKind, string>> = {
  sqs: 'event-source:sqs',
  kinesis: 'event-source:kinesis',
  'kinesis-consumer': 'event-source:kinesis-consumer',
  'dynamodb-streams': 'event-source:dynamodb-streams',
  msk: 'event-source:msk',
  'self-managed-kafka': 'event-source:self-managed-kafka',
  mq: 'event-source:mq',
  documentdb: 'event-source:documentdb',
};

const NO_NEEDS: CompiledNeeds = { needs: [], templates: [] };

function needsOf(scope: string): CompiledNeeds {
  return NEEDS_BY_SCOPE.get(scope) ?? NO_NEEDS;
}

/** A type rather than an interface, so that it serves as the bindings of settings that need no more. */
type FunctionPlace = {
  readonly P: string;
  readonly R: string;
  readonly A: string;
};

/**
 * The subnets and security groups of a mapping's `VPC_SUBNET` / `VPC_SECURITY_GROUP` source access
 * configurations, as ids. The Lambda guide writes the URIs `subnet:subnet-…` and `security_group:sg-…`;
 * AWS CDK and CloudFormation pass the bare ids: both are read.
 */
function addMappingPlacement(mapping: EventSourceMapping, bindings: Bindings): void {
  const configurations = mapping.SourceAccessConfigurations;
  // Most mappings show no VPC: nothing to add (the touched subnets are then any of the account's).
  if (configurations === undefined || !configurations.some((config) => config.Type?.startsWith('VPC_')))
    return;
  const ids = (type: string, prefix: string): string[] =>
    (mapping.SourceAccessConfigurations ?? [])
      .filter((config) => config.Type === type)
      .map((config) => config.URI ?? '')
      .map((uri) => (uri.startsWith(prefix) ? uri.slice(prefix.length) : uri))
      .filter((id) => id !== '' && !id.includes(':'));
  bindings.subnetIds = ids('VPC_SUBNET', 'subnet:');
  bindings.securityGroupIds = ids('VPC_SECURITY_GROUP', 'security_group:');
}

function placeOf(fn: FunctionConfiguration): FunctionPlace {
  const arn = parseArn(fn.FunctionArn);
  return { P: arn?.partition ?? 'aws', R: arn?.region ?? '', A: arn?.account ?? '' };
}

function destinationBindings(place: FunctionPlace, target: string): Bindings {
  const name = isBucketArn(target) ? (bucketName(target) ?? target) : shortName(target);
  return {
    P: place.P,
    R: place.R,
    A: place.A,
    target,
    bucket: bucketName(target) ?? '',
    name,
    Name: sidName(name),
  };
}

function settingRequirements(
  fn: FunctionConfiguration,
  place: FunctionPlace,
  notes: RequirementNote[],
  result: Requirement[],
): void {
  const add = (scope: string, setting: string, origin: string, bindings: Bindings) => {
    const context: Context = {
      cause: { kind: 'function-configuration', setting },
      origin,
      disabled: false,
      conditions: NO_CONDITIONS,
      bindings,
    };
    expandNeeds(needsOf(scope), context, result);
  };

  const logGroup = fn.LoggingConfig?.LogGroup ?? `/aws/lambda/${fn.FunctionName}`;
  add('logs', 'LoggingConfig', `the function's log group ${logGroup}`, {
    P: place.P,
    R: place.R,
    A: place.A,
    logGroup,
    name: logGroup,
  });
  const subnets = fn.VpcConfig?.SubnetIds ?? [];
  if (subnets.length > 0) {
    add('vpc', 'VpcConfig', "the function's VPC configuration", {
      ...place,
      subnetIds: subnets,
      securityGroupIds: fn.VpcConfig?.SecurityGroupIds ?? [],
    });
  }
  if (fn.TracingConfig?.Mode === 'Active')
    add('tracing', 'TracingConfig', "the function's active tracing", place);

  const deadLetter = fn.DeadLetterConfig?.TargetArn;
  if (deadLetter !== undefined && deadLetter !== '') {
    const kind = destinationKind(deadLetter);
    if (kind === 'sqs' || kind === 'sns') {
      add(
        `dead-letter:${kind}`,
        'DeadLetterConfig',
        `the function's dead-letter ${kind === 'sqs' ? 'queue' : 'topic'}`,
        destinationBindings(place, deadLetter),
      );
    } else {
      notes.push({
        message: `The dead-letter target ${deadLetter} is neither an SQS queue nor an SNS topic; its permissions were not checked.`,
        cause: { kind: 'function-configuration', setting: 'DeadLetterConfig' },
        resource: deadLetter,
      });
    }
  }
}

function invokeConfigRequirements(
  place: FunctionPlace,
  configs: readonly EventInvokeConfig[],
  notes: RequirementNote[],
  result: Requirement[],
): void {
  for (const config of configs) {
    const qualifier = functionQualifierOf(config.FunctionArn);
    for (const outcome of ['OnSuccess', 'OnFailure'] as const) {
      const target = config.DestinationConfig?.[outcome]?.Destination;
      if (target === undefined || target === '') continue;
      const setting = `DestinationConfig.${outcome}${qualifier === undefined ? '' : ` (${qualifier})`}`;
      const kind = destinationKind(target);
      if (kind === undefined) {
        notes.push({
          message: `The ${outcome} destination ${target} is of a type the catalog does not know; its permissions were not checked.`,
          cause: { kind: 'function-configuration', setting },
          resource: target,
        });
        continue;
      }
      const context: Context = {
        cause: { kind: 'function-configuration', setting },
        origin: `the ${outcome} destination of asynchronous invocations${qualifier === undefined ? '' : ` of ${qualifier}`}`,
        disabled: false,
        conditions: NO_CONDITIONS,
        bindings: destinationBindings(place, target),
      };
      expandNeeds(needsOf(`async-destination:${kind}`), context, result);
    }
  }
}

function mappingBindings(mapping: EventSourceMapping, kind: EventSourceKind, place: FunctionPlace): Bindings {
  const source = mapping.EventSourceArn ?? '';
  const arn = parseArn(source);
  // Every key a mapping may bind, in one literal: one shape for all mappings (an unbound key is undefined).
  const bindings: Bindings = {
    P: place.P,
    R: place.R,
    A: place.A,
    source,
    secret: secretsOf(mapping),
    stream: undefined,
    consumer: undefined,
    group: undefined,
    topic: undefined,
    name: undefined,
    Name: undefined,
    subnetIds: undefined,
    securityGroupIds: undefined,
  };
  let name = shortName(source);
  if (kind === 'kinesis' || kind === 'kinesis-consumer') {
    const streamName = arn === undefined ? '' : (segment(arn.resource, '/', 1) ?? '');
    bindings.stream =
      arn === undefined
        ? source
        : `arn:${arn.partition}:kinesis:${arn.region}:${arn.account}:stream/${streamName}`;
    bindings.consumer = source;
    name = streamName;
  } else if (kind === 'dynamodb-streams') {
    name = (arn === undefined ? undefined : segment(arn.resource, '/', 1)) ?? name;
  } else if (kind === 'msk' && arn !== undefined) {
    const clusterName = segment(arn.resource, '/', 1) ?? '';
    const clusterUuid = segment(arn.resource, '/', 2) ?? '';
    const prefix = `arn:${arn.partition}:kafka:${arn.region}:${arn.account}`;
    const groupId = mapping.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? mapping.UUID;
    bindings.group = `${prefix}:group/${clusterName}/${clusterUuid}/${groupId}`;
    bindings.topic = (mapping.Topics ?? []).map(
      (topic) => `${prefix}:topic/${clusterName}/${clusterUuid}/${topic}`,
    );
    name = clusterName;
  } else if (kind === 'mq') {
    name = (arn === undefined ? undefined : segment(arn.resource, ':', 1)) ?? name;
  } else if (kind === 'self-managed-kafka') {
    const servers = mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS ?? [];
    name = servers[0] ?? 'self-managed Kafka';
    bindings.source = `Kafka cluster ${servers.join(',')}`;
  }
  bindings.name = name;
  bindings.Name = sidName(name);
  return bindings;
}

/** The cause a mapping's needs carry in findings. */
export function mappingCause(mapping: EventSourceMapping): FindingCause {
  // Four literals rather than spreads: one for each mapping.
  const { UUID: uuid, EventSourceArn: eventSourceArn, State: state } = mapping;
  if (eventSourceArn === undefined) {
    return state === undefined
      ? { kind: 'event-source-mapping', uuid }
      : { kind: 'event-source-mapping', uuid, state };
  }
  return state === undefined
    ? { kind: 'event-source-mapping', uuid, eventSourceArn }
    : { kind: 'event-source-mapping', uuid, eventSourceArn, state };
}

/** How a mapping is named as the origin of a need. */
export function mappingOrigin(mapping: EventSourceMapping): string {
  return `event source mapping ${mapping.UUID}${mapping.State === 'Disabled' ? ' (disabled)' : ''}`;
}

/** The need conditions a mapping can meet, each combination built once. */
const VPC_SUBNET: ReadonlySet<NeedCondition> = new Set(['vpc-subnet']);
const NO_AUTH_SECRET: ReadonlySet<NeedCondition> = new Set(['no-auth-secret']);
const VPC_SUBNET_NO_AUTH_SECRET: ReadonlySet<NeedCondition> = new Set(['vpc-subnet', 'no-auth-secret']);

/** The need conditions a mapping meets: it shows a VPC subnet; it has no `*_AUTH` configuration. */
function mappingConditions(mapping: EventSourceMapping): ReadonlySet<string> {
  const configurations = mapping.SourceAccessConfigurations ?? [];
  const vpcSubnet = configurations.some((config) => (config.Type ?? '') === 'VPC_SUBNET');
  const noAuthSecret = !configurations.some((config) => (config.Type ?? '').endsWith('_AUTH'));
  if (vpcSubnet) return noAuthSecret ? VPC_SUBNET_NO_AUTH_SECRET : VPC_SUBNET;
  return noAuthSecret ? NO_AUTH_SECRET : NO_CONDITIONS;
}

function mappingRequirements(
  mapping: EventSourceMapping,
  place: FunctionPlace,
  notes: RequirementNote[],
  families: Set<SourceFamily>,
  result: Requirement[],
): void {
  const cause = mappingCause(mapping);
  const disabled = mapping.State === 'Disabled';
  const origin = mappingOrigin(mapping);
  const kind = eventSourceKind(mapping);
  if (kind === undefined) {
    notes.push({
      message: `Event source mapping ${mapping.UUID} reads ${mapping.EventSourceArn ?? 'an event source'} of a type the catalog does not know; its permissions were not checked.`,
      cause,
      ...(mapping.EventSourceArn === undefined ? {} : { resource: mapping.EventSourceArn }),
    });
    return;
  }
  const family = FAMILY_OF_SOURCE[kind];
  if (family !== undefined) families.add(family);

  const conditions = mappingConditions(mapping);

  const bindings = mappingBindings(mapping, kind, place);
  addMappingPlacement(mapping, bindings);
  const context: Context = { cause, origin, disabled, conditions, bindings };
  expandNeeds(needsOf(EVENT_SOURCE_SCOPE[kind]), context, result);

  const onFailure = mapping.DestinationConfig?.OnFailure?.Destination;
  if (onFailure !== undefined && onFailure !== '') {
    const destination = destinationKind(onFailure);
    const matching = NEEDS_BY_SCOPE.get(`esm-on-failure:${destination}`);
    if (matching === undefined) {
      notes.push({
        message: `The on-failure destination ${onFailure} of event source mapping ${mapping.UUID} is of a type the catalog does not know; its permissions were not checked.`,
        cause,
        resource: onFailure,
      });
    } else {
      const destinationContext: Context = { ...context, bindings: destinationBindings(place, onFailure) };
      expandNeeds(matching, destinationContext, result);
    }
  }
}

/**
 * Every requirement of one function. `mappings` and `invokeConfigs` must already be the function's own
 * (matched by function name, qualified ARNs included). Order is deterministic: function settings in
 * catalog order, then invoke configs, then mappings by UUID. A secret or topic listed twice in one
 * mapping gives one requirement.
 */
export function deriveRequirements(
  fn: FunctionConfiguration,
  mappings: readonly EventSourceMapping[],
  invokeConfigs: readonly EventInvokeConfig[] = [],
): DerivedRequirements {
  const place = placeOf(fn);
  const notes: RequirementNote[] = [];
  const families = new Set<SourceFamily>();
  const all: Requirement[] = [];
  settingRequirements(fn, place, notes, all);
  invokeConfigRequirements(
    place,
    sortedBy(invokeConfigs, (config) => config.FunctionArn),
    notes,
    all,
  );
  for (const mapping of sortedBy(mappings, (mapping) => mapping.UUID))
    mappingRequirements(mapping, place, notes, families, all);
  return { requirements: all, notes, families };
}
