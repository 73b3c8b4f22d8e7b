/**
 * Writes the export folder (the contract's "Export folder") from a live read, in the AWS CLI's own
 * format: what the APIs returned, field for field, with the two things the AWS CLI changes on the way
 * out — policy documents decoded into JSON objects (the IAM API URL-encodes them) and timestamps printed
 * as ISO 8601 with an offset. `audit --from` on the folder then sees what the live audit saw.
 *
 * Besides the required files it writes the optional ones the read has: `event-invoke-configs.json`,
 * `versions.json` and `aliases.json` (the versions and aliases qualified targets name), and
 * `resource-encryption.json` (the keys of the resources the functions use) when the read included them.
 * A read of several regions is one folder: every ARN says its region.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagedPolicyDetail, RoleDetail } from '@aws-sdk/client-iam';
import type { ReadError } from '../../domain/model.js';
import type { ResourceEncryptionFile } from '../export-folder/export-folder-schemas.js';
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

function isClients(input: AwsClients | LiveAccountData | readonly LiveAccountData[]): input is AwsClients {
  return 'iam' in input && 'lambda' in input;
}

/**
 * The reads of several regions as one folder: functions, mappings and the rest side by side (their ARNs
 * say their region), IAM once (every region's read holds the same), the first copy of each managed policy.
 */
function combined(reads: readonly LiveAccountData[]) {
  const policies = new Map<string, ManagedPolicyDetail>();
  const roles = new Map<string, RoleDetail>();
  for (const read of reads) {
    for (const role of read.authorizationDetails.RoleDetailList)
      roles.set(role.Arn ?? '', roles.get(role.Arn ?? '') ?? role);
    for (const policy of read.authorizationDetails.Policies)
      policies.set(policy.Arn ?? '', policies.get(policy.Arn ?? '') ?? policy);
  }
  const encryption = reads.flatMap((read) => (read.resourceEncryption ? [read.resourceEncryption] : []));
  const list = <K extends keyof ResourceEncryptionFile>(key: K) =>
    encryption.flatMap((file) => (file[key] ?? []) as NonNullable<ResourceEncryptionFile[K]>[number][]);
  const readErrors = new Map<string, ReadError>();
  for (const error of reads.flatMap((read) => read.readErrors))
    readErrors.set(`${error.resource}\n${error.functionName ?? ''}\n${error.message}`, error);
  return {
    roles: [...roles.values()],
    policies: [...policies.values()],
    functions: reads.flatMap((read) => read.functions),
    mappings: reads.flatMap((read) => read.eventSourceMappings),
    invokeConfigs: reads.flatMap((read) => read.eventInvokeConfigs),
    versions: reads.flatMap((read) => read.versions ?? []),
    aliases: reads.flatMap((read) => read.aliases ?? []),
    resourceEncryption:
      encryption.length === 0
        ? undefined
        : {
            Queues: list('Queues'),
            Streams: list('Streams'),
            Topics: list('Topics'),
            Secrets: list('Secrets'),
            Keys: list('Keys'),
            Aliases: list('Aliases'),
            Unreadable: list('Unreadable'),
          },
    readErrors: [...readErrors.values()],
  };
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
  input: AwsClients | LiveAccountData | readonly LiveAccountData[],
  directory: string,
  options: WriteExportOptions = {},
): Promise<WrittenExport> {
  const reads: readonly LiveAccountData[] = isClients(input)
    ? [
        await createLiveSource({
          clients: input,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }).read({}),
      ]
    : Array.isArray(input)
      ? (input as readonly LiveAccountData[])
      : [input as LiveAccountData];
  const data = combined(reads);
  const contents: [string, unknown][] = [
    [
      EXPORT_FILES.authorizationDetails,
      { RoleDetailList: data.roles.map(decodedRole), Policies: data.policies.map(decodedPolicy) },
    ],
    [EXPORT_FILES.functions, { Functions: data.functions }],
    [EXPORT_FILES.eventSourceMappings, { EventSourceMappings: data.mappings }],
    [EXPORT_FILES.eventInvokeConfigs, { FunctionEventInvokeConfigs: data.invokeConfigs }],
    [EXPORT_FILES.versions, { Versions: data.versions }],
    [EXPORT_FILES.aliases, { Aliases: data.aliases }],
    // Without the encryption clients nothing was read: no file, so that an audit of it says "not read".
    ...(data.resourceEncryption === undefined
      ? []
      : [[EXPORT_FILES.resourceEncryption, data.resourceEncryption] as [string, unknown]]),
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
    roles: data.roles.length,
    readErrors: data.readErrors,
  };
}
