/**
 * Which KMS key encrypts a queue, stream, topic or secret, and whether it is a customer managed key (the
 * only kind whose use the execution role must be granted: requirements.md §2a).
 *
 * A resource names its key the way its API takes it: a key id, a key ARN, an alias name (`alias/orders`)
 * or an alias ARN. Key ids and alias names are regional and belong to the resource's account; ARNs say
 * where they are. A predefined AWS alias (`alias/aws/sqs`, `alias/aws/kinesis`, …) always names an AWS
 * managed key ("If you specify a predefined AWS alias (an AWS alias with no key ID), KMS associates the
 * alias with an AWS managed key", DescribeKey, https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html),
 * so it needs no lookup. Anything else is resolved through `DescribeKey`'s `KeyManager` (`AWS` or
 * `CUSTOMER`), read live or from the export folder.
 */
import { parseArn } from './arn.js';
import type { EncryptionFacts, KmsAlias, KmsKey } from './model.js';

export type KeyResolution =
  | { readonly kind: 'none' }
  | { readonly kind: 'aws-managed'; readonly key: string }
  | { readonly kind: 'customer-managed'; readonly keyArn: string; readonly reference: string }
  | { readonly kind: 'unknown'; readonly reason: string };

const AWS_ALIAS_PREFIX = 'alias/aws/';

/** A predefined AWS alias, by name or ARN: an AWS managed key, whatever the account. */
export function isAwsManagedAlias(reference: string): boolean {
  if (reference.startsWith(AWS_ALIAS_PREFIX)) return true;
  const arn = parseArn(reference);
  return arn?.service === 'kms' && arn.resource.startsWith(AWS_ALIAS_PREFIX);
}

/**
 * Where a key reference is looked up: its own ARN's region and account, else those of the resource that
 * names it (a key id or alias name is always in the resource's account and region).
 */
export function keyPlace(reference: string, resourceArn: string): { region: string; account: string } {
  const own = parseArn(reference);
  if (own?.service === 'kms') return { region: own.region, account: own.account };
  const resource = parseArn(resourceArn);
  return { region: resource?.region ?? '', account: resource?.account ?? '' };
}

function inPlace(arn: string | undefined, place: { region: string; account: string }): boolean {
  const parsed = arn === undefined ? undefined : parseArn(arn);
  return parsed !== undefined && parsed.region === place.region && parsed.account === place.account;
}

function keyById(keys: readonly KmsKey[], id: string, place: { region: string; account: string }) {
  return keys.find((key) => (key.KeyId === id || key.Arn === id) && inPlace(key.Arn, place));
}

function aliasOf(
  aliases: readonly KmsAlias[],
  reference: string,
  place: { region: string; account: string },
): KmsAlias | undefined {
  if (reference.startsWith('arn:')) return aliases.find((alias) => alias.AliasArn === reference);
  // An alias without an ARN (a hand-made file) is taken to be in the resource's place.
  return aliases.find(
    (alias) =>
      alias.AliasName === reference && (alias.AliasArn === undefined || inPlace(alias.AliasArn, place)),
  );
}

/** The key a reference names, if the facts describe it. */
function describedKey(facts: EncryptionFacts, reference: string, resourceArn: string): KmsKey | undefined {
  const place = keyPlace(reference, resourceArn);
  const arn = parseArn(reference);
  const isAlias =
    reference.startsWith('alias/') || (arn?.service === 'kms' && arn.resource.startsWith('alias/'));
  if (!isAlias) {
    if (arn !== undefined) return facts.keys.find((key) => key.Arn === reference);
    return keyById(facts.keys, reference, place);
  }
  const alias = aliasOf(facts.aliases, reference, place);
  const target = alias?.TargetKeyId;
  return target === undefined ? undefined : keyById(facts.keys, target, place);
}

/** The key that encrypts `resourceArn`, as far as `facts` tell. */
export function resolveResourceKey(facts: EncryptionFacts, resourceArn: string): KeyResolution {
  const entry = facts.resources.get(resourceArn);
  if (entry === undefined) {
    const why = facts.unreadable.get(resourceArn);
    return {
      kind: 'unknown',
      reason:
        why === undefined
          ? `its attributes are not in ${facts.origin}`
          : `its attributes could not be read: ${why}`,
    };
  }
  const reference = entry.kmsKeyId;
  if (reference === undefined || reference === '') return { kind: 'none' };
  if (isAwsManagedAlias(reference)) return { kind: 'aws-managed', key: reference };
  const key = describedKey(facts, reference, resourceArn);
  if (key === undefined) {
    const why = facts.unreadable.get(reference);
    return {
      kind: 'unknown',
      reason:
        why === undefined
          ? `its key ${reference} is not described in ${facts.origin}`
          : `its key ${reference} could not be described: ${why}`,
    };
  }
  if (key.KeyManager === 'AWS') return { kind: 'aws-managed', key: key.Arn };
  if (key.KeyManager === 'CUSTOMER') return { kind: 'customer-managed', keyArn: key.Arn, reference };
  return {
    kind: 'unknown',
    reason: `its key ${key.Arn} has no KeyManager (AWS or CUSTOMER) in ${facts.origin}`,
  };
}
