/**
 * Reads the encryption attributes of the queues, streams, topics and secrets the functions use, and
 * describes the KMS keys they name, in the shape of `resource-encryption.json` (the AWS CLI's outputs):
 *
 * | Resource | Call | Attribute |
 * |---|---|---|
 * | SQS queue | `GetQueueAttributes` (`QueueArn`, `KmsMasterKeyId`) | `KmsMasterKeyId` |
 * | Kinesis stream | `DescribeStreamSummary` (`StreamARN`) | `EncryptionType`, `KeyId` |
 * | SNS topic | `GetTopicAttributes` | `KmsMasterKeyId` |
 * | Secrets Manager secret | `DescribeSecret` | `KmsKeyId` (absent: `aws/secretsmanager`) |
 * | KMS key named by one of them | `DescribeKey` (key id, key ARN, alias name or alias ARN) | `Arn`, `KeyManager` |
 *
 * One call per distinct resource, and one `DescribeKey` per distinct key reference other than a predefined
 * AWS alias (`alias/aws/…`, always AWS managed). What cannot be read (the resource does not exist, access
 * denied, throttled after retries, another region) is recorded under `Unreadable` with the reason: the
 * audit then lists the need as unverified. It never stops the read, and never makes a function incomplete:
 * only its customer managed key need is unknown.
 *
 * The queue URL is built from the ARN (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`, the documented
 * form) and the client is created with `useQueueUrlAsEndpoint: false`, so the request goes to the client's
 * own endpoint whatever host the URL names (moto-notes P6).
 */

import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn } from '../../domain/arn.js';
import { isAwsManagedAlias, keyPlace } from '../../domain/kms-keys.js';
import type { ResourceEncryptionFile } from '../export-folder/export-folder-schemas.js';
import { awsErrorKind, describeAwsError } from './aws-errors.js';

export interface EncryptionClients {
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;
  readonly sns: SNSClient;
  readonly secretsManager: SecretsManagerClient;
  readonly kms: KMSClient;
}

type Mutable<T> = { -readonly [K in keyof T]: NonNullable<T[K]> };
type File = Mutable<Required<ResourceEncryptionFile>>;

export interface EncryptionReadOptions {
  /** The region the clients read; resources elsewhere are recorded as unreadable. */
  readonly region: string;
  readonly concurrency: number;
  readonly map: <T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) => Promise<R[]>;
  readonly onProgress?: (done: number, total: number) => void;
}

/** `https://sqs.eu-west-1.amazonaws.com/111122223333/orders` for `arn:aws:sqs:eu-west-1:111122223333:orders`. */
export function queueUrlOf(queueArn: string): string | undefined {
  const arn = parseArn(queueArn);
  if (arn?.service !== 'sqs' || arn.resource === '') return undefined;
  const suffix = arn.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${arn.region}.${suffix}/${arn.account}/${arn.resource}`;
}

function notFound(what: string): string {
  return `the ${what} does not exist (or is not visible to these credentials)`;
}

/** Reads what the resources' keys are. `resources` are ARNs of queues, streams, topics and secrets. */
export async function readResourceEncryption(
  clients: EncryptionClients,
  resources: Iterable<string>,
  options: EncryptionReadOptions,
): Promise<ResourceEncryptionFile> {
  const file: File = {
    Queues: [],
    Streams: [],
    Topics: [],
    Secrets: [],
    Keys: [],
    Aliases: [],
    Unreadable: [],
  };
  const unreadable = (resource: string, reason: string) =>
    file.Unreadable.push({ Resource: resource, Reason: reason });
  const distinct = [...new Set(resources)].sort();
  const keyReferences = new Map<string, string>(); // reference → a resource that names it
  let done = 0;
  const total = distinct.length;

  const readOne = async (resourceArn: string): Promise<void> => {
    const arn = parseArn(resourceArn);
    if (arn === undefined) return;
    if (arn.region !== options.region) {
      unreadable(
        resourceArn,
        `it is in region ${arn.region}, not in ${options.region} where its function was read`,
      );
      return;
    }
    let operation = '';
    let what = '';
    try {
      let key: string | undefined;
      switch (arn.service) {
        case 'sqs': {
          operation = 'GetQueueAttributes';
          what = 'queue';
          const url = queueUrlOf(resourceArn);
          if (url === undefined) return;
          const got = await clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'KmsMasterKeyId'] }),
          );
          key = got.Attributes?.KmsMasterKeyId;
          file.Queues.push({
            Attributes: { QueueArn: resourceArn, ...(key === undefined ? {} : { KmsMasterKeyId: key }) },
          });
          break;
        }
        case 'kinesis': {
          operation = 'DescribeStreamSummary';
          what = 'stream';
          const got = await clients.kinesis.send(
            new DescribeStreamSummaryCommand({ StreamARN: resourceArn }),
          );
          const summary = got.StreamDescriptionSummary;
          key = summary?.EncryptionType === 'KMS' ? summary.KeyId : undefined;
          file.Streams.push({
            StreamDescriptionSummary: {
              StreamARN: resourceArn,
              ...(summary?.EncryptionType === undefined ? {} : { EncryptionType: summary.EncryptionType }),
              ...(summary?.KeyId === undefined ? {} : { KeyId: summary.KeyId }),
            },
          });
          break;
        }
        case 'sns': {
          operation = 'GetTopicAttributes';
          what = 'topic';
          const got = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: resourceArn }));
          key = got.Attributes?.KmsMasterKeyId;
          file.Topics.push({
            Attributes: { TopicArn: resourceArn, ...(key === undefined ? {} : { KmsMasterKeyId: key }) },
          });
          break;
        }
        case 'secretsmanager': {
          operation = 'DescribeSecret';
          what = 'secret';
          const got = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: resourceArn }));
          key = got.KmsKeyId;
          file.Secrets.push({ ARN: resourceArn, ...(key === undefined ? {} : { KmsKeyId: key }) });
          break;
        }
        default:
          return;
      }
      if (key !== undefined && key !== '' && !isAwsManagedAlias(key) && !keyReferences.has(key))
        keyReferences.set(key, resourceArn);
    } catch (error: unknown) {
      unreadable(
        resourceArn,
        awsErrorKind(error) === 'not-found'
          ? notFound(what)
          : describeAwsError(operation, resourceArn, error),
      );
    } finally {
      done += 1;
      options.onProgress?.(done, total);
    }
  };
  await options.map(distinct, options.concurrency, readOne);

  const describe = async ([reference, resourceArn]: [string, string]): Promise<void> => {
    try {
      const got = await clients.kms.send(new DescribeKeyCommand({ KeyId: reference }));
      const metadata = got.KeyMetadata;
      if (metadata?.KeyId === undefined || metadata.Arn === undefined) {
        unreadable(reference, `DescribeKey ${reference}: the answer has no key id or ARN`);
        return;
      }
      file.Keys.push({
        KeyMetadata: {
          KeyId: metadata.KeyId,
          Arn: metadata.Arn,
          ...(metadata.KeyManager === undefined ? {} : { KeyManager: metadata.KeyManager }),
        },
      });
      const own = parseArn(reference);
      const aliasName = reference.startsWith('alias/')
        ? reference
        : own?.service === 'kms' && own.resource.startsWith('alias/')
          ? own.resource
          : undefined;
      if (aliasName !== undefined) {
        const place = keyPlace(reference, resourceArn);
        const partition = parseArn(resourceArn)?.partition ?? 'aws';
        file.Aliases.push({
          AliasName: aliasName,
          AliasArn:
            own?.service === 'kms'
              ? reference
              : `arn:${partition}:kms:${place.region}:${place.account}:${aliasName}`,
          TargetKeyId: metadata.KeyId,
        });
      }
    } catch (error: unknown) {
      unreadable(
        reference,
        awsErrorKind(error) === 'not-found'
          ? notFound('key')
          : describeAwsError('DescribeKey', reference, error),
      );
    }
  };
  await options.map(
    [...keyReferences].sort(([a], [b]) => a.localeCompare(b)),
    options.concurrency,
    describe,
  );

  // A fixed order, whatever the order the answers came in: exports of the same account compare equal.
  file.Queues.sort((a, b) => a.Attributes.QueueArn.localeCompare(b.Attributes.QueueArn));
  file.Streams.sort((a, b) =>
    a.StreamDescriptionSummary.StreamARN.localeCompare(b.StreamDescriptionSummary.StreamARN),
  );
  file.Topics.sort((a, b) => a.Attributes.TopicArn.localeCompare(b.Attributes.TopicArn));
  file.Secrets.sort((a, b) => a.ARN.localeCompare(b.ARN));
  file.Keys.sort((a, b) => a.KeyMetadata.Arn.localeCompare(b.KeyMetadata.Arn));
  file.Aliases.sort((a, b) => (a.AliasArn ?? a.AliasName).localeCompare(b.AliasArn ?? b.AliasName));
  file.Unreadable.sort((a, b) => a.Resource.localeCompare(b.Resource));
  return file;
}
