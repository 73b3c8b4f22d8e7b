/** Findings, function results and reports in the report schema's shape, for the renderers' tests. */
import type { Finding, FunctionResult, Report } from '../../shared/domain/report.js';

export const ROLE = 'arn:aws:iam::123456789012:role/service-role/orders-role';
export const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';

export function finding(overrides: Partial<Finding> = {}): Finding {
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

export function result(
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

export function report(functions: readonly FunctionResult[], extra: Partial<Report> = {}): Report {
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

/** Strings written by someone the auditor watches: escape sequences, line breaks, bidi overrides, wide text. */
export const HOSTILE = {
  escape: 'evil\u001b[2J\u001b]0;pwned\u0007\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
  newline: 'fake\n  CRITICAL   forged line\r\nmore',
  bidi: 'abc\u202edcba',
  html: '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&amp;',
  wide: '注文処理関数注文処理関数注文処理関数注文処理関数注文処理関数注文処理関数',
  long: `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(300)}`,
} as const;
