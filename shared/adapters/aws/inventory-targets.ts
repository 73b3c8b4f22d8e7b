/**
 * The versions, aliases and resource keys an inventory entry keeps (issue 10 with issue 9's reads): cut per
 * function from a live read of several functions, and joined again for an audit. Pure, in the APIs' shapes
 * (`resource-encryption.json`'s form for the keys).
 *
 * A function's share of the encryption facts is the attributes of the queues, streams, topics and secrets it
 * and its versions use (`encryptedResourcesOfRead`), the keys and KMS aliases those name, and what could not be
 * read among them. The facts are kept only when everything was read, or when what was not is in another
 * region (recorded without a call): a failed read (throttling, access denied) is tried again at each audit
 * rather than kept for a day.
 */
import type {
  AliasConfiguration,
  EventSourceMappingConfiguration,
  FunctionEventInvokeConfig,
  FunctionConfiguration as LambdaFunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { parseArn } from '../../domain/arn.js';
import type { ResourceEncryptionFile } from '../export-folder/export-folder-schemas.js';
import type { InventoryTargets } from '../state-store/inventory-store.js';
import { encryptedResourcesOfRead, type LiveAccountData } from './live-account-reader.js';

const unqualified = (arn: string) => arn.split(':').slice(0, 7).join(':');

type Read = Pick<LiveAccountData, 'versions' | 'aliases' | 'resourceEncryption'>;

/** The key references of the resources' attributes (as the resources name them). */
function keyReferences(file: ResourceEncryptionFile, resources: ReadonlySet<string>): Set<string> {
  const references = new Set<string>();
  const add = (reference: string | undefined) => {
    if (reference !== undefined && reference !== '') references.add(reference);
  };
  for (const q of file.Queues ?? [])
    if (resources.has(q.Attributes.QueueArn)) add(q.Attributes.KmsMasterKeyId);
  for (const s of file.Streams ?? [])
    if (resources.has(s.StreamDescriptionSummary.StreamARN)) add(s.StreamDescriptionSummary.KeyId);
  for (const t of file.Topics ?? [])
    if (resources.has(t.Attributes.TopicArn)) add(t.Attributes.KmsMasterKeyId);
  for (const s of file.Secrets ?? []) if (resources.has(s.ARN)) add(s.KmsKeyId);
  return references;
}

/**
 * The part of a read's encryption facts about `resources`; `undefined` when one of them (or a key they name)
 * could not be read for a reason a later read could overcome.
 */
export function encryptionShare(
  file: ResourceEncryptionFile,
  resources: readonly string[],
  region: string,
): ResourceEncryptionFile | undefined {
  const used = new Set(resources);
  const references = keyReferences(file, used);
  const aliases = (file.Aliases ?? []).filter(
    (alias) =>
      references.has(alias.AliasName) || (alias.AliasArn !== undefined && references.has(alias.AliasArn)),
  );
  const targets = new Set(aliases.map((alias) => alias.TargetKeyId));
  const keys = (file.Keys ?? []).filter(
    (key) =>
      references.has(key.KeyMetadata.KeyId) ||
      references.has(key.KeyMetadata.Arn) ||
      targets.has(key.KeyMetadata.KeyId) ||
      targets.has(key.KeyMetadata.Arn),
  );
  const unreadable = (file.Unreadable ?? []).filter(
    (item) => used.has(item.Resource) || references.has(item.Resource),
  );
  // Another region's resource is recorded without a call, and stays so: anything else may read next time.
  if (unreadable.some((item) => parseArn(item.Resource)?.region === region || !used.has(item.Resource)))
    return undefined;
  return {
    Queues: (file.Queues ?? []).filter((q) => used.has(q.Attributes.QueueArn)),
    Streams: (file.Streams ?? []).filter((s) => used.has(s.StreamDescriptionSummary.StreamARN)),
    Topics: (file.Topics ?? []).filter((t) => used.has(t.Attributes.TopicArn)),
    Secrets: (file.Secrets ?? []).filter((s) => used.has(s.ARN)),
    Keys: keys,
    Aliases: aliases,
    Unreadable: unreadable,
  };
}

/** One function's share of a live read's versions, aliases and keys (the read covers it and maybe others). */
export function targetsOf(
  functionArn: string,
  configuration: LambdaFunctionConfiguration,
  mappings: readonly EventSourceMappingConfiguration[],
  invokeConfigs: readonly FunctionEventInvokeConfig[],
  read: Read,
  region: string,
): InventoryTargets {
  const versions = (read.versions ?? []).filter((v) => unqualified(v.FunctionArn ?? '') === functionArn);
  const aliases = (read.aliases ?? []).filter((a) => unqualified(a.AliasArn ?? '') === functionArn);
  if (read.resourceEncryption === undefined) return { versions, aliases };
  const resources = encryptedResourcesOfRead([configuration], versions, mappings, invokeConfigs);
  const share = encryptionShare(read.resourceEncryption, resources, region);
  return share === undefined ? { versions, aliases } : { versions, aliases, resourceEncryption: share };
}

/**
 * Several entries' targets (and live reads) as one read. Where two say something about the same version,
 * alias, resource or key, the one read last wins (`readAt`, ISO 8601).
 */
export function joinTargets(parts: readonly { readonly targets: Read; readonly readAt: string }[]): Read {
  const ordered = [...parts].sort((a, b) => a.readAt.localeCompare(b.readAt));
  const versions = new Map<string, LambdaFunctionConfiguration>();
  const aliases = new Map<string, AliasConfiguration>();
  const queues = new Map<string, NonNullable<ResourceEncryptionFile['Queues']>[number]>();
  const streams = new Map<string, NonNullable<ResourceEncryptionFile['Streams']>[number]>();
  const topics = new Map<string, NonNullable<ResourceEncryptionFile['Topics']>[number]>();
  const secrets = new Map<string, NonNullable<ResourceEncryptionFile['Secrets']>[number]>();
  const keys = new Map<string, NonNullable<ResourceEncryptionFile['Keys']>[number]>();
  const kmsAliases = new Map<string, NonNullable<ResourceEncryptionFile['Aliases']>[number]>();
  const unreadable = new Map<string, NonNullable<ResourceEncryptionFile['Unreadable']>[number]>();
  let read = false;
  for (const { targets } of ordered) {
    for (const v of targets.versions ?? []) versions.set(v.FunctionArn ?? '', v);
    for (const a of targets.aliases ?? []) aliases.set(a.AliasArn ?? '', a);
    const file = targets.resourceEncryption;
    if (file === undefined) continue;
    read = true;
    for (const q of file.Queues ?? []) queues.set(q.Attributes.QueueArn, q);
    for (const s of file.Streams ?? []) streams.set(s.StreamDescriptionSummary.StreamARN, s);
    for (const t of file.Topics ?? []) topics.set(t.Attributes.TopicArn, t);
    for (const s of file.Secrets ?? []) secrets.set(s.ARN, s);
    for (const k of file.Keys ?? []) keys.set(k.KeyMetadata.Arn, k);
    for (const a of file.Aliases ?? []) kmsAliases.set(a.AliasArn ?? a.AliasName, a);
    for (const u of file.Unreadable ?? []) unreadable.set(u.Resource, u);
  }
  const sorted = <T>(map: ReadonlyMap<string, T>) =>
    [...map].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value);
  const joined = { versions: sorted(versions), aliases: sorted(aliases) };
  // No part read the keys (no encryption clients): the audit says so, rather than finding nothing.
  if (!read) return joined;
  return {
    ...joined,
    resourceEncryption: {
      Queues: sorted(queues),
      Streams: sorted(streams),
      Topics: sorted(topics),
      Secrets: sorted(secrets),
      Keys: sorted(keys),
      Aliases: sorted(kmsAliases),
      Unreadable: sorted(unreadable),
    },
  };
}
