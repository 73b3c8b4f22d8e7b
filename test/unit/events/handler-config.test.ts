import { readAuditorConfig } from '../../../functions/commons/config.js';
import { ConfigurationError } from '../../../shared/domain/errors.js';

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
      auditRegions: ['eu-west-1'],
      region: 'eu-west-1',
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

  it.each([
    [{ STATE_TABLE_NAME: undefined }, 'STATE_TABLE_NAME is not set'],
    [{ ALERT_TOPIC_ARN: 'alerts' }, 'ALERT_TOPIC_ARN is not an SNS topic ARN'],
    [{ ALERT_MIN_SEVERITY: 'urgent' }, 'ALERT_MIN_SEVERITY must be one of'],
    [{ AUDIT_REGIONS: 'eu-west-1,europe' }, 'AUDIT_REGIONS holds "europe"'],
    [{ SUPPRESSIONS: '[{' }, 'SUPPRESSIONS is not JSON'],
  ])('rejects %j naming the variable', (override, message) => {
    expect(() => readAuditorConfig({ ...base, ...override })).toThrow(ConfigurationError);
    expect(() => readAuditorConfig({ ...base, ...override })).toThrow(message);
  });

  it('reads the big-change threshold, a whole number of functions', () => {
    expect(readAuditorConfig({ ...base, BIG_CHANGE_THRESHOLD: '25' }).bigChangeThreshold).toBe(25);
    expect(readAuditorConfig(base).bigChangeThreshold).toBeUndefined();
    for (const bad of ['0', '-3', 'ten', '2.5'])
      expect(() => readAuditorConfig({ ...base, BIG_CHANGE_THRESHOLD: bad })).toThrow(
        new ConfigurationError('BIG_CHANGE_THRESHOLD must be a whole number of functions, 1 or more'),
      );
  });

  it('never puts a value of the environment into its messages', () => {
    try {
      readAuditorConfig({ ...base, ALERT_TOPIC_ARN: 'secret-looking-value' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-looking-value');
    }
    expect.assertions(1);
  });
});
