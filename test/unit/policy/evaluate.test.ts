import type { SourcedDocument } from '../../../shared/domain/policy/document.js';
import { conditionContext, evaluate } from '../../../shared/domain/policy/evaluate.js';
import type { RolePolicies } from '../../../shared/domain/policy/evaluation-types.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';

const ROLE = 'arn:aws:iam::123456789012:role/worker';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';

function doc(source: string, ...statements: object[]): SourcedDocument {
  const parsed = parsePolicyDocument({ Version: '2012-10-17', Statement: statements });
  if (!parsed.ok) throw new Error(parsed.error);
  return { source, document: parsed.document };
}

function decide(policies: RolePolicies, action = 'sqs:DeleteMessage', resource = QUEUE) {
  return evaluate(policies, {
    action,
    resource,
    context: conditionContext({ roleArn: ROLE, region: 'eu-west-1', resource }),
  });
}

const allowQueue = { Effect: 'Allow', Action: ['sqs:DeleteMessage'], Resource: QUEUE };

describe('policy evaluation', () => {
  it('allows what an identity policy allows, naming the statement', () => {
    expect(decide({ identity: [doc('inline:orders', { Sid: 'Q', ...allowQueue })] })).toEqual({
      decision: 'allowed',
      allowedBy: [{ source: 'inline:orders', statement: 'Q' }],
    });
  });

  it('denies implicitly what nothing allows', () => {
    expect(decide({ identity: [doc('inline:orders', allowQueue)] }, 'sqs:ReceiveMessage').decision).toBe(
      'implicit-deny',
    );
  });

  it('lets an explicit deny win over an allow, in any policy', () => {
    const result = decide({
      identity: [
        doc('inline:orders', allowQueue),
        doc('arn:aws:iam::123456789012:policy/guard', { Effect: 'Deny', Action: 'sqs:*', Resource: '*' }),
      ],
    });
    expect(result).toEqual({
      decision: 'explicit-deny',
      deniedBy: [{ source: 'arn:aws:iam::123456789012:policy/guard', statement: '0' }],
    });
  });

  it('requires the permissions boundary to allow as well', () => {
    const boundary = doc('boundary:arn:aws:iam::123456789012:policy/b', {
      Effect: 'Allow',
      Action: 'logs:*',
      Resource: '*',
    });
    expect(decide({ identity: [doc('inline:orders', allowQueue)], boundary })).toEqual({
      decision: 'boundary',
      boundary: 'boundary:arn:aws:iam::123456789012:policy/b',
    });
  });

  it('lets a deny in the boundary win', () => {
    const boundary = doc(
      'boundary:b',
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'sqs:DeleteMessage', Resource: '*' },
    );
    expect(decide({ identity: [doc('inline:orders', allowQueue)], boundary }).decision).toBe('explicit-deny');
  });

  it('allows when both identity policy and boundary allow', () => {
    const boundary = doc('boundary:b', { Effect: 'Allow', Action: 'sqs:*', Resource: '*' });
    expect(decide({ identity: [doc('inline:orders', allowQueue)], boundary }).decision).toBe('allowed');
  });

  it('reads NotAction as every action but those listed', () => {
    const policies = { identity: [doc('p', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })] };
    expect(decide(policies).decision).toBe('allowed');
    expect(decide(policies, 'iam:PassRole', '*').decision).toBe('implicit-deny');
  });

  it('reads NotResource as every resource but those listed', () => {
    const policies = {
      identity: [doc('p', { Effect: 'Allow', Action: 'sqs:*', NotResource: 'arn:aws:sqs:*:*:secret-*' })],
    };
    expect(decide(policies).decision).toBe('allowed');
    expect(
      decide(policies, 'sqs:DeleteMessage', 'arn:aws:sqs:eu-west-1:123456789012:secret-q').decision,
    ).toBe('implicit-deny');
  });

  it('compares action names case-insensitively and resources case-sensitively', () => {
    const policies = {
      identity: [doc('p', { Effect: 'Allow', Action: 'SQS:deletemessage', Resource: QUEUE })],
    };
    expect(decide(policies).decision).toBe('allowed');
    expect(decide(policies, 'sqs:DeleteMessage', QUEUE.toUpperCase()).decision).toBe('implicit-deny');
  });

  it('grants nothing through a statement whose condition fails on a known key', () => {
    const policies = {
      identity: [
        doc('p', { ...allowQueue, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
      ],
    };
    expect(decide(policies).decision).toBe('implicit-deny');
  });

  it('calls an allow that only an undecidable condition gives conditional', () => {
    const policies = {
      identity: [doc('p', { ...allowQueue, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } })],
    };
    expect(decide(policies)).toEqual({
      decision: 'conditional',
      undecided: [{ source: 'p', statement: '0' }],
    });
  });

  it('calls an allow overshadowed by a conditional deny conditional', () => {
    const policies = {
      identity: [
        doc('p', allowQueue),
        doc('q', {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        }),
      ],
    };
    expect(decide(policies).decision).toBe('conditional');
  });

  it('lets a plain allow beside a conditional allow decide', () => {
    const policies = {
      identity: [
        doc('p', allowQueue, { ...allowQueue, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }),
      ],
    };
    expect(decide(policies).decision).toBe('allowed');
  });

  it('resolves known policy variables in resources and leaves unknown ones conditional', () => {
    const known = {
      identity: [
        doc('p', {
          Effect: 'Allow',
          Action: 'sqs:*',
          Resource: 'arn:aws:sqs:eu-west-1:${aws:PrincipalAccount}:orders',
        }),
      ],
    };
    expect(decide(known).decision).toBe('allowed');
    const unknown = {
      identity: [
        doc('p', {
          Effect: 'Allow',
          Action: 'sqs:*',
          Resource: 'arn:aws:sqs:eu-west-1:123456789012:${aws:username}',
        }),
      ],
    };
    expect(decide(unknown).decision).toBe('conditional');
  });
});
