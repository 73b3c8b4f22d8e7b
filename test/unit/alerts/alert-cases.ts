/**
 * One alert of each kind, built the way the change handler and the sweep build them (from findings as
 * the rules write them, the remembered state and the CloudTrail change), for the golden files, the
 * hostile-input test and the limits test: break, fix, boundary, new mapping, shared role, big change,
 * digest.
 */

import { alertDetailKey, fetchCommand } from '../../../shared/adapters/state-store/alert-detail-store.js';
import {
  type AlertDocument,
  buildDigestAlert,
  buildFunctionAlert,
  buildSuppressionNotice,
  diffFindings,
  type FindingSummary,
  summariseFindingAt,
} from '../../../shared/alerts/alert-document.js';
import {
  type BigChangeDetailDocument,
  buildBigChangeAlert,
  buildBigChangeDetail,
  type StoredDetail,
} from '../../../shared/alerts/big-change.js';
import type { Finding, FunctionResult, RecommendedPolicy, Report } from '../../../shared/domain/report.js';
import type { Change } from '../../../shared/events/change.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const roleArn = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-queue`;
const MAPPING = '7a3c9e51-2f0b-4c1d-9e8a-5b6d7c8e9f01';
const SQS_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html';
const LOGS_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html';
const KINESIS_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html';
const GENERATED_AT = '2026-11-26T14:02:30.000Z';

const logStreams = (fn: string) =>
  `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn}:log-stream:*`;

/** What the rules write for a missing permission of the SQS mapping. */
export function sqsMissing(
  action: 'sqs:ReceiveMessage' | 'sqs:DeleteMessage',
  options: { decision?: Finding['decision']; queue?: string; uuid?: string; message?: string } = {},
): Finding {
  const queue = options.queue ?? QUEUE;
  const uuid = options.uuid ?? MAPPING;
  const breaks =
    action === 'sqs:ReceiveMessage'
      ? 'Lambda cannot receive messages from queue orders-queue: the mapping delivers nothing'
      : 'Lambda cannot delete processed messages from queue orders-queue: they return after the visibility timeout and are processed again';
  const why =
    options.decision === 'boundary'
      ? 'the permissions boundary arn:aws:iam::123456789012:policy/team-boundary does not allow it'
      : 'no statement of the role’s policies allows it';
  return {
    id: `f-${action}-${uuid.slice(0, 4)}`,
    rule: 'missing-permission',
    severity: 'high',
    message:
      options.message ??
      `${breaks}. ${action} on ${queue} is needed by event source mapping ${uuid}, but ${why}.`,
    action,
    resource: queue,
    decision: options.decision ?? 'implicit-deny',
    cause: { kind: 'event-source-mapping', uuid, eventSourceArn: queue, state: 'Enabled' },
    remediation: `Allow ${action} on ${queue} (see the function’s recommended policy). ${SQS_DOCS}`,
  };
}

export function logsMissing(fn: string, action: 'logs:CreateLogStream' | 'logs:PutLogEvents'): Finding {
  return {
    id: `f-${fn}-${action}`,
    rule: 'missing-permission',
    severity: 'high',
    message: `The function cannot write to its log group /aws/lambda/${fn}: its logs are lost. ${action} on ${logStreams(fn)} is needed by the function's log group /aws/lambda/${fn}, but no statement of the role’s policies allows it.`,
    action,
    resource: logStreams(fn),
    decision: 'implicit-deny',
    cause: { kind: 'function-configuration', setting: 'LoggingConfig' },
    remediation: `Allow ${action} on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn}:* (see the function’s recommended policy). ${LOGS_DOCS}`,
  };
}

export function wildcardGrant(policy: string, statement: string, action = 's3:*'): Finding {
  return {
    id: `f-wildcard-${policy}-${statement}-${action}`,
    rule: 'wildcard-action',
    severity: 'medium',
    message: `Statement ${statement} of inline policy ${policy} grants ${action} on *.`,
    action,
    resource: '*',
    cause: { kind: 'policy', policy: `inline:${policy}`, statement },
    remediation: `Replace ${action} with the actions the function needs (see its recommended policy).`,
  };
}

export function recommended(fn: string, queue = QUEUE, queueSid = 'ReadQueueOrdersQueue'): RecommendedPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn}:*`],
      },
      {
        Sid: queueSid,
        Effect: 'Allow',
        Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        Resource: [queue],
      },
    ],
  };
}

export function result(
  name: string,
  findings: readonly Finding[],
  options: { role?: string; sharedWith?: readonly string[]; policy?: RecommendedPolicy | null } = {},
): FunctionResult {
  return {
    functionName: name,
    functionArn: fnArn(name),
    roleArn: options.role ?? roleArn(`${name}-role`),
    compliant: findings.length === 0,
    findings,
    recommendedPolicy: options.policy === undefined ? recommended(name) : options.policy,
    ...(options.sharedWith ? { sharedWith: options.sharedWith } : {}),
  };
}

export function reportOf(results: readonly FunctionResult[], errors?: Report['errors']): Report {
  return {
    schemaVersion: '1',
    generatedAt: GENERATED_AT,
    tool: { name: 'lambda-role-audit', version: '0.1.0' },
    source: { kind: 'live', account: ACCOUNT, region: REGION },
    summary: {
      functions: results.length,
      compliant: results.filter((r) => r.compliant).length,
      findings: {},
    },
    functions: results,
    ...(errors ? { errors } : {}),
  };
}

export function change(
  action: string,
  summary: string,
  options: {
    actor?: string;
    eventTime?: string;
    eventId?: string;
    target?: Change['target'];
    mappingUuid?: string;
  } = {},
): Change {
  return {
    eventName: action,
    action,
    actor: options.actor ?? `arn:aws:sts::${ACCOUNT}:assumed-role/PlatformAdmin/jane`,
    eventTime: options.eventTime ?? '2026-11-26T14:02:11Z',
    eventId: options.eventId ?? 'a1b2c3d4-5678-90ab-cdef-000000000002',
    region: REGION,
    account: ACCOUNT,
    summary,
    target: options.target ?? { kind: 'role', roleName: 'orders-consumer-role' },
    ...(options.mappingUuid ? { mappingUuid: options.mappingUuid } : {}),
  };
}

const DETACH = change(
  'DetachRolePolicy',
  'DetachRolePolicy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole from role orders-consumer-role',
);

function functionAlert(input: {
  result: FunctionResult;
  previous?: readonly FindingSummary[];
  changes: readonly Change[];
  stackName?: string;
  results?: readonly FunctionResult[];
}): AlertDocument {
  const open = input.result.findings;
  return buildFunctionAlert({
    report: reportOf(input.results ?? [input.result]),
    result: input.result,
    diff: diffFindings(input.previous ?? [], open),
    changes: input.changes,
    ...(input.stackName ? { stackName: input.stackName } : {}),
  });
}

/** The demo's detach: the SQS execution policy leaves the consumer's role. */
export function breakAlert(): AlertDocument {
  const findings = [
    sqsMissing('sqs:DeleteMessage'),
    sqsMissing('sqs:ReceiveMessage'),
    logsMissing('orders-consumer', 'logs:CreateLogStream'),
    logsMissing('orders-consumer', 'logs:PutLogEvents'),
  ];
  return functionAlert({ result: result('orders-consumer', findings), changes: [DETACH] });
}

/** The repair, 14 minutes later, by someone else. */
export function fixAlert(): AlertDocument {
  const opened = '2026-11-26T14:02:11Z';
  const previous = [
    sqsMissing('sqs:DeleteMessage'),
    sqsMissing('sqs:ReceiveMessage'),
    logsMissing('orders-consumer', 'logs:CreateLogStream'),
    logsMissing('orders-consumer', 'logs:PutLogEvents'),
  ].map((f) => summariseFindingAt(f, opened));
  const attach = change(
    'AttachRolePolicy',
    'AttachRolePolicy arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole to role orders-consumer-role',
    {
      actor: `arn:aws:sts::${ACCOUNT}:assumed-role/OnCall/sam`,
      eventTime: '2026-11-26T14:16:40Z',
      eventId: 'a1b2c3d4-5678-90ab-cdef-000000000003',
    },
  );
  return functionAlert({ result: result('orders-consumer', []), previous, changes: [attach] });
}

/** A permissions boundary that leaves out what the SQS mapping needs. */
export function boundaryAlert(): AlertDocument {
  const findings = [
    sqsMissing('sqs:ReceiveMessage', { decision: 'boundary' }),
    sqsMissing('sqs:DeleteMessage', { decision: 'boundary' }),
  ];
  const put = change(
    'PutRolePermissionsBoundary',
    'PutRolePermissionsBoundary boundary arn:aws:iam::123456789012:policy/team-boundary on role orders-consumer-role',
  );
  return functionAlert({ result: result('orders-consumer', findings), changes: [put] });
}

/** A new Kinesis mapping on a function whose role cannot read the stream. */
export function newMappingAlert(): AlertDocument {
  const uuid = '0f9e8d7c-6b5a-4321-8765-43210fedcba9';
  const stream = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clickstream`;
  const finding = (action: string): Finding => ({
    id: `f-${action}`,
    rule: 'missing-permission',
    severity: 'high',
    message: `Lambda cannot read records from stream clickstream: the mapping delivers nothing. ${action} on ${stream} is needed by event source mapping ${uuid}, but no statement of the role’s policies allows it.`,
    action,
    resource: stream,
    decision: 'implicit-deny',
    cause: { kind: 'event-source-mapping', uuid, eventSourceArn: stream, state: 'Creating' },
    remediation: `Allow ${action} on ${stream} (see the function’s recommended policy). ${KINESIS_DOCS}`,
  });
  const findings = [
    'kinesis:DescribeStream',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
  ].map(finding);
  const policy: RecommendedPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadStreamClickstream',
        Effect: 'Allow',
        Action: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        Resource: [stream],
      },
    ],
  };
  const create = change(
    'CreateEventSourceMapping20150331',
    `CreateEventSourceMapping on event source mapping ${uuid} of function clicks-indexer`,
    {
      target: { kind: 'function', functionArn: fnArn('clicks-indexer') },
      mappingUuid: uuid,
      actor: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-pipeline`,
    },
  );
  return functionAlert({
    result: result('clicks-indexer', findings, { policy }),
    changes: [{ ...create, action: 'CreateEventSourceMapping' }],
  });
}

/** A role shared by three functions, from a CloudFormation stack, with an old wildcard still open. */
export function sharedRoleAlert(): AlertDocument {
  const role = roleArn('payments-shared-role', '/service/');
  const old = wildcardGrant('legacy-admin', 'AllowEverythingS3');
  const findings = [
    sqsMissing('sqs:ReceiveMessage', {
      queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-queue`,
      uuid: '4bc27ce9-1d2e-4f5a-8b9c-0d1e2f3a4b5c',
    }),
    old,
  ];
  const policy = recommended(
    'payments-worker',
    `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-queue`,
    'ReadQueuePaymentsQueue',
  );
  const put = change(
    'PutRolePolicy',
    'PutRolePolicy inline policy queue-access on role payments-shared-role',
    { target: { kind: 'role', roleName: 'payments-shared-role' } },
  );
  return functionAlert({
    result: result('payments-worker', findings, {
      role,
      sharedWith: ['payments-refunds', 'payments-reports'],
      policy,
    }),
    previous: [summariseFindingAt(old, '2026-11-20T09:00:00Z')],
    changes: [put],
    stackName: 'payments-prod',
  });
}

/** A new default version of a baseline policy attached to twelve roles: one grouped alert. */
export function bigChangeAlert(count = 12): AlertDocument {
  const names = Array.from({ length: count }, (_, i) => `batch-job-${String(i + 1).padStart(2, '0')}`);
  const entries = names.map((name, i) => {
    const findings =
      i === count - 1
        ? []
        : [logsMissing(name, 'logs:CreateLogStream'), logsMissing(name, 'logs:PutLogEvents')];
    const previous =
      i === count - 1
        ? [summariseFindingAt(logsMissing(name, 'logs:PutLogEvents'), '2026-11-25T08:00:00Z')]
        : [];
    const r = result(name, findings, { role: roleArn('batch-baseline-role') });
    return { result: r, diff: diffFindings(previous, findings) };
  });
  const version = change(
    'SetDefaultPolicyVersion',
    'SetDefaultPolicyVersion on arn:aws:iam::123456789012:policy/org-baseline (default version v7)',
    { target: { kind: 'managed-policy', policyArn: `arn:aws:iam::${ACCOUNT}:policy/org-baseline` } },
  );
  const input = {
    report: reportOf(entries.map((e) => e.result)),
    entries,
    changes: [version],
    threshold: 10,
  };
  return buildBigChangeAlert({ ...input, detail: storedDetail(buildBigChangeDetail(input)) });
}

/** Where the state table's adapter says it stored a detail (one part, 30 days after the audit). */
export function storedDetail(detail: BigChangeDetailDocument, parts = 1): StoredDetail {
  const key = alertDetailKey(detail.alertId);
  return {
    table: 'lambda-role-audit-state',
    region: REGION,
    key,
    parts,
    command: fetchCommand({ tableName: 'lambda-role-audit-state', region: REGION, key, parts }),
    expiresAt: '2026-12-26T14:02:30.000Z',
    bytes: Buffer.byteLength(JSON.stringify(detail)),
  };
}

/** The daily digest: two functions with open findings, one that could not be read, one clean. */
export function digestAlert(): AlertDocument {
  return buildDigestAlert({
    report: reportOf(
      [
        result('orders-consumer', [sqsMissing('sqs:ReceiveMessage'), sqsMissing('sqs:DeleteMessage')]),
        result('reports-builder', [wildcardGrant('reports-inline', 'Stmt1')]),
        result('healthy', []),
      ],
      [{ functionName: 'archiver', message: 'GetRole: AccessDenied' }],
    ),
    regions: [REGION],
    minSeverity: 'low',
  });
}

/** Someone tags the role to suppress what it grants too broadly, and the missing permission too. */
export function suppressionAlert(): AlertDocument {
  const role = roleArn('orders-consumer-role');
  const hidden: Finding = {
    ...wildcardGrant('legacy-admin', 'AllowEverythingS3'),
    suppressed: true,
    suppressionReason: `suppressed by the tag lambda-role-audit:suppress on role ${role}`,
    suppressionSource: { kind: 'tag', on: 'role', arn: role },
  };
  const refused: Finding = {
    ...sqsMissing('sqs:ReceiveMessage'),
    suppressionRefused: `the tag lambda-role-audit:suppress on role ${role} names missing-permission, but tags may not suppress high findings (at most medium)`,
  };
  const r = result('orders-consumer', [refused, hidden]);
  const tag = {
    ...change(
      'TagRole',
      'TagRole lambda-role-audit:suppress = "wildcard-action,missing-permission" on role orders-consumer-role',
      { eventId: 'a1b2c3d4-5678-90ab-cdef-000000000023' },
    ),
    suppressTag: {
      on: 'role' as const,
      resource: 'orders-consumer-role',
      action: 'set' as const,
      value: 'wildcard-action,missing-permission',
    },
  };
  const previous = [refused, hidden].map((f) => summariseFindingAt(f, '2026-11-20T09:00:00Z'));
  return buildSuppressionNotice({
    report: reportOf([r]),
    result: r,
    diff: diffFindings(previous, [refused]),
    changes: [tag],
  });
}

export const ALERT_CASES: Readonly<Record<string, () => AlertDocument>> = {
  break: breakAlert,
  fix: fixAlert,
  boundary: boundaryAlert,
  'new-mapping': newMappingAlert,
  'shared-role': sharedRoleAlert,
  'big-change': () => bigChangeAlert(),
  digest: digestAlert,
  suppression: suppressionAlert,
};
