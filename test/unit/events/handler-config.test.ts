import { readAuditorConfig } from '../../../functions/commons/config.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../../shared/domain/suppressions.js';

const base = {
  STATE_TABLE_NAME: 'state',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
  AWS_REGION: 'eu-west-1',
};

describe('handler configuration', () => {
  it('defaults to alerting from low severity, no suppressions, the function’s own region', () => {
    expect(readAuditorConfig(base)).toEqual({
      stateTableName: 'state',
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      minSeverity: 'low',
      suppressions: [],
      tagSuppression: DEFAULT_TAG_SUPPRESSION,
      // The account the stack's own topic lives in, when ACCOUNT_ID is not set.
      account: '123456789012',
      auditRegions: ['eu-west-1'],
      region: 'eu-west-1',
    });
  });

  it('reads the account and what the suppress tag may suppress', () => {
    const config = readAuditorConfig({
      ...base,
      ACCOUNT_ID: '210987654321',
      TAG_SUPPRESS_MAX_SEVERITY: 'low',
      TAG_SUPPRESS_RULES: 'overbroad-resource,unused-source-permission',
    });
    expect(config.account).toBe('210987654321');
    expect(config.tagSuppression).toEqual({
      maxSeverity: 'low',
      rules: ['unused-source-permission', 'overbroad-resource'],
    });
  });

  it('reads the audited regions, the minimum severity and suppressions', () => {
    const config = readAuditorConfig({
      ...base,
      AUDIT_REGIONS: 'eu-west-1, us-east-1,eu-west-1',
      ALERT_MIN_SEVERITY: 'HIGH',
      SUPPRESSIONS: JSON.stringify([
        { rule: 'wildcard-action', function: 'legacy', reason: 'being rewritten' },
      ]),
    });
    expect(config.auditRegions).toEqual(['eu-west-1', 'us-east-1']);
    expect(config.minSeverity).toBe('high');
    expect(config.suppressions).toHaveLength(1);
  });

  it('reads the severity of findings only AWS’s recommended managed policies cause', () => {
    expect(readAuditorConfig({ ...base, AWS_MANAGED_BASELINE_SEVERITY: 'LOW' }).awsManagedBaseline).toBe(
      'low',
    );
    expect(readAuditorConfig(base).awsManagedBaseline).toBeUndefined();
  });

  it.each([
    [{ STATE_TABLE_NAME: undefined }, 'STATE_TABLE_NAME is not set'],
    [{ ALERT_TOPIC_ARN: 'alerts' }, 'ALERT_TOPIC_ARN is not an SNS topic ARN'],
    [{ ALERT_MIN_SEVERITY: 'urgent' }, 'ALERT_MIN_SEVERITY must be one of'],
    [{ AUDIT_REGIONS: 'eu-west-1,europe' }, 'AUDIT_REGIONS holds "europe"'],
    [{ SUPPRESSIONS: '[{' }, 'SUPPRESSIONS is not JSON'],
    [{ AWS_MANAGED_BASELINE_SEVERITY: 'medium' }, 'AWS_MANAGED_BASELINE_SEVERITY must be one of info, low'],
    [{ ACCOUNT_ID: '1234' }, 'ACCOUNT_ID is not a 12-digit account id'],
    [{ TAG_SUPPRESS_MAX_SEVERITY: 'severe' }, 'TAG_SUPPRESS_MAX_SEVERITY must be none, critical'],
    [{ TAG_SUPPRESS_RULES: 'wildcard-action,secret-looking' }, 'TAG_SUPPRESS_RULES must be all or'],
  ])('rejects %j naming the variable', (override, message) => {
    expect(() => readAuditorConfig({ ...base, ...override })).toThrow(ConfigurationError);
    expect(() => readAuditorConfig({ ...base, ...override })).toThrow(message);
  });

  it('reads the shared Lambda pace: the budget and the most invocations sharing it', () => {
    expect(
      readAuditorConfig({ ...base, LAMBDA_REQUESTS_PER_SECOND: '10', LAMBDA_PACE_INVOCATIONS: '5' }),
    ).toMatchObject({ lambdaRequestsPerSecond: 10, lambdaPaceInvocations: 5 });
    expect(readAuditorConfig(base).lambdaPaceInvocations).toBeUndefined();
    expect(() => readAuditorConfig({ ...base, LAMBDA_PACE_INVOCATIONS: 'all' })).toThrow(
      new ConfigurationError('LAMBDA_PACE_INVOCATIONS must be a whole number of invocations, 1 or more'),
    );
    expect(() =>
      readAuditorConfig({ ...base, LAMBDA_REQUESTS_PER_SECOND: '1', LAMBDA_PACE_INVOCATIONS: '5' }),
    ).toThrow(new ConfigurationError('LAMBDA_REQUESTS_PER_SECOND must be 2 or more when the pace is shared'));
  });

  it('reads the big-change threshold, a whole number of functions', () => {
    expect(readAuditorConfig({ ...base, BIG_CHANGE_THRESHOLD: '25' }).bigChangeThreshold).toBe(25);
    expect(readAuditorConfig(base).bigChangeThreshold).toBeUndefined();
    for (const bad of ['0', '-3', 'ten', '2.5'])
      expect(() => readAuditorConfig({ ...base, BIG_CHANGE_THRESHOLD: bad })).toThrow(
        new ConfigurationError('BIG_CHANGE_THRESHOLD must be a whole number of functions, 1 or more'),
      );
  });

  it.each([
    { ALERT_TOPIC_ARN: 'secret-looking-value' },
    { TAG_SUPPRESS_MAX_SEVERITY: 'secret-looking-value' },
    { TAG_SUPPRESS_RULES: 'secret-looking-value' },
    { ACCOUNT_ID: 'secret-looking-value' },
  ])('never puts a value of the environment into its messages (%j)', (override) => {
    try {
      readAuditorConfig({ ...base, ...override });
    } catch (error) {
      expect(String(error)).not.toContain('secret-looking-value');
    }
    expect.assertions(1);
  });
});
