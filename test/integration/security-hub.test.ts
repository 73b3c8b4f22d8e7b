/**
 * Security Hub beside the alerts, against moto's Security Hub (BatchImportFindings and GetFindings; moto
 * 5.2 ignores GetFindings' filters and has no BatchUpdateFindings, which this tool never calls): a
 * breaking change imports records of the ASFF shape, checked field by field against the AwsSecurityFinding
 * reference; a repeat does not duplicate them; the repair archives them; the sweep archives what a lost
 * update left ACTIVE and imports what a lost import left out.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { AttachRolePolicyCommand, DetachRolePolicyCommand } from '@aws-sdk/client-iam';
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type AuditorRuntime, createAuditorRuntime } from '../../functions/commons/auditor.js';
import { createChangeHandler, createSweepHandler } from '../../functions/commons/handlers.js';
import type { FunctionAlertDocument } from '../../shared/alerts/alert-document.js';
import { runSweep } from '../../shared/app/sweep.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { recommendedPolicyText } from '../../shared/security-hub/asff.js';
import type { MotoClients } from '../support/moto-account.js';
import {
  ACCOUNT,
  type AlertCapture,
  createDemoAccount,
  type DemoAccount,
  type HandlerEnvironment,
  lambdaContext,
  REGION,
  readEventFixture,
  SQS_EXECUTION_POLICY,
  STATE_TABLE,
  sqsEvent,
  startHandlerEnvironment,
} from './handler-harness.js';

const FIXTURE_UUID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa';
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let env: HandlerEnvironment;
let clients: MotoClients;
let account: DemoAccount;
let capture: AlertCapture;
let runtime: AuditorRuntime;
let hub: SecurityHubClient;
const logger = new Logger({ serviceName: 'security-hub-test', logLevel: 'SILENT' });

beforeAll(async () => {
  env = await startHandlerEnvironment();
  ({ clients, account, capture } = env);
  runtime = createAuditorRuntime(
    {
      stateTableName: STATE_TABLE,
      alertTopicArn: capture.topicArn,
      minSeverity: 'low',
      suppressions: [],
      tagSuppression: DEFAULT_TAG_SUPPRESSION,
      account: ACCOUNT,
      auditRegions: [REGION],
      region: REGION,
      securityHub: true,
      partition: 'aws',
      // As the other handler tests: the AWS managed policy's broad grants count, so the baseline has findings.
      awsManagedBaseline: 'low',
    },
    { endpoint: env.moto.endpoint, credentials: env.moto.clientConfig.credentials, maxAttempts: 1 },
  );
  hub = new SecurityHubClient(env.moto.clientConfig);
});

afterAll(async () => {
  hub?.destroy();
  await env?.stop();
});

function fixture(name: string): string {
  return readEventFixture(name, { [FIXTURE_UUID]: account.mappingUuid });
}

/** Every record moto holds (its GetFindings ignores filters: the test filters itself). */
async function records(): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await hub.send(new GetFindingsCommand({ MaxResults: 100, NextToken: token }));
    all.push(...(page.Findings ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return all;
}

const recordsOf = async (functionArn: string) =>
  (await records()).filter((r) => r.Resources?.some((res) => res.Id === functionArn));

async function change(file: string) {
  const handler = createChangeHandler(runtime, logger);
  const response = await handler(sqsEvent([fixture(file)]), lambdaContext('change-handler'));
  expect(response.batchItemFailures).toEqual([]);
  return capture.receive();
}

/** The AwsSecurityFinding reference's constraints, for one record this tool wrote. */
function expectAsffShape(record: AwsSecurityFinding, functionArn: string, roleArn: string): void {
  // Required top-level attributes.
  expect(record.SchemaVersion).toBe('2018-10-08');
  expect(record.Id).toMatch(
    new RegExp(`^${functionArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/lambda-role-audit/[0-9a-f]{16}$`),
  );
  expect(record.Id?.length).toBeLessThanOrEqual(512);
  expect(record.ProductArn).toBe(PRODUCT_ARN);
  expect(record.GeneratorId).toMatch(/^lambda-role-audit\/[a-z-]+$/);
  expect(record.AwsAccountId).toBe(ACCOUNT);
  expect(record.Types?.length).toBeGreaterThanOrEqual(1);
  for (const type of record.Types ?? []) {
    expect(type.split('/')).toHaveLength(3);
    expect(type.startsWith('Software and Configuration Checks/')).toBe(true);
  }
  expect(record.CreatedAt).toMatch(ISO);
  expect(record.UpdatedAt).toMatch(ISO);
  expect(Date.parse(record.UpdatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record.CreatedAt ?? ''));
  expect(LABELS).toContain(record.Severity?.Label);
  expect(record.Title?.trim().length).toBeGreaterThan(0);
  expect(record.Title?.length).toBeLessThanOrEqual(256);
  expect(record.Description?.trim().length).toBeGreaterThan(0);
  expect(record.Description?.length).toBeLessThanOrEqual(1024);
  // The function and its role, as Resources (1 to 32).
  expect(record.Resources?.map((r) => [r.Type, r.Id, r.Partition])).toEqual([
    ['AwsLambdaFunction', functionArn, 'aws'],
    ['AwsIamRole', roleArn, 'aws'],
  ]);
  // What to do, and the rule's documentation.
  expect(record.Remediation?.Recommendation?.Text?.length).toBeGreaterThan(0);
  expect(record.Remediation?.Recommendation?.Text?.length).toBeLessThanOrEqual(512);
  expect(record.Remediation?.Recommendation?.Url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  // The provider's fields go through FindingProviderFields; the security team's fields are never written.
  expect(record.FindingProviderFields?.Severity?.Label).toBe(record.Severity?.Label);
  expect(record.FindingProviderFields?.Types).toEqual(record.Types);
  for (const field of ['Workflow', 'WorkflowState', 'Note', 'UserDefinedFields', 'VerificationState']) {
    expect(Object.keys(record)).not.toContain(field);
  }
  // ProductFields: at most 50 pairs, keys ≤ 128 characters, values ≤ 2048.
  const fields = Object.entries(record.ProductFields ?? {});
  expect(fields.length).toBeLessThanOrEqual(50);
  for (const [key, value] of fields) {
    expect(key.length).toBeLessThanOrEqual(128);
    expect(value.length).toBeLessThanOrEqual(2048);
  }
  // A finding is at most 240 KB.
  expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(240 * 1024);
}

describe('Security Hub findings', () => {
  let missingIds: string[] = [];

  it('imports a breaking change as ACTIVE records of the ASFF shape, with the recommended policy', async () => {
    await env.forget(account.functionArn);
    // Today's findings first, so that the breaking change is a change.
    await change('lambda-update-function-configuration.json');
    const before = await recordsOf(account.functionArn);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.RecordState === 'ACTIVE' && r.Compliance?.Status === 'FAILED')).toBe(true);

    await clients.iam.send(
      new DetachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    const [alert] = await change('iam-detach-role-policy.json');
    const document = alert?.document as FunctionAlertDocument;
    expect(document.newFindingIds.length).toBeGreaterThan(0);

    const after = await recordsOf(account.functionArn);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${account.roleName}`;
    for (const record of after) expectAsffShape(record, account.functionArn, roleArn);
    const added = after.filter((r) => document.newFindingIds.some((id) => r.Id?.endsWith(`/${id}`)));
    expect(added).toHaveLength(document.newFindingIds.length);
    const deleteMessage = added.find(
      (r) => r.ProductFields?.['lambda-role-audit/Action'] === 'sqs:DeleteMessage',
    );
    expect(deleteMessage?.GeneratorId).toBe('lambda-role-audit/missing-permission');
    expect(deleteMessage?.Severity?.Label).toBe('HIGH');
    expect(deleteMessage?.Types).toEqual([
      'Software and Configuration Checks/AWS Security Best Practices/missing-permission',
    ]);
    expect(deleteMessage?.Compliance?.Status).toBe('FAILED');
    expect(deleteMessage?.RecordState).toBe('ACTIVE');
    expect(deleteMessage?.ProductFields?.['lambda-role-audit/Resource']).toBe(account.queueArn);
    expect(deleteMessage?.Remediation?.Recommendation?.Url).toBe(
      'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    );
    const policy = JSON.parse(recommendedPolicyText(deleteMessage?.ProductFields ?? {}) ?? 'null') as {
      Statement: { Action: string[] }[];
    };
    expect(policy.Statement.flatMap((s) => s.Action)).toContain('sqs:DeleteMessage');
    missingIds = added
      .filter((r) => r.GeneratorId === 'lambda-role-audit/missing-permission')
      .map((r) => r.Id ?? '');
    expect(missingIds.length).toBeGreaterThan(0);
  });

  it('does not duplicate a record when the change is delivered again', async () => {
    const before = await recordsOf(account.functionArn);
    expect(await change('iam-detach-role-policy.json')).toEqual([]);
    const after = await recordsOf(account.functionArn);
    expect(after).toHaveLength(before.length);
    expect(new Set(after.map((r) => r.Id)).size).toBe(after.length);
  });

  it('archives the records a repair fixes, in the run that sends the "fixed" alert', async () => {
    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    const [fixed] = await change('iam-attach-role-policy.json');
    expect((fixed?.document as FunctionAlertDocument | undefined)?.resolvedFindings.length).toBeGreaterThan(
      0,
    );
    const after = await recordsOf(account.functionArn);
    for (const id of missingIds) {
      const record = after.find((r) => r.Id === id);
      expect([record?.RecordState, record?.Compliance?.Status]).toEqual(['ARCHIVED', 'PASSED']);
      expect(record?.ProductFields?.['lambda-role-audit/RecommendedPolicyParts']).toBeUndefined();
    }
    // The findings that are still open stay ACTIVE.
    expect(
      after.filter((r) => !missingIds.includes(r.Id ?? '')).every((r) => r.RecordState === 'ACTIVE'),
    ).toBe(true);
  });

  it('the sweep archives a record whose update was lost, and imports one whose import was lost', async () => {
    // Broken again, announced: ACTIVE again under the same ids.
    await clients.iam.send(
      new DetachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    await change('iam-detach-role-policy.json');
    const reopened = await recordsOf(account.functionArn);
    for (const id of missingIds) expect(reopened.find((r) => r.Id === id)?.RecordState).toBe('ACTIVE');
    // Repaired, but the event never arrives: the hub still says ACTIVE.
    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: account.roleName, PolicyArn: SQS_EXECUTION_POLICY }),
    );
    // A second function no event ever announced: none of its findings is in the hub.
    const second = await createDemoAccount(clients, {
      functionName: 'invoices-consumer',
      roleName: 'invoices-consumer-role',
    });
    expect(await recordsOf(second.functionArn)).toEqual([]);

    const sweep = createSweepHandler(runtime, logger);
    const result = await sweep({}, lambdaContext('sweep'));
    expect(result.unfinished).toBe(0);
    await capture.receive();

    const after = await recordsOf(account.functionArn);
    for (const id of missingIds) {
      const record = after.find((r) => r.Id === id);
      expect([record?.RecordState, record?.Compliance?.Status]).toEqual(['ARCHIVED', 'PASSED']);
    }
    const imported = await recordsOf(second.functionArn);
    expect(imported.length).toBeGreaterThan(0);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/invoices-consumer-role`;
    for (const record of imported) {
      expectAsffShape(record, second.functionArn, roleArn);
      expect(record.RecordState).toBe('ACTIVE');
    }

    // A second sweep finds the hub in line: nothing imported, nothing archived, nothing refused.
    const total = (await records()).length;
    if (runtime.securityHub === undefined) throw new Error('the runtime has no Security Hub part');
    const again = await runSweep({
      auditRegions: runtime.auditRegions,
      regions: [REGION],
      stateStore: runtime.stateStore,
      publisher: runtime.publisher,
      minSeverity: 'low',
      logger,
      securityHub: runtime.securityHub,
    });
    await capture.receive();
    expect(again.securityHub).toEqual({ imported: 0, archived: 0, failed: [], unreadable: 0 });
    expect(await records()).toHaveLength(total);
  });
});
