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

/** ARNs a least-privilege grant of `resource` does not match. Empty for `*` and for non-ARNs. */
export function siblingResources(resource: string): string[] {
  const arn = parseArn(resource);
  if (arn === undefined) return [];
  const siblings = renamedResources(arn).map((renamed) => formatArn({ ...arn, resource: renamed }));
  if (arn.region !== '') siblings.push(formatArn({ ...arn, region: otherRegion(arn.region) }));
  if (arn.account !== '') siblings.push(formatArn({ ...arn, account: otherAccount(arn.account) }));
  return siblings;
}
