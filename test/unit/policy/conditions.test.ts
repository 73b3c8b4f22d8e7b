import { evaluateCondition, type Tristate } from '../../../shared/domain/policy/conditions.js';
import type { ConditionBlock } from '../../../shared/domain/policy/document.js';
import { conditionContext } from '../../../shared/domain/policy/evaluate.js';

const context = conditionContext({
  roleArn: 'arn:aws:iam::123456789012:role/worker',
  region: 'eu-west-1',
  resource: 'arn:aws:sqs:eu-west-1:123456789012:orders',
});

describe('condition evaluation', () => {
  it.each<[string, ConditionBlock, Tristate]>([
    ['a true transport requirement', { Bool: { 'aws:SecureTransport': ['true'] } }, true],
    ['a false transport requirement', { Bool: { 'aws:SecureTransport': ['false'] } }, false],
    [
      'the requested region',
      { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      true,
    ],
    ['another region', { StringEquals: { 'aws:RequestedRegion': ['us-east-1'] } }, false],
    ['a negated region', { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } }, true],
    ['keys in any case', { StringEquals: { 'AWS:REQUESTEDREGION': ['eu-west-1'] } }, true],
    ['a principal pattern', { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/*'] } }, true],
    ['the resource account', { StringEquals: { 'aws:ResourceAccount': ['123456789012'] } }, true],
    [
      'the resource account as a policy variable',
      { StringEquals: { 'aws:ResourceAccount': ['${aws:PrincipalAccount}'] } },
      true,
    ],
    ['an unknown key', { StringEquals: { 'aws:SourceVpc': ['vpc-1'] } }, 'unknown'],
    ['an unknown key with IfExists', { StringEqualsIfExists: { 'aws:SourceVpc': ['vpc-1'] } }, 'unknown'],
    ['a numeric operator', { NumericLessThan: { 'aws:MultiFactorAuthAge': ['300'] } }, 'unknown'],
    ['Null on a known key', { Null: { 'aws:PrincipalArn': ['true'] } }, false],
    [
      'a known false beside an unknown',
      { Bool: { 'aws:SecureTransport': ['false'] }, StringEquals: { 'x:y': ['z'] } },
      false,
    ],
    [
      'a known true beside an unknown',
      { Bool: { 'aws:SecureTransport': ['true'] }, StringEquals: { 'x:y': ['z'] } },
      'unknown',
    ],
  ])('decides %s', (_, block, expected) => {
    expect(evaluateCondition(block, context)).toBe(expected);
  });

  it('knows no resource account for an ARN without one (S3)', () => {
    const s3 = conditionContext({
      roleArn: 'arn:aws:iam::123456789012:role/w',
      region: 'eu-west-1',
      resource: 'arn:aws:s3:::b/*',
    });
    expect(evaluateCondition({ StringEquals: { 'aws:ResourceAccount': ['123456789012'] } }, s3)).toBe(
      'unknown',
    );
  });
});
