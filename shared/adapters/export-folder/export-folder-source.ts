/**
 * The offline account source: an export folder (the AWS CLI's own output, see the contract's "Export folder")
 * read from disk. It touches no network. Files are checked with zod at the boundary; what does not fit
 * makes the whole folder unusable (`InputError`, exit 2), because a half-read file could silently drop
 * functions. One unreadable policy document is different: it stays in the snapshot as `{ ok: false }`,
 * with a message naming the file and the item, and the audit reports the functions it touches as
 * incomplete (exit 3) while it audits all the others.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { InputError } from '../../domain/errors.js';
import type {
  AccountScope,
  AccountSnapshot,
  AccountSource,
  EventInvokeConfig,
  FunctionConfiguration,
  ManagedPolicy,
  Role,
} from '../../domain/model.js';
import { decodeText } from '../text-file/decode-text.js';
import { jsonErrorWithLocation } from '../text-file/json-location.js';
import { TrustPolicyReader, tagList, toManagedPolicy, toRole } from './account-details.js';
import {
  aliasesFileSchema,
  authorizationDetailsSchema,
  eventInvokeConfigsFileSchema,
  eventSourceMappingsFileSchema,
  type FunctionConfigurationDetail,
  functionsFileSchema,
  resourceEncryptionFileSchema,
  versionsFileSchema,
} from './export-folder-schemas.js';
import { compileFastCheck } from './fast-check.js';
import { toEncryptionFacts, toFunctionAlias } from './resource-encryption.js';

/** The files of an export folder, as the contract names them. */
export const EXPORT_FILES = {
  authorizationDetails: 'authorization-details.json',
  functions: 'functions.json',
  eventSourceMappings: 'event-source-mappings.json',
  eventInvokeConfigs: 'event-invoke-configs.json',
  /** Optional: the keys of the queues, streams, topics and secrets the functions use. */
  resourceEncryption: 'resource-encryption.json',
  /** Optional: the published versions and the aliases that qualified mappings and configs name. */
  versions: 'versions.json',
  aliases: 'aliases.json',
} as const;

export class ExportFolderSource implements AccountSource {
  constructor(private readonly directory: string) {}

  /**
   * Reads the whole folder whatever the scope: judging a role shared by several functions needs every
   * function of that role, and reading a file costs the same either way. The audit narrows the report to
   * the scope (`functionNames`).
   */
  async load(_scope: AccountScope): Promise<AccountSnapshot> {
    await this.assertFolder();
    const [
      authorizationDetails,
      functionsFile,
      mappingsFile,
      invokeConfigsFile,
      encryptionFile,
      versionsFile,
      aliasesFile,
    ] = await Promise.all([
      this.readJson(EXPORT_FILES.authorizationDetails, authorizationDetailsSchema, true),
      this.readJson(EXPORT_FILES.functions, functionsFileSchema, true),
      this.readJson(EXPORT_FILES.eventSourceMappings, eventSourceMappingsFileSchema, true),
      this.readJson(EXPORT_FILES.eventInvokeConfigs, eventInvokeConfigsFileSchema, false),
      this.readJson(EXPORT_FILES.resourceEncryption, resourceEncryptionFileSchema, false),
      this.readJson(EXPORT_FILES.versions, versionsFileSchema, false),
      this.readJson(EXPORT_FILES.aliases, aliasesFileSchema, false),
    ]);
    if (!authorizationDetails || !functionsFile || !mappingsFile) {
      // readJson throws for a missing required file; this only narrows the types.
      throw new InputError(`export folder ${this.directory} is incomplete`);
    }

    const roles = new Map<string, Role>();
    const trustPolicies = new TrustPolicyReader();
    authorizationDetails.RoleDetailList.forEach((detail, index) => {
      const where = `${EXPORT_FILES.authorizationDetails}: RoleDetailList[${index}] (role ${detail.RoleName})`;
      roles.set(detail.Arn, toRole(detail, where, trustPolicies));
    });
    const managedPolicies = new Map<string, ManagedPolicy>();
    (authorizationDetails.Policies ?? []).forEach((detail, index) => {
      managedPolicies.set(
        detail.Arn,
        toManagedPolicy(detail, `${EXPORT_FILES.authorizationDetails}: Policies[${index}] (${detail.Arn})`),
      );
    });

    const functions = functionsFile.Functions.map(withTagList);
    const eventInvokeConfigs: readonly EventInvokeConfig[] | undefined =
      invokeConfigsFile?.FunctionEventInvokeConfigs;
    return {
      source: { kind: 'export', path: this.directory, ...accountAndRegion(functions, roles) },
      functions,
      eventSourceMappings: mappingsFile.EventSourceMappings,
      ...(eventInvokeConfigs ? { eventInvokeConfigs } : {}),
      roles,
      managedPolicies,
      readErrors: [],
      ...(versionsFile ? { versions: versionsFile.Versions.map(withTagList) } : {}),
      ...(aliasesFile ? { aliases: aliasesFile.Aliases.map(toFunctionAlias) } : {}),
      ...(encryptionFile
        ? { encryption: toEncryptionFacts(encryptionFile, EXPORT_FILES.resourceEncryption) }
        : {}),
    };
  }

  private async assertFolder(): Promise<void> {
    const info = await stat(this.directory).catch((error: unknown) => {
      throw new InputError(`export folder ${this.directory} cannot be read: ${errorCode(error)}`, {
        cause: error,
      });
    });
    if (!info.isDirectory()) {
      throw new InputError(`export folder ${this.directory} is not a directory`);
    }
  }

  private async readJson<S extends z.ZodType>(
    file: string,
    schema: S,
    required: boolean,
  ): Promise<z.output<S> | undefined> {
    const path = join(this.directory, file);
    let bytes: Buffer;
    try {
      // Read as bytes and decoded once: readFile with an encoding decodes chunk by chunk and joins the
      // pieces, which JSON.parse must then flatten again (tens of megabytes for a large account).
      bytes = await readFile(path);
    } catch (error: unknown) {
      if (!required && errorCode(error) === 'ENOENT') return undefined;
      const what = errorCode(error) === 'ENOENT' ? 'is missing' : `cannot be read (${errorCode(error)})`;
      throw new InputError(`${path} ${what}: an export folder needs ${requiredFileList()}`, { cause: error });
    }
    // A byte-order mark or UTF-16 (PowerShell's `>`) is read as such, not reported as invalid JSON.
    const text = decodeText(bytes, path);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error: unknown) {
      throw new InputError(`${path} is not valid JSON: ${jsonErrorWithLocation(error, text)}`, {
        cause: error,
      });
    }
    // The fast check accepts what zod accepts; zod runs only to say what is wrong (or if they ever disagree).
    if (fastCheckOf(schema)(raw)) return raw as z.output<S>;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new InputError(
        `${path} does not have the shape the AWS CLI prints: ${describeIssues(parsed.error, raw)}`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }
}

function withTagList(fn: FunctionConfigurationDetail): FunctionConfiguration {
  // Tags as a list (or none) already fit the model: no copy of the function for the common case.
  if (fn.Tags === undefined || Array.isArray(fn.Tags)) return fn as FunctionConfiguration;
  return { ...fn, Tags: tagList(fn.Tags) };
}

const fastChecks = new Map<z.ZodType, (value: unknown) => boolean>();

function fastCheckOf(schema: z.ZodType): (value: unknown) => boolean {
  let check = fastChecks.get(schema);
  if (check === undefined) {
    check = compileFastCheck(schema);
    fastChecks.set(schema, check);
  }
  return check;
}

const ARN_ACCOUNT_REGION = /^arn:[^:]+:[^:]+:([^:]*):(\d{12}):/;

/**
 * The account and region the export shows, taken from the functions' ARNs (an export of several regions
 * gives `regions` instead of `region`), else from a role ARN.
 */
function accountAndRegion(
  functions: readonly { FunctionArn: string }[],
  roles: ReadonlyMap<string, Role>,
): { account?: string; region?: string; regions?: string[] } {
  let account: string | undefined;
  const regions = new Set<string>();
  for (const fn of functions) {
    const match = ARN_ACCOUNT_REGION.exec(fn.FunctionArn);
    if (match?.[1] && match[2]) {
      account ??= match[2];
      regions.add(match[1]);
    }
  }
  if (account !== undefined) {
    const sorted = [...regions].sort();
    return sorted.length === 1 ? { account, region: sorted[0] as string } : { account, regions: sorted };
  }
  for (const roleArn of roles.keys()) {
    const match = ARN_ACCOUNT_REGION.exec(roleArn);
    if (match?.[2]) return { account: match[2] };
  }
  return {};
}

function requiredFileList(): string {
  return `${EXPORT_FILES.authorizationDetails}, ${EXPORT_FILES.functions} and ${EXPORT_FILES.eventSourceMappings} (see the README, "Export folder")`;
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Names the first few issues by JSON path and by the item's own name (FunctionName, RoleName, UUID, Arn). */
function describeIssues(error: z.ZodError, raw: unknown): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = formatPath(issue.path);
    const item = itemName(raw, issue.path);
    return `${path || '(top level)'}${item ? ` (${item})` : ''}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? `; and ${error.issues.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

const NAMING_FIELDS = ['FunctionName', 'RoleName', 'PolicyName', 'UUID', 'Arn', 'FunctionArn'] as const;

/** The innermost array item on the path that carries a name a person recognises. */
function itemName(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  let node: unknown = raw;
  let found: string | undefined;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[segment];
    if (typeof segment === 'number' && typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const field = NAMING_FIELDS.find((name) => typeof record[name] === 'string');
      if (field) found = `${field} ${String(record[field])}`;
    }
  }
  return found;
}
