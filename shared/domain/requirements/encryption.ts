/**
 * Customer managed key needs (requirements.md §2a): which queues, streams, topics and secrets a function
 * uses, and what its role needs on the key of each one that a customer managed key encrypts. Pure.
 *
 * - a mapping reads its SQS queue or Kinesis stream (a consumer's parent stream): `kms:Decrypt`;
 * - a Kafka, Amazon MQ or DocumentDB mapping reads its `*_AUTH` / `*_CERTIFICATE` secrets: `kms:Decrypt`;
 * - Lambda sends to a queue (dead-letter queue, a mapping's on-failure destination, an asynchronous
 *   destination): `kms:GenerateDataKey` and `kms:Decrypt`; publishes to a topic: the same.
 *
 * A use whose key is not known (no encryption attributes in the source, a resource that could not be read,
 * a key that could not be described) is not a finding: it is an `UnverifiedNeed`, listed with its reason
 * under the function's `unverified` (the report says why, and never pretends the need is met).
 * DynamoDB Streams need nothing (AWS documents no key permission for stream readers).
 */
import { functionQualifierOf, parseArn, shortName } from '../arn.js';
import { type KeyResolution, resolveResourceKey } from '../kms-keys.js';
import type {
  EncryptionFacts,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
} from '../model.js';
import type { FindingCause, UnverifiedNeed } from '../report.js';
import { type CatalogEntry, type KmsUse, REQUIREMENT_CATALOG } from './catalog.js';
import {
  type CompiledNeeds,
  type Context,
  compileNeeds,
  destinationKind,
  eventSourceKind,
  expandNeeds,
  mappingCause,
  mappingOrigin,
  type Requirement,
  secretsOf,
  sidName,
  sortedBy,
} from './derive.js';

/** One resource a function uses, and how. */
export interface EncryptedResourceUse {
  readonly resourceArn: string;
  readonly use: KmsUse;
  readonly cause: FindingCause;
  readonly origin: string;
  readonly disabled: boolean;
}

export interface EncryptionNeeds {
  readonly requirements: readonly Requirement[];
  readonly unverified: readonly UnverifiedNeed[];
}

const ENTRIES: ReadonlyMap<KmsUse, CatalogEntry> = new Map(
  REQUIREMENT_CATALOG.flatMap((entry) =>
    entry.scope.kind === 'kms' ? [[entry.scope.use, entry] as const] : [],
  ),
);

/** The needs of each use's entry, compiled once. */
const NEEDS: ReadonlyMap<KmsUse, CompiledNeeds> = new Map(
  [...ENTRIES].map(([use, entry]) => [use, compileNeeds([entry])]),
);

/** The actions each use needs on its key, as an unverified need lists them (the first of each need). */
const ACTIONS: ReadonlyMap<KmsUse, readonly string[]> = new Map(
  [...ENTRIES].map(([use, entry]) => [use, entry.needs.flatMap((need) => need.anyOf.slice(0, 1))]),
);

const NO_CONDITIONS: ReadonlySet<string> = new Set();

function sendUse(target: string): KmsUse | undefined {
  const kind = destinationKind(target);
  return kind === 'sqs' ? 'send-queue' : kind === 'sns' ? 'publish-topic' : undefined;
}

/** The parent stream of a Kinesis stream or consumer ARN. */
function streamOf(source: string): string {
  const arn = parseArn(source);
  if (arn === undefined) return source;
  const name = arn.resource.split('/')[1] ?? '';
  return `arn:${arn.partition}:kinesis:${arn.region}:${arn.account}:stream/${name}`;
}

const SECRET_SOURCES = new Set(['msk', 'self-managed-kafka', 'mq', 'documentdb']);

type AddUse = (
  resourceArn: string,
  use: KmsUse | undefined,
  cause: FindingCause,
  origin: string,
  disabled?: boolean,
) => void;

function collector(uses: EncryptedResourceUse[]): AddUse {
  return (resourceArn, use, cause, origin, disabled = false) => {
    if (use !== undefined && resourceArn !== '') uses.push({ resourceArn, use, cause, origin, disabled });
  };
}

function deadLetterUses(fn: FunctionConfiguration, add: AddUse): void {
  const deadLetter = fn.DeadLetterConfig?.TargetArn;
  if (deadLetter === undefined || deadLetter === '') return;
  add(
    deadLetter,
    sendUse(deadLetter),
    { kind: 'function-configuration', setting: 'DeadLetterConfig' },
    "the function's dead-letter target",
  );
}

function invokeConfigUses(invokeConfigs: readonly EventInvokeConfig[], add: AddUse): void {
  for (const config of sortedBy(invokeConfigs, (config) => config.FunctionArn)) {
    for (const outcome of ['OnSuccess', 'OnFailure'] as const) {
      const target = config.DestinationConfig?.[outcome]?.Destination;
      if (target === undefined || target === '') continue;
      const qualifier = functionQualifierOf(config.FunctionArn);
      const setting = `DestinationConfig.${outcome}${qualifier === undefined ? '' : ` (${qualifier})`}`;
      add(
        target,
        sendUse(target),
        { kind: 'function-configuration', setting },
        `the ${outcome} destination of asynchronous invocations`,
      );
    }
  }
}

function mappingUses(mappings: readonly EventSourceMapping[], add: AddUse): void {
  for (const mapping of sortedBy(mappings, (mapping) => mapping.UUID)) {
    const cause = mappingCause(mapping);
    const disabled = mapping.State === 'Disabled';
    const origin = mappingOrigin(mapping);
    const kind = eventSourceKind(mapping);
    const source = mapping.EventSourceArn ?? '';
    if (kind === 'sqs') add(source, 'read-queue', cause, origin, disabled);
    if (kind === 'kinesis' || kind === 'kinesis-consumer')
      add(streamOf(source), 'read-stream', cause, origin, disabled);
    if (kind !== undefined && SECRET_SOURCES.has(kind)) {
      const secrets = secretsOf(mapping);
      for (const secret of secrets.length > 1 ? new Set(secrets) : secrets)
        add(secret, 'read-secret', cause, origin, disabled);
    }
    const onFailure = mapping.DestinationConfig?.OnFailure?.Destination;
    if (onFailure !== undefined && onFailure !== '')
      add(onFailure, sendUse(onFailure), cause, origin, disabled);
  }
}

/**
 * Every queue, stream, topic and secret the function uses, in a fixed order (the function's dead-letter
 * target, its invoke configs, then its mappings by UUID).
 */
export function encryptedResourceUses(
  fn: FunctionConfiguration,
  mappings: readonly EventSourceMapping[],
  invokeConfigs: readonly EventInvokeConfig[] = [],
): EncryptedResourceUse[] {
  const uses: EncryptedResourceUse[] = [];
  const add = collector(uses);
  deadLetterUses(fn, add);
  invokeConfigUses(invokeConfigs, add);
  mappingUses(mappings, add);
  return uses;
}

/**
 * The resources whose keys a whole read needs (functions and versions, all their mappings and invoke
 * configs): the live reader reads the attributes of exactly these.
 */
export function encryptedResourcesOf(
  functions: readonly FunctionConfiguration[],
  mappings: readonly EventSourceMapping[],
  invokeConfigs: readonly EventInvokeConfig[],
): string[] {
  const uses: EncryptedResourceUse[] = [];
  const add = collector(uses);
  for (const fn of functions) deadLetterUses(fn, add);
  invokeConfigUses(invokeConfigs, add);
  mappingUses(mappings, add);
  return [...new Set(uses.map((use) => use.resourceArn))].sort();
}

const NOT_READ =
  'no encryption attributes were read (an export folder without resource-encryption.json), so whether a customer managed key encrypts it is not known';

const NOT_READ_RESOLUTION: KeyResolution = { kind: 'unknown', reason: NOT_READ };

function what(use: KmsUse): string {
  switch (use) {
    case 'read-queue':
    case 'send-queue':
      return 'queue';
    case 'read-stream':
      return 'stream';
    case 'read-secret':
      return 'secret';
    case 'publish-topic':
      return 'topic';
  }
}

/**
 * The key requirements of a function's uses. `facts` undefined: the source offers no encryption
 * attributes, and every use is unverified.
 */
export function deriveEncryptionNeeds(
  uses: readonly EncryptedResourceUse[],
  facts: EncryptionFacts | undefined,
): EncryptionNeeds {
  const requirements: Requirement[] = [];
  const unverified: UnverifiedNeed[] = [];
  // A resource used twice (a queue as source and destination) is resolved once; most functions use one.
  const resolutions = uses.length > 1 ? new Map<string, KeyResolution>() : undefined;
  for (const use of uses) {
    const needs = NEEDS.get(use.use);
    const actions = ACTIONS.get(use.use);
    if (needs === undefined || actions === undefined) continue;
    let resolution = resolutions?.get(use.resourceArn);
    if (resolution === undefined) {
      resolution = facts === undefined ? NOT_READ_RESOLUTION : resolveResourceKey(facts, use.resourceArn);
      resolutions?.set(use.resourceArn, resolution);
    }
    if (resolution.kind === 'unknown') {
      unverified.push({
        actions,
        resource: use.resourceArn,
        reason: `${what(use.use)} ${shortName(use.resourceArn)}, used by ${use.origin}: ${resolution.reason}`,
        cause: use.cause,
      });
      continue;
    }
    if (resolution.kind !== 'customer-managed') continue;
    const name = shortName(use.resourceArn);
    const context: Context = {
      cause: use.cause,
      origin: `${use.origin} (${what(use.use)} ${name} is encrypted with customer managed key ${resolution.reference})`,
      disabled: use.disabled,
      conditions: NO_CONDITIONS,
      bindings: { key: resolution.keyArn, name, Name: sidName(name) },
    };
    expandNeeds(needs, context, requirements);
  }
  return { requirements, unverified };
}
