import { compareFindings } from '../../../shared/domain/audit/audit-account.js';
import type { Finding } from '../../../shared/domain/report.js';

/** The order as first defined: actions compared lower-cased. */
function reference(a: Finding, b: Finding): number {
  const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const text = (x: string | undefined, y: string | undefined): number => {
    const p = x ?? '';
    const q = y ?? '';
    return p < q ? -1 : p > q ? 1 : 0;
  };
  return (
    rank[a.severity] - rank[b.severity] ||
    text(a.rule, b.rule) ||
    text(a.action?.toLowerCase(), b.action?.toLowerCase()) ||
    text(a.resource, b.resource) ||
    text(a.id, b.id)
  );
}

describe('the order of findings', () => {
  const actions = [
    undefined,
    '',
    's3:GetObject',
    'S3:getobject',
    's3:Get',
    'S3:GETOBJECTS',
    'sqs:[',
    'sqs:_',
    'SQS:Z',
    'kms:ΣA',
    'kms:σa',
    'kms:\u212a',
    'kms:k',
    'kms:İ',
    'kms:i',
    // Non-ASCII after the texts differ, or after one of them ends.
    'S3:Get\u0130Object',
    'sqs:Z\u0130',
    'sqs:z',
  ];
  const findings: Finding[] = actions.flatMap((action, index) =>
    ['a', 'b'].map((resource) => ({
      id: `${index}${resource}`,
      rule: 'wildcard-action' as const,
      severity: 'medium' as const,
      message: 'm',
      ...(action === undefined ? {} : { action }),
      resource,
    })),
  );

  it('compares actions case-insensitively, as their lower-cased texts compare', () => {
    for (const a of findings)
      for (const b of findings) expect(Math.sign(compareFindings(a, b))).toBe(Math.sign(reference(a, b)));
  });
});
