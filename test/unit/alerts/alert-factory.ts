/** Findings and reports for alert tests, in the report schema's shape. */
import type { Finding, FunctionResult, Report } from '../../../shared/domain/report.js';
import type { Change } from '../../../shared/events/change.js';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders-consumer-role';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:orders-queue';

export const missingDelete: Finding = {
  id: 'f-missing-delete',
  rule: 'missing-permission',
  severity: 'high',
  message:
    'The role does not allow sqs:DeleteMessage on orders-queue: the mapping will process messages again and again.',
  action: 'sqs:DeleteMessage',
  resource: QUEUE,
  decision: 'implicit-deny',
  cause: {
    kind: 'event-source-mapping',
    uuid: 'a1b2c3d4-5678-90ab-cdef-EXAMPLEaaaaa',
    eventSourceArn: QUEUE,
    state: 'Enabled',
  },
  remediation: 'Allow sqs:DeleteMessage on the queue.',
};

export const wildcard: Finding = {
  id: 'f-wildcard',
  rule: 'wildcard-action',
  severity: 'medium',
  message: 'The role grants s3:* on *.',
  action: 's3:*',
  resource: '*',
  cause: { kind: 'policy', policy: 'inline:legacy', statement: '0' },
};

export const overbroad: Finding = {
  id: 'f-overbroad',
  rule: 'overbroad-resource',
  severity: 'low',
  message: 'sqs:ReceiveMessage is granted on every queue, the function reads one.',
  action: 'sqs:ReceiveMessage',
  resource: '*',
  cause: { kind: 'policy', policy: 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole' },
};

export function functionResult(findings: readonly Finding[], name = 'orders-consumer'): FunctionResult {
  return {
    functionName: name,
    functionArn: FUNCTION_ARN.replace('orders-consumer', name),
    roleArn: ROLE_ARN,
    compliant: findings.length === 0,
    findings,
    recommendedPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SqsOrdersQueue',
          Effect: 'Allow',
          Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
          Resource: [QUEUE],
        },
      ],
    },
  };
}

export function report(results: readonly FunctionResult[]): Report {
  return {
    schemaVersion: '1',
    generatedAt: '2026-11-26T14:02:30.000Z',
    tool: { name: 'lambda-role-audit', version: '0.1.0' },
    source: { kind: 'live', account: '123456789012', region: 'us-east-1' },
    summary: {
      functions: results.length,
      compliant: results.filter((r) => r.compliant).length,
      findings: {},
    },
    functions: results,
  };
}

export const detachChange: Change = {
  eventName: 'DetachRolePolicy',
  action: 'DetachRolePolicy',
  actor: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane',
  eventTime: '2026-11-26T14:02:11Z',
  eventId: 'a1b2c3d4-5678-90ab-cdef-000000000002',
  region: 'us-east-1',
  account: '123456789012',
  summary:
    'DetachRolePolicy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole from role orders-consumer-role',
  target: { kind: 'role', roleName: 'orders-consumer-role' },
};
