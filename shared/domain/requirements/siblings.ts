/**
 * Sibling resources: ARNs of the same kind as a needed resource but not it (another queue of the same
 * account, the same queue name in another region or account). A grant that also matches a sibling is
 * broader than the function needs (`overbroad-resource`); a least-privilege grant matches none.
 *
 * The name that identifies the resource is what changes: the queue, stream, table, log group, bucket,
 * secret or cluster name. A DynamoDB stream label is not changed: `table/T/stream/*` is the usual grant
 * for a table's stream, whose label changes each time the stream is re-enabled.
 */
import { type Arn, formatArn, parseArn } from '../arn.js';

const SIBLING = 'lra-sibling';

function otherRegion(region: string): string {
  return region === 'eu-west-3' ? 'ap-south-2' : 'eu-west-3';
}

function otherAccount(account: string): string {
  return account === '000000000000' ? '999999999999' : '000000000000';
}

/** Renames one `/`-separated segment of a path: the segment itself and a suffixed copy. */
function renameSegment(path: string, separator: string, index: number): string[] {
  const segments = path.split(separator);
  const segment = segments[index];
  if (segment === undefined || segment === '' || segment.includes('*')) return [];
  return [`${segment}-${SIBLING}`, SIBLING].map((name) => {
    const copy = [...segments];
    copy[index] = name;
    return copy.join(separator);
  });
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
  const probes: SiblingProbe[] = renamedResources(arn).map((renamed) => ({
    arn: formatArn({ ...arn, resource: renamed }),
    scope: 'name',
  }));
  if (arn.region !== '')
    probes.push({ arn: formatArn({ ...arn, region: otherRegion(arn.region) }), scope: 'region' });
  if (arn.account !== '')
    probes.push({ arn: formatArn({ ...arn, account: otherAccount(arn.account) }), scope: 'account' });
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
