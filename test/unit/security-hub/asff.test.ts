/**
 * The ASFF mapping (pure) and the Security Hub sync's handling of refused records: a record Security Hub
 * refuses, or a call that fails as a whole, is reported per record and logged, never dropped silently and
 * never a reason to fail the alert.
 */
import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createActiveFindingsReader,
  createFindingsImporter,
  type FindingsImporter,
} from '../../../shared/adapters/securityhub/securityhub-findings.js';
import type { LogSink } from '../../../shared/app/handle-changes.js';
import { recordChangeInHub } from '../../../shared/app/security-hub-sync.js';
import type { Finding, FunctionResult, RecommendedPolicy, Report } from '../../../shared/domain/report.js';
import {
  asffBytes,
  batchesOf,
  defaultProductArn,
  hubArn,
  MAX_FINDING_BYTES,
  planReconciliation,
  policyParts,
  recommendedPolicyText,
  toAsffFinding,
  truncate,
} from '../../../shared/security-hub/asff.js';

const target = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
const functionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
const roleArn = 'arn:aws:iam::123456789012:role/orders-role';
const at = '2026-12-02T10:00:00.000Z';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: '0123456789abcdef',
    rule: 'missing-permission',
    severity: 'high',
    message: 'sqs:DeleteMessage is not allowed on the queue',
    action: 'sqs:DeleteMessage',
    resource: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    ...overrides,
  };
}

function policyOf(statements: number): RecommendedPolicy {
  return {
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow' as const,
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: [`arn:aws:sqs:eu-west-1:123456789012:queue-${i}-${'x'.repeat(40)}`],
    })),
  };
}

const fn = (policy: RecommendedPolicy | null = policyOf(2)): FunctionResult => ({
  functionName: 'orders',
  functionArn,
  roleArn,
  compliant: false,
  findings: [finding()],
  recommendedPolicy: policy,
});

const silent = (): LogSink & { errors: unknown[][] } => {
  const errors: unknown[][] = [];
  return { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => errors.push(args), errors };
};

describe('ASFF mapping', () => {
  it('names the default product and the hub of the account', () => {
    expect(defaultProductArn(target)).toBe(
      'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
    );
    expect(hubArn(target)).toBe('arn:aws:securityhub:eu-west-1:123456789012:hub/default');
  });

  it('maps severities to Security Hub labels, at the top level and in FindingProviderFields', () => {
    const labels = (['critical', 'high', 'medium', 'low', 'info'] as const).map((severity) => {
      const record = toAsffFinding(fn(), finding({ severity }), { target, at, state: 'open' });
      expect(record.FindingProviderFields.Severity.Label).toBe(record.Severity.Label);
      return record.Severity.Label;
    });
    expect(labels).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']);
  });

  it('gives the same id for the same finding, and states open, fixed and suppressed apart', () => {
    const open = toAsffFinding(fn(), finding(), { target, at, state: 'open' });
    const fixed = toAsffFinding(fn(), finding(), { target, at, state: 'fixed' });
    const hidden = toAsffFinding(fn(), finding(), { target, at, state: 'suppressed' });
    expect(open.Id).toBe(`${functionArn}/lambda-role-audit/0123456789abcdef`);
    expect(fixed.Id).toBe(open.Id);
    expect([open.RecordState, open.Compliance.Status]).toEqual(['ACTIVE', 'FAILED']);
    expect([fixed.RecordState, fixed.Compliance.Status]).toEqual(['ARCHIVED', 'PASSED']);
    expect([hidden.RecordState, hidden.Compliance.Status]).toEqual(['ARCHIVED', 'WARNING']);
    expect(open.ProductFields?.['lambda-role-audit/RecommendedPolicyParts']).toBe('1');
    expect(fixed.ProductFields?.['lambda-role-audit/RecommendedPolicyParts']).toBeUndefined();
  });

  it('keeps hostile text within the length limits without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(1022)}😀😀`;
    const record = toAsffFinding(
      { ...fn(), functionName: '😀'.repeat(200) },
      finding({ message: long, remediation: '😀'.repeat(600), action: 'x'.repeat(5000) }),
      { target, at, state: 'open' },
    );
    expect(record.Title.length).toBeLessThanOrEqual(256);
    expect(record.Description.length).toBeLessThanOrEqual(1024);
    expect(record.Remediation?.Recommendation.Text.length).toBeLessThanOrEqual(512);
    expect(record.ProductFields?.['lambda-role-audit/Action']?.length).toBeLessThanOrEqual(2048);
    for (const text of [record.Title, record.Description, record.Remediation?.Recommendation.Text ?? '']) {
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
  });

  it('splits the recommended policy over product fields, and leaves out one too large for them', () => {
    const medium = policyOf(60);
    const parts = policyParts(medium);
    expect(parts?.length).toBeGreaterThan(1);
    const record = toAsffFinding(fn(medium), finding(), { target, at, state: 'open' });
    expect(JSON.parse(recommendedPolicyText(record.ProductFields ?? {}) ?? '')).toEqual(medium);
    expect(Object.keys(record.ProductFields ?? {}).length).toBeLessThanOrEqual(50);

    const huge = policyOf(2000);
    expect(policyParts(huge)).toBeUndefined();
    const omitted = toAsffFinding(fn(huge), finding(), { target, at, state: 'open' });
    expect(omitted.ProductFields?.['lambda-role-audit/RecommendedPolicyOmitted']).toMatch(/larger than/);
    expect(asffBytes(omitted)).toBeLessThanOrEqual(MAX_FINDING_BYTES);
  });

  it('sends at most 100 records a call', () => {
    expect(batchesOf(Array.from({ length: 250 }, (_, i) => i)).map((b) => b.length)).toEqual([100, 100, 50]);
  });

  it('plans the reconciliation: imports what is missing, archives what is gone, leaves unsettled functions alone', () => {
    const keep = toAsffFinding(fn(), finding({ id: 'aaaaaaaaaaaaaaaa' }), { target, at, state: 'open' });
    const gone = toAsffFinding(fn(), finding({ id: 'bbbbbbbbbbbbbbbb' }), { target, at, state: 'open' });
    const hidden = toAsffFinding(fn(), finding({ id: 'cccccccccccccccc' }), { target, at, state: 'open' });
    const missing = toAsffFinding(fn(), finding({ id: 'dddddddddddddddd' }), { target, at, state: 'open' });
    const other = toAsffFinding(
      { ...fn(), functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:unread' },
      finding(),
      { target, at, state: 'open' },
    );
    const plan = planReconciliation({
      desired: [keep, missing],
      active: [keep, gone, hidden, other],
      settled: (arn) => arn === functionArn,
      suppressedIds: new Set([hidden.Id]),
      at: '2026-12-03T00:00:00.000Z',
    });
    expect(plan.toImport.map((r) => r.Id)).toEqual([missing.Id]);
    expect(plan.toArchive.map((r) => [r.Id, r.RecordState, r.Compliance.Status, r.UpdatedAt])).toEqual([
      [gone.Id, 'ARCHIVED', 'PASSED', '2026-12-03T00:00:00.000Z'],
      [hidden.Id, 'ARCHIVED', 'WARNING', '2026-12-03T00:00:00.000Z'],
    ]);
  });
});

describe('Security Hub sync failures', () => {
  const report = { generatedAt: at } as Report;

  it('reports each refused record and logs it, without throwing', async () => {
    const importer: FindingsImporter = {
      async importFindings(records) {
        const [first, ...rest] = records;
        return {
          imported: rest.length,
          failed: first ? [{ id: first.Id, code: 'InvalidInput', message: 'refused' }] : [],
        };
      },
    };
    const logger = silent();
    const outcome = await recordChangeInHub(
      { target, importer },
      {
        report,
        result: fn(),
        added: [finding({ id: '1111111111111111' }), finding({ id: '2222222222222222' })],
        resolved: [],
        logger,
      },
    );
    expect(outcome.imported).toBe(1);
    expect(outcome.failed).toEqual([
      { id: `${functionArn}/lambda-role-audit/1111111111111111`, code: 'InvalidInput', message: 'refused' },
    ]);
    expect(logger.errors).toHaveLength(1);
  });

  it('marks every record of a failed call, and of an importer that throws', async () => {
    const mock = mockClient(SecurityHubClient);
    mock
      .on(BatchImportFindingsCommand)
      .rejectsOnce(
        Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
          name: 'InvalidAccessException',
        }),
      )
      .resolves({
        SuccessCount: 0,
        FailedCount: 1,
        FailedFindings: [{ Id: 'x', ErrorCode: 'FindingSizeExceeded', ErrorMessage: 'too big' }],
      });
    const importer = createFindingsImporter({ client: new SecurityHubClient({ region: 'eu-west-1' }) });
    const records = Array.from({ length: 101 }, (_, i) =>
      toAsffFinding(fn(), finding({ id: i.toString(16).padStart(16, '0') }), { target, at, state: 'open' }),
    );
    const outcome = await importer.importFindings(records);
    expect(
      mock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length),
    ).toEqual([100, 1]);
    expect(outcome.failed.filter((f) => f.code === 'InvalidAccessException')).toHaveLength(100);
    expect(outcome.failed.filter((f) => f.code === 'FindingSizeExceeded')).toEqual([
      { id: 'x', code: 'FindingSizeExceeded', message: 'too big' },
    ]);
    expect(outcome.imported).toBe(0);

    const logger = silent();
    const throwing = await recordChangeInHub(
      { target, importer: { importFindings: () => Promise.reject(new Error('defect')) } },
      { report, result: fn(), added: [finding()], resolved: [], logger },
    );
    expect(throwing.failed.map((f) => f.code)).toEqual(['Error']);
    expect(logger.errors).toHaveLength(1);
    mock.restore();
  });

  it('reads back only ACTIVE records of this tool on the product, counting the unreadable', async () => {
    const mock = mockClient(SecurityHubClient);
    const ours = toAsffFinding(fn(), finding(), { target, at, state: 'open' });
    mock.on(GetFindingsCommand).resolves({
      Findings: [
        ours as never,
        { ...ours, Id: 'archived', RecordState: 'ARCHIVED' } as never,
        { ...ours, Id: 'theirs', GeneratorId: 'security-control/Lambda.1' } as never,
        {
          ...ours,
          Id: 'other-product',
          ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty',
        } as never,
        { ...ours, Id: 'broken', Resources: [] } as never,
      ],
    });
    const reader = createActiveFindingsReader({
      client: new SecurityHubClient({ region: 'eu-west-1' }),
      productArn: defaultProductArn(target),
    });
    const { records, unreadable } = await reader.listActive();
    expect(records.map((r) => r.Id)).toEqual([ours.Id]);
    expect(unreadable).toBe(1);
    const filters = mock.commandCalls(GetFindingsCommand)[0]?.args[0].input.Filters;
    expect(filters?.RecordState).toEqual([{ Value: 'ACTIVE', Comparison: 'EQUALS' }]);
    expect(filters?.ProductArn).toEqual([{ Value: defaultProductArn(target), Comparison: 'EQUALS' }]);
    mock.restore();
  });
});
