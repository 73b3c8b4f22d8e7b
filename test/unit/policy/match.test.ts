import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('hostile patterns', () => {
  const logGroup = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders:*';

  it.each([
    // The pattern of the security review (nine `*?` and `*Z`), and the same at IAM's inline size limit.
    [`arn:aws:logs:*:*:log-group:${'*?'.repeat(9)}*Z`, logGroup, false],
    [`arn:aws:logs:*:*:log-group:${'*?'.repeat(9)}*`, logGroup, true],
    [`arn:aws:logs:*:*:log-group:${'*?'.repeat(5000)}*Z`, logGroup, false],
    [`arn:aws:logs:*:*:log-group:${'*?'.repeat(20)}*`, logGroup, true],
    [`arn:aws:logs:*:*:log-group:${'*?'.repeat(5000)}*`, logGroup, false],
    [`${'*a'.repeat(4000)}*`, 'a'.repeat(4000), true],
    [`${'*a'.repeat(4000)}*b`, 'a'.repeat(4000), false],
    [`*${'*'.repeat(9000)}:*`, logGroup, true],
  ])('%#: a pattern of %s characters gives the right answer', (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });

  it('expands action patterns of stars and question marks by what they match, not by backtracking', () => {
    expect(actionMatches(`ec2:${'*?'.repeat(6)}*Q`, 'ec2:DescribeInstances')).toBe(false);
    expect(actionMatches(`ec2:${'*?'.repeat(6)}*s`, 'ec2:DescribeInstances')).toBe(true);
    expect(actionMatches(`EC2:${'*?'.repeat(6)}*S`, 'ec2:DescribeInstances')).toBe(true);
  });

  it('treats a newline in a resource as any other character (IAM has no line-based matching)', () => {
    expect(resourceMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a\nb')).toBe(true);
  });
});

describe('no RegExp made from account text', () => {
  // A RegExp built at run time (from a policy, a tag, an event) is how the matcher became exponential.
  // Literal RegExps in the code are fixed, reviewed patterns; `new RegExp`/`RegExp(` anywhere is not allowed.
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const sources = ['shared', 'functions'].flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|mts|mjs|js)$/.test(file))
      .map((file) => join(folder, file)),
  );

  it('finds the sources to check', () => {
    expect(sources).toContain(join('shared', 'domain', 'policy', 'match.ts'));
  });

  it.each(sources)('%s builds no RegExp at run time', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text.match(/\bRegExp\s*\(/g) ?? []).toEqual([]);
  });
});
