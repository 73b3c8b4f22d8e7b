/**
 * Gathers what decides a role's permissions (inline policies, the default version of each attached
 * managed policy, the permissions boundary, the trust policy) and says what could not be read. A managed
 * policy the snapshot lacks falls back to the copy we ship of AWS's own; if there is none the audit of
 * the role's functions is incomplete and reported so.
 */
import { awsManagedPolicy } from '../aws-managed-policies.js';
import type { AccountSnapshot, ManagedPolicy, Role, UnknownGrant } from '../model.js';
import type { PolicyDocument, SourcedDocument } from '../policy/document.js';
import type { RolePolicies } from '../policy/evaluation-types.js';

export interface RoleProblem {
  readonly resource: string;
  readonly message: string;
}

export type ResolvedRole =
  | {
      readonly ok: true;
      readonly policies: RolePolicies;
      readonly trustPolicy: PolicyDocument;
      /** What takes part in the role's permissions but is unknown (see `UnknownGrant`). */
      readonly unknown: readonly UnknownGrant[];
    }
  | { readonly ok: false; readonly problems: readonly RoleProblem[] };

/** The copy of an AWS managed policy the tool knows without an account, by ARN. */
export type AwsManagedPolicyLookup = (policyArn: string) => ManagedPolicy | undefined;

/** The ARNs of every managed policy a role uses: attached ones and its boundary. */
export function policyArnsOf(role: Role): string[] {
  const arns = role.AttachedManagedPolicies.map((policy) => policy.PolicyArn);
  if (role.PermissionsBoundary !== undefined) arns.push(role.PermissionsBoundary.PermissionsBoundaryArn);
  return arns;
}

export function resolveRole(
  snapshot: AccountSnapshot,
  role: Role,
  lookupAwsManaged: AwsManagedPolicyLookup = awsManagedPolicy,
): ResolvedRole {
  const problems: RoleProblem[] = [];
  const identity: SourcedDocument[] = [];
  const unknown: UnknownGrant[] = [...(role.unresolvedPolicies ?? [])];

  const trust = role.AssumeRolePolicyDocument;
  if (!trust.ok)
    problems.push({
      resource: role.Arn,
      message: `the trust policy of role ${role.Arn} is unreadable: ${trust.error}`,
    });

  for (const inline of role.RolePolicyList) {
    if (inline.PolicyDocument.ok)
      identity.push({ source: `inline:${inline.PolicyName}`, document: inline.PolicyDocument.document });
    else {
      problems.push({
        resource: role.Arn,
        message: `the inline policy ${inline.PolicyName} of role ${role.Arn} is unreadable: ${inline.PolicyDocument.error}`,
      });
    }
  }

  const load = (arn: string, what: string): PolicyDocument | undefined => {
    const policy = snapshot.managedPolicies.get(arn) ?? lookupAwsManaged(arn);
    const unresolved = policy === undefined ? snapshot.unresolved?.get(arn) : undefined;
    if (unresolved !== undefined) {
      const boundary = what === 'permissions boundary';
      unknown.push({
        source: boundary ? `boundary:${arn}` : arn,
        kind: boundary ? 'boundary' : 'identity',
        reason: unresolved,
      });
      return undefined;
    }
    if (policy === undefined) {
      problems.push({
        resource: arn,
        message: `role ${role.Arn} uses the ${what} ${arn}, which the account data does not contain (and which is not one of the AWS managed policies this tool ships a copy of): the role's permissions are unknown`,
      });
      return undefined;
    }
    if (!policy.Document.ok) {
      problems.push({
        resource: arn,
        message: `the default version (${policy.DefaultVersionId}) of the ${what} ${arn} is unreadable: ${policy.Document.error}`,
      });
      return undefined;
    }
    return policy.Document.document;
  };

  for (const attached of role.AttachedManagedPolicies) {
    const document = load(attached.PolicyArn, 'managed policy');
    if (document !== undefined) identity.push({ source: attached.PolicyArn, document });
  }
  let boundary: SourcedDocument | undefined;
  if (role.PermissionsBoundary !== undefined) {
    const arn = role.PermissionsBoundary.PermissionsBoundaryArn;
    const document = load(arn, 'permissions boundary');
    if (document !== undefined) boundary = { source: `boundary:${arn}`, document };
  }

  if (problems.length > 0 || !trust.ok) return { ok: false, problems };
  return {
    ok: true,
    policies: boundary === undefined ? { identity } : { identity, boundary },
    trustPolicy: trust.document,
    unknown,
  };
}
