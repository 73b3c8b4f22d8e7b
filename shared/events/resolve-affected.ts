/**
 * From a change to the functions whose verdict it may change. A role change touches every function of the
 * role; a managed policy change touches every function of every role that attaches it (as a permissions
 * policy or as a boundary); a mapping names its function, or the mapping itself must be read; a change of a
 * queue's, stream's, topic's or secret's key touches the functions that use it. A function is always
 * audited with every other function of its role, so that a shared role is judged as a whole.
 */
import type { Change } from './change.js';

/** The account lookups resolution needs (implemented over IAM and Lambda in `shared/adapters/directory`). */
export interface Directory {
  /** Names of the roles that attach the managed policy, as a permissions policy or a permissions boundary. */
  rolesAttachingPolicy(policyArn: string): Promise<readonly string[]>;
  /** Unqualified ARNs of the functions (in every audited region) whose execution role has one of these names. */
  functionsOfRoles(roleNames: readonly string[]): Promise<readonly string[]>;
  /**
   * The function and every other function with the same execution role; just the function when it is not
   * (or no longer) in the account.
   */
  functionsSharingRoleWith(functionArn: string): Promise<readonly string[]>;
  /** The function ARN of a mapping, or `undefined` when the mapping no longer exists. */
  functionOfMapping(uuid: string, region: string): Promise<string | undefined>;
  /**
   * Unqualified ARNs of the functions whose mappings read the queue, stream or secret, send failed records
   * to it, or whose dead-letter target it is (`resourceArn` in `region`; a secret may be named without its
   * random suffix). Asynchronous destinations are not searched (one call per function): the sweep finds them.
   */
  functionsUsingResource(resourceArn: string, region: string): Promise<readonly string[]>;
}

/** The role name of a role ARN (`arn:aws:iam::123456789012:role/path/name` → `name`). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/**
 * The unqualified ARNs of the functions a change may affect; empty when it names nothing that still
 * exists. Lookup failures (throttling after retries, access denied) propagate: the caller retries the
 * message rather than deciding that nothing was affected.
 */
export async function resolveAffectedFunctions(
  change: Change,
  directory: Directory,
): Promise<readonly string[]> {
  const target = change.target;
  switch (target.kind) {
    // A function's change can change its role's other functions' verdicts too (an SQS mapping removed
    // here makes the role's SQS grant unused for all of them), and judging a shared role needs them all.
    case 'function':
      return directory.functionsSharingRoleWith(target.functionArn);
    case 'role':
      return directory.functionsOfRoles([target.roleName]);
    case 'managed-policy': {
      const roles = await directory.rolesAttachingPolicy(target.policyArn);
      return roles.length === 0 ? [] : directory.functionsOfRoles(roles);
    }
    case 'event-source-mapping': {
      const functionArn = await directory.functionOfMapping(target.uuid, target.region);
      return functionArn === undefined ? [] : directory.functionsSharingRoleWith(functionArn);
    }
    // A source's key changed: the functions that use it, each with its role's other functions.
    case 'source-encryption': {
      const users = await directory.functionsUsingResource(target.resourceArn, target.region);
      const all = new Set<string>();
      for (const arn of users)
        for (const sibling of await directory.functionsSharingRoleWith(arn)) all.add(sibling);
      return [...all];
    }
  }
}
