/**
 * Each handler's role against what the handler really sends: the change handler (its own runtime, as
 * functions/change-handler/handler.ts builds it) on every event fixture, and the sweep on the whole
 * account, against moto, with every AWS call recorded by an SDK middleware. Each call must be one its
 * role grants (shared/auditor-permissions.ts), and none may be a call the permission list says the handler
 * never sends although its bundle holds it (`NOT_SENT_BY`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import {
  createChangeRuntime,
  createSweepRuntime,
  type RuntimeBase,
} from '../../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../../functions/commons/handlers.js';
import { ApiCallCounter, countApiCalls } from '../../shared/adapters/aws/call-counter.js';
import { type AuditorFunction, NOT_SENT_BY, permissionsOf } from '../../shared/auditor-permissions.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import {
  ACCOUNT,
  eventFixtureNames,
  type HandlerEnvironment,
  lambdaContext,
  REGION,
  readEventFixture,
  STATE_TABLE,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const FIXTURE_UUID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa';
const SERVICE: Readonly<Record<string, string>> = {
  IAM: 'iam',
  Lambda: 'lambda',
  DynamoDB: 'dynamodb',
  SNS: 'sns',
};

let env: HandlerEnvironment;
const runtimes: RuntimeBase[] = [];

beforeAll(async () => {
  env = await startHandlerEnvironment();
});

afterAll(async () => {
  for (const runtime of runtimes) {
    runtime.sns.destroy();
    runtime.dynamodb.destroy();
    for (const regional of runtime.clientsByRegion.values())
      for (const c of Object.values(regional)) c.destroy();
  }
  await env?.stop();
});

function config() {
  return {
    stateTableName: STATE_TABLE,
    alertTopicArn: env.capture.topicArn,
    minSeverity: 'low' as const,
    // The demo function's findings come from AWS's managed baseline (info by default): graded low, as a
    // deployment can ask, so that the sweep has something to publish.
    awsManagedBaseline: 'low' as const,
    suppressions: [],
    tagSuppression: DEFAULT_TAG_SUPPRESSION,
    account: ACCOUNT,
    auditRegions: [REGION],
    region: REGION,
    // The Lambda pace shared through the state table, as deployed (a budget for moto).
    lambdaRequestsPerSecond: 200,
    lambdaPaceInvocations: 5,
  };
}

/** Records every call the runtime's clients send, as IAM actions (`IAM:GetRole` → `iam:GetRole`). */
function recording(runtime: RuntimeBase): () => string[] {
  const counter = new ApiCallCounter();
  for (const regional of runtime.clientsByRegion.values()) {
    countApiCalls(regional.iam, counter);
    countApiCalls(regional.lambda, counter);
  }
  countApiCalls(runtime.dynamodb, counter);
  countApiCalls(runtime.sns, counter);
  runtimes.push(runtime);
  return () =>
    Object.keys(counter.byOperation()).map((operation) => {
      const [service = '', action = ''] = operation.split(':');
      return `${SERVICE[service] ?? service}:${action}`;
    });
}

function expectGranted(fn: AuditorFunction, sent: readonly string[]) {
  const granted = permissionsOf(fn).flatMap((p) => p.actions);
  expect(sent.filter((action) => !granted.includes(action))).toEqual([]);
  expect(sent.filter((action) => NOT_SENT_BY[fn].some((entry) => entry.action === action))).toEqual([]);
}

const settings = () => ({
  endpoint: env.moto.endpoint,
  credentials: env.moto.clientConfig.credentials,
  maxAttempts: 1,
});

describe('each handler sends only what its role grants', () => {
  it('the change handler, on every event fixture', async () => {
    const runtime = createChangeRuntime(config(), settings());
    const sent = recording(runtime);
    const handler = createChangeHandler(
      runtime,
      new Logger({ serviceName: 'permissions', logLevel: 'SILENT' }),
    );
    const context = lambdaContext('change-handler');
    for (const file of eventFixtureNames()) {
      await env.forget(env.account.functionArn);
      const body = readEventFixture(file, { [FIXTURE_UUID]: env.account.mappingUuid });
      const response = await handler(sqsEvent([body]) as SQSEvent, context);
      expect({ file, failures: response.batchItemFailures }).toEqual({ file, failures: [] });
    }
    await env.capture.receive();
    const actions = sent();
    // The run went through the per-function read, the resolution of changes and the state table.
    expect(actions).toEqual(
      expect.arrayContaining([
        'iam:GetRole',
        'iam:ListEntitiesForPolicy',
        'lambda:ListTags',
        'dynamodb:BatchGetItem',
        'dynamodb:UpdateItem',
        'sns:Publish',
      ]),
    );
    expectGranted('change-handler', actions);
  });

  it('the sweep, on the whole account', async () => {
    const runtime = createSweepRuntime(config(), settings());
    const sent = recording(runtime);
    const handler = createSweepHandler(
      runtime,
      new Logger({ serviceName: 'permissions', logLevel: 'SILENT' }),
    );
    const result = await handler({}, lambdaContext('sweep'));
    expect(result.published).toBe(true);
    await env.capture.receive();
    const actions = sent();
    expect(actions).toEqual(
      expect.arrayContaining([
        'iam:GetAccountAuthorizationDetails',
        'lambda:ListTags',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ]),
    );
    expectGranted('sweep', actions);
  });
});
