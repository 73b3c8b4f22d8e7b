/**
 * Findings as AWS Security Finding Format (ASFF) records for Security Hub's `BatchImportFindings`, on the
 * account's default product (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`). Pure:
 * plain data in, plain data out; the adapter (shared/adapters/securityhub/) sends and reads them.
 *
 * What the fields rest on (AWS Security Hub API reference, AwsSecurityFinding, and the user guide's
 * "Required top-level ASFF attributes"):
 * - required: SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt,
 *   Severity, Title (≤ 256 characters), Description (≤ 1024), Resources (1–32);
 * - `Id` is stable (the finding id of the report, which already hashes the function, rule, action,
 *   resource and cause): importing the same id again updates the record, never duplicates it;
 * - after creation, `BatchImportFindings` cannot change Severity, Types, Note, Workflow,
 *   UserDefinedFields… at the top level: a finding provider updates Severity and Types through
 *   `FindingProviderFields`, and never writes Workflow, Note or UserDefinedFields (the security team's);
 * - `ProductFields`: at most 50 pairs, keys ≤ 128 characters, values ≤ 2048 characters: the recommended
 *   policy is split over `lambda-role-audit/RecommendedPolicy/N` keys, and left out (saying so) when it
 *   needs more than `MAX_POLICY_PARTS` of them;
 * - a finding is at most 240 KB and a call carries at most 100 findings (`MAX_FINDING_BYTES`,
 *   `MAX_FINDINGS_PER_CALL`).
 */
import type { Finding, FunctionResult, RecommendedPolicy, RuleId, Severity } from '../domain/report.js';
import { RULE_IDS } from '../domain/report.js';
import { ruleMetadata } from '../domain/rules/rule-metadata.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** GeneratorId prefix of every record this tool writes: the reconciliation reads only these. */
export const GENERATOR_PREFIX = 'lambda-role-audit/';
export const MAX_FINDING_BYTES = 240 * 1024;
export const MAX_FINDINGS_PER_CALL = 100;
export const MAX_TITLE = 256;
export const MAX_DESCRIPTION = 1024;
export const MAX_RECOMMENDATION_TEXT = 512;
export const MAX_PRODUCT_FIELD_VALUE = 2048;
/** 40 parts of 2048 characters (80 KB): far beyond IAM's 10,240 characters of inline policy per role. */
export const MAX_POLICY_PARTS = 40;
/** Namespace and category of the ASFF types taxonomy; the classifier is the rule. */
export const TYPE_PREFIX = 'Software and Configuration Checks/AWS Security Best Practices/';

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type AsffRecordState = 'ACTIVE' | 'ARCHIVED';
export type AsffComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';

export interface AsffResource {
  readonly Type: 'AwsLambdaFunction' | 'AwsIamRole';
  readonly Id: string;
  readonly Partition: string;
  readonly Region: string;
}

/** The part of an ASFF record this tool writes (and reads back for the reconciliation). */
export interface AsffFinding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original?: string };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation?: { readonly Recommendation: { readonly Text: string; readonly Url: string } };
  readonly SourceUrl?: string;
  readonly ProductFields?: Readonly<Record<string, string>>;
  readonly Resources: readonly AsffResource[];
  readonly Compliance: { readonly Status: AsffComplianceStatus };
  readonly RecordState: AsffRecordState;
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: AsffSeverityLabel; readonly Original?: string };
    readonly Types: readonly string[];
  };
}

/** Where the records go: one account's hub in one region (the auditor's home region). */
export interface HubTarget {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The account's default product: what a custom integration imports its findings under. */
export function defaultProductArn(target: HubTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.account}:product/${target.account}/default`;
}

/** The hub resource, which `GetFindings` is authorized on (it has no product resource type). */
export function hubArn(target: HubTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.account}:hub/default`;
}

/** The record id: the function (readable in the console) and the report's finding id (unique within it). */
export function asffId(functionArn: string, findingId: string): string {
  return `${functionArn}/lambda-role-audit/${findingId}`;
}

const LABELS: Readonly<Record<Severity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

export function severityLabel(severity: Severity): AsffSeverityLabel {
  return LABELS[severity];
}

/**
 * At most `max` UTF-16 code units, with "…" when cut; never splits a surrogate pair (an unpaired half
 * would make the record invalid UTF-8 on the wire). Linear in `max`.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** ASFF rejects empty or blank required strings (pattern `.*\S.*`). */
function nonBlank(text: string, fallback: string): string {
  return text.trim() === '' ? fallback : text;
}

function isRuleId(rule: string): rule is RuleId {
  return (RULE_IDS as readonly string[]).includes(rule);
}

/** The recommended policy (minified JSON) in parts of `MAX_PRODUCT_FIELD_VALUE` characters, or undefined when too large. */
export function policyParts(policy: RecommendedPolicy): string[] | undefined {
  const text = JSON.stringify(policy);
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += MAX_PRODUCT_FIELD_VALUE) {
    if (parts.length === MAX_POLICY_PARTS) return undefined;
    parts.push(text.slice(at, at + MAX_PRODUCT_FIELD_VALUE));
  }
  return parts;
}

/** Joins the parts written by `policyParts` back into the policy's JSON text (for readers of the record). */
export function recommendedPolicyText(fields: Readonly<Record<string, string>>): string | undefined {
  const count = Number(fields['lambda-role-audit/RecommendedPolicyParts'] ?? '0');
  if (!Number.isInteger(count) || count <= 0) return undefined;
  let text = '';
  for (let i = 1; i <= count; i += 1) {
    const part = fields[`lambda-role-audit/RecommendedPolicy/${i}`];
    if (part === undefined) return undefined;
    text += part;
  }
  return text;
}

/** What a record is built from: the report's finding, or the summary the state table remembered. */
export interface FindingFacts {
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly action?: string;
  readonly resource?: string;
  readonly remediation?: string;
}

export interface FunctionFacts {
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleArn?: string;
  readonly recommendedPolicy?: RecommendedPolicy | null;
}

export interface RecordOptions {
  readonly target: HubTarget;
  /** ISO time of the audit: UpdatedAt, and CreatedAt unless `createdAt` says otherwise. */
  readonly at: string;
  readonly createdAt?: string;
  readonly state: 'open' | 'fixed' | 'suppressed';
}

/**
 * The ASFF record of one finding of one function. `open` → ACTIVE, Compliance FAILED; `fixed` → ARCHIVED,
 * Compliance PASSED; `suppressed` (a suppression now hides it) → ARCHIVED, Compliance WARNING: it was
 * accepted, not fixed.
 */
export function toAsffFinding(fn: FunctionFacts, finding: FindingFacts, options: RecordOptions): AsffFinding {
  const { target } = options;
  const meta = isRuleId(finding.rule) ? ruleMetadata(finding.rule) : undefined;
  const label = severityLabel(finding.severity);
  const types = [`${TYPE_PREFIX}${finding.rule}`];
  const functionRegion = fn.functionArn.split(':')[3] || target.region;
  const resources: AsffResource[] = [
    { Type: 'AwsLambdaFunction', Id: fn.functionArn, Partition: target.partition, Region: functionRegion },
  ];
  if (fn.roleArn !== undefined && fn.roleArn !== '') {
    resources.push({
      Type: 'AwsIamRole',
      Id: fn.roleArn,
      Partition: target.partition,
      Region: target.region,
    });
  }
  const fields: Record<string, string> = {
    'lambda-role-audit/Rule': truncate(finding.rule, MAX_PRODUCT_FIELD_VALUE),
    'lambda-role-audit/FindingId': finding.id,
    'lambda-role-audit/FunctionName': truncate(fn.functionName, MAX_PRODUCT_FIELD_VALUE),
  };
  if (finding.action !== undefined) {
    fields['lambda-role-audit/Action'] = truncate(finding.action, MAX_PRODUCT_FIELD_VALUE);
  }
  if (finding.resource !== undefined) {
    fields['lambda-role-audit/Resource'] = truncate(finding.resource, MAX_PRODUCT_FIELD_VALUE);
  }
  if (options.state === 'suppressed') fields['lambda-role-audit/Suppressed'] = 'true';
  if (options.state === 'open' && fn.recommendedPolicy) {
    const parts = policyParts(fn.recommendedPolicy);
    if (parts === undefined) {
      fields['lambda-role-audit/RecommendedPolicyOmitted'] =
        `larger than ${MAX_POLICY_PARTS} x ${MAX_PRODUCT_FIELD_VALUE} characters: see the alert or the CLI report`;
    } else {
      fields['lambda-role-audit/RecommendedPolicyParts'] = String(parts.length);
      parts.forEach((part, i) => {
        fields[`lambda-role-audit/RecommendedPolicy/${i + 1}`] = part;
      });
    }
  }
  const remediationText = finding.remediation ?? meta?.remediation;
  const record: AsffFinding = {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(fn.functionArn, finding.id),
    ProductArn: defaultProductArn(target),
    GeneratorId: `${GENERATOR_PREFIX}${finding.rule}`,
    AwsAccountId: target.account,
    Types: types,
    CreatedAt: options.createdAt ?? options.at,
    UpdatedAt: options.at,
    Severity: { Label: label, Original: finding.severity },
    Title: truncate(nonBlank(`${fn.functionName}: ${meta?.title ?? finding.rule}`, finding.rule), MAX_TITLE),
    Description: truncate(nonBlank(finding.message, meta?.title ?? finding.rule), MAX_DESCRIPTION),
    ...(meta !== undefined
      ? {
          Remediation: {
            Recommendation: {
              Text: truncate(nonBlank(remediationText ?? '', meta.title), MAX_RECOMMENDATION_TEXT),
              Url: meta.docsUrl,
            },
          },
          SourceUrl: meta.docsUrl,
        }
      : {}),
    ProductFields: fields,
    Resources: resources,
    Compliance: {
      Status: options.state === 'open' ? 'FAILED' : options.state === 'fixed' ? 'PASSED' : 'WARNING',
    },
    RecordState: options.state === 'open' ? 'ACTIVE' : 'ARCHIVED',
    FindingProviderFields: { Severity: { Label: label, Original: finding.severity }, Types: types },
  };
  return withinSizeLimit(record);
}

/** Bytes of the record as sent (JSON, UTF-8). */
export function asffBytes(record: AsffFinding): number {
  return new TextEncoder().encode(JSON.stringify(record)).length;
}

/** Drops the recommended policy, then the long product fields, until the record fits in 240 KB. */
function withinSizeLimit(record: AsffFinding): AsffFinding {
  if (asffBytes(record) <= MAX_FINDING_BYTES) return record;
  const fields = Object.fromEntries(
    Object.entries(record.ProductFields ?? {}).filter(
      ([key]) => !key.startsWith('lambda-role-audit/RecommendedPolicy'),
    ),
  );
  fields['lambda-role-audit/RecommendedPolicyOmitted'] =
    'the record would exceed 240 KB: see the alert or the CLI report';
  return { ...record, ProductFields: fields };
}

/** The record of an existing ACTIVE finding, archived: it is gone from the function (fixed) or hidden. */
export function archivedFrom(
  existing: AsffFinding,
  at: string,
  state: 'fixed' | 'suppressed' = 'fixed',
): AsffFinding {
  const fields = Object.fromEntries(
    Object.entries(existing.ProductFields ?? {}).filter(
      ([key]) =>
        key.startsWith('lambda-role-audit/') && !key.startsWith('lambda-role-audit/RecommendedPolicy'),
    ),
  );
  if (state === 'suppressed') fields['lambda-role-audit/Suppressed'] = 'true';
  return {
    ...existing,
    UpdatedAt: at,
    ProductFields: fields,
    Compliance: { Status: state === 'fixed' ? 'PASSED' : 'WARNING' },
    RecordState: 'ARCHIVED',
    FindingProviderFields: existing.FindingProviderFields,
  };
}

/** Records in calls of at most `MAX_FINDINGS_PER_CALL`. */
export function batchesOf<T>(items: readonly T[], size = MAX_FINDINGS_PER_CALL): T[][] {
  const batches: T[][] = [];
  for (let at = 0; at < items.length; at += size) batches.push(items.slice(at, at + size));
  return batches;
}

/** The open records of a function result: its findings at or above the threshold, not suppressed. */
export function openRecords(
  fn: FunctionResult,
  findings: readonly Finding[],
  options: Omit<RecordOptions, 'state'>,
): AsffFinding[] {
  return findings.map((finding) => toAsffFinding(fn, finding, { ...options, state: 'open' }));
}

/** The function ARN a record of ours is about (its AwsLambdaFunction resource). */
export function functionArnOf(record: Pick<AsffFinding, 'Resources'>): string | undefined {
  return record.Resources.find((r) => r.Type === 'AwsLambdaFunction')?.Id;
}

export interface ReconciliationPlan {
  /** Open in the audit, absent from the hub's ACTIVE records (an import was lost): imported again. */
  readonly toImport: readonly AsffFinding[];
  /** ACTIVE in the hub, no longer open in the audit (an update was lost, or the function is gone): archived. */
  readonly toArchive: readonly AsffFinding[];
}

/**
 * What the sweep changes in the hub so that it says what the audit says. `settled(functionArn)`: whether
 * the audit judged the function completely (an unread or unfinished function, or one in a region not
 * audited, keeps its records as they are). `suppressedIds`: records hidden by a suppression now (archived
 * with Compliance WARNING, not PASSED).
 */
export function planReconciliation(input: {
  readonly desired: readonly AsffFinding[];
  readonly active: readonly AsffFinding[];
  readonly settled: (functionArn: string) => boolean;
  readonly suppressedIds: ReadonlySet<string>;
  readonly at: string;
}): ReconciliationPlan {
  const activeIds = new Set(input.active.map((r) => r.Id));
  const desiredIds = new Set(input.desired.map((r) => r.Id));
  const toImport = input.desired.filter((r) => !activeIds.has(r.Id));
  const toArchive: AsffFinding[] = [];
  for (const record of input.active) {
    if (desiredIds.has(record.Id)) continue;
    const functionArn = functionArnOf(record);
    if (functionArn === undefined || !input.settled(functionArn)) continue;
    toArchive.push(
      archivedFrom(record, input.at, input.suppressedIds.has(record.Id) ? 'suppressed' : 'fixed'),
    );
  }
  return { toImport, toArchive };
}
