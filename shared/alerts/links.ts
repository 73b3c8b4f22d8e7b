/**
 * Links to the AWS console pages of what an alert is about: the function, its role, its mapping, the
 * CloudTrail event, the CloudFormation stack. Each link's host comes from the partition of the ARN it is
 * for (`console.aws.amazon.com`, `console.amazonaws.cn`, `console.amazonaws-us-gov.com`) and its region
 * from the ARN or the event; IAM is global and its pages carry no region. A partition without a public
 * console (the isolated ones) gets no link rather than a wrong one. Names are URL-encoded, so that no
 * account value can add a path, a query or a fragment of its own.
 *
 * The mapping link opens the function's Configuration tab, where Lambda lists its triggers (the console
 * has no documented page of its own for one mapping).
 */
import { parseArn } from '../domain/arn.js';

export interface ConsoleLink {
  /** What it opens, in our words: "Function", "Role", "Mapping", "CloudTrail event", "Stack". */
  readonly label: string;
  readonly url: string;
}

const HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function regionalHost(partition: string, region: string): string | undefined {
  const host = HOSTS[partition];
  if (host === undefined || !REGION.test(region) || partitionOfRegion(region) !== partition) return undefined;
  return `https://${region}.${host}`;
}

const enc = encodeURIComponent;

export function functionLink(functionArn: string, tab?: 'configure'): ConsoleLink | undefined {
  const arn = parseArn(functionArn);
  if (arn?.service !== 'lambda') return undefined;
  const name = arn.resource.split(':')[1];
  const host = regionalHost(arn.partition, arn.region);
  if (!name || host === undefined) return undefined;
  const page = `${host}/lambda/home?region=${arn.region}#/functions/${enc(name)}`;
  return tab === 'configure'
    ? { label: 'Mapping', url: `${page}?tab=configure` }
    : { label: 'Function', url: page };
}

export function roleLink(roleArn: string): ConsoleLink | undefined {
  const arn = parseArn(roleArn);
  const host = arn === undefined ? undefined : HOSTS[arn.partition];
  if (arn?.service !== 'iam' || host === undefined || !arn.resource.startsWith('role/')) return undefined;
  const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  if (name === '') return undefined;
  return { label: 'Role', url: `https://${host}/iam/home#/roles/details/${enc(name)}` };
}

/** The CloudTrail event, in the region where it was recorded (IAM's: us-east-1). */
export function cloudTrailEventLink(
  eventId: string | undefined,
  region: string | undefined,
): ConsoleLink | undefined {
  if (eventId === undefined || region === undefined) return undefined;
  const host = regionalHost(partitionOfRegion(region), region);
  if (host === undefined || !/^[A-Za-z0-9-]{1,64}$/.test(eventId)) return undefined;
  return {
    label: 'CloudTrail event',
    url: `${host}/cloudtrailv2/home?region=${region}#/events/${enc(eventId)}`,
  };
}

/** The stacks page of the function's region, filtered to the stack's name. */
export function stackLink(stackName: string, functionArn: string): ConsoleLink | undefined {
  const arn = parseArn(functionArn);
  if (arn === undefined) return undefined;
  const host = regionalHost(arn.partition, arn.region);
  if (host === undefined) return undefined;
  return {
    label: 'Stack',
    url: `${host}/cloudformation/home?region=${arn.region}#/stacks?filteringText=${enc(stackName)}`,
  };
}
