/**
 * The real handlers against moto, when time runs short: the change handler returns what it could not
 * audit as batchItemFailures well before Lambda's timeout, keeping what it finished (alerts sent, state
 * written, messages deleted), and the retry does only the rest; the sweep publishes a digest that names
 * what it could not audit instead of dying, and leaves the state of what it did not see.
 *
 * Time is what the Lambda context says (`getRemainingTimeInMillis`). To run the clock deterministically,
 * the runtime's audit step is wrapped to report how long it "took" (the audit itself is the real one,
 * reading moto through the SDK); nothing else is simulated.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type AuditorRuntime, createAuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../../functions/commons/handlers.js';
import type { DigestAlertDocument } from '../../shared/alerts/alert-document.js';
import {
  createChangeQueue,
  createDemoAccount,
  type HandlerEnvironment,
  REGION,
  readEventFixture,
  STATE_TABLE,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const logger = new Logger({ serviceName: 'deadline-test', logLevel: 'SILENT' });
const OTHER_REGION = 'us-west-2';

let env: HandlerEnvironment;
let runtime: AuditorRuntime;
let twoRegions: AuditorRuntime;
/** The functions of the three roles, by role name. */
const functionOf = new Map<string, string>();

/** A Lambda context whose remaining time is `total` less what `elapsed` says has passed. */
function contextWith(total: number, elapsed: () => number): Context {
  return {
    functionName: 'deadline-test',
    awsRequestId: 'test',
    getRemainingTimeInMillis: () => total - elapsed(),
  } as unknown as Context;
}

/** The runtime, with each audit of a chunk of functions (or of a region) taking `cost` ms of the clock. */
function costing(base: AuditorRuntime, cost: number, clock: { elapsed: number }): AuditorRuntime {
  return {
    ...base,
    newBatch() {
      const batch = base.newBatch();
      return {
        directory: batch.directory,
        async auditFunctions(arns, deadline) {
          const report = await batch.auditFunctions(arns, deadline);
          clock.elapsed += cost;
          return report;
        },
      };
    },
    async auditRegions(regions, deadline) {
      const report = await base.auditRegions(regions, deadline);
      clock.elapsed += cost;
      return report;
    },
  };
}

const detach = (roleName: string) =>
  readEventFixture('iam-detach-role-policy.json', { '"orders-consumer-role"': `"${roleName}"` });

async function remembered(functionArn: string): Promise<string | undefined> {
  const item = await env.clients.dynamodb.send(
    new GetItemCommand({ TableName: STATE_TABLE, Key: { functionArn: { S: functionArn } } }),
  );
  return item.Item?.findings?.S;
}

beforeAll(async () => {
  env = await startHandlerEnvironment();
  runtime = env.runtime();
  functionOf.set(env.account.roleName, env.account.functionArn);
  for (const name of ['second', 'third']) {
    const account = await createDemoAccount(env.clients, { functionName: name, roleName: `${name}-role` });
    functionOf.set(account.roleName, account.functionArn);
  }
  twoRegions = createAuditorRuntime(
    { ...runtime.config, auditRegions: [REGION, OTHER_REGION] },
    { endpoint: env.moto.endpoint, credentials: env.moto.clientConfig.credentials, maxAttempts: 1 },
  );
});

beforeEach(async () => {
  for (const arn of functionOf.values()) await env.forget(arn);
  await env.capture.receive();
});

afterAll(async () => {
  if (twoRegions) {
    twoRegions.sns.destroy();
    twoRegions.dynamodb.destroy();
    for (const clients of twoRegions.clientsByRegion.values())
      for (const client of Object.values(clients)) client.destroy();
  }
  await env?.stop();
});

describe('change handler under a deadline', () => {
  it('returns every message when the invocation starts with less time than its reserve', async () => {
    const handler = createChangeHandler(runtime, logger);
    const bodies = [...functionOf.keys()].map(detach);
    const response = await handler(
      sqsEvent(bodies),
      contextWith(4_000, () => 0),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'message-0',
      'message-1',
      'message-2',
    ]);
    expect(await env.capture.receive()).toEqual([]);
    for (const arn of functionOf.values()) expect(await remembered(arn)).toBeUndefined();
  });

  it('keeps the functions it finished before the deadline; the retry does only the rest', async () => {
    // 60 s invocations, 15 s kept in reserve; each audit of one function takes 25 s: two fit, the third
    // would run past the reserve and is handed back.
    const clock = { elapsed: 0 };
    const handler = createChangeHandler(costing(runtime, 25_000, clock), logger, { auditChunkSize: 1 });
    const responses: SQSBatchResponse[] = [];
    const invoke = async (event: SQSEvent) => {
      clock.elapsed = 0; // a new invocation, with its full time
      const response = await handler(
        event,
        contextWith(60_000, () => clock.elapsed),
      );
      responses.push(response);
      return response;
    };
    const queue = await createChangeQueue(env.clients.sqs, 'deadline-changes', 3);
    for (const roleName of functionOf.keys()) await queue.send(detach(roleName));

    expect(await queue.poll(invoke)).toBe(3);
    expect(responses[0]?.batchItemFailures).toHaveLength(1);
    const first = await env.capture.receive();
    const alerted = first.map((alert) => alert.attributes.function?.Value).sort();
    expect(alerted).toHaveLength(2);

    await queue.drain(invoke);
    const rest = await env.capture.receive();
    // The retry handled the one message left: its function's alert, and no second alert for the others.
    expect(responses.slice(1).map((r) => r.batchItemFailures)).toEqual([[]]);
    expect(rest.map((alert) => alert.attributes.function?.Value)).toHaveLength(1);
    expect([...alerted, ...rest.map((alert) => alert.attributes.function?.Value)].sort()).toEqual(
      ['orders-consumer', 'second', 'third'].sort(),
    );
    expect(await queue.deadLetters()).toEqual([]);
    for (const arn of functionOf.values()) expect(await remembered(arn)).toBeDefined();
  });
});

describe('sweep under a deadline', () => {
  it('publishes the functions it could not audit instead of dying, and leaves their state', async () => {
    const state = JSON.stringify([]);
    await env.clients.dynamodb.send(
      new PutItemCommand({
        TableName: STATE_TABLE,
        Item: {
          functionArn: { S: env.account.functionArn },
          findings: { S: state },
          auditedAt: { S: '2026-12-01T00:00:00Z' },
        },
      }),
    );
    const sweep = createSweepHandler(runtime, logger);
    // Less time than the reserve: the one region is still audited, against a deadline already passed.
    const result = await sweep(
      {},
      contextWith(3_000, () => 0),
    );
    expect(result.published).toBe(true);
    expect(result.unfinished).toBe(3);
    const [digest] = await env.capture.receive();
    const document = digest?.document as DigestAlertDocument;
    expect(document.report.functions).toEqual([]);
    expect(
      (document.report.errors ?? []).map((e) => [e.functionName, /ran out of time/.test(e.message)]).sort(),
    ).toEqual([
      ['orders-consumer', true],
      ['second', true],
      ['third', true],
    ]);
    expect(digest?.message).toContain('Could not audit (3)');
    expect(await remembered(env.account.functionArn)).toBe(state);
  });
});
