import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as z from 'zod';
import {
  aliasSchema,
  eventInvokeConfigSchema,
  eventSourceMappingSchema,
  functionConfigurationSchema,
  managedPolicyDetailSchema,
  resourceEncryptionFileSchema,
  roleDetailSchema,
} from '../../../shared/adapters/export-folder/export-folder-schemas.js';
import { compileFastCheck } from '../../../shared/adapters/export-folder/fast-check.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (path: string): Record<string, unknown[]> => JSON.parse(readFileSync(join(root, path), 'utf8'));

const demo = 'examples/demo-account';
const auth = read(`${demo}/authorization-details.json`);
const samples: [string, z.ZodType, unknown[]][] = [
  ['role detail', roleDetailSchema, auth.RoleDetailList ?? []],
  ['managed policy', managedPolicyDetailSchema, auth.Policies ?? []],
  ['function', functionConfigurationSchema, read(`${demo}/functions.json`).Functions ?? []],
  [
    'event source mapping',
    eventSourceMappingSchema,
    read(`${demo}/event-source-mappings.json`).EventSourceMappings ?? [],
  ],
  [
    'event invoke config',
    eventInvokeConfigSchema,
    read(`${demo}/event-invoke-configs.json`).FunctionEventInvokeConfigs ?? [],
  ],
  // The optional files the demo does not have, in the shapes `aws lambda list-aliases` and the
  // resource-encryption.json commands print.
  [
    'alias',
    aliasSchema,
    [
      {
        AliasArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f:live',
        Name: 'live',
        FunctionVersion: '3',
        Description: '',
        RoutingConfig: { AdditionalVersionWeights: { '4': 0.1 } },
        RevisionId: 'r',
      },
      {
        AliasArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f:blue',
        Name: 'blue',
        FunctionVersion: '2',
      },
    ],
  ],
  [
    'resource encryption file',
    resourceEncryptionFileSchema,
    [
      {
        Queues: [
          { Attributes: { QueueArn: 'arn:aws:sqs:eu-west-1:111122223333:q', KmsMasterKeyId: 'alias/k' } },
        ],
        Streams: [
          {
            StreamDescriptionSummary: {
              StreamARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/s',
              EncryptionType: 'KMS',
              KeyId: 'alias/k',
              OpenShardCount: 1,
            },
          },
        ],
        Topics: [{ Attributes: { TopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' } }],
        Secrets: [{ ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf', KmsKeyId: 'k' }],
        Keys: [
          {
            KeyMetadata: {
              KeyId: 'k',
              Arn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
              KeyManager: 'CUSTOMER',
            },
          },
        ],
        Aliases: [{ AliasName: 'alias/k', TargetKeyId: 'k' }],
        Unreadable: [{ Resource: 'arn:aws:sqs:eu-west-1:111122223333:gone', Reason: 'does not exist' }],
      },
    ],
  ],
];

type Path = readonly (string | number)[];

/** Every path into a JSON value, so that a mutation can hit any depth. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value)
    ? value.map((_, index) => index)
    : Object.keys(value);
  return [
    prefix,
    ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key])),
  ];
}

function withValueAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  if (rest.length === 0 && replacement === undefined) delete copy[head];
  else copy[head] = withValueAt(copy[head], rest, replacement);
  return copy;
}

const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));

describe('fast check of the export folder schemas', () => {
  it.each(samples)('accepts every %s of the demo account, as zod does', (_, schema, items) => {
    const check = compileFastCheck(schema);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect([check(item), schema.safeParse(item).success]).toEqual([true, true]);
  });

  it.each(samples)('agrees with zod on any %s with one part replaced or removed', (_, schema, items) => {
    const check = compileFastCheck(schema);
    fc.assert(
      fc.property(fc.nat(items.length - 1), fc.nat(), replacement, (itemIndex, pathIndex, value) => {
        const item = items[itemIndex];
        const candidates = paths(item);
        const mutated = withValueAt(item, candidates[pathIndex % candidates.length] ?? [], value);
        expect(check(mutated)).toBe(schema.safeParse(mutated).success);
      }),
      { numRuns: 400 },
    );
  });

  it.each(samples)('agrees with zod on arbitrary JSON as a %s', (_, schema) => {
    const check = compileFastCheck(schema);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(check(value)).toBe(schema.safeParse(value).success);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses to compile a schema that would change the value', () => {
    expect(() => compileFastCheck(z.array(z.string()).default([]))).toThrow(/"default" is not supported/);
    expect(() => compileFastCheck(z.string().transform((text) => text.length))).toThrow(/not supported/);
  });
});
