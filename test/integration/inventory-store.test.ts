/**
 * The inventory's items against moto's DynamoDB: the largest realistic entry fits an item as it is; bigger
 * ones are gzipped, then kept without their targets, then stubbed (still found by role); the marks that make
 * entries be read again.
 *
 * The largest realistic entry is built to Lambda's documented maxima where they are hard (4 KB of
 * environment variables, 50 tags of 128 + 256 characters, 5 layers, 16 subnets and 5 security groups, filter
 * patterns of 4,096 characters, 5 filters per mapping by default) and generous where they are not: 5 mappings,
 * invoke configs on the function, an alias and a version, 10 aliases routing to 2 published versions of the
 * same size as the function, and 5 encrypted resources with their keys.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  createInventoryStore,
  type InventoryEntry,
  type InventoryStore,
  itemBytes,
  MAX_ITEM_BYTES,
  toItem,
} from '../../shared/adapters/state-store/inventory-store.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { type MotoClients, motoClients } from '../support/moto-account.js';
import { createStateTable } from './handler-harness.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const TABLE = 'inventory-items';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const text = (length: number, seed: string) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
/** Characters that do not compress: the worst case for the gzipped form. */
const noise = (length: number) => randomBytes(length).toString('base64').slice(0, length);
/** What the table gives back: the entry's JSON form (timestamps as ISO strings). */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function configuration(name: string, fill: (length: number, seed: string) => string): FunctionConfiguration {
  const variables: Record<string, string> = {};
  // 4 KB of environment variables (Lambda's total limit), as 32 variables of 128 characters.
  for (let i = 0; i < 32; i += 1) variables[`VARIABLE_${i}`] = fill(110, `value-${i}-`);
  return {
    FunctionName: name,
    FunctionArn: fnArn(name),
    Runtime: 'nodejs22.x',
    Role: `arn:aws:iam::${ACCOUNT}:role/service-role/${text(50, 'role')}`,
    Handler: 'index.handler',
    CodeSize: 52_428_800,
    Description: fill(256, 'description '),
    Timeout: 900,
    MemorySize: 10_240,
    LastModified: '2026-12-01T10:00:00.000+0000',
    CodeSha256: text(44, 'sha'),
    Version: '$LATEST',
    Environment: { Variables: variables },
    VpcConfig: {
      SubnetIds: Array.from({ length: 16 }, (_, i) => `subnet-0${String(i).padStart(16, '0')}`),
      SecurityGroupIds: Array.from({ length: 5 }, (_, i) => `sg-0${String(i).padStart(16, '0')}`),
      VpcId: 'vpc-0123456789abcdef0',
    },
    DeadLetterConfig: { TargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-dlq` },
    KMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${text(36, '0123-abcd-')}`,
    TracingConfig: { Mode: 'Active' },
    Layers: Array.from({ length: 5 }, (_, i) => ({
      Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${text(60, 'layer')}-${i}:42`,
      CodeSize: 10_000_000,
    })),
    FileSystemConfigs: [
      {
        Arn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123456789abcdef0`,
        LocalMountPath: '/mnt/data',
      },
    ],
    Architectures: ['arm64'],
    EphemeralStorage: { Size: 10_240 },
    LoggingConfig: { LogFormat: 'JSON', LogGroup: `/aws/lambda/${name}` },
  };
}

function largestRealisticEntry(name: string, fill = text): InventoryEntry {
  const arn = fnArn(name);
  const config = configuration(name, fill);
  const tags: Record<string, string> = {};
  for (let i = 0; i < 50; i += 1) tags[fill(120, `tag-key-${i}-`) + i] = fill(256, `tag-value-${i}-`);
  const mappings = Array.from({ length: 5 }, (_, i) => ({
    UUID: `a1b2c3d4-5678-90ab-cdef-00000000000${i}`,
    FunctionArn: `${arn}:live`,
    EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-queue-${i}`,
    BatchSize: 10,
    State: 'Enabled',
    LastModified: new Date('2026-12-01T10:00:00.000Z'),
    FilterCriteria: {
      Filters: Array.from({ length: 5 }, (_, f) => ({
        Pattern: JSON.stringify({ body: { kind: [fill(4_040, `pattern-${i}-${f}-`)] } }).slice(0, 4_096),
      })),
    },
    DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-failed` } },
  }));
  const invokeConfigs = ['', ':live', ':2'].map((qualifier) => ({
    FunctionArn: `${arn}${qualifier}`,
    MaximumRetryAttempts: 2,
    MaximumEventAgeInSeconds: 21_600,
    LastModified: new Date('2026-12-01T10:00:00.000Z'),
    DestinationConfig: {
      OnSuccess: { Destination: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}-done` },
      OnFailure: { Destination: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-failed` },
    },
  }));
  const key = (i: number) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${String(i).padStart(36, '0')}`;
  return {
    functionArn: arn,
    configuration: { ...config, Tags: tags },
    eventSourceMappings: mappings,
    eventInvokeConfigs: invokeConfigs,
    tagsRead: true,
    targets: {
      versions: ['1', '2'].map((version) => ({
        ...config,
        FunctionArn: `${arn}:${version}`,
        Version: version,
      })),
      aliases: Array.from({ length: 10 }, (_, i) => ({
        AliasArn: `${arn}:${i === 0 ? 'live' : `alias-${i}`}`,
        Name: i === 0 ? 'live' : `alias-${i}`,
        FunctionVersion: '2',
        Description: fill(256, 'alias '),
        RoutingConfig: { AdditionalVersionWeights: { '1': 0.1 } },
        RevisionId: '0c4a6b1e-0000-4000-8000-000000000031',
      })),
      resourceEncryption: {
        Queues: Array.from({ length: 5 }, (_, i) => ({
          Attributes: {
            QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-queue-${i}`,
            KmsMasterKeyId: key(i),
          },
        })),
        Streams: [],
        Topics: [{ Attributes: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}-done` } }],
        Secrets: [],
        Keys: Array.from({ length: 5 }, (_, i) => ({
          KeyMetadata: { KeyId: key(i).slice(-36), Arn: key(i), KeyManager: 'CUSTOMER' },
        })),
        Aliases: [],
        Unreadable: [],
      },
    },
    readAt: '2026-12-02T10:00:00.000Z',
  };
}

let moto: MotoServer;
let clients: MotoClients;
let store: InventoryStore;

beforeAll(async () => {
  moto = await startMotoServer(REGION);
  clients = motoClients(moto);
  await createStateTable(clients.dynamodb, TABLE);
  store = createInventoryStore({ client: clients.dynamodb, tableName: TABLE });
}, 120_000);

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  await moto?.stop();
});

describe('inventory items and the 400 KB item limit', () => {
  it('keeps the largest realistic entry as it is, well under the limit', async () => {
    const entry = largestRealisticEntry('biggest');
    const item = toItem(entry);
    expect(item.entry?.S).toBeDefined();
    const size = itemBytes(item);
    // Measured: 151,459 bytes (148 KB), mostly the filter patterns and the three copies of the environment.
    expect(size).toBeGreaterThan(100 * 1024);
    expect(size).toBeLessThan(MAX_ITEM_BYTES / 2);
    // Gzipped, it would be a small fraction.
    expect(gzipSync(JSON.stringify(entry)).byteLength).toBeLessThan(size / 5);
    await store.putMany([entry]);
    expect((await store.getMany([entry.functionArn])).get(entry.functionArn)).toEqual(stored(entry));
  });

  it('gzips an entry whose text is bigger than an item', async () => {
    const entry = largestRealisticEntry('compressible');
    const many = {
      ...entry,
      eventSourceMappings: Array.from({ length: 4 }, (_, copy) =>
        entry.eventSourceMappings.map((m) => ({ ...m, UUID: `${m.UUID}-${copy}` })),
      ).flat(),
    };
    expect(Buffer.byteLength(JSON.stringify(many))).toBeGreaterThan(MAX_ITEM_BYTES);
    const item = toItem(many);
    expect(item.entry).toBeUndefined();
    expect(item.entryGzip?.B).toBeDefined();
    await store.putMany([many]);
    expect((await store.getMany([many.functionArn])).get(many.functionArn)).toEqual(stored(many));
  });

  it('keeps an entry without its targets when even gzipped they do not fit (they are read at each audit)', async () => {
    const entry = largestRealisticEntry('noisy-targets');
    const versions = Array.from({ length: 200 }, (_, i) => ({
      ...configuration('noisy-targets', noise),
      FunctionArn: `${entry.functionArn}:${i + 1}`,
      Version: String(i + 1),
    }));
    const big = { ...entry, targets: { ...(entry.targets ?? { aliases: [] }), versions } };
    expect(toItem(big).entryGzip).toBeDefined();
    await store.putMany([big]);
    const { targets: _, ...withoutTargets } = big;
    expect((await store.getMany([big.functionArn])).get(big.functionArn)).toEqual(stored(withoutTargets));
  });

  it('stubs an entry that cannot fit at all: no entry to trust, but the role index still finds it', async () => {
    const entry = largestRealisticEntry('noisy');
    const mappings = Array.from({ length: 200 }, (_, i) => ({
      ...(entry.eventSourceMappings[0] ?? {}),
      UUID: `noisy-${i}`,
      FilterCriteria: { Filters: [{ Pattern: noise(4_096) }] },
    }));
    const huge = { ...entry, eventSourceMappings: mappings };
    const item = toItem(huge);
    expect(item.oversized).toEqual({ BOOL: true });
    expect(itemBytes(item)).toBeLessThan(1024);
    await store.putMany([huge]);
    expect((await store.getMany([huge.functionArn])).has(huge.functionArn)).toBe(false);
    const role = huge.configuration.Role ?? '';
    expect(await store.functionsOfRole(role.slice(role.lastIndexOf('/') + 1))).toContain(huge.functionArn);
  });
});

describe('marks that make entries be read again', () => {
  it('marks a known entry invalidated until it is written again, and leaves unknown functions alone', async () => {
    const entry = largestRealisticEntry('marked');
    await store.putMany([entry]);
    await store.invalidate([entry.functionArn, fnArn('unknown')], '2026-12-02T11:00:00.000Z');
    const marked = await store.getMany([entry.functionArn, fnArn('unknown')]);
    expect(marked.get(entry.functionArn)?.invalidatedAt).toBe('2026-12-02T11:00:00.000Z');
    expect(marked.has(fnArn('unknown'))).toBe(false);
    // Written again (read anew): the mark is gone, and was never part of the stored entry.
    await store.putMany([{ ...entry, invalidatedAt: 'ignored', readAt: '2026-12-02T11:00:01.000Z' }]);
    const again = (await store.getMany([entry.functionArn])).get(entry.functionArn);
    expect(again?.invalidatedAt).toBeUndefined();
    expect(again?.readAt).toBe('2026-12-02T11:00:01.000Z');
  });

  it('records when a resource key changed, by ARN (a secret as its event named it)', async () => {
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
    const secret = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders-auth`;
    await store.markKeyChanged(queue, '2026-12-02T11:00:00.000Z');
    await store.markKeyChanged(queue, '2026-12-02T12:00:00.000Z');
    await store.markKeyChanged(secret, '2026-12-02T11:30:00.000Z');
    const marks = await store.keyChanges([queue, secret, `${secret}-AbCdEf`, `${queue}-other`]);
    expect(Object.fromEntries(marks)).toEqual({
      [queue]: '2026-12-02T12:00:00.000Z',
      [secret]: '2026-12-02T11:30:00.000Z',
    });
  });
});
