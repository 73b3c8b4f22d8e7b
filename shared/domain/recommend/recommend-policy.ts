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
import { compareCodeUnits, sortSmall, sortSmallStrings } from '../small-sort.js';

interface ActionGrants {
  readonly action: string;
  /** In order of need, then sorted. */
  readonly resources: string[];
}

interface SidGrants {
  readonly sid: string;
  /** Actions in order of first need, each with its resources in order of need. */
  readonly actions: ActionGrants[];
}

/**
 * The recommended identity policy for a function's requirements; `null` when it needs nothing. A function
 * has a dozen requirements or so: plain arrays searched linearly cost less here than maps and sets, and
 * this runs once per function of the account.
 */
export function recommendPolicy(requirements: readonly Requirement[]): RecommendedPolicy | null {
  // Sid → action → resources, in order of first need.
  const bySid: SidGrants[] = [];
  // The requirements of one mapping or setting come one after the other, most with the same Sid: the Sid
  // granted last is looked at first.
  let last: SidGrants | undefined;
  for (const requirement of requirements) {
    const action = requirement.actions[0];
    if (action === undefined) continue;
    const sid = requirement.sid;
    const touches = requirement.touches;
    if (touches !== undefined) {
      // What the call touches, in the function's account and region, rather than `*`.
      for (const touched of touches) last = grant(bySid, last, sid, action, touched.resource);
    } else last = grant(bySid, last, sid, action, requirement.grantResource);
    if (action === 'logs:CreateLogStream' && requirement.entryId === 'logs') {
      last = grant(bySid, last, sid, 'logs:CreateLogGroup', requirement.grantResource);
    }
  }

  const statements: RecommendedStatement[] = [];
  for (const { sid, actions } of bySid) {
    // Each action's own list, built here: sorted in place.
    for (const { resources } of actions) if (resources.length > 1) sortSmallStrings(resources);
    // Actions that share exactly the same resources go in one statement. Most often all of a Sid's do.
    const first = actions[0] as ActionGrants;
    let shared = true;
    for (let index = 1; shared && index < actions.length; index++)
      shared = sameResources(first.resources, (actions[index] as ActionGrants).resources);
    if (shared) {
      statements.push({
        Sid: sid,
        Effect: 'Allow',
        Action: sortSmallStrings(actionsOf(actions)),
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
        Action: sortSmallStrings(group.actions),
        Resource: group.resources,
      });
    }
  }
  return statements.length === 0 ? null : { Version: '2012-10-17', Statement: statements };
}

function actionsOf(actions: readonly ActionGrants[]): string[] {
  const names = new Array<string>(actions.length);
  for (let index = 0; index < actions.length; index++) names[index] = (actions[index] as ActionGrants).action;
  return names;
}

/** What tells resource lists apart: the one resource, or the sorted list joined. */
function resourcesKey(sorted: readonly string[]): string {
  return sorted.length === 1 ? (sorted[0] ?? '') : sorted.join('\n');
}

/**
 * `resourcesKey(a) === resourcesKey(b)`, without joining lists that are equal item by item (the common
 * case); others may still share a key when a resource holds a line feed, so their keys tell.
 */
function sameResources(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length) {
    let equal = true;
    for (let index = 0; equal && index < a.length; index++) equal = a[index] === b[index];
    if (equal) return true;
  }
  return resourcesKey(a) === resourcesKey(b);
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

/** Grants the action on the resource under the Sid unless some Sid grants it already; the Sid granted last. */
function grant(
  bySid: SidGrants[],
  last: SidGrants | undefined,
  sid: string,
  action: string,
  resource: string,
): SidGrants | undefined {
  if (isGranted(bySid, action, resource)) return last;
  let grants = last !== undefined && last.sid === sid ? last : undefined;
  if (grants === undefined) {
    for (const candidate of bySid) {
      if (candidate.sid === sid) {
        grants = candidate;
        break;
      }
    }
  }
  if (grants === undefined) {
    // Literal arrays are allocated at their size; `[]` then push reserves room for seventeen.
    grants = { sid, actions: [{ action, resources: [resource] }] };
    bySid.push(grants);
    return grants;
  }
  let granted: ActionGrants | undefined;
  for (const candidate of grants.actions) {
    if (candidate.action === action) {
      granted = candidate;
      break;
    }
  }
  if (granted === undefined) grants.actions.push({ action, resources: [resource] });
  else granted.resources.push(resource);
  return grants;
}
