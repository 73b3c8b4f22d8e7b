/**
 * `resource-encryption.json` (the AWS CLI's outputs for the queues, streams, topics, secrets and keys the
 * functions use) → the audit's `EncryptionFacts`. One conversion for the export folder and the live read,
 * which produces the same shape, so that both see the same keys.
 *
 * What each attribute means:
 * - a queue's or topic's `KmsMasterKeyId`: the key; absent → no KMS key (SSE-SQS or no encryption);
 * - a stream's `KeyId` counts only with `EncryptionType` `KMS` (`NONE` → not encrypted);
 * - a secret's `KmsKeyId`: absent when Secrets Manager's AWS managed key `aws/secretsmanager` encrypts it
 *   (DescribeSecret: "If the secret is encrypted with the AWS managed key aws/secretsmanager, this field
 *   is omitted").
 */
import type {
  EncryptionFacts,
  FunctionAlias,
  KmsAlias,
  KmsKey,
  ResourceEncryption,
} from '../../domain/model.js';
import type { AliasDetail, ResourceEncryptionFile } from './export-folder-schemas.js';

export function toEncryptionFacts(file: ResourceEncryptionFile, origin: string): EncryptionFacts {
  const resources = new Map<string, ResourceEncryption>();
  const add = (resourceArn: string, kmsKeyId: string | undefined) => {
    resources.set(
      resourceArn,
      kmsKeyId === undefined || kmsKeyId === '' ? { resourceArn } : { resourceArn, kmsKeyId },
    );
  };
  for (const { Attributes } of file.Queues ?? []) add(Attributes.QueueArn, Attributes.KmsMasterKeyId);
  for (const { StreamDescriptionSummary: stream } of file.Streams ?? []) {
    add(stream.StreamARN, stream.EncryptionType === 'KMS' ? stream.KeyId : undefined);
  }
  for (const { Attributes } of file.Topics ?? []) add(Attributes.TopicArn, Attributes.KmsMasterKeyId);
  for (const secret of file.Secrets ?? []) add(secret.ARN, secret.KmsKeyId);
  const keys: KmsKey[] = (file.Keys ?? []).map(({ KeyMetadata }) => ({
    KeyId: KeyMetadata.KeyId,
    Arn: KeyMetadata.Arn,
    ...(KeyMetadata.KeyManager === undefined ? {} : { KeyManager: KeyMetadata.KeyManager }),
  }));
  const aliases: KmsAlias[] = (file.Aliases ?? []).map((alias) => ({
    AliasName: alias.AliasName,
    ...(alias.AliasArn === undefined ? {} : { AliasArn: alias.AliasArn }),
    ...(alias.TargetKeyId === undefined ? {} : { TargetKeyId: alias.TargetKeyId }),
  }));
  const unreadable = new Map<string, string>();
  for (const item of file.Unreadable ?? []) unreadable.set(item.Resource, item.Reason);
  return { resources, keys, aliases, unreadable, origin };
}

/** An alias as the model holds it: no routing configuration rather than a `null` one. */
export function toFunctionAlias(alias: AliasDetail): FunctionAlias {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights;
  return {
    AliasArn: alias.AliasArn,
    Name: alias.Name,
    FunctionVersion: alias.FunctionVersion,
    ...(weights === undefined ? {} : { RoutingConfig: { AdditionalVersionWeights: weights } }),
  };
}
