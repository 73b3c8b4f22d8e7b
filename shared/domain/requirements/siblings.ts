/**
 * Sibling resources: ARNs of the same kind as a needed resource but not it (another queue of the same
 * account, the same queue name in another region or account). A grant that also matches a sibling is
 * broader than the function needs (`overbroad-resource`); a least-privilege grant matches none.
 *
 * The name that identifies the resource is what changes: the queue, stream, table, log group, bucket,
 * secret or cluster name. A DynamoDB stream label is not changed: `table/T/stream/*` is the usual grant
 * for a table's stream, whose label changes each time the stream is re-enabled.
 */
import { type Arn, parseArn } from '../arn.js';

const SIBLING = 'lra-sibling';

function otherRegion(region: string): string {
  return region === 'eu-west-3' ? 'ap-south-2' : 'eu-west-3';
}

function otherAccount(account: string): string {
  return account === '000000000000' ? '999999999999' : '000000000000';
}

/**
 * Renames one segment of a path (segments separated by a one-character `separator`): the segment suffixed,
 * and the segment replaced. None when there is no such segment, or it is empty or has a wildcard.
 */
function renameSegment(path: string, separator: string, index: number): string[] {
  let start = 0;
  for (let skipped = 0; skipped < index; skipped++) {
    const next = path.indexOf(separator, start);
    if (next < 0) return [];
    start = next + 1;
  }
  const found = path.indexOf(separator, start);
  const end = found < 0 ? path.length : found;
  const segment = path.slice(start, end);
  if (segment === '' || segment.includes('*')) return [];
  const before = path.slice(0, start);
  const after = path.slice(end);
  return [`${before}${segment}-${SIBLING}${after}`, `${before}${SIBLING}${after}`];
}

/** Resource parts with the identifying name renamed, per service and resource type. */
function renamedResources(arn: Arn): string[] {
  const resource = arn.resource;
  switch (arn.service) {
    case 'logs': {
      // log-group:GROUP:log-stream:STREAM — the group is what is needed.
      const match = /^log-group:(.+?)(:log-stream:.*)?$/.exec(resource);
      if (match === null || match[1] === undefined) break;
      return [`${match[1]}-${SIBLING}`, `/${SIBLING}`].map((group) => `log-group:${group}${match[2] ?? ''}`);
    }
    case 's3':
      return renameSegment(resource, '/', 0);
    case 'kinesis':
    case 'dynamodb':
      // stream/NAME[/consumer/C:TS], table/T/stream/LABEL
      return renameSegment(resource, '/', 1);
    case 'kafka':
      // cluster/NAME/UUID: the cluster; group/NAME/UUID/GROUP and topic/NAME/UUID/TOPIC: the last segment.
      return resource.startsWith('cluster/')
        ? renameSegment(resource, '/', 1)
        : renameSegment(resource, '/', 3);
    case 'mq':
    case 'rds':
    case 'lambda':
      // broker:NAME:ID, cluster:NAME, function:NAME[:QUALIFIER]
      return renameSegment(resource, ':', 1);
    case 'secretsmanager':
      return renameSegment(resource, ':', 1);
    case 'events':
      return renameSegment(resource, '/', 1);
    default:
      break;
  }
  return resource.includes('*') ? [] : [`${resource}-${SIBLING}`, SIBLING];
}

/** How a sibling differs from the needed resource: another name, another region, another account. */
export type SiblingScope = 'name' | 'region' | 'account';

export interface SiblingProbe {
  /** An invented ARN, only ever matched against policies: never shown to a person. */
  readonly arn: string;
  readonly scope: SiblingScope;
}

/** Siblings of `resource` with how each differs from it. Empty for `*` and for non-ARNs. */
export function siblingProbes(resource: string): SiblingProbe[] {
  const arn = parseArn(resource);
  if (arn === undefined) return [];
  const { partition, service, region, account } = arn;
  // `arn:PARTITION:SERVICE:REGION:ACCOUNT:`, as the text has it.
  const prefix = resource.slice(0, resource.length - arn.resource.length);
  const probes: SiblingProbe[] = [];
  for (const renamed of renamedResources(arn)) probes.push({ arn: `${prefix}${renamed}`, scope: 'name' });
  if (region !== '') {
    probes.push({
      arn: `arn:${partition}:${service}:${otherRegion(region)}:${account}:${arn.resource}`,
      scope: 'region',
    });
  }
  if (account !== '') {
    probes.push({
      arn: `arn:${partition}:${service}:${region}:${otherAccount(account)}:${arn.resource}`,
      scope: 'account',
    });
  }
  return probes;
}

/** ARNs a least-privilege grant of `resource` does not match. Empty for `*` and for non-ARNs. */
export function siblingResources(resource: string): string[] {
  return siblingProbes(resource).map((probe) => probe.arn);
}

/** What a person calls the resource an ARN names (`queue`, `log group`, …), for messages. */
export function resourceNoun(resource: string): string {
  const arn = parseArn(resource);
  switch (arn?.service) {
    case 'sqs':
      return 'queue';
    case 'sns':
      return 'topic';
    case 'logs':
      return 'log group';
    case 's3':
      return arn.resource.includes('/') ? 'object' : 'bucket';
    case 'kinesis':
      return arn.resource.includes('/consumer/') ? 'stream consumer' : 'stream';
    case 'dynamodb':
      return arn.resource.includes('/stream/') ? 'table stream' : 'table';
    case 'kafka':
      if (arn.resource.startsWith('topic/')) return 'topic';
      if (arn.resource.startsWith('group/')) return 'consumer group';
      return 'cluster';
    case 'mq':
      return 'broker';
    case 'rds':
      return 'cluster';
    case 'lambda':
      return 'function';
    case 'secretsmanager':
      return 'secret';
    case 'events':
      return 'event bus';
    default:
      return 'resource';
  }
}
