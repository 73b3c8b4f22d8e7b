import { InputError } from '../../../shared/domain/errors.js';
import {
  parseSuppressions,
  SUPPRESS_TAG,
  type SuppressionTarget,
  suppressionReason,
} from '../../../shared/domain/suppressions.js';

const TARGET: SuppressionTarget = {
  rule: 'unused-source-permission',
  functionName: 'feedback-handler',
  functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:feedback-handler',
  roleArn: 'arn:aws:iam::123456789012:role/feedback-role',
  actions: ['kinesis:DescribeStream', 'kinesis:GetRecords'],
  resource: 'arn:aws:kinesis:us-west-2:123456789012:stream/clicks',
};

describe('suppressions', () => {
  it('reads a list, or an object with a suppressions list', () => {
    const entry = { rule: 'wildcard-action', function: 'job-runner', reason: 'admin tool' };
    expect(parseSuppressions([entry], 'file.yaml')).toEqual([entry]);
    expect(parseSuppressions({ suppressions: [entry] }, 'file.yaml')).toEqual([entry]);
    expect(parseSuppressions(null, 'file.yaml')).toEqual([]);
  });

  it('rejects an entry without a reason or with an unknown rule, naming the origin and the entry', () => {
    expect(() => parseSuppressions([{ rule: 'wildcard-action' }], 'team.yaml')).toThrow(InputError);
    expect(() => parseSuppressions([{ rule: 'wildcard-action' }], 'team.yaml')).toThrow(
      /team\.yaml.*0\.reason/,
    );
    expect(() => parseSuppressions([{ rule: 'no-such-rule', reason: 'x' }], 'team.yaml')).toThrow(
      /team\.yaml/,
    );
  });

  it('matches on every field given, with wildcards, actions case-insensitively', () => {
    const reason = 'the handler reads the stream through the SDK';
    expect(suppressionReason(TARGET, [{ rule: 'unused-source-permission', reason }])).toBe(reason);
    expect(
      suppressionReason(TARGET, [
        {
          rule: 'unused-source-permission',
          function: 'feedback-*',
          role: 'feedback-role',
          action: 'KINESIS:getrecords',
          reason,
        },
      ]),
    ).toBe(reason);
    expect(
      suppressionReason(TARGET, [{ rule: 'unused-source-permission', function: TARGET.functionArn, reason }]),
    ).toBe(reason);
    expect(
      suppressionReason(TARGET, [{ rule: 'unused-source-permission', resource: '*:stream/clicks', reason }]),
    ).toBe(reason);
  });

  it('does not match another rule, function, action or resource', () => {
    const reason = 'x';
    expect(suppressionReason(TARGET, [{ rule: 'wildcard-action', reason }])).toBeUndefined();
    expect(
      suppressionReason(TARGET, [{ rule: 'unused-source-permission', function: 'other', reason }]),
    ).toBeUndefined();
    expect(
      suppressionReason(TARGET, [{ rule: 'unused-source-permission', action: 'sqs:*', reason }]),
    ).toBeUndefined();
    expect(
      suppressionReason(TARGET, [
        { rule: 'unused-source-permission', resource: 'arn:aws:kinesis:*:other', reason },
      ]),
    ).toBeUndefined();
  });

  it('honours the suppress tag on the function or the role', () => {
    const tag = [{ Key: SUPPRESS_TAG, Value: 'wildcard-action, unused-source-permission' }];
    expect(suppressionReason({ ...TARGET, functionTags: tag }, [])).toContain('on function feedback-handler');
    expect(suppressionReason({ ...TARGET, roleTags: tag }, [])).toContain('on role');
    expect(
      suppressionReason({ ...TARGET, roleTags: [{ Key: SUPPRESS_TAG, Value: 'overbroad-resource' }] }, []),
    ).toBeUndefined();
  });
});
