import { InputError } from '../../../shared/domain/errors.js';
import {
  DEFAULT_TAG_SUPPRESSION,
  parseSuppressions,
  parseTagSuppressionPolicy,
  SUPPRESS_TAG,
  type SuppressionTarget,
  suppressionOf,
  suppressionReason,
} from '../../../shared/domain/suppressions.js';

const TARGET: SuppressionTarget = {
  rule: 'unused-source-permission',
  severity: 'medium',
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

describe('what a suppress tag may suppress', () => {
  const tag = (value: string) => [{ Key: SUPPRESS_TAG, Value: value }];
  const trust: SuppressionTarget = {
    ...TARGET,
    rule: 'trust-policy-too-broad',
    severity: 'high',
    actions: [],
    roleTags: tag('trust-policy-too-broad,wildcard-action'),
  };
  const wildcard: SuppressionTarget = {
    ...TARGET,
    rule: 'wildcard-action',
    severity: 'high',
    actions: ['*'],
    roleTags: tag('trust-policy-too-broad,wildcard-action'),
  };

  it('by default suppresses medium, low and info findings, and says which tag did it', () => {
    expect(suppressionOf({ ...TARGET, functionTags: tag('unused-source-permission') }, [])).toEqual({
      suppressed: true,
      reason: `suppressed by the tag ${SUPPRESS_TAG} on function feedback-handler`,
      source: { kind: 'tag', on: 'function', arn: TARGET.functionArn },
    });
    for (const severity of ['low', 'info'] as const) {
      expect(
        suppressionOf({ ...TARGET, severity, roleTags: tag('unused-source-permission') }, []),
      ).toMatchObject({ suppressed: true, source: { kind: 'tag', on: 'role', arn: TARGET.roleArn } });
    }
  });

  it('by default leaves critical and high findings open, with a note naming the tag and why', () => {
    const outcome = suppressionOf(wildcard, []);
    expect(outcome.suppressed).toBe(false);
    if (outcome.suppressed) return;
    expect(outcome.refused).toContain(
      `the tag ${SUPPRESS_TAG} on role ${TARGET.roleArn} names wildcard-action`,
    );
    expect(outcome.refused).toContain('tags may not suppress high findings (at most medium)');
    expect(suppressionOf({ ...wildcard, severity: 'critical' }, [])).toMatchObject({ suppressed: false });
  });

  it('by default never lets a tag hide a trust-policy rule, even a medium one', () => {
    for (const severity of ['high', 'medium', 'low'] as const) {
      const outcome = suppressionOf({ ...trust, severity }, []);
      expect(outcome).toMatchObject({ suppressed: false });
      if (!outcome.suppressed) expect(outcome.refused).toContain('the trust-policy rules');
    }
    expect(DEFAULT_TAG_SUPPRESSION.rules).not.toContain('trust-policy-not-lambda');
  });

  it('lets the suppressions file suppress what a tag may not, with its reason and no note', () => {
    const file = [
      { rule: 'trust-policy-too-broad' as const, role: 'feedback-role', reason: 'shared with CI' },
    ];
    expect(suppressionOf(trust, file)).toEqual({
      suppressed: true,
      reason: 'shared with CI',
      source: { kind: 'file' },
    });
  });

  it('leaves a finding its tag does not name alone, without a note', () => {
    expect(suppressionOf({ ...wildcard, roleTags: tag('overbroad-resource') }, [])).toEqual({
      suppressed: false,
    });
  });

  it('follows the deployment setting: none, a higher ceiling, every rule', () => {
    const none = parseTagSuppressionPolicy({ maxSeverity: 'none' }, { maxSeverity: 'm', rules: 'r' });
    const low = { ...TARGET, severity: 'low' as const, functionTags: tag('unused-source-permission') };
    expect(suppressionOf(low, [], none)).toMatchObject({ suppressed: false });
    const everything = parseTagSuppressionPolicy(
      { maxSeverity: 'CRITICAL', rules: 'all' },
      { maxSeverity: 'm', rules: 'r' },
    );
    expect(suppressionOf(wildcard, [], everything)).toMatchObject({ suppressed: true });
    expect(suppressionOf(trust, [], everything)).toMatchObject({ suppressed: true });
    const only = parseTagSuppressionPolicy({ rules: 'overbroad-resource' }, { maxSeverity: 'm', rules: 'r' });
    expect(only).toEqual({ maxSeverity: 'medium', rules: ['overbroad-resource'] });
    expect(
      suppressionOf({ ...TARGET, functionTags: tag('unused-source-permission') }, [], only),
    ).toMatchObject({
      suppressed: false,
      refused: expect.stringContaining('tags may not suppress unused-source-permission here'),
    });
  });

  it('rejects an unknown severity or rule, naming the setting', () => {
    const origin = { maxSeverity: '--tag-suppress-max-severity', rules: '--tag-suppress-rules' };
    expect(() => parseTagSuppressionPolicy({ maxSeverity: 'severe' }, origin)).toThrow(
      /--tag-suppress-max-severity: "severe" is not one of none, critical/,
    );
    expect(() => parseTagSuppressionPolicy({ rules: 'wildcard-action,nope' }, origin)).toThrow(
      /--tag-suppress-rules: "nope" is not a rule/,
    );
    expect(parseTagSuppressionPolicy({}, origin)).toEqual(DEFAULT_TAG_SUPPRESSION);
  });
});
