import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import type { ActionCatalog } from '../../../shared/domain/policy/action-catalog.js';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

describe('IAM action catalog', () => {
  it('knows real actions in any case and spells them as AWS does', () => {
    expect(catalog.has('sqs:receivemessage')).toBe(true);
    expect(catalog.canonical('SQS:RECEIVEMESSAGE')).toBe('sqs:ReceiveMessage');
  });

  it('tells a misspelt action of a known service from an unknown service', () => {
    expect(catalog.has('sqs:RecieveMessage')).toBe(false);
    expect(catalog.has('nosuchservice:Do')).toBeUndefined();
  });

  it.each([
    ['sqs:RecieveMessage', 'sqs:ReceiveMessage'],
    ['kinesis:GetRecord', 'kinesis:GetRecords'],
    ['logs:PutLogEvent', 'logs:PutLogEvents'],
    ['dynamodb:DescribeStrem', 'dynamodb:DescribeStream'],
  ])('suggests %s was meant to be %s', (typo, meant) => {
    expect(catalog.suggest(typo)).toBe(meant);
  });

  it('suggests nothing for a name far from every action', () => {
    expect(catalog.suggest('sqs:LaunchRocket')).toBeUndefined();
  });

  it('expands wildcard patterns to the actions they grant', () => {
    expect(catalog.expand('sqs:Receive*')).toEqual(['sqs:ReceiveMessage']);
    expect(catalog.expand('sqs:Recieve*')).toEqual([]);
    expect(catalog.expand('kinesis:*').length).toBeGreaterThan(20);
  });
});
