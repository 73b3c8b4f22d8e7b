/**
 * Changes to the encryption of a source or destination (requirements.md §2a): a queue, stream, topic or
 * secret that starts or stops using a customer managed key, or changes key, changes what the functions
 * that use it need from their roles. Pure, like change.ts.
 *
 * | Event source | Event name | Request parameters read (CloudTrail keeps the API's names, lowerCamelCase) |
 * |---|---|---|
 * | `sqs.amazonaws.com` | `SetQueueAttributes` | `queueUrl`; acted on only when `attributes` holds `KmsMasterKeyId` or `SqsManagedSseEnabled` |
 * | `kinesis.amazonaws.com` | `StartStreamEncryption`, `StopStreamEncryption` | `streamARN`, else `streamName` |
 * | `sns.amazonaws.com` | `SetTopicAttributes` | `topicArn`; acted on only when `attributeName` is `KmsMasterKeyId` |
 * | `secretsmanager.amazonaws.com` | `UpdateSecret` | `secretId` (ARN or name); acted on only when `kmsKeyId` is present |
 *
 * The SQS shape is the one the SQS Developer Guide prints for SetQueueAttributes (`queueUrl`, `attributes`),
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html;
 * the others follow the same rule (the API's request members, first letter lowercased).
 */
import * as z from 'zod';

/** A change of the key of one resource, named by ARN (a secret possibly by its name only). */
export interface EncryptionChangeTarget {
  readonly kind: 'source-encryption';
  /** The resource's ARN; for a secret named only by name, `arn:P:secretsmanager:R:A:secret:NAME` (no suffix). */
  readonly resourceArn: string;
  readonly region: string;
}

export type EncryptionClassification =
  | { readonly kind: 'change'; readonly target: EncryptionChangeTarget; readonly summary: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** The event sources and names the handler acts on (the regional rule's pattern lists them). */
export const ENCRYPTION_EVENT_NAMES: Readonly<Record<string, readonly string[]>> = {
  'sqs.amazonaws.com': ['SetQueueAttributes'],
  'kinesis.amazonaws.com': ['StartStreamEncryption', 'StopStreamEncryption'],
  'sns.amazonaws.com': ['SetTopicAttributes'],
  'secretsmanager.amazonaws.com': ['UpdateSecret'],
};

const queueRequest = z.looseObject({
  queueUrl: z.string().min(1),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
const streamRequest = z.looseObject({
  streamARN: z.string().min(1).optional(),
  streamName: z.string().min(1).optional(),
});
const topicRequest = z.looseObject({ topicArn: z.string().min(1), attributeName: z.string().optional() });
const secretRequest = z.looseObject({ secretId: z.string().min(1), kmsKeyId: z.unknown().optional() });
const secretResponse = z.looseObject({
  ARN: z.string().optional(),
  aRN: z.string().optional(),
  arn: z.string().optional(),
});

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `https://sqs.R.amazonaws.com/ACCOUNT/NAME` (any host: CloudTrail keeps the URL the caller gave). */
function queueArnOf(queueUrl: string, region: string): string | undefined {
  const path = /^https?:\/\/[^/]+\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)\/?$/.exec(queueUrl);
  if (!path) return undefined;
  return `arn:${partitionOf(region)}:sqs:${region}:${path[1]}:${path[2]}`;
}

const KEY_ATTRIBUTES = ['KmsMasterKeyId', 'SqsManagedSseEnabled'];

/**
 * What an encryption-changing call changed; `undefined` when the event is not one of them (change.ts then
 * decides). `account` is the event's account, needed to name a stream or secret given by name.
 */
export function classifyEncryptionEvent(
  eventSource: string,
  action: string,
  region: string,
  account: string | undefined,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
): EncryptionClassification | undefined {
  if (!(ENCRYPTION_EVENT_NAMES[eventSource] ?? []).includes(action)) return undefined;
  const change = (resourceArn: string, what: string): EncryptionClassification => ({
    kind: 'change',
    target: { kind: 'source-encryption', resourceArn, region },
    summary: `${action} on ${what}`,
  });
  const ignored = (reason: string): EncryptionClassification => ({ kind: 'ignored', reason });
  const partition = partitionOf(region);

  switch (eventSource) {
    case 'sqs.amazonaws.com': {
      const parsed = queueRequest.safeParse(request);
      if (!parsed.success) return ignored(`${action} without requestParameters.queueUrl`);
      const keys = Object.keys(parsed.data.attributes ?? {});
      if (!keys.some((key) => KEY_ATTRIBUTES.includes(key)))
        return ignored(`${action} changed no encryption attribute of the queue`);
      const arn = queueArnOf(parsed.data.queueUrl, region);
      if (arn === undefined) return ignored(`${action} names a queue URL that is not one`);
      return change(arn, `the encryption of queue ${arn.slice(arn.lastIndexOf(':') + 1)}`);
    }
    case 'kinesis.amazonaws.com': {
      const parsed = streamRequest.safeParse(request);
      const named = parsed.success ? parsed.data : {};
      const fromArn = named.streamARN;
      if (fromArn !== undefined && /^arn:[^:]+:kinesis:[^:]+:\d{12}:stream\/[^/]+$/.test(fromArn))
        return change(fromArn, `the encryption of stream ${fromArn.slice(fromArn.indexOf('/') + 1)}`);
      if (
        named.streamName !== undefined &&
        account !== undefined &&
        /^[A-Za-z0-9_.-]{1,128}$/.test(named.streamName)
      )
        return change(
          `arn:${partition}:kinesis:${region}:${account}:stream/${named.streamName}`,
          `the encryption of stream ${named.streamName}`,
        );
      return ignored(`${action} names no stream`);
    }
    case 'sns.amazonaws.com': {
      const parsed = topicRequest.safeParse(request);
      if (!parsed.success) return ignored(`${action} without requestParameters.topicArn`);
      if (parsed.data.attributeName !== 'KmsMasterKeyId')
        return ignored(`${action} changed no encryption attribute of the topic`);
      const arn = parsed.data.topicArn;
      if (!/^arn:[^:]+:sns:[^:]+:\d{12}:[^:]+$/.test(arn)) return ignored(`${action} names no topic ARN`);
      return change(arn, `the encryption of topic ${arn.slice(arn.lastIndexOf(':') + 1)}`);
    }
    case 'secretsmanager.amazonaws.com': {
      const parsed = secretRequest.safeParse(request);
      if (!parsed.success) return ignored(`${action} without requestParameters.secretId`);
      if (parsed.data.kmsKeyId === undefined) return ignored(`${action} did not change the secret's key`);
      const fromResponse = secretResponse.safeParse(response);
      const responded = fromResponse.success
        ? (fromResponse.data.ARN ?? fromResponse.data.aRN ?? fromResponse.data.arn)
        : undefined;
      const id = responded ?? parsed.data.secretId;
      if (/^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:.+$/.test(id))
        return change(id, `the key of secret ${id}`);
      if (account === undefined || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(id))
        return ignored(`${action} names no secret`);
      return change(
        `arn:${partition}:secretsmanager:${region}:${account}:secret:${id}`,
        `the key of secret ${id}`,
      );
    }
    default:
      return undefined;
  }
}
