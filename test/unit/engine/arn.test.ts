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

describe('ARN segments read without splitting', () => {
  const arns = [
    'arn:aws:lambda:us-west-2:123456789012:function:f',
    'arn:aws:lambda:us-west-2:123456789012:function:f:live',
    'arn:aws:lambda:us-west-2:123456789012:function:f:',
    'arn:aws:lambda:us-west-2:123456789012:function::3',
    'arn:aws:lambda:us-west-2:123456789012:function',
    'arn:aws:lambda:us-west-2:123456789012:function:',
    'arn:aws:lambda:us-west-2:123456789012:functions:f',
    'arn:aws:lambda:us-west-2:123456789012:layer:l:1',
    'arn:aws:lambda:us-west-2:123456789012:',
    'arn:aws:s3:::bucket',
    'arn:aws:s3:::bucket/key/part',
    'arn:aws:s3:::/key',
    'arn:aws:s3:::',
  ];
  it.each(arns)('reads %s as a split would', (arn) => {
    const resource = arn.split(':').slice(5).join(':');
    const [type, name] = resource.split(':');
    const service = arn.split(':')[2];
    expect(functionNameOf(arn)).toBe(
      service === 'lambda' && type === 'function' && name !== undefined && name !== '' ? name : undefined,
    );
    const qualifier = resource.split(':')[2];
    expect(functionQualifierOf(arn)).toBe(service === 'lambda' && qualifier !== '' ? qualifier : undefined);
    expect(bucketName(arn)).toBe(service === 's3' && resource !== '' ? resource.split('/')[0] : undefined);
  });
});
