/**
 * The recommended policy of a function: the least-privilege identity policy that meets every requirement
 * and grants nothing else, in readable statements (one per mapping or setting, Sids such as
 * `ReadQueueOrders`, `WriteLogs`), deterministic, actions and resources sorted.
 *
 * Choices:
 * - `logs:CreateLogGroup` is optional (requirements.md §2) but included, on the function's own group
 *   (`…:log-group:GROUP:*`): it grants nothing beyond that group and spares the first invocation of a
 *   function whose group does not exist yet from losing its logs.
 * - MSK IAM-authentication actions (`kafka-cluster:*`) are included even though the mapping does not show
 *   whether the cluster uses IAM auth: with a secret-less mapping Lambda falls back to it when the cluster
 *   has it, and a policy without them would be reported `unverifiable`. Drop them if the cluster does not
 *   use IAM authentication.
 * - Of an any-of requirement (MSK's `kafka:DescribeClusterV2` or `kafka:DescribeCluster`) the first,
 *   recommended by AWS, is granted.
 * - An (action, resource) pair needed twice is granted once, in the first statement that needs it.
 * - The EC2 network-interface actions that have resource types are granted on what Lambda's calls touch
 *   (network interfaces, the subnets and security groups, in the function's account and region), not on
 *   `*`; DocumentDB's describe actions on their resource type in the account and region.
 */
import type { RecommendedPolicy, RecommendedStatement } from '../report.js';
import type { Requirement } from '../requirements/derive.js';
import { compareCodeUnits, sortSmall } from '../small-sort.js';

interface SidGrants {
  readonly sid: string;
  /** Actions in order of first need, each with its resources in order of need. */
  readonly actions: { readonly action: string; readonly resources: string[] }[];
}

/**
 * The recommended identity policy for a function's requirements; `null` when it needs nothing. A function
 * has a dozen requirements or so: plain arrays searched linearly cost less here than maps and sets, and
 * this runs once per function of the account.
 */
export function recommendPolicy(requirements: readonly Requirement[]): RecommendedPolicy | null {
  // Sid → action → resources, in order of first need.
  const bySid: SidGrants[] = [];
  for (const requirement of requirements) {
    const action = requirement.actions[0];
    if (action === undefined) continue;
    if (requirement.touches !== undefined) {
      // What the call touches, in the function's account and region, rather than `*`.
      for (const touched of requirement.touches) grant(bySid, requirement.sid, action, touched.resource);
    } else grant(bySid, requirement.sid, action, requirement.grantResource);
    if (requirement.entryId === 'logs' && action === 'logs:CreateLogStream') {
      grant(bySid, requirement.sid, 'logs:CreateLogGroup', requirement.grantResource);
    }
  }

  const statements: RecommendedStatement[] = [];
  for (const { sid, actions } of bySid) {
    // Each action's own list, built here: sorted in place.
    for (const { resources } of actions) if (resources.length > 1) sortSmall(resources, compareCodeUnits);
    // Actions that share exactly the same resources go in one statement. Most often all of a Sid's do.
    const [first] = actions as [SidGrants['actions'][number]];
    const firstKey = resourcesKey(first.resources);
    if (actions.every((granted) => granted === first || resourcesKey(granted.resources) === firstKey)) {
      statements.push({
        Sid: sid,
        Effect: 'Allow',
        Action: sortSmall(
          actions.map((granted) => granted.action),
          compareCodeUnits,
        ),
        Resource: first.resources,
      });
      continue;
    }
    const groups: { key: string; actions: string[]; resources: string[] }[] = [];
    for (const { action, resources: sorted } of actions) {
      const key = resourcesKey(sorted);
      let group: (typeof groups)[number] | undefined;
      for (const candidate of groups) if (candidate.key === key) group = candidate;
      if (group === undefined) groups.push({ key, actions: [action], resources: sorted });
      else group.actions.push(action);
    }
    if (groups.length > 1) sortSmall(groups, (a, b) => compareCodeUnits(a.key, b.key));
    for (let index = 0; index < groups.length; index++) {
      const group = groups[index] as (typeof groups)[number];
      let unique = sid;
      if (index > 0) {
        // A second resource set under one Sid gets a numbered Sid that no other statement uses.
        for (let n = index + 1; isSidTaken(unique, bySid, statements); n++) unique = `${sid}${n}`;
      }
      statements.push({
        Sid: unique,
        Effect: 'Allow',
        Action: sortSmall(group.actions, compareCodeUnits),
        Resource: group.resources,
      });
    }
  }
  return statements.length === 0 ? null : { Version: '2012-10-17', Statement: statements };
}

/** What tells resource lists apart: the one resource, or the sorted list joined. */
function resourcesKey(sorted: readonly string[]): string {
  return sorted.length === 1 ? (sorted[0] ?? '') : sorted.join('\n');
}

/** Whether a Sid is one of the requirements' or already given to a statement (a dozen of each at most). */
function isSidTaken(
  sid: string,
  bySid: readonly SidGrants[],
  statements: readonly RecommendedStatement[],
): boolean {
  for (const grants of bySid) if (grants.sid === sid) return true;
  for (const statement of statements) if (statement.Sid === sid) return true;
  return false;
}

function isGranted(bySid: readonly SidGrants[], action: string, resource: string): boolean {
  for (const grants of bySid) {
    for (const granted of grants.actions) {
      if (granted.action === action && granted.resources.includes(resource)) return true;
    }
  }
  return false;
}

function grant(bySid: SidGrants[], sid: string, action: string, resource: string): void {
  if (isGranted(bySid, action, resource)) return;
  let grants: SidGrants | undefined;
  for (const candidate of bySid) if (candidate.sid === sid) grants = candidate;
  if (grants === undefined) {
    // Literal arrays are allocated at their size; `[]` then push reserves room for seventeen.
    bySid.push({ sid, actions: [{ action, resources: [resource] }] });
    return;
  }
  let granted: SidGrants['actions'][number] | undefined;
  for (const candidate of grants.actions) if (candidate.action === action) granted = candidate;
  if (granted === undefined) grants.actions.push({ action, resources: [resource] });
  else granted.resources.push(resource);
}
