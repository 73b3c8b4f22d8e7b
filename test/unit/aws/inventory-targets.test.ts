import { encryptionShare, joinTargets, targetsOf } from '../../../shared/adapters/aws/inventory-targets.js';
import type { ResourceEncryptionFile } from '../../../shared/adapters/export-folder/export-folder-schemas.js';

const R = 'us-east-1';
const A = '123456789012';
const fn = (name: string) => `arn:aws:lambda:${R}:${A}:function:${name}`;
const queue = (name: string) => `arn:aws:sqs:${R}:${A}:${name}`;
const key = (id: string) => `arn:aws:kms:${R}:${A}:key/${id}`;

/** One read of two functions' resources: `a` reads queue-a (by alias), `b` reads queue-b (by key ARN). */
const read: ResourceEncryptionFile = {
  Queues: [
    { Attributes: { QueueArn: queue('queue-a'), KmsMasterKeyId: 'alias/a-key' } },
    { Attributes: { QueueArn: queue('queue-b'), KmsMasterKeyId: key('b') } },
  ],
  Streams: [],
  Topics: [],
  Secrets: [],
  Keys: [
    { KeyMetadata: { KeyId: 'a', Arn: key('a'), KeyManager: 'CUSTOMER' } },
    { KeyMetadata: { KeyId: 'b', Arn: key('b'), KeyManager: 'CUSTOMER' } },
  ],
  Aliases: [{ AliasName: 'alias/a-key', AliasArn: `arn:aws:kms:${R}:${A}:alias/a-key`, TargetKeyId: 'a' }],
  Unreadable: [],
};

describe("an entry's share of a read's encryption facts", () => {
  it('holds its own resources, the aliases they name and the keys behind them, nothing else', () => {
    expect(encryptionShare(read, [queue('queue-a')], R)).toEqual({
      Queues: [read.Queues?.[0]],
      Streams: [],
      Topics: [],
      Secrets: [],
      Keys: [read.Keys?.[0]],
      Aliases: read.Aliases,
      Unreadable: [],
    });
    expect(encryptionShare(read, [queue('queue-b')], R)?.Keys).toEqual([read.Keys?.[1]]);
  });

  it('is not kept when a resource or key of its region could not be read; another region is kept', () => {
    const failed = {
      ...read,
      Unreadable: [{ Resource: queue('queue-a'), Reason: 'GetQueueAttributes: throttled' }],
    };
    expect(encryptionShare(failed, [queue('queue-a')], R)).toBeUndefined();
    expect(encryptionShare(failed, [queue('queue-b')], R)).toBeDefined();
    const keyFailed = { ...read, Unreadable: [{ Resource: 'alias/a-key', Reason: 'DescribeKey: denied' }] };
    expect(encryptionShare(keyFailed, [queue('queue-a')], R)).toBeUndefined();
    const elsewhere = `arn:aws:sqs:eu-west-1:${A}:far`;
    const far = { ...read, Unreadable: [{ Resource: elsewhere, Reason: 'it is in region eu-west-1' }] };
    expect(encryptionShare(far, [elsewhere], R)?.Unreadable).toEqual(far.Unreadable);
  });

  it("cuts a function's versions and aliases from a read of several functions", () => {
    const targets = targetsOf(
      fn('a'),
      { FunctionArn: fn('a'), FunctionName: 'a' },
      [{ UUID: 'u', FunctionArn: `${fn('a')}:live`, EventSourceArn: queue('queue-a') }],
      [],
      {
        versions: [{ FunctionArn: `${fn('a')}:1` }, { FunctionArn: `${fn('ab')}:1` }],
        aliases: [{ AliasArn: `${fn('a')}:live` }, { AliasArn: `${fn('b')}:live` }],
        resourceEncryption: read,
      },
      R,
    );
    expect(targets.versions).toEqual([{ FunctionArn: `${fn('a')}:1` }]);
    expect(targets.aliases).toEqual([{ AliasArn: `${fn('a')}:live` }]);
    expect(targets.resourceEncryption?.Queues).toEqual([read.Queues?.[0]]);
  });
});

describe('entries joined for an audit', () => {
  it('takes, for the same resource, what was read last', () => {
    const older = { Attributes: { QueueArn: queue('queue-a'), KmsMasterKeyId: 'alias/a-key' } };
    const newer = { Attributes: { QueueArn: queue('queue-a'), KmsMasterKeyId: key('b') } };
    const joined = joinTargets([
      {
        targets: { versions: [], aliases: [], resourceEncryption: { Queues: [newer] } },
        readAt: '2026-12-02T10:00:00Z',
      },
      {
        targets: { versions: [], aliases: [], resourceEncryption: { Queues: [older] } },
        readAt: '2026-12-01T10:00:00Z',
      },
    ]);
    expect(joined.resourceEncryption?.Queues).toEqual([newer]);
  });

  it('says no keys were read when no part read them', () => {
    const joined = joinTargets([{ targets: { versions: [], aliases: [] }, readAt: '2026-12-02T10:00:00Z' }]);
    expect(joined.resourceEncryption).toBeUndefined();
  });
});
