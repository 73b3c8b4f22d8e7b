import { EXIT, exitStatus, parseFailOn } from '../../../shared/cli/exit-status.js';
import { formatMarkdown } from '../../../shared/cli/format/format-markdown.js';
import { wantsColour } from '../../../shared/cli/format/terminal-colour.js';
import { InputError } from '../../../shared/domain/errors.js';
import type { Finding, FunctionResult, Report } from '../../../shared/domain/report.js';

const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-role';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';

function finding(overrides: Partial<Finding>): Finding {
  return {
    id: 'f1',
    rule: 'missing-permission',
    severity: 'high',
    message: `The role does not allow sqs:DeleteMessage on ${QUEUE}. It is needed by mapping uuid-1.`,
    action: 'sqs:DeleteMessage',
    resource: QUEUE,
    decision: 'implicit-deny',
    cause: { kind: 'event-source-mapping', uuid: 'uuid-1', eventSourceArn: QUEUE, state: 'Disabled' },
    ...overrides,
  };
}

function result(
  functionName: string,
  findings: readonly Finding[],
  extra: Partial<FunctionResult> = {},
): FunctionResult {
  return {
    functionName,
    functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    roleArn: ROLE,
    compliant: findings.every((f) => f.suppressed || f.severity === 'info'),
    findings,
    ...extra,
  };
}

function report(functions: readonly FunctionResult[], extra: Partial<Report> = {}): Report {
  const counts: Partial<Record<Finding['severity'], number>> = {};
  for (const fn of functions) {
    for (const f of fn.findings) if (!f.suppressed) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  }
  return {
    schemaVersion: '1',
    generatedAt: '2026-11-26T12:00:00.000Z',
    tool: { name: 'lambda-role-audit', version: '0.1.0' },
    source: { kind: 'export', path: 'examples/demo-account', account: '123456789012', region: 'eu-west-1' },
    summary: {
      functions: functions.length,
      compliant: functions.filter((f) => f.compliant).length,
      findings: counts,
    },
    functions,
    ...extra,
  };
}

const recommendedPolicy = {
  Version: '2012-10-17' as const,
  Statement: [{ Sid: 'Sqs', Effect: 'Allow' as const, Action: ['sqs:DeleteMessage'], Resource: [QUEUE] }],
};

describe('exit status', () => {
  const withHigh = report([result('orders', [finding({})])]);
  const withLow = report([result('orders', [finding({ severity: 'low', rule: 'overbroad-resource' })])]);

  it('is 1 when an unsuppressed finding is at or above --fail-on (default high)', () => {
    expect(exitStatus(withHigh, parseFailOn(undefined))).toBe(EXIT.findings);
    expect(exitStatus(withLow, parseFailOn('low'))).toBe(EXIT.findings);
  });

  it('is 0 when findings stay below --fail-on, or with --fail-on none', () => {
    expect(exitStatus(withLow, parseFailOn('high'))).toBe(EXIT.ok);
    expect(exitStatus(withHigh, parseFailOn('critical'))).toBe(EXIT.ok);
    expect(exitStatus(withHigh, parseFailOn('none'))).toBe(EXIT.ok);
  });

  it('ignores suppressed findings', () => {
    const suppressed = report([
      result('orders', [finding({ suppressed: true, suppressionReason: 'known' })]),
    ]);
    expect(exitStatus(suppressed, 'info')).toBe(EXIT.ok);
  });

  it('is 3 when some function could not be audited, even with findings', () => {
    const incomplete = report([result('orders', [finding({})])], {
      errors: [{ functionName: 'payments', message: 'policy unreadable' }],
    });
    expect(exitStatus(incomplete, 'high')).toBe(EXIT.incomplete);
    expect(exitStatus(incomplete, 'none')).toBe(EXIT.incomplete);
  });

  it('rejects an unknown --fail-on level, naming the accepted ones', () => {
    expect(() => parseFailOn('severe')).toThrow(InputError);
    expect(() => parseFailOn('severe')).toThrow(/critical, high, medium, low, info, none/);
  });
});

describe('colour', () => {
  it('is on for a terminal and off for a pipe', () => {
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({}, false)).toBe(false);
  });

  it('follows NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(wantsColour({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColour({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColour({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('markdown format', () => {
  const markdown = formatMarkdown(
    report([
      result('payments', [finding({ message: 'Grants sqs:* | on *' })], { recommendedPolicy }),
      result('orders', []),
    ]),
  );

  it('states the totals, leaving out severities with no finding', () => {
    expect(markdown).toContain('**1 of 2 functions compliant** · 1 high\n');
  });

  it('starts with a summary table of every function', () => {
    expect(markdown).toContain('| Function | Role | Compliant | Findings |');
    expect(markdown).toContain('| `payments` | `orders-role` | ❌ | 1 high |');
    expect(markdown).toContain('| `orders` | `orders-role` | ✅ | — |');
  });

  it('has a section per function with findings, its fix, and the recommended policy as JSON', () => {
    expect(markdown).toContain('### payments');
    expect(markdown).toContain('```json\n{\n  "Version": "2012-10-17"');
    expect(markdown).not.toContain('### orders');
  });

  it('escapes table cells so that pipes and asterisks stay text', () => {
    expect(markdown).toContain('Grants sqs:\\* \\| on \\*');
  });
});
