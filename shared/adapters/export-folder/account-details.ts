/**
 * IAM's `GetAccountAuthorizationDetails` shapes (what the export folder holds and what the live source
 * reads) → the audit's model. One conversion for both sources, so that a live audit and the offline audit
 * of the folder the tool wrote cannot drift apart. `where` labels say where an item came from (a file and
 * JSON path, or a role name) in the message of a document that cannot be read.
 */
import type { ManagedPolicy, Role, Tag } from '../../domain/model.js';
import type { DocumentResult } from '../../domain/policy/document.js';
import { parsePolicyDocument } from '../../domain/policy/parse.js';
import type { ManagedPolicyDetail, RoleDetail } from './export-folder-schemas.js';

/** Decodes a document; an unreadable one keeps the reason, prefixed with where it was found. */
export function readDocument(raw: unknown, where: string): DocumentResult {
  const result = parsePolicyDocument(raw);
  return result.ok ? result : { ok: false, error: `${where}: ${result.error}` };
}

/** IAM lists tags; Lambda maps them: the model keeps a list. */
export function tagList(tags: readonly Tag[] | Readonly<Record<string, string>>): Tag[] {
  return Array.isArray(tags) ? [...tags] : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * Trust policies as the IAM API returns them are the same URL-encoded text for most roles of an account
 * (`lambda.amazonaws.com` may assume the role): each distinct text is decoded once per read. Documents are
 * read-only values, so roles may share one.
 */
export class TrustPolicyReader {
  private readonly known = new Map<string, DocumentResult>();

  read(raw: unknown, where: () => string): DocumentResult {
    if (typeof raw !== 'string') return readDocument(raw, where());
    const known = this.known.get(raw);
    if (known !== undefined) return known;
    const result = readDocument(raw, where());
    // An unreadable one keeps its own message (it names the role): only readable ones are shared.
    if (result.ok) this.known.set(raw, result);
    return result;
  }
}

/**
 * A role as the model holds it. `readInline` decides how an inline document is read: the live source
 * marks the ones it could not fetch.
 */
export function toRole(
  detail: RoleDetail,
  where: string,
  trustPolicies: TrustPolicyReader,
  readInline: (raw: unknown, where: string) => DocumentResult = readDocument,
): Role {
  return {
    RoleName: detail.RoleName,
    Arn: detail.Arn,
    AssumeRolePolicyDocument: trustPolicies.read(
      detail.AssumeRolePolicyDocument,
      () => `${where}, AssumeRolePolicyDocument`,
    ),
    RolePolicyList: (detail.RolePolicyList ?? []).map((policy) => ({
      PolicyName: policy.PolicyName,
      PolicyDocument: readInline(policy.PolicyDocument, `${where}, inline policy ${policy.PolicyName}`),
    })),
    AttachedManagedPolicies: detail.AttachedManagedPolicies ?? [],
    ...(detail.PermissionsBoundary ? { PermissionsBoundary: detail.PermissionsBoundary } : {}),
    ...(detail.Tags ? { Tags: tagList(detail.Tags) } : {}),
  };
}

/**
 * Only the default version grants anything (IAM evaluates no other), so it is the one kept. The AWS CLI
 * marks it with `IsDefaultVersion`; `DefaultVersionId` names it too, and either is enough.
 */
export function toManagedPolicy(detail: ManagedPolicyDetail, where: string): ManagedPolicy {
  const versions = detail.PolicyVersionList ?? [];
  const version =
    versions.find((candidate) => candidate.IsDefaultVersion === true) ??
    versions.find(
      (candidate) => detail.DefaultVersionId !== undefined && candidate.VersionId === detail.DefaultVersionId,
    );
  const defaultVersionId = version?.VersionId ?? detail.DefaultVersionId ?? 'unknown';
  return {
    Arn: detail.Arn,
    PolicyName: detail.PolicyName,
    DefaultVersionId: defaultVersionId,
    Document: version
      ? readDocument(version.Document, `${where}, version ${defaultVersionId}`)
      : {
          ok: false,
          error: `${where}: PolicyVersionList has no default version (DefaultVersionId ${detail.DefaultVersionId ?? 'absent'}, no IsDefaultVersion: true)`,
        },
  };
}
