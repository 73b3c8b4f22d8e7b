import { actionMatches, resourceMatches } from '../../../shared/domain/policy/match.js';

describe('action matching', () => {
  it.each([
    ['sqs:ReceiveMessage', 'sqs:ReceiveMessage', true],
    ['SQS:receivemessage', 'sqs:ReceiveMessage', true],
    ['sqs:Receive*', 'sqs:ReceiveMessage', true],
    ['sqs:*', 'sqs:DeleteMessage', true],
    ['*', 'kinesis:GetRecords', true],
    ['sqs:?eceiveMessage', 'sqs:ReceiveMessage', true],
    ['sqs:?eceiveMessage', 'sqs:eceiveMessage', false],
    ['sqs:Receive*', 'sns:ReceiveMessage', false],
    ['sqs:ReceiveMessage', 'sqs:ReceiveMessageBatch', false],
    ['s*:Publish', 'sns:Publish', true],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe('resource matching', () => {
  it.each([
    ['arn:aws:sqs:us-east-1:123456789012:orders', 'arn:aws:sqs:us-east-1:123456789012:orders', true],
    ['arn:aws:sqs:us-east-1:123456789012:Orders', 'arn:aws:sqs:us-east-1:123456789012:orders', false],
    ['arn:aws:sqs:*:123456789012:orders', 'arn:aws:sqs:eu-west-1:123456789012:orders', true],
    [
      'arn:aws:logs:us-east-1:123456789012:*',
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:s',
      true,
    ],
    [
      'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*',
      'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:x',
      true,
    ],
    [
      'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f',
      'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:x',
      false,
    ],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c.json', true],
    ['arn:aws:sqs:us-east-1:123456789012:orders?', 'arn:aws:sqs:us-east-1:123456789012:orders1', true],
    ['arn:aws:sqs:us-east-1:123456789012:o.ders', 'arn:aws:sqs:us-east-1:123456789012:orders', false],
    ['*', 'arn:aws:sqs:us-east-1:123456789012:orders', true],
  ])('%s matches %s: %s', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });
});
