/**
 * Customer managed key needs (requirements.md §2a), from the AWS documentation:
 * - SQS (Lambda guide, services-sqs-configure): "if you're using an encrypted queue, you also need to add
 *   … kms:Decrypt"; the SQS guide's key management page: producers need kms:GenerateDataKey and
 *   kms:Decrypt;
 * - Kinesis (permissions-user-key-KMS): consumers need kms:Decrypt; "The use of the default service key
 *   for encryption does not require application of custom IAM permissions";
 * - SNS (sns-key-management): publishers need kms:GenerateDataKey* and kms:Decrypt;
 * - Secrets Manager (DescribeSecret): KmsKeyId "is omitted" for the AWS managed key aws/secretsmanager;
 * - KMS (DescribeKey): a predefined AWS alias names an AWS managed key; KeyManager is AWS or CUSTOMER.
 */
import { isAwsManagedAlias, resolveResourceKey } from '../../../shared/domain/kms-keys.js';
import type { EncryptionFacts, KmsAlias, KmsKey } from '../../../shared/domain/model.js';
import {
  deriveEncryptionNeeds,
  encryptedResourcesOf,
  encryptedResourceUses,
} from '../../../shared/domain/requirements/encryption.js';
import {
  allow,
  doc,
  functionArn,
  lambdaFunction,
  logsStatement,
  mapping,
  PREFIX,
  role,
} from '../../support/snapshot-builder.js';
import { audit, findingsOf, resultOf } from '../rules/audit-helper.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY = `arn:aws:kms:${PREFIX}:key/${KEY_ID}`;
const AWS_KEY = `arn:aws:kms:${PREFIX}:key/0000aaaa-12ab-34cd-56ef-1234567890ab`;
const QUEUE = `arn:aws:sqs:${PREFIX}:orders`;
const TOPIC = `arn:aws:sns:${PREFIX}:failures`;
const STREAM = `arn:aws:kinesis:${PREFIX}:stream/clicks`;
const SECRET = `arn:aws:secretsmanager:${PREFIX}:secret:kafka-auth-AbCdEf`;
const SQS_READ = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

const keys: KmsKey[] = [
  { KeyId: KEY_ID, Arn: KEY, KeyManager: 'CUSTOMER' },
  { KeyId: '0000aaaa-12ab-34cd-56ef-1234567890ab', Arn: AWS_KEY, KeyManager: 'AWS' },
];
const aliases: KmsAlias[] = [
  { AliasName: 'alias/orders', AliasArn: `arn:aws:kms:${PREFIX}:alias/orders`, TargetKeyId: KEY_ID },
  // The same name in another region names another key.
  {
    AliasName: 'alias/orders',
    AliasArn: 'arn:aws:kms:eu-west-1:123456789012:alias/orders',
    TargetKeyId: 'other',
  },
];

function facts(
  resources: Record<string, string | undefined>,
  unreadable: Record<string, string> = {},
): EncryptionFacts {
  return {
    resources: new Map(
      Object.entries(resources).map(([resourceArn, kmsKeyId]) => [
        resourceArn,
        kmsKeyId === undefined ? { resourceArn } : { resourceArn, kmsKeyId },
      ]),
    ),
    keys,
    aliases,
    unreadable: new Map(Object.entries(unreadable)),
    origin: 'resource-encryption.json',
  };
}

describe('which key encrypts a resource', () => {
  it.each([
    ['an alias name', 'alias/orders'],
    ['an alias ARN', `arn:aws:kms:${PREFIX}:alias/orders`],
    ['a key id', KEY_ID],
    ['a key ARN', KEY],
  ])('resolves %s to the customer managed key’s ARN', (_what, reference) => {
    expect(resolveResourceKey(facts({ [QUEUE]: reference }), QUEUE)).toEqual({
      kind: 'customer-managed',
      keyArn: KEY,
      reference,
    });
  });

  it('needs no lookup for a predefined AWS alias, by name or ARN', () => {
    expect(isAwsManagedAlias('alias/aws/sqs')).toBe(true);
    expect(isAwsManagedAlias('arn:aws:kms:us-west-2:123456789012:alias/aws/kinesis')).toBe(true);
    expect(isAwsManagedAlias('alias/awsome')).toBe(false);
    expect(resolveResourceKey(facts({ [QUEUE]: 'alias/aws/sqs' }), QUEUE).kind).toBe('aws-managed');
  });

  it('tells an AWS managed key named by ARN from a customer managed one by KeyManager', () => {
    expect(resolveResourceKey(facts({ [QUEUE]: AWS_KEY }), QUEUE)).toEqual({
      kind: 'aws-managed',
      key: AWS_KEY,
    });
  });

  it('treats a resource without a key (SSE-SQS, no encryption, aws/secretsmanager) as needing nothing', () => {
    expect(resolveResourceKey(facts({ [SECRET]: undefined }), SECRET)).toEqual({ kind: 'none' });
  });

  it('says why a key is unknown: the resource is not in the file, could not be read, or its key is not described', () => {
    expect(resolveResourceKey(facts({}), QUEUE)).toEqual({
      kind: 'unknown',
      reason: 'its attributes are not in resource-encryption.json',
    });
    expect(resolveResourceKey(facts({}, { [QUEUE]: 'AccessDenied' }), QUEUE)).toEqual({
      kind: 'unknown',
      reason: 'its attributes could not be read: AccessDenied',
    });
    expect(resolveResourceKey(facts({ [QUEUE]: 'alias/missing' }), QUEUE)).toEqual({
      kind: 'unknown',
      reason: 'its key alias/missing is not described in resource-encryption.json',
    });
    // A key id is looked up in the resource's own region: the same id elsewhere does not count.
    const westQueue = 'arn:aws:sqs:eu-west-1:123456789012:orders';
    expect(resolveResourceKey(facts({ [westQueue]: KEY_ID }), westQueue).kind).toBe('unknown');
  });
});

describe('what a function’s encrypted resources need', () => {
  const fn = lambdaFunction('f', { DeadLetterConfig: { TargetArn: TOPIC } });
  const mappings = [
    mapping('f', QUEUE, {
      DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${PREFIX}:failed` } },
    }),
    mapping('f', `${STREAM}/consumer/fanout:1767225600`),
    mapping('f', `arn:aws:kafka:${PREFIX}:cluster/orders/uuid-1`, {
      SourceAccessConfigurations: [
        { Type: 'SASL_SCRAM_512_AUTH', URI: SECRET },
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' },
      ],
    }),
    mapping('f', `arn:aws:dynamodb:${PREFIX}:table/T/stream/2026`),
  ];

  it('lists every queue, stream, topic and secret it uses, and how', () => {
    expect(encryptedResourceUses(fn, mappings).map((use) => [use.use, use.resourceArn])).toEqual([
      ['publish-topic', TOPIC],
      ['read-queue', QUEUE],
      ['send-queue', `arn:aws:sqs:${PREFIX}:failed`],
      ['read-stream', STREAM],
      ['read-secret', SECRET],
    ]);
    // DynamoDB Streams: AWS documents no key permission for stream readers.
    expect(encryptedResourcesOf([fn], mappings, [])).toEqual(
      [TOPIC, QUEUE, `arn:aws:sqs:${PREFIX}:failed`, STREAM, SECRET].sort(),
    );
  });

  it('needs on the key ARN what each use needs, once the key is customer managed', () => {
    const needs = deriveEncryptionNeeds(
      encryptedResourceUses(fn, mappings),
      facts({
        [TOPIC]: KEY,
        [QUEUE]: 'alias/orders',
        [`arn:aws:sqs:${PREFIX}:failed`]: undefined,
        [STREAM]: KEY_ID,
        [SECRET]: 'alias/aws/secretsmanager',
      }),
    );
    expect(needs.unverified).toEqual([]);
    expect(needs.requirements.map((r) => [r.entryId, r.actions[0], r.resource])).toEqual([
      ['kms-publish-topic', 'kms:GenerateDataKey', KEY],
      ['kms-publish-topic', 'kms:Decrypt', KEY],
      ['kms-read-queue', 'kms:Decrypt', KEY],
      ['kms-read-stream', 'kms:Decrypt', KEY],
    ]);
  });

  it('lists every use as unverified, with the reason, when the source has no encryption attributes', () => {
    const needs = deriveEncryptionNeeds(encryptedResourceUses(fn, mappings), undefined);
    expect(needs.requirements).toEqual([]);
    expect(needs.unverified.map((need) => [need.resource, need.actions])).toEqual([
      [TOPIC, ['kms:GenerateDataKey', 'kms:Decrypt']],
      [QUEUE, ['kms:Decrypt']],
      [`arn:aws:sqs:${PREFIX}:failed`, ['kms:GenerateDataKey', 'kms:Decrypt']],
      [STREAM, ['kms:Decrypt']],
      [SECRET, ['kms:Decrypt']],
    ]);
    expect(needs.unverified[0]?.reason).toContain('resource-encryption.json');
  });
});

describe('auditing with customer managed keys', () => {
  const consumer = (extra: Record<string, unknown>[] = []) =>
    role('f-role', { inline: { main: doc(logsStatement('f'), allow(SQS_READ, QUEUE), ...extra) } });

  it('reports kms:Decrypt missing on the key of a source queue, high, with the fix in the recommended policy', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [consumer()],
      mappings: [mapping('f', QUEUE)],
      encryption: facts({ [QUEUE]: 'alias/orders' }),
    });
    const [finding] = findingsOf(report, 'f', 'missing-permission');
    expect(finding).toMatchObject({
      action: 'kms:Decrypt',
      resource: KEY,
      severity: 'high',
      decision: 'implicit-deny',
    });
    expect(finding?.message).toContain('customer managed key alias/orders');
    expect(resultOf(report, 'f').compliant).toBe(false);
    expect(resultOf(report, 'f').recommendedPolicy?.Statement).toContainEqual({
      Sid: 'DecryptQueueOrders',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [KEY],
    });
  });

  it('is satisfied by kms:Decrypt on the key, and reports a grant on every key as overbroad only', async () => {
    const exact = await audit({
      functions: [lambdaFunction('f')],
      roles: [consumer([allow('kms:Decrypt', KEY)])],
      mappings: [mapping('f', QUEUE)],
      encryption: facts({ [QUEUE]: KEY_ID }),
    });
    expect(findingsOf(exact, 'f')).toEqual([]);
    const broad = await audit({
      functions: [lambdaFunction('f')],
      roles: [consumer([allow('kms:Decrypt', '*')])],
      mappings: [mapping('f', QUEUE)],
      encryption: facts({ [QUEUE]: KEY_ID }),
    });
    expect(findingsOf(broad, 'f', 'missing-permission')).toEqual([]);
    expect(findingsOf(broad, 'f', 'overbroad-resource').map((f) => f.action)).toContain('kms:Decrypt');
  });

  it('never turns an unknown key into a finding: the function lists it as unverified and the report says why once', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [consumer()],
      mappings: [mapping('f', QUEUE)],
    });
    expect(findingsOf(report, 'f')).toEqual([]);
    expect(resultOf(report, 'f').compliant).toBe(true);
    expect(resultOf(report, 'f').unverified).toEqual([
      expect.objectContaining({
        actions: ['kms:Decrypt'],
        resource: QUEUE,
        cause: expect.objectContaining({ kind: 'event-source-mapping' }),
      }),
    ]);
    expect(report.notes).toEqual([expect.stringContaining('no encryption attributes')]);
  });

  it('says a disabled mapping will fail once enabled', async () => {
    const report = await audit({
      functions: [lambdaFunction('f')],
      roles: [consumer()],
      mappings: [mapping('f', QUEUE, { State: 'Disabled' })],
      encryption: facts({ [QUEUE]: KEY }),
    });
    expect(findingsOf(report, 'f', 'missing-permission')[0]?.message).toContain('enabling it will fail');
  });

  it('keeps the fingerprint of the finding stable across runs', async () => {
    const spec = {
      functions: [lambdaFunction('f')],
      roles: [consumer()],
      mappings: [mapping('f', QUEUE)],
      encryption: facts({ [QUEUE]: KEY }),
    };
    const [first, second] = await Promise.all([audit(spec), audit(spec)]);
    expect(findingsOf(first, 'f').map((f) => f.id)).toEqual(findingsOf(second, 'f').map((f) => f.id));
    expect(functionArn('f')).toBe(resultOf(first, 'f').functionArn);
  });
});
