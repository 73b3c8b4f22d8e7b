/**
 * Writes the export folder (the contract's "Export folder") from a live read, in the AWS CLI's own
 * format: what the APIs returned, field for field, with the two things the AWS CLI changes on the way
 * out — policy documents decoded into JSON objects (the IAM API URL-encodes them) and timestamps printed
 * as ISO 8601 with an offset. `audit --from` on the folder then sees what the live audit saw.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagedPolicyDetail, RoleDetail } from '@aws-sdk/client-iam';
import type { ReadError } from '../../domain/model.js';
import { EXPORT_FILES } from '../export-folder/export-folder-source.js';
import type { AwsClients } from './clients.js';
import type { LiveAccountData, LiveReadProgress } from './live-account-reader.js';
import { createLiveSource } from './live-source.js';

export interface WriteExportOptions {
  readonly onProgress?: (progress: LiveReadProgress) => void;
}

export interface WrittenExport {
  readonly directory: string;
  readonly files: readonly string[];
  readonly functions: number;
  readonly roles: number;
  /** What could not be read: the folder lacks it, and an audit of the folder will say so too. */
  readonly readErrors: readonly ReadError[];
}

function isClients(
  input: Pick<AwsClients, 'iam' | 'lambda'> | LiveAccountData,
): input is Pick<AwsClients, 'iam' | 'lambda'> {
  return 'iam' in input && 'lambda' in input;
}

/** The AWS CLI prints documents as objects; one that does not decode is written as it came. */
export function decodeDocument(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
    return JSON.parse(text);
  } catch {
    return raw;
  }
}

/** `2025-02-01T12:00:00+00:00`, as the AWS CLI prints a timestamp. */
function cliTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '+00:00')
    .replace(/Z$/, '+00:00');
}

function printable(value: unknown): string {
  return `${JSON.stringify(
    value,
    function replacer(this: Record<string, unknown>, key: string, current: unknown) {
      const original = this[key];
      return original instanceof Date ? cliTimestamp(original) : current;
    },
    4,
  )}\n`;
}

function decodedRole(role: RoleDetail): RoleDetail {
  return {
    ...role,
    AssumeRolePolicyDocument: decodeDocument(role.AssumeRolePolicyDocument) as string | undefined,
    RolePolicyList: role.RolePolicyList?.map((policy) => ({
      ...policy,
      PolicyDocument: decodeDocument(policy.PolicyDocument) as string | undefined,
    })),
  };
}

function decodedPolicy(policy: ManagedPolicyDetail): ManagedPolicyDetail {
  return {
    ...policy,
    PolicyVersionList: policy.PolicyVersionList?.map((version) => ({
      ...version,
      Document: decodeDocument(version.Document) as string | undefined,
    })),
  };
}

/**
 * Writes the folder. `input` is a live read already made (the same read the audit used) or the clients
 * to read the whole account with. Each file is written beside its final name and renamed, so that a
 * reader never sees half a file.
 */
export async function writeExport(
  input: Pick<AwsClients, 'iam' | 'lambda'> | LiveAccountData,
  directory: string,
  options: WriteExportOptions = {},
): Promise<WrittenExport> {
  const data = isClients(input)
    ? await createLiveSource({
        clients: input,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }).read({})
    : input;
  const contents: [string, unknown][] = [
    [
      EXPORT_FILES.authorizationDetails,
      {
        RoleDetailList: data.authorizationDetails.RoleDetailList.map(decodedRole),
        Policies: data.authorizationDetails.Policies.map(decodedPolicy),
      },
    ],
    [EXPORT_FILES.functions, { Functions: data.functions }],
    [EXPORT_FILES.eventSourceMappings, { EventSourceMappings: data.eventSourceMappings }],
    [EXPORT_FILES.eventInvokeConfigs, { FunctionEventInvokeConfigs: data.eventInvokeConfigs }],
  ];
  await mkdir(directory, { recursive: true });
  for (const [file, value] of contents) {
    const path = join(directory, file);
    await writeFile(`${path}.partial`, printable(value), 'utf8');
    await rename(`${path}.partial`, path);
  }
  return {
    directory,
    files: contents.map(([file]) => file),
    functions: data.functions.length,
    roles: data.authorizationDetails.RoleDetailList.length,
    readErrors: data.readErrors,
  };
}
