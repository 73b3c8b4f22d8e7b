import { findingId, findingIdsOf, fnv1a64 } from '../../../shared/domain/fingerprint.js';

describe('finding fingerprints', () => {
  it('computes FNV-1a 64 as published', () => {
    // Test vectors of the FNV reference: "" and "a".
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
  });

  const base = {
    functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:f',
    rule: 'missing-permission' as const,
    action: 'sqs:DeleteMessage',
    resource: 'arn:aws:sqs:us-west-2:123456789012:orders',
    cause: {
      kind: 'event-source-mapping' as const,
      uuid: 'u-1',
      eventSourceArn: 'arn:aws:sqs:us-west-2:123456789012:orders',
      state: 'Enabled',
    },
  };

  it('gives the same problem the same id, whatever the mapping state or the action case', () => {
    expect(findingId(base)).toBe(
      findingId({ ...base, action: 'SQS:deletemessage', cause: { ...base.cause, state: 'Disabled' } }),
    );
  });

  it('gives different problems different ids', () => {
    const ids = new Set([
      findingId(base),
      findingId({ ...base, rule: 'overbroad-resource' }),
      findingId({ ...base, resource: 'arn:aws:sqs:us-west-2:123456789012:payments' }),
      findingId({ ...base, cause: { ...base.cause, uuid: 'u-2' } }),
      findingId({ ...base, functionArn: `${base.functionArn}2` }),
    ]);
    expect(ids.size).toBe(5);
  });
});

/** The textbook definition, with BigInt, to check the limb arithmetic against. */
function referenceFnv(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

describe('FNV-1a 64 against its definition', () => {
  it.each(['arn:aws:sqs:us-west-2:123456789012:orders', 'café', 'ключ/値/🔑', 'x'.repeat(1000)])(
    'hashes %s as the definition does',
    (text) => {
      expect(fnv1a64(text)).toBe(referenceFnv(text));
    },
  );
});

/** The id as first defined: FNV-1a 64 of the joined canonical string (action lower-cased). */
function canonicalId(input: Parameters<typeof findingId>[0]): string {
  const cause = input.cause;
  const causeKey =
    cause === undefined
      ? ''
      : cause.kind === 'event-source-mapping'
        ? `esm|${cause.uuid}|${cause.eventSourceArn ?? ''}`
        : cause.kind === 'function-configuration'
          ? `setting|${cause.setting}`
          : `${cause.kind}|${cause.policy ?? ''}|${cause.statement ?? ''}`;
  return referenceFnv(
    [input.functionArn, input.rule, (input.action ?? '').toLowerCase(), input.resource ?? '', causeKey].join(
      '\u001f',
    ),
  );
}

describe('finding ids hashed field by field', () => {
  const functionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:fünf';
  it.each([
    {
      rule: 'missing-permission' as const,
      action: 'SQS:ReceiveMessage',
      resource: 'arn:aws:sqs:eu-west-1:1:q',
    },
    {
      rule: 'unknown-action' as const,
      action: 'S3:GETΣ',
      cause: { kind: 'policy' as const, policy: 'inline:p' },
    },
    {
      rule: 'unknown-action' as const,
      action: 'İam:Get',
      cause: { kind: 'trust-policy' as const, statement: '0' },
    },
    {
      rule: 'overbroad-resource' as const,
      resource: 'arn:aws:s3:::bücket/*',
      cause: { kind: 'function-configuration' as const, setting: 'DestinationConfig.OnFailure (prod)' },
    },
    { rule: 'role-unavailable' as const },
    {
      rule: 'missing-permission' as const,
      action: 'kinesis:GetRecords',
      cause: {
        kind: 'event-source-mapping' as const,
        uuid: 'u',
        eventSourceArn: 'arn:aws:kinesis:r:1:stream/ß',
      },
    },
  ])('gives the id of the canonical string: %j', (finding) => {
    expect(findingId({ functionArn, ...finding })).toBe(canonicalId({ functionArn, ...finding }));
    expect(findingIdsOf(functionArn)(finding)).toBe(findingId({ functionArn, ...finding }));
  });
});
