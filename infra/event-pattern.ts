/**
 * The rules deploy the very pattern objects that `shared/events/patterns.ts` exports (and that the event
 * tests run through EventBridge): this only renames the top-level keys to CDK's `EventPattern` shape,
 * which CDK renames back when it renders the template, so the deployed JSON equals the exported object.
 */
import type { EventPattern } from 'aws-cdk-lib/aws-events';

const CDK_KEYS: Readonly<Record<string, keyof EventPattern>> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

/** Converts a raw EventBridge pattern (`detail-type` …) into CDK's `EventPattern` (`detailType` …). */
export function toCdkEventPattern(raw: Readonly<Record<string, unknown>>): EventPattern {
  const pattern: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const cdkKey = CDK_KEYS[key];
    if (cdkKey === undefined) {
      throw new Error(
        `Event pattern key ${JSON.stringify(key)} has no CDK EventPattern field; expected one of ${Object.keys(CDK_KEYS).join(', ')}`,
      );
    }
    pattern[cdkKey] = value;
  }
  return pattern as EventPattern;
}
