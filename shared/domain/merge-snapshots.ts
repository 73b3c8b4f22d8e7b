/**
 * Several regions' snapshots of one account as one snapshot, so that a role is judged with all of its
 * functions in every audited region (IAM is global; a consumer in one region must keep a grant from being
 * "unused" in another). Roles and managed policies are the same in every region's read: the first copy is
 * kept. Everything regional is concatenated. Pure.
 */
import type {
  AccountSnapshot,
  EncryptionFacts,
  KmsAlias,
  KmsKey,
  ReadError,
  ResourceEncryption,
} from './model.js';

function mergeEncryption(all: readonly (EncryptionFacts | undefined)[]): EncryptionFacts | undefined {
  const present = all.filter((facts): facts is EncryptionFacts => facts !== undefined);
  const [first] = present;
  if (first === undefined) return undefined;
  if (present.length === 1) return first;
  const resources = new Map<string, ResourceEncryption>();
  const unreadable = new Map<string, string>();
  const keys: KmsKey[] = [];
  const aliases: KmsAlias[] = [];
  for (const facts of present) {
    for (const [arn, resource] of facts.resources) resources.set(arn, resource);
    for (const [what, why] of facts.unreadable) unreadable.set(what, why);
    keys.push(...facts.keys);
    aliases.push(...facts.aliases);
  }
  return { resources, keys, aliases, unreadable, origin: first.origin };
}

/** IAM is read once for every region: its failures reach each region's read, and are reported once. */
function distinctReadErrors(errors: readonly ReadError[]): ReadError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.resource}\n${error.functionName ?? ''}\n${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function mergeSnapshots(snapshots: readonly AccountSnapshot[]): AccountSnapshot {
  const [first] = snapshots;
  if (first === undefined) throw new RangeError('mergeSnapshots needs at least one snapshot');
  if (snapshots.length === 1) return first;
  const roles = new Map(first.roles);
  const managedPolicies = new Map(first.managedPolicies);
  for (const snapshot of snapshots.slice(1)) {
    for (const [arn, role] of snapshot.roles) if (!roles.has(arn)) roles.set(arn, role);
    for (const [arn, policy] of snapshot.managedPolicies)
      if (!managedPolicies.has(arn)) managedPolicies.set(arn, policy);
  }
  const regions = [
    ...new Set(
      snapshots.flatMap((snapshot) => [
        ...(snapshot.source.region === undefined ? [] : [snapshot.source.region]),
        ...(snapshot.source.regions ?? []),
      ]),
    ),
  ].sort();
  const account = snapshots.map((snapshot) => snapshot.source.account).find((found) => found !== undefined);
  const some = <T>(pick: (snapshot: AccountSnapshot) => readonly T[] | undefined): T[] | undefined =>
    snapshots.some((snapshot) => pick(snapshot) !== undefined)
      ? snapshots.flatMap((snapshot) => pick(snapshot) ?? [])
      : undefined;
  const eventInvokeConfigs = some((snapshot) => snapshot.eventInvokeConfigs);
  const versions = some((snapshot) => snapshot.versions);
  const aliases = some((snapshot) => snapshot.aliases);
  const encryption = mergeEncryption(snapshots.map((snapshot) => snapshot.encryption));
  return {
    source: {
      kind: first.source.kind,
      ...(account === undefined ? {} : { account }),
      ...(regions.length === 1 ? { region: regions[0] as string } : regions.length > 1 ? { regions } : {}),
      ...(first.source.path === undefined ? {} : { path: first.source.path }),
    },
    functions: snapshots.flatMap((snapshot) => snapshot.functions),
    eventSourceMappings: snapshots.flatMap((snapshot) => snapshot.eventSourceMappings),
    ...(eventInvokeConfigs === undefined ? {} : { eventInvokeConfigs }),
    roles,
    managedPolicies,
    readErrors: distinctReadErrors(snapshots.flatMap((snapshot) => snapshot.readErrors)),
    ...(versions === undefined ? {} : { versions }),
    ...(aliases === undefined ? {} : { aliases }),
    ...(encryption === undefined ? {} : { encryption }),
    ...(snapshots.some((snapshot) => snapshot.partial === true) ? { partial: true } : {}),
  };
}
