/**
 * A live read (the APIs' own shapes) → the audit's `AccountSnapshot`. The SDK's answers pass through the
 * same zod schemas as the export folder, so that a live audit and the offline audit of the folder the tool
 * wrote see the same fields, decoded by the same `parsePolicyDocument` (URL-encoded or not: moto and AWS
 * differ field by field, moto-notes §2.2). An item that does not fit is a read error, not a crash.
 */
import type { z } from 'zod';
import type {
  AccountSnapshot,
  EncryptionFacts,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionAlias,
  FunctionConfiguration,
  ManagedPolicy,
  ReadError,
  Role,
} from '../../domain/model.js';
import type { DocumentResult } from '../../domain/policy/document.js';
import {
  readDocument,
  TrustPolicyReader,
  tagList,
  toManagedPolicy,
  toRole,
} from '../export-folder/account-details.js';
import {
  aliasSchema,
  eventInvokeConfigSchema,
  eventSourceMappingSchema,
  functionConfigurationSchema,
  managedPolicyDetailSchema,
  resourceEncryptionFileSchema,
  roleDetailSchema,
} from '../export-folder/export-folder-schemas.js';
import { toEncryptionFacts, toFunctionAlias } from '../export-folder/resource-encryption.js';
import type { LiveAccountData } from './live-account-reader.js';

const ARN_ACCOUNT = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/;

/** Stands for a document the reader could not fetch (its read error says why). */
const UNREAD = Symbol('unread');

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
    .join('; ');
}

export function toAccountSnapshot(
  data: LiveAccountData,
  options: { readonly includesRoleSiblings?: boolean } = {},
): AccountSnapshot {
  const readErrors: ReadError[] = [...data.readErrors];

  const roles = new Map<string, Role>();
  const trustPolicies = new TrustPolicyReader();
  // An inline policy the reader could not fetch is kept as unreadable (its read error says why).
  const readInline = (raw: unknown, where: string): DocumentResult =>
    raw === UNREAD
      ? { ok: false, error: `${where}: not read (see the read errors)` }
      : readDocument(raw, where);
  for (const raw of data.authorizationDetails.RoleDetailList) {
    const parsed = roleDetailSchema.safeParse({
      ...raw,
      RolePolicyList: raw.RolePolicyList?.map((policy) => ({
        ...policy,
        PolicyDocument: policy.PolicyDocument ?? UNREAD,
      })),
    });
    if (!parsed.success) {
      readErrors.push({
        resource: raw.Arn ?? raw.RoleName ?? 'a role',
        message: `role ${raw.RoleName ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
      });
      continue;
    }
    const detail = parsed.data;
    roles.set(detail.Arn, toRole(detail, `role ${detail.RoleName}`, trustPolicies, readInline));
  }

  const managedPolicies = new Map<string, ManagedPolicy>();
  for (const raw of data.authorizationDetails.Policies) {
    const parsed = managedPolicyDetailSchema.safeParse(raw);
    if (!parsed.success) {
      readErrors.push({
        resource: raw.Arn ?? 'a managed policy',
        message: `managed policy ${raw.Arn ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
      });
      continue;
    }
    managedPolicies.set(parsed.data.Arn, toManagedPolicy(parsed.data, `managed policy ${parsed.data.Arn}`));
  }

  const readFunctions = (list: typeof data.functions, what: string): FunctionConfiguration[] => {
    const functions: FunctionConfiguration[] = [];
    for (const raw of list) {
      const parsed = functionConfigurationSchema.safeParse(raw);
      if (parsed.success) {
        const { Tags, ...configuration } = parsed.data;
        functions.push(Tags === undefined ? configuration : { ...configuration, Tags: tagList(Tags) });
      } else {
        readErrors.push({
          resource: raw.FunctionArn ?? raw.FunctionName ?? 'a function',
          ...(raw.FunctionName ? { functionName: raw.FunctionName } : {}),
          message: `${what} ${raw.FunctionName ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
        });
      }
    }
    return functions;
  };
  const functions = readFunctions(data.functions, 'function');
  const versions =
    data.versions === undefined ? undefined : readFunctions(data.versions, 'a version of function');

  let aliases: FunctionAlias[] | undefined;
  if (data.aliases !== undefined) {
    aliases = [];
    for (const raw of data.aliases) {
      const parsed = aliasSchema.safeParse(raw);
      if (parsed.success) aliases.push(toFunctionAlias(parsed.data));
      else {
        readErrors.push({
          resource: raw.AliasArn ?? 'an alias',
          message: `alias ${raw.AliasArn ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
        });
      }
    }
  }

  let encryption: EncryptionFacts | undefined;
  if (data.resourceEncryption !== undefined) {
    const parsed = resourceEncryptionFileSchema.safeParse(data.resourceEncryption);
    // Built by the reader from typed answers: a misfit is a bug, and the needs then stay unverified.
    if (parsed.success) encryption = toEncryptionFacts(parsed.data, 'the live account');
    else {
      readErrors.push({
        resource: 'resource encryption attributes',
        message: `the encryption attributes read have an unexpected shape: ${describeIssues(parsed.error)}`,
      });
    }
  }

  const eventSourceMappings: EventSourceMapping[] = [];
  for (const raw of data.eventSourceMappings) {
    const parsed = eventSourceMappingSchema.safeParse(raw);
    if (parsed.success) eventSourceMappings.push(parsed.data);
    else {
      readErrors.push({
        resource: raw.UUID ?? 'an event source mapping',
        message: `event source mapping ${raw.UUID ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
      });
    }
  }

  const eventInvokeConfigs: EventInvokeConfig[] = [];
  for (const raw of data.eventInvokeConfigs) {
    const parsed = eventInvokeConfigSchema.safeParse(raw);
    if (parsed.success) eventInvokeConfigs.push(parsed.data);
    else {
      readErrors.push({
        resource: raw.FunctionArn ?? 'an event invoke config',
        message: `event invoke config of ${raw.FunctionArn ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
      });
    }
  }

  const account =
    functions.map((fn) => ARN_ACCOUNT.exec(fn.FunctionArn)?.[1]).find((found) => found !== undefined) ??
    [...roles.keys()].map((arn) => ARN_ACCOUNT.exec(arn)?.[1]).find((found) => found !== undefined);

  return {
    source: { kind: 'live', region: data.region, ...(account ? { account } : {}) },
    functions,
    eventSourceMappings,
    eventInvokeConfigs,
    roles,
    managedPolicies,
    readErrors,
    ...(versions === undefined ? {} : { versions }),
    ...(aliases === undefined ? {} : { aliases }),
    ...(encryption === undefined ? {} : { encryption }),
    ...(data.coverage === 'functions' && options.includesRoleSiblings !== true ? { partial: true } : {}),
  };
}
