/**
 * The live read of what decides a function's needs beyond its own configuration, through the real SDK
 * against moto:
 * - the keys of the queues, streams, topics and secrets the functions use (customer managed, AWS managed,
 *   none, unreadable), the KMS needs they add, and the calls that costs;
 * - the published versions that qualified mappings name, judged against their own roles;
 * - a role shared across regions, judged with its functions in every region (library and CLI);
 * - `export` writing the optional files, and the offline audit of them agreeing with the live one.
 *
 * moto gaps met here (reference/moto-notes.md): CreateFunction drops DeadLetterConfig, so the SNS target is
 * a mapping's on-failure destination; a mapping created on an alias gets the alias's version ARN, and an
 * invoke config put on an alias loses its qualifier, so alias resolution is tested on the reader's own
 * calls (ListAliases, GetFunctionConfiguration with a qualifier) and from export files.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachRolePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand, StartStreamEncryptionCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateEventSourceMappingCommand,
  CreateAliasCommand as CreateFunctionAliasCommand,
  CreateFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { createAuditorRuntime } from '../../functions/commons/auditor.js';
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/clients.js';
import { readResourceEncryption } from '../../shared/adapters/aws/encryption-reader.js';
import { writeExport } from '../../shared/adapters/aws/export-writer.js';
import { mapWithConcurrency } from '../../shared/adapters/aws/live-account-reader.js';
import { createLiveSource, createMultiRegionLiveSource } from '../../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../../shared/adapters/aws/policy-version-cache.js';
import { readVersionsAndAliases } from '../../shared/adapters/aws/version-reader.js';
import { ExportFolderSource } from '../../shared/adapters/export-folder/export-folder-source.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import type { AccountSnapshot } from '../../shared/domain/model.js';
import type { ActionCatalog } from '../../shared/domain/policy/action-catalog.js';
import type { FunctionResult, Report } from '../../shared/domain/report.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { patchMotoInvokeConfigTimestamps, tinyZip } from '../support/moto-account.js';
import { runCli } from '../support/run-cli.js';

const ACCOUNT = '123456789012';
const EAST = 'us-east-1';
const WEST = 'eu-west-1';
const queueArn = (name: string, region = EAST) => `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
const functionArn = (name: string, region = EAST) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const LOGS = {
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/*:*`,
};
const SQS_CONSUMER = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

let server: MotoServer;
let east: AwsClients;
let west: AwsClients;
let catalog: ActionCatalog;
let keyArn: string;
let keyId: string;
let topicArn: string;
let secretArn: string;
let workDir: string;

function clientsFor(region: string): AwsClients {
  const clients = createAwsClients({
    region,
    endpoint: server.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
  patchMotoInvokeConfigTimestamps(clients.lambda);
  return clients;
}

async function role(clients: AwsClients, name: string, statements: readonly Record<string, unknown>[]) {
  const created = await clients.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }),
  );
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'access',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [LOGS, ...statements] }),
    }),
  );
  return created.Role?.Arn ?? '';
}

async function fn(clients: AwsClients, name: string, roleArn: string): Promise<string> {
  const created = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: tinyZip() },
    }),
  );
  return created.FunctionArn ?? '';
}

async function map(
  clients: AwsClients,
  functionName: string,
  source: string,
  extra: Record<string, unknown> = {},
) {
  const mapping = await clients.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: source, ...extra }),
  );
  return mapping.UUID ?? '';
}

const audit = (snapshot: AccountSnapshot): Report =>
  auditAccount(snapshot, { catalog, generatedAt: '2026-12-02T00:00:00.000Z' });

const result = (report: Report, arn: string): FunctionResult | undefined =>
  report.functions.find((candidate) => candidate.functionArn === arn);

/** (rule, action, resource, decision) of each finding, by function or version ARN. */
const findingKeys = (report: Report): Record<string, string[]> =>
  Object.fromEntries(
    report.functions.map((fn) => [
      fn.functionArn,
      fn.findings.map((f) => `${f.rule} ${f.action ?? '-'} ${f.resource ?? '-'} ${f.decision ?? '-'}`).sort(),
    ]),
  );

const missing = (found: FunctionResult | undefined): string[] =>
  (found?.findings ?? [])
    .filter((finding) => finding.rule === 'missing-permission')
    .map((finding) => `${finding.action} ${finding.resource}`)
    .sort();

beforeAll(async () => {
  server = await startMotoServer(EAST);
  catalog = await loadActionCatalog();
  east = clientsFor(EAST);
  west = clientsFor(WEST);
  workDir = await mkdtemp(join(tmpdir(), 'live-sources-'));

  // A customer managed key, named three ways by the resources below.
  const key = await east.kms?.send(new CreateKeyCommand({ Description: 'orders' }));
  keyArn = key?.KeyMetadata?.Arn ?? '';
  keyId = key?.KeyMetadata?.KeyId ?? '';
  await east.kms?.send(new CreateAliasCommand({ AliasName: 'alias/orders-key', TargetKeyId: keyId }));

  for (const [name, kms] of [
    ['orders', 'alias/orders-key'],
    ['plain', undefined],
    ['aws-keyed', 'alias/aws/sqs'],
    ['gone', undefined],
  ] as const) {
    await east.sqs?.send(
      new CreateQueueCommand({ QueueName: name, ...(kms ? { Attributes: { KmsMasterKeyId: kms } } : {}) }),
    );
  }
  await east.kinesis?.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 }));
  await east.kinesis?.send(
    new StartStreamEncryptionCommand({ StreamName: 'clicks', EncryptionType: 'KMS', KeyId: keyId }),
  );
  const topic = await east.sns?.send(
    new CreateTopicCommand({ Name: 'failures', Attributes: { KmsMasterKeyId: keyArn } }),
  );
  topicArn = topic?.TopicArn ?? '';
  const secret = await east.secretsManager?.send(
    new CreateSecretCommand({ Name: 'kafka-auth', SecretString: 'x', KmsKeyId: 'alias/orders-key' }),
  );
  secretArn = secret?.ARN ?? '';

  // orders-consumer: a customer managed key on its queue and no kms:Decrypt.
  const ordersRole = await role(east, 'orders-role', [
    { Effect: 'Allow', Action: SQS_CONSUMER, Resource: queueArn('orders') },
  ]);
  await fn(east, 'orders-consumer', ordersRole);
  await map(east, functionArn('orders-consumer'), queueArn('orders'));
  // orders-decrypter: the same, with kms:Decrypt on the key.
  const decrypterRole = await role(east, 'orders-decrypter-role', [
    { Effect: 'Allow', Action: SQS_CONSUMER, Resource: queueArn('orders') },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn },
  ]);
  await fn(east, 'orders-decrypter', decrypterRole);
  await map(east, functionArn('orders-decrypter'), queueArn('orders'));
  // plain and AWS managed keys need nothing; a queue deleted under its mapping cannot be read.
  const plainRole = await role(east, 'plain-role', [
    { Effect: 'Allow', Action: SQS_CONSUMER, Resource: `arn:aws:sqs:${EAST}:${ACCOUNT}:*` },
  ]);
  await fn(east, 'plain-consumer', plainRole);
  await map(east, functionArn('plain-consumer'), queueArn('plain'));
  await map(east, functionArn('plain-consumer'), queueArn('aws-keyed'));
  await map(east, functionArn('plain-consumer'), queueArn('gone'));
  const gone = await east.sqs?.send(new CreateQueueCommand({ QueueName: 'gone' }));
  await east.sqs?.send(new DeleteQueueCommand({ QueueUrl: gone?.QueueUrl }));
  // clicks-reader: an encrypted stream (key id) and an encrypted on-failure topic (key ARN).
  const clicksRole = await role(east, 'clicks-role', [
    {
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      Resource: `arn:aws:kinesis:${EAST}:${ACCOUNT}:stream/clicks`,
    },
    { Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn },
  ]);
  await fn(east, 'clicks-reader', clicksRole);
  await map(east, functionArn('clicks-reader'), `arn:aws:kinesis:${EAST}:${ACCOUNT}:stream/clicks`, {
    StartingPosition: 'LATEST',
    DestinationConfig: { OnFailure: { Destination: topicArn } },
  });

  // versioned: version 1 kept the role that can read its queue; $LATEST moved to a role that cannot.
  const v1Role = await role(east, 'versioned-v1-role', [
    { Effect: 'Allow', Action: SQS_CONSUMER, Resource: queueArn('plain') },
  ]);
  const v2Role = await role(east, 'versioned-v2-role', []);
  await fn(east, 'versioned', v1Role);
  await east.lambda.send(new PublishVersionCommand({ FunctionName: 'versioned' }));
  await east.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'versioned', Role: v2Role }));
  await east.lambda.send(new PublishVersionCommand({ FunctionName: 'versioned' }));
  await east.lambda.send(
    new CreateFunctionAliasCommand({
      FunctionName: 'versioned',
      Name: 'live',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
    }),
  );
  await map(east, `${functionArn('versioned')}:1`, queueArn('plain'));

  // One role in two regions: its SQS consumer grant is used by the east function only.
  await east.sqs?.send(new CreateQueueCommand({ QueueName: 'jobs' }));
  const sharedRole = await role(east, 'jobs-role', [
    { Effect: 'Allow', Action: SQS_CONSUMER, Resource: queueArn('jobs') },
  ]);
  await fn(east, 'jobs-east', sharedRole);
  await map(east, functionArn('jobs-east'), queueArn('jobs'));
  await fn(west, 'jobs-west', sharedRole);
  await west.iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'jobs-role',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    }),
  );
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('customer managed keys, read live', () => {
  it('requires kms:Decrypt on the key of an SQS source, once the key is known to be customer managed', async () => {
    const report = audit(
      await createLiveSource({ clients: east, policyCache: new PolicyVersionCache() }).load({}),
    );
    expect(missing(result(report, functionArn('orders-consumer')))).toEqual([`kms:Decrypt ${keyArn}`]);
    const finding = result(report, functionArn('orders-consumer'))?.findings.find(
      (candidate) => candidate.action === 'kms:Decrypt',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toContain('alias/orders-key');
    expect(finding?.cause).toMatchObject({
      kind: 'event-source-mapping',
      eventSourceArn: queueArn('orders'),
    });
    expect(result(report, functionArn('orders-consumer'))?.recommendedPolicy?.Statement).toContainEqual({
      Sid: 'DecryptQueueOrders',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [keyArn],
    });
    expect(missing(result(report, functionArn('orders-decrypter')))).toEqual([]);
  }, 60_000);

  it('needs nothing for an unencrypted queue or an AWS managed key, and says why a deleted queue is unverified', async () => {
    const report = audit(await createLiveSource({ clients: east }).load({}));
    const plain = result(report, functionArn('plain-consumer'));
    expect(missing(plain)).toEqual([]);
    expect(plain?.unverified).toEqual([
      expect.objectContaining({
        actions: ['kms:Decrypt'],
        resource: queueArn('gone'),
        reason: expect.stringContaining('the queue does not exist'),
      }),
    ]);
    expect(report.notes).toEqual([
      expect.stringContaining('1 customer managed key need(s) of 1 function(s)'),
    ]);
  }, 60_000);

  it('requires kms:GenerateDataKey (and Decrypt) on the key of an on-failure topic, and Decrypt on a stream’s', async () => {
    const report = audit(await createLiveSource({ clients: east }).load({}));
    // The role decrypts with the key (stream) but cannot generate data keys for the topic.
    expect(missing(result(report, functionArn('clicks-reader')))).toEqual([`kms:GenerateDataKey ${keyArn}`]);
  }, 60_000);

  it('reads each resource once and describes each key reference once, except AWS’s own aliases', async () => {
    const counter = new ApiCallCounter();
    for (const client of Object.values(east)) if (client) countApiCalls(client, counter);
    await createLiveSource({ clients: east, policyCache: new PolicyVersionCache() }).read({});
    const calls = counter.byOperation();
    // Queues orders, plain, aws-keyed, gone, jobs; stream clicks; topic failures.
    expect(calls['SQS:GetQueueAttributes']).toBe(5);
    expect(calls['Kinesis:DescribeStreamSummary']).toBe(1);
    expect(calls['SNS:GetTopicAttributes']).toBe(1);
    // alias/orders-key (queue), the key id (stream), the key ARN (topic); never alias/aws/sqs.
    expect(calls['KMS:DescribeKey']).toBe(3);
    // One qualified mapping (versioned:1): one GetFunctionConfiguration with a qualifier, no ListAliases.
    expect(calls['Lambda:GetFunctionConfiguration']).toBe(1);
    expect(calls['Lambda:ListAliases']).toBeUndefined();
    for (const client of Object.values(east)) client?.middlewareStack.remove('lambdaRoleAuditCallCounter');
  }, 60_000);

  it('reads a secret’s key through DescribeSecret and an alias through DescribeKey', async () => {
    const file = await readResourceEncryption(
      {
        sqs: east.sqs as NonNullable<AwsClients['sqs']>,
        kinesis: east.kinesis as NonNullable<AwsClients['kinesis']>,
        sns: east.sns as NonNullable<AwsClients['sns']>,
        secretsManager: east.secretsManager as NonNullable<AwsClients['secretsManager']>,
        kms: east.kms as NonNullable<AwsClients['kms']>,
      },
      [secretArn, `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:missing-AbCdEf`, queueArn('x', WEST)],
      { region: EAST, concurrency: 2, map: mapWithConcurrency },
    );
    expect(file.Secrets).toEqual([{ ARN: secretArn, KmsKeyId: 'alias/orders-key' }]);
    expect(file.Keys).toEqual([{ KeyMetadata: { KeyId: keyId, Arn: keyArn, KeyManager: 'CUSTOMER' } }]);
    expect(file.Aliases).toEqual([
      {
        AliasName: 'alias/orders-key',
        AliasArn: `arn:aws:kms:${EAST}:${ACCOUNT}:alias/orders-key`,
        TargetKeyId: keyId,
      },
    ]);
    expect(file.Unreadable).toEqual([
      {
        Resource: `arn:aws:secretsmanager:${EAST}:${ACCOUNT}:secret:missing-AbCdEf`,
        Reason: expect.stringContaining('the secret does not exist'),
      },
      { Resource: queueArn('x', WEST), Reason: expect.stringContaining(`in region ${WEST}`) },
    ]);
  }, 60_000);
});

describe('versions and aliases, read live', () => {
  it('judges a mapping on a version against that version’s role, as its own result', async () => {
    const report = audit(await createLiveSource({ clients: east }).load({}));
    const version = result(report, `${functionArn('versioned')}:1`);
    expect(version).toMatchObject({
      functionName: 'versioned',
      version: '1',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/versioned-v1-role`,
    });
    expect(missing(version)).toEqual([]);
    // $LATEST's role cannot read the queue, but the mapping is not $LATEST's.
    const latest = result(report, functionArn('versioned'));
    expect(latest?.version).toBeUndefined();
    expect(latest?.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/versioned-v2-role`);
    expect(missing(latest)).toEqual([]);
  }, 60_000);

  it('reads an alias’s versions, its routing included, with ListAliases and qualified GetFunctionConfiguration', async () => {
    const counter = new ApiCallCounter();
    countApiCalls(east.lambda, counter);
    const read = await readVersionsAndAliases(east.lambda, [`${functionArn('versioned')}:live`], {
      concurrency: 2,
      map: mapWithConcurrency,
    });
    expect(read.readErrors).toEqual([]);
    expect(read.aliases.map((alias) => [alias.Name, alias.FunctionVersion])).toEqual([['live', '1']]);
    expect(read.versions.map((version) => [version.Version, version.Role])).toEqual([
      ['1', `arn:aws:iam::${ACCOUNT}:role/versioned-v1-role`],
      ['2', `arn:aws:iam::${ACCOUNT}:role/versioned-v2-role`],
    ]);
    expect(counter.byOperation()).toEqual({ 'Lambda:GetFunctionConfiguration': 2, 'Lambda:ListAliases': 1 });
    east.lambda.middlewareStack.remove('lambdaRoleAuditCallCounter');
  }, 60_000);
});

describe('a role across regions', () => {
  it('calls a grant unused in one region only when no function of the role uses it in any region', async () => {
    const westOnly = audit(await createLiveSource({ clients: west }).load({}));
    expect(result(westOnly, functionArn('jobs-west', WEST))?.findings.map((f) => f.rule)).toContain(
      'unused-source-permission',
    );

    const both = audit(
      await createMultiRegionLiveSource({
        clientsByRegion: new Map([
          [EAST, east],
          [WEST, west],
        ]),
      }).load({}),
    );
    expect(both.source).toEqual({ kind: 'live', account: ACCOUNT, regions: [WEST, EAST] });
    const jobsWest = result(both, functionArn('jobs-west', WEST));
    expect(jobsWest?.findings.map((f) => f.rule)).not.toContain('unused-source-permission');
    expect(jobsWest?.sharedWith).toEqual(['jobs-east']);
  }, 60_000);

  it('reads named functions in the regions their ARNs name, and a plain name in every region', async () => {
    const source = createMultiRegionLiveSource({
      clientsByRegion: new Map([
        [EAST, east],
        [WEST, west],
      ]),
    });
    const snapshot = await source.load({ functionNames: ['jobs-west', functionArn('jobs-east')] });
    expect(snapshot.functions.map((f) => f.FunctionArn).sort()).toEqual(
      [functionArn('jobs-west', WEST), functionArn('jobs-east')].sort(),
    );
    expect(snapshot.readErrors).toEqual([]);
  }, 60_000);

  it('judges the role across regions in the deployed handlers’ audits too (sweep and change batch)', async () => {
    const runtime = createAuditorRuntime(
      {
        stateTableName: 'unused',
        alertTopicArn: `arn:aws:sns:${EAST}:${ACCOUNT}:unused`,
        minSeverity: 'low',
        suppressions: [],
        tagSuppression: DEFAULT_TAG_SUPPRESSION,
        account: ACCOUNT,
        auditRegions: [EAST, WEST],
        region: EAST,
      },
      { endpoint: server.endpoint, credentials: server.clientConfig.credentials, maxAttempts: 2 },
    );
    for (const clients of runtime.clientsByRegion.values()) patchMotoInvokeConfigTimestamps(clients.lambda);
    const sweep = await runtime.auditRegions([EAST, WEST]);
    expect(sweep.source.regions).toEqual([WEST, EAST]);
    expect(result(sweep, functionArn('jobs-west', WEST))?.findings.map((f) => f.rule)).not.toContain(
      'unused-source-permission',
    );
    const batch = runtime.newBatch();
    const siblings = await batch.directory.functionsSharingRoleWith(functionArn('jobs-west', WEST));
    expect([...siblings].sort()).toEqual([functionArn('jobs-east'), functionArn('jobs-west', WEST)].sort());
    const changed = await batch.auditFunctions(siblings);
    expect(changed.functions.map((f) => f.functionArn).sort()).toEqual([...siblings].sort());
    expect(result(changed, functionArn('jobs-west', WEST))?.sharedWith).toEqual(['jobs-east']);
    expect(result(changed, functionArn('jobs-west', WEST))?.findings.map((f) => f.rule)).not.toContain(
      'unused-source-permission',
    );
  }, 60_000);

  it('audits several regions from the command line, and every enabled region with --all-regions', async () => {
    const env = {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_REGION: EAST,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '2',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const listed = await runCli(
      ['audit', '--region', `${EAST},${WEST}`, '--format', 'json', '--fail-on', 'none'],
      {
        env,
      },
    );
    expect(listed.stderr).toBe('');
    const report = JSON.parse(listed.stdout) as Report;
    expect(report.source.regions).toEqual([WEST, EAST]);
    expect(result(report, functionArn('jobs-west', WEST))?.sharedWith).toEqual(['jobs-east']);

    const all = await runCli(['audit', '--all-regions', '--format', 'json', '--fail-on', 'none'], { env });
    expect(all.status).toBe(0);
    const everywhere = JSON.parse(all.stdout) as Report;
    expect(everywhere.source.regions).toEqual(expect.arrayContaining([EAST, WEST, 'ap-southeast-2']));
    // moto lists the opt-in regions too; those not opted in are left out.
    expect(everywhere.source.regions).not.toContain('ap-east-1');
    expect(result(everywhere, functionArn('jobs-west', WEST))?.sharedWith).toEqual(['jobs-east']);
  }, 180_000);
});

describe('export of the new reads', () => {
  it('writes versions, aliases and resource encryption, and the offline audit agrees with the live one', async () => {
    const source = createMultiRegionLiveSource({
      clientsByRegion: new Map([
        [EAST, east],
        [WEST, west],
      ]),
    });
    const live = audit(await source.load({}));
    const directory = join(workDir, 'export');
    const written = await writeExport(await source.readAll({}), directory);
    expect(written.readErrors).toEqual([]);
    expect((await readdir(directory)).sort()).toEqual([
      'aliases.json',
      'authorization-details.json',
      'event-invoke-configs.json',
      'event-source-mappings.json',
      'functions.json',
      'resource-encryption.json',
      'versions.json',
    ]);
    const encryption = JSON.parse(await readFile(join(directory, 'resource-encryption.json'), 'utf8'));
    expect(encryption.Queues).toContainEqual({
      Attributes: { QueueArn: queueArn('orders'), KmsMasterKeyId: 'alias/orders-key' },
    });
    expect(encryption.Unreadable).toEqual([
      { Resource: queueArn('gone'), Reason: expect.stringContaining('does not exist') },
    ]);
    const versions = JSON.parse(await readFile(join(directory, 'versions.json'), 'utf8'));
    expect(versions.Versions.map((v: { FunctionArn: string }) => v.FunctionArn)).toEqual([
      `${functionArn('versioned')}:1`,
    ]);

    const offline = audit(await new ExportFolderSource(directory).load({}));
    expect(offline.source).toMatchObject({ kind: 'export', regions: [WEST, EAST] });
    expect(findingKeys(offline)).toEqual(findingKeys(live));
    expect(offline.functions.map((f) => [f.functionArn, f.unverified?.length ?? 0])).toEqual(
      live.functions.map((f) => [f.functionArn, f.unverified?.length ?? 0]),
    );
  }, 120_000);
});
