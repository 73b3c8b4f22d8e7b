import {
  bucketName,
  functionNameOf,
  functionQualifierOf,
  isBucketArn,
  isEventBusArn,
  isFunctionArn,
  isQueueArn,
  isTopicArn,
  parseArn,
  shortName,
} from '../../../shared/domain/arn.js';

describe('ARN parsing', () => {
  it('splits an ARN whose resource contains colons', () => {
    expect(parseArn('arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/f:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-west-2',
      account: '123456789012',
      resource: 'log-group:/aws/lambda/f:*',
    });
  });

  it('rejects text that is not an ARN', () => {
    expect(parseArn('orders')).toBeUndefined();
    expect(parseArn('arn:aws:sqs')).toBeUndefined();
  });

  it('recognises queues, topics, buckets, functions and buses', () => {
    expect(isQueueArn('arn:aws:sqs:us-west-2:123456789012:orders')).toBe(true);
    expect(isTopicArn('arn:aws:sns:us-west-2:123456789012:alerts')).toBe(true);
    expect(isBucketArn('arn:aws:s3:::records')).toBe(true);
    expect(isBucketArn('arn:aws:s3:::records/key')).toBe(false);
    expect(bucketName('arn:aws-cn:s3:::records/key')).toBe('records');
    expect(isFunctionArn('arn:aws:lambda:us-west-2:123456789012:function:f:live')).toBe(true);
    expect(isEventBusArn('arn:aws:events:us-west-2:123456789012:event-bus/default')).toBe(true);
  });

  it('gives the function name and qualifier of a qualified function ARN', () => {
    expect(functionNameOf('arn:aws:lambda:us-west-2:123456789012:function:f:live')).toBe('f');
    expect(functionQualifierOf('arn:aws:lambda:us-west-2:123456789012:function:f:live')).toBe('live');
    expect(functionQualifierOf('arn:aws:lambda:us-west-2:123456789012:function:f')).toBeUndefined();
    expect(functionNameOf('plain-name')).toBe('plain-name');
  });

  it('gives a short readable name', () => {
    expect(shortName('arn:aws:kinesis:us-west-2:123456789012:stream/clicks')).toBe('clicks');
  });
});
