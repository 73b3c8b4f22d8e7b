import { deriveRequirements, eventSourceKind, sidName } from '../../../shared/domain/requirements/derive.js';
import { siblingResources } from '../../../shared/domain/requirements/siblings.js';
import { lambdaFunction, mapping, PREFIX } from '../../support/snapshot-builder.js';

const CLUSTER = `arn:aws:kafka:${PREFIX}:cluster/orders/abc-1`;

describe('deriving requirements', () => {
  it('names the mapping as the cause and says when it is disabled', () => {
    const disabled = mapping('f', `arn:aws:sqs:${PREFIX}:orders`, { State: 'Disabled' });
    const [first] = deriveRequirements(lambdaFunction('f'), [disabled]).requirements.filter(
      (r) => r.entryId === 'sqs',
    );
    expect(first?.cause).toEqual({
      kind: 'event-source-mapping',
      uuid: disabled.UUID,
      eventSourceArn: `arn:aws:sqs:${PREFIX}:orders`,
      state: 'Disabled',
    });
    expect(first?.disabled).toBe(true);
    expect(first?.origin).toContain('(disabled)');
  });

  it('asks for IAM-auth actions of an MSK mapping without a secret, flagged unverifiable', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [mapping('f', CLUSTER, { Topics: ['t'] })]);
    const iam = derived.requirements.filter((r) => r.actions[0]?.startsWith('kafka-cluster:'));
    expect(iam).toHaveLength(5);
    expect(iam.every((r) => r.unverifiable !== undefined)).toBe(true);
    expect(iam.find((r) => r.actions[0] === 'kafka-cluster:AlterGroup')?.resource).toMatch(
      /group\/orders\/abc-1\/0000/,
    );
  });

  it('asks for no IAM-auth action when the MSK mapping authenticates with a secret', () => {
    const withSecret = mapping('f', CLUSTER, {
      SourceAccessConfigurations: [
        { Type: 'CLIENT_CERTIFICATE_TLS_AUTH', URI: `arn:aws:secretsmanager:${PREFIX}:secret:cert-Ab12Cd` },
      ],
    });
    const actions = deriveRequirements(lambdaFunction('f'), [withSecret]).requirements.map(
      (r) => r.actions[0],
    );
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions.some((action) => action?.startsWith('kafka-cluster:'))).toBe(false);
  });

  it('accepts either DescribeClusterV2 or DescribeCluster for MSK', () => {
    const describe = deriveRequirements(lambdaFunction('f'), [mapping('f', CLUSTER)]).requirements.find(
      (r) => r.entryId === 'msk' && r.resource === CLUSTER && r.actions.length > 1,
    );
    expect(describe?.actions).toEqual(['kafka:DescribeClusterV2', 'kafka:DescribeCluster']);
  });

  it('asks for no network action for self-managed Kafka outside a VPC', () => {
    const kafka = mapping('f', undefined, {
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['broker:9092'] } },
    });
    const derived = deriveRequirements(lambdaFunction('f'), [kafka]);
    expect(derived.requirements.filter((r) => r.entryId === 'self-managed-kafka')).toEqual([]);
    expect(derived.notes).toEqual([]);
  });

  it('marks DocumentDB describe actions whose resource is not derivable as any-grant', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [
      mapping('f', `arn:aws:rds:${PREFIX}:cluster:docs`),
    ]);
    const anyGrant = derived.requirements.filter((r) => r.mode === 'any-grant').map((r) => r.actions[0]);
    expect(anyGrant).toEqual(['rds:DescribeDBClusterParameters', 'rds:DescribeDBSubnetGroups']);
  });

  it('keeps a note for an event source the catalog does not know', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [mapping('f', `arn:aws:s3:::bucket`)]);
    expect(derived.notes).toHaveLength(1);
    expect(derived.notes[0]?.message).toContain('arn:aws:s3:::bucket');
  });

  it('names the qualifier of an event invoke config in the cause', () => {
    const derived = deriveRequirements(
      lambdaFunction('f'),
      [],
      [
        {
          FunctionArn: `arn:aws:lambda:${PREFIX}:function:f:live`,
          DestinationConfig: { OnSuccess: { Destination: `arn:aws:sqs:${PREFIX}:done` } },
        },
      ],
    );
    expect(derived.requirements.find((r) => r.actions[0] === 'sqs:SendMessage')?.cause).toEqual({
      kind: 'function-configuration',
      setting: 'DestinationConfig.OnSuccess (live)',
    });
  });

  it('records the event-source families of the function’s mappings', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [
      mapping('f', `arn:aws:sqs:${PREFIX}:a`),
      mapping('f', `arn:aws:kinesis:${PREFIX}:stream/s/consumer/c:1`),
    ]);
    expect([...derived.families].sort()).toEqual(['kinesis', 'sqs']);
  });

  it('drops a requirement repeated by the same cause', () => {
    const fn = lambdaFunction('f', { VpcConfig: { SubnetIds: ['subnet-1'] } });
    const derived = deriveRequirements(fn, []);
    const keys = derived.requirements.map(
      (r) => `${r.actions.join()} ${r.resource} ${JSON.stringify(r.cause)}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('fills each item of a list placeholder with its own texts, and shared templates once per mapping', () => {
    const secret = (name: string) => `arn:aws:secretsmanager:${PREFIX}:secret:${name}`;
    const broker = mapping('f', `arn:aws:mq:${PREFIX}:broker:orders:b-1`, {
      SourceAccessConfigurations: [
        { Type: 'BASIC_AUTH', URI: secret('first-Ab12Cd') },
        { Type: 'BASIC_AUTH', URI: secret('second-Ef34Gh') },
        { Type: 'BASIC_AUTH', URI: secret('first-Ab12Cd') },
      ],
    });
    const requirements = deriveRequirements(lambdaFunction('f'), [broker]).requirements;
    const secrets = requirements.filter((r) => r.actions[0] === 'secretsmanager:GetSecretValue');
    expect(secrets.map((r) => [r.resource, r.sid, r.breaks])).toEqual([
      [
        secret('first-Ab12Cd'),
        'ReadSecretFirstAb12Cd',
        `Lambda cannot read the secret first-Ab12Cd that authenticates the mapping to arn:aws:mq:${PREFIX}:broker:orders:b-1: it cannot connect`,
      ],
      [
        secret('second-Ef34Gh'),
        'ReadSecretSecondEf34Gh',
        `Lambda cannot read the secret second-Ef34Gh that authenticates the mapping to arn:aws:mq:${PREFIX}:broker:orders:b-1: it cannot connect`,
      ],
    ]);
    // The six network needs share their Sid and what breaks: the same text for each, as the catalog says.
    const network = requirements.filter((r) => r.sid === 'EventSourceNetworkInterfaces');
    expect(network).toHaveLength(6);
    expect(new Set(network.map((r) => r.breaks))).toEqual(
      new Set([
        'Lambda cannot manage the network interfaces the event source mapping uses to reach orders inside its VPC: the mapping cannot connect',
      ]),
    );
    expect(network.every((r) => r.cause === secrets[0]?.cause && r.severity === 'high')).toBe(true);
  });

  it('gives each function the network resources of its own account, region and subnets', () => {
    const touched = (fn: ReturnType<typeof lambdaFunction>) =>
      deriveRequirements(fn, [])
        .requirements.filter((r) => r.actions[0] === 'ec2:CreateNetworkInterface')
        .map((r) => r.touches?.map((t) => `${t.resource}${t.anyName ? ' any' : ''}`));
    const other = 'arn:aws:lambda:eu-west-1:111122223333:function:g';
    const a = lambdaFunction('a', { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } });
    const b = lambdaFunction('g', { FunctionArn: other, VpcConfig: { SubnetIds: ['subnet-1'] } });
    const c = lambdaFunction('c', { VpcConfig: { SubnetIds: ['subnet-2', 'subnet-1'] } });
    // One after the other, back and forth between the places: each keeps its own.
    for (let round = 0; round < 2; round++) {
      expect(touched(a)).toEqual([
        [
          `arn:aws:ec2:${PREFIX}:network-interface/* any`,
          `arn:aws:ec2:${PREFIX}:subnet/subnet-1`,
          `arn:aws:ec2:${PREFIX}:security-group/sg-1`,
        ],
      ]);
      expect(touched(b)).toEqual([
        [
          'arn:aws:ec2:eu-west-1:111122223333:network-interface/* any',
          'arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1',
          'arn:aws:ec2:eu-west-1:111122223333:security-group/* any',
        ],
      ]);
      expect(touched(c)).toEqual([
        [
          `arn:aws:ec2:${PREFIX}:network-interface/* any`,
          `arn:aws:ec2:${PREFIX}:subnet/subnet-2`,
          `arn:aws:ec2:${PREFIX}:subnet/subnet-1`,
          `arn:aws:ec2:${PREFIX}:security-group/* any`,
        ],
      ]);
    }
  });

  it('writes every field of a requirement as JSON, those read through its need and context included', () => {
    const derived = deriveRequirements(lambdaFunction('f'), [
      mapping('f', `arn:aws:sqs:${PREFIX}:orders`, { State: 'Disabled' }),
      mapping('f', CLUSTER, { Topics: ['t'] }),
    ]);
    const fields = [
      'entryId',
      'actions',
      'resource',
      'anyName',
      'grantResource',
      'cause',
      'mode',
      'docsUrl',
      'disabled',
      'severity',
      'breaks',
      'origin',
      'sid',
    ] as const;
    expect(derived.requirements.length).toBeGreaterThan(5);
    for (const requirement of derived.requirements) {
      const copy = JSON.parse(JSON.stringify(requirement)) as Record<string, unknown>;
      for (const field of fields) expect(copy[field]).toEqual(JSON.parse(JSON.stringify(requirement[field])));
      expect(copy.unverifiable).toEqual(requirement.unverifiable);
      expect(copy.touches).toEqual(JSON.parse(JSON.stringify(requirement.touches ?? null)) ?? undefined);
    }
    expect(derived.requirements.some((r) => r.unverifiable !== undefined)).toBe(true);
    expect(derived.requirements.some((r) => r.disabled)).toBe(true);
  });

  it('recognises event source kinds from their ARNs', () => {
    expect(eventSourceKind(mapping('f', `arn:aws:kinesis:${PREFIX}:stream/s`))).toBe('kinesis');
    expect(eventSourceKind(mapping('f', `arn:aws:kinesis:${PREFIX}:stream/s/consumer/c:1`))).toBe(
      'kinesis-consumer',
    );
    expect(eventSourceKind(mapping('f', `arn:aws:mq:${PREFIX}:broker:b:id`))).toBe('mq');
    expect(eventSourceKind(mapping('f', 'not-an-arn'))).toBeUndefined();
  });

  it('makes Sid names of letters and digits only', () => {
    expect(sidName('orders-queue_v2.fifo')).toBe('OrdersQueueV2Fifo');
  });
});

describe('sibling resources', () => {
  it('renames the queue, and moves it to another region and account', () => {
    expect(siblingResources(`arn:aws:sqs:${PREFIX}:orders`)).toEqual([
      `arn:aws:sqs:${PREFIX}:orders-lra-sibling`,
      `arn:aws:sqs:${PREFIX}:lra-sibling`,
      'arn:aws:sqs:eu-west-3:123456789012:orders',
      'arn:aws:sqs:us-west-2:000000000000:orders',
    ]);
  });

  it('renames the log group, never the stream wildcard', () => {
    const siblings = siblingResources(`arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f:log-stream:*`);
    expect(siblings[0]).toBe(`arn:aws:logs:${PREFIX}:log-group:/aws/lambda/f-lra-sibling:log-stream:*`);
  });

  it('renames the table of a DynamoDB stream, not its label', () => {
    const [first] = siblingResources(`arn:aws:dynamodb:${PREFIX}:table/Orders/stream/2026`);
    expect(first).toBe(`arn:aws:dynamodb:${PREFIX}:table/Orders-lra-sibling/stream/2026`);
  });

  it('has none for *', () => {
    expect(siblingResources('*')).toEqual([]);
  });
});
