import { differences, type ReportFinding } from './report-expectations.js';

const QUEUE = 'arn:aws:sqs:eu-west-1:111122223333:orders';
const missing = (action: string, resource?: string, suppressed?: boolean): ReportFinding => ({
  rule: 'missing-permission',
  action,
  ...(resource ? { resource } : {}),
  ...(suppressed ? { suppressed } : {}),
});

describe('scenario expectations', () => {
  it('accepts the exact set of missing permissions, actions compared case-insensitively', () => {
    expect(
      differences({ missing: [['SQS:deletemessage', QUEUE]] }, [missing('sqs:DeleteMessage', QUEUE)]),
    ).toEqual([]);
  });

  it('reports a missing permission that is expected but absent, and one that is present but unexpected', () => {
    expect(
      differences({ missing: [['sqs:DeleteMessage', QUEUE]] }, [missing('sqs:ReceiveMessage', QUEUE)]),
    ).toEqual([
      `expected missing sqs:DeleteMessage on ${QUEUE}`,
      `unexpected missing sqs:ReceiveMessage on ${QUEUE}`,
    ]);
  });

  it('compares resources exactly, unless the expectation says null', () => {
    expect(
      differences({ missing: [['sqs:DeleteMessage', `${QUEUE}-dlq`]] }, [
        missing('sqs:DeleteMessage', QUEUE),
      ]),
    ).toHaveLength(2);
    expect(
      differences({ missing: [['sqs:DeleteMessage', null]] }, [missing('sqs:DeleteMessage', QUEUE)]),
    ).toEqual([]);
  });

  it('does not count suppressed findings, and leaves missing unchecked when it is null', () => {
    expect(differences({ missing: [] }, [missing('sqs:DeleteMessage', QUEUE, true)])).toEqual([]);
    expect(differences({ missing: null }, [missing('sqs:DeleteMessage', QUEUE)])).toEqual([]);
  });

  it('checks rules that must appear and rules that must not', () => {
    const findings: ReportFinding[] = [{ rule: 'wildcard-action' }];
    expect(
      differences(
        { missing: null, rules: ['wildcard-action'], absentRules: ['overbroad-resource'] },
        findings,
      ),
    ).toEqual([]);
    expect(
      differences(
        { missing: null, rules: ['overbroad-resource'], absentRules: ['wildcard-action'] },
        findings,
      ),
    ).toEqual([
      'expected a finding of rule overbroad-resource',
      'unexpected finding of rule wildcard-action',
    ]);
  });
});
