/**
 * Security Hub behind two small interfaces: the importer (`BatchImportFindings`, both auditors) and the
 * reader of this tool's ACTIVE records (`GetFindings`, the sweep's reconciliation). Two factories, so that
 * the change handler's bundle holds no `GetFindings` (its role does not grant it).
 *
 * Failures are data: a call that fails as a whole (Security Hub not enabled, access denied, throttling
 * after the SDK's retries) marks every record of that call failed with the error's name, and the other
 * calls go on; a record Security Hub refused is listed by its id with Security Hub's code and message.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  paginateGetFindings,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import * as z from 'zod';
import { type AsffFinding, batchesOf, GENERATOR_PREFIX } from '../../security-hub/asff.js';

export interface FailedRecord {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportOutcome {
  readonly imported: number;
  readonly failed: readonly FailedRecord[];
}

export interface FindingsImporter {
  /** Imports the records in calls of at most 100; never throws for a refused record or a failed call. */
  importFindings(records: readonly AsffFinding[]): Promise<ImportOutcome>;
}

export interface ActiveFindingsReader {
  /**
   * This tool's ACTIVE records on the product (GeneratorId `lambda-role-audit/…`). A record that does not
   * parse is counted in `unreadable`, never guessed at.
   */
  listActive(): Promise<{ readonly records: readonly AsffFinding[]; readonly unreadable: number }>;
}

function errorName(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: error.name, message: error.message.slice(0, 500) };
  return { code: 'Error', message: String(error).slice(0, 500) };
}

export function createFindingsImporter(options: { client: SecurityHubClient }): FindingsImporter {
  return {
    async importFindings(records) {
      let imported = 0;
      const failed: FailedRecord[] = [];
      for (const batch of batchesOf(records)) {
        try {
          const output = await options.client.send(
            new BatchImportFindingsCommand({ Findings: batch as unknown as AwsSecurityFinding[] }),
          );
          const refused = (output.FailedFindings ?? []).map((f) => ({
            id: f.Id ?? '',
            code: f.ErrorCode ?? 'Unknown',
            message: (f.ErrorMessage ?? '').slice(0, 500),
          }));
          failed.push(...refused);
          // SuccessCount when given; else what was not refused.
          imported += output.SuccessCount ?? batch.length - refused.length;
        } catch (error) {
          const { code, message } = errorName(error);
          for (const record of batch) failed.push({ id: record.Id, code, message });
        }
      }
      return { imported, failed };
    },
  };
}

const severity = z.object({
  Label: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  Original: z.string().optional(),
});

/** The fields the reconciliation needs to archive a record; everything else is left as Security Hub holds it. */
const recordSchema = z.object({
  SchemaVersion: z.literal('2018-10-08'),
  Id: z.string().min(1),
  ProductArn: z.string().min(1),
  GeneratorId: z.string().startsWith(GENERATOR_PREFIX),
  AwsAccountId: z.string().min(1),
  Types: z.array(z.string()).min(1),
  CreatedAt: z.string().min(1),
  UpdatedAt: z.string().min(1),
  Severity: severity,
  Title: z.string().min(1),
  Description: z.string().min(1),
  Remediation: z.object({ Recommendation: z.object({ Text: z.string(), Url: z.string() }) }).optional(),
  SourceUrl: z.string().optional(),
  ProductFields: z.record(z.string(), z.string()).optional(),
  Resources: z
    .array(
      z.object({
        Type: z.enum(['AwsLambdaFunction', 'AwsIamRole']),
        Id: z.string().min(1),
        Partition: z.string(),
        Region: z.string(),
      }),
    )
    .min(1),
  Compliance: z.object({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) }),
  RecordState: z.enum(['ACTIVE', 'ARCHIVED']),
  FindingProviderFields: z
    .object({ Severity: severity.optional(), Types: z.array(z.string()).optional() })
    .optional(),
});

export function createActiveFindingsReader(options: {
  client: SecurityHubClient;
  productArn: string;
}): ActiveFindingsReader {
  return {
    async listActive() {
      const records: AsffFinding[] = [];
      let unreadable = 0;
      const pages = paginateGetFindings(
        { client: options.client, pageSize: 100 },
        {
          Filters: {
            ProductArn: [{ Value: options.productArn, Comparison: 'EQUALS' }],
            GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: 'PREFIX' }],
            RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
          },
        },
      );
      for await (const page of pages) {
        for (const raw of page.Findings ?? []) {
          // The filters again, here: an emulator (moto 5.2) ignores them, and nothing else may be archived.
          if (raw.ProductArn !== options.productArn || raw.RecordState !== 'ACTIVE') continue;
          if (!raw.GeneratorId?.startsWith(GENERATOR_PREFIX)) continue;
          const parsed = recordSchema.safeParse(raw);
          if (!parsed.success) {
            unreadable += 1;
            continue;
          }
          const r = parsed.data;
          const fpfSeverity = r.FindingProviderFields?.Severity ?? r.Severity;
          records.push({
            ...r,
            SchemaVersion: '2018-10-08',
            FindingProviderFields: {
              Severity: fpfSeverity,
              Types: r.FindingProviderFields?.Types ?? r.Types,
            },
          });
        }
      }
      return { records, unreadable };
    },
  };
}
