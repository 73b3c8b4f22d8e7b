/**
 * Physical names that cross a region boundary. CloudFormation cannot reference a resource of another
 * region, so the forwarding rules (us-east-1 and the extra regions) and the home bus that admits them
 * agree on names derived from the home stack's name instead, and each stack builds the ARNs with its own
 * (same) account and partition.
 */

/** IAM publishes its CloudTrail events to EventBridge in this region only (aws-facts.md section 5). */
export const IAM_EVENTS_REGION = 'us-east-1';

export type ForwardedEvents = 'iam' | 'lambda';

export function forwardedBusName(stackName: string): string {
  return `${stackName}-forwarded-events`;
}

export function forwardingRuleName(stackName: string, events: ForwardedEvents): string {
  return `${stackName}-forward-${events}-changes`;
}

export function forwarderStackName(stackName: string, region: string): string {
  return `${stackName}-Forwarder-${region}`;
}

export function eventBusArn(partition: string, region: string, account: string, busName: string): string {
  return `arn:${partition}:events:${region}:${account}:event-bus/${busName}`;
}

/** ARN of a rule on the default bus (rules on a custom bus carry the bus name as an extra segment). */
export function defaultBusRuleArn(
  partition: string,
  region: string,
  account: string,
  ruleName: string,
): string {
  return `arn:${partition}:events:${region}:${account}:rule/${ruleName}`;
}

/** What one region forwards to the home region. */
export interface ForwardingSource {
  readonly region: string;
  readonly events: readonly ForwardedEvents[];
}

/**
 * The forwarding a deployment needs: IAM events from us-east-1 when home is elsewhere; Lambda events from
 * every extra region.
 */
export function forwardingSources(homeRegion: string, extraRegions: readonly string[]): ForwardingSource[] {
  const regions = new Set<string>(extraRegions.filter((r) => r !== homeRegion));
  if (homeRegion !== IAM_EVENTS_REGION) regions.add(IAM_EVENTS_REGION);
  return [...regions].sort().map((region) => {
    const events: ForwardedEvents[] = [];
    if (region === IAM_EVENTS_REGION && homeRegion !== IAM_EVENTS_REGION) events.push('iam');
    if (extraRegions.includes(region)) events.push('lambda');
    return { region, events };
  });
}
