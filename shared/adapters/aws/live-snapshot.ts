/**
 * A live read (the APIs' own shapes) → the audit's `AccountSnapshot`. The SDK's answers pass through the
 * same zod schemas as the export folder, so that a live audit and the offline audit of the folder the tool
 * wrote see the same fields, decoded by the same `parsePolicyDocument` (URL-encoded or not: moto and AWS
 * differ field by field, moto-notes §2.2). An item that does not fit is a read error, not a crash.
 */
import type { z } from 'zod';
import type {
  AccountSnapshot,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
  ManagedPolicy,
  ReadError,
  Role,
  Tag,
} from '../../domain/model.js';
import type { DocumentResult } from '../../domain/policy/document.js';
import { parsePolicyDocument } from '../../domain/policy/parse.js';
import {
  eventInvokeConfigSchema,
  eventSourceMappingSchema,
  functionConfigurationSchema,
  managedPolicyDetailSchema,
  roleDetailSchema,
} from '../export-folder/export-folder-schemas.js';
import type { LiveAccountData } from './live-account-reader.js';

const ARN_ACCOUNT = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/;

/** Stands for a document the reader could not fetch (its read error says why). */
const UNREAD = Symbol('unread');

function readDocument(raw: unknown, where: string): DocumentResult {
  if (raw === undefined || raw === UNREAD)
    return { ok: false, error: `${where}: not read (see the read errors)` };
  const result = parsePolicyDocument(raw);
  return result.ok ? result : { ok: false, error: `${where}: ${result.error}` };
}

/** IAM lists tags; Lambda maps them: the model keeps a list. */
function tagList(tags: readonly Tag[] | Readonly<Record<string, string>>): Tag[] {
  return Array.isArray(tags) ? [...tags] : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

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
    const where = `role ${detail.RoleName}`;
    roles.set(detail.Arn, {
      RoleName: detail.RoleName,
      Arn: detail.Arn,
      AssumeRolePolicyDocument: readDocument(detail.AssumeRolePolicyDocument, `${where}, trust policy`),
      RolePolicyList: (detail.RolePolicyList ?? []).map((policy) => ({
        PolicyName: policy.PolicyName,
        PolicyDocument: readDocument(policy.PolicyDocument, `${where}, inline policy ${policy.PolicyName}`),
      })),
      AttachedManagedPolicies: detail.AttachedManagedPolicies ?? [],
      ...(detail.PermissionsBoundary ? { PermissionsBoundary: detail.PermissionsBoundary } : {}),
      ...(detail.Tags ? { Tags: tagList(detail.Tags) } : {}),
    });
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
    const detail = parsed.data;
    const versions = detail.PolicyVersionList ?? [];
    const version =
      versions.find((candidate) => candidate.IsDefaultVersion === true) ??
      versions.find(
        (candidate) => candidate.VersionId !== undefined && candidate.VersionId === detail.DefaultVersionId,
      );
    const versionId = version?.VersionId ?? detail.DefaultVersionId ?? 'unknown';
    managedPolicies.set(detail.Arn, {
      Arn: detail.Arn,
      PolicyName: detail.PolicyName,
      DefaultVersionId: versionId,
      Document: version
        ? readDocument(version.Document, `managed policy ${detail.Arn}, version ${versionId}`)
        : { ok: false, error: `managed policy ${detail.Arn}: no default version among those read` },
    });
  }

  const functions: FunctionConfiguration[] = [];
  for (const raw of data.functions) {
    const parsed = functionConfigurationSchema.safeParse(raw);
    if (parsed.success) {
      const { Tags, ...configuration } = parsed.data;
      functions.push(Tags === undefined ? configuration : { ...configuration, Tags: tagList(Tags) });
    } else {
      readErrors.push({
        resource: raw.FunctionArn ?? raw.FunctionName ?? 'a function',
        ...(raw.FunctionName ? { functionName: raw.FunctionName } : {}),
        message: `function ${raw.FunctionName ?? '?'} has an unexpected shape: ${describeIssues(parsed.error)}`,
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
    ...(data.coverage === 'functions' && options.includesRoleSiblings !== true ? { partial: true } : {}),
  };
}
