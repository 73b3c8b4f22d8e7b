/**
 * A CloudFormation-style burst: 500 functions created at once (shared roles, SQS, Kinesis and DynamoDB
 * stream mappings), then a whole-account audit against moto that must audit every one of them, with the
 * number of API calls growing with pages and not with functions (invoke configs aside, one per function).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { loadActionCatalog } from '../../shared/adapters/action-catalog/load-action-catalog.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/clients.js';
import { writeExport } from '../../shared/adapters/aws/export-writer.js';
import { createLiveSource } from '../../shared/adapters/aws/live-source.js';
import { PolicyVersionCache } from '../../shared/adapters/aws/policy-version-cache.js';
import { ExportFolderSource } from '../../shared/adapters/export-folder/export-folder-source.js';
import { auditAccount } from '../../shared/domain/audit/audit-account.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import {
  createSyntheticAccount,
  patchMotoInvokeConfigTimestamps,
  type SyntheticAccount,
  tinyZip,
} from '../support/moto-account.js';
import { findingKeys } from './live-comparison.js';

const FUNCTIONS = 500;

describe('whole-account audit of a 500-function burst', () => {
  let server: MotoServer;
  let clients: AwsClients;
  let account: SyntheticAccount;

  beforeAll(async () => {
    server = await startMotoServer('us-east-1');
    account = await createSyntheticAccount(server, FUNCTIONS);
    clients = createAwsClients({ ...server.clientConfig });
    patchMotoInvokeConfigTimestamps(clients.lambda);
  }, 300_000);

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client?.destroy();
    await server?.stop();
  });

  it('audits every function, with no read error, in calls that grow with pages and distinct policies', async () => {
    const counter = new ApiCallCounter();
    for (const client of Object.values(clients)) if (client) countApiCalls(client, counter);
    const progress: string[] = [];
    // moto does not throttle; the token bucket's pacing is unit-tested (request-limits.test.ts).
    const source = createLiveSource({
      clients,
      lambdaRequestsPerSecond: 500,
      policyCache: new PolicyVersionCache(),
      onProgress: (p) => progress.push(p.phase),
    });
    const snapshot = await source.load({});
    expect(snapshot.readErrors).toEqual([]);
    expect(snapshot.functions).toHaveLength(FUNCTIONS);
    expect(snapshot.eventSourceMappings).toHaveLength(FUNCTIONS);
    expect(snapshot.roles.size).toBe(account.roleCount);

    const report = auditAccount(snapshot, {
      catalog: await loadActionCatalog(),
      generatedAt: '2026-11-26T00:00:00Z',
    });
    expect(report.errors ?? []).toEqual([]);
    expect(report.functions.map((fn) => fn.functionName).sort()).toEqual([...account.functionNames].sort());
    expect(report.summary.functions).toBe(FUNCTIONS);

    const calls = counter.byOperation();
    // moto answers each list call in one page; the per-function calls are the invoke-config listing and
    // the tags (ListTags: the suppress tag on a function). The keys: one read per distinct queue (10) and
    // stream (5) the mappings and destinations use; no DescribeKey, since none is encrypted with a KMS key;
    // no version read, since no target is qualified.
    expect(calls).toEqual({
      'IAM:GetAccountAuthorizationDetails': 1,
      'IAM:GetPolicy': 1,
      'IAM:GetPolicyVersion': 1,
      'Kinesis:DescribeStreamSummary': 5,
      'Lambda:ListEventSourceMappings': 1,
      'Lambda:ListFunctionEventInvokeConfigs': FUNCTIONS,
      'Lambda:ListFunctions': 1,
      'Lambda:ListTags': FUNCTIONS,
      'SQS:GetQueueAttributes': 10,
    });
    expect(report.functions.filter((fn) => fn.unverified !== undefined)).toEqual([]);
    expect(snapshot.eventInvokeConfigs).toHaveLength(FUNCTIONS / 10);

    // The export written from the same read audits to the same findings, at this size too.
    const exportDir = await mkdtemp(join(tmpdir(), 'live-burst-'));
    try {
      await writeExport(await source.read({}), exportDir);
      const offline = auditAccount(await new ExportFolderSource(exportDir).load({}), {
        catalog: await loadActionCatalog(),
        generatedAt: '2026-11-26T00:00:00Z',
      });
      expect(findingKeys(offline)).toEqual(findingKeys(report));
    } finally {
      await rm(exportDir, { recursive: true, force: true });
    }
    expect(new Set(progress)).toEqual(
      new Set([
        'roles',
        'functions',
        'event-source-mappings',
        'managed-policies',
        'event-invoke-configs',
        'function-tags',
        'encryption',
      ]),
    );
  }, 300_000);

  it('completes while a deployment deletes and creates functions during the read, auditing every function it kept', async () => {
    const lambda = new LambdaClient({ ...server.clientConfig });
    const source = createLiveSource({
      clients,
      lambdaRequestsPerSecond: 60,
      policyCache: new PolicyVersionCache(),
    });
    const deleted = account.functionNames.slice(-25);
    const reading = source.load({});
    const deploying = (async () => {
      for (const FunctionName of deleted) await lambda.send(new DeleteFunctionCommand({ FunctionName }));
      for (let i = 0; i < 25; i += 1) {
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: `late-fn-${i}`,
            Role: `arn:aws:iam::123456789012:role/synthetic-role-${i}`,
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Code: { ZipFile: tinyZip() },
          }),
        );
      }
    })();
    const [snapshot] = await Promise.all([reading, deploying]);
    lambda.destroy();

    expect(snapshot.readErrors).toEqual([]);
    const names = new Set(snapshot.functions.map((fn) => fn.FunctionName));
    // Every function the read kept still existed when its invoke configs were listed.
    for (const name of account.functionNames.slice(0, -25)) expect(names.has(name)).toBe(true);
    const report = auditAccount(snapshot, {
      catalog: await loadActionCatalog(),
      generatedAt: '2026-11-26T00:00:00Z',
    });
    expect(report.errors ?? []).toEqual([]);
    expect(report.functions).toHaveLength(snapshot.functions.length);
  }, 300_000);
});
