/**
 * The permissions the auditor's own functions need, as one list: the deployed roles are built from it
 * (infra/) and a test checks it against every AWS SDK command the code sends, so that a new call cannot
 * ship without its permission, and a permission nobody uses stands out.
 *
 * Resources are named symbolically (`resource`): the stack turns each into the ARNs of what it deploys,
 * so that no statement reaches beyond the auditor's own queue, table, topic, key and secret. Only actions
 * that have no resource type in the Service Authorization Reference are granted on `*`.
 *
 * `origin` tells why the role needs the action: `sdk` for a call the code makes (covered by the SDK
 * command scan), `platform` for what Lambda itself does with the role (logs, tracing, polling the queue
 * of an event source mapping).
 */

import type { Suppression } from './domain/suppressions.js';

/** The auditor's Lambda functions, as named under `functions/` and `dist/functions/`. */
export const AUDITOR_FUNCTIONS = ['change-handler', 'sweep', 'slack-notifier'] as const;
export type AuditorFunction = (typeof AUDITOR_FUNCTIONS)[number];

/**
 * What a statement applies to. The stack resolves each kind:
 * - `any`: `*`, for actions without a resource type (listing calls);
 * - `iam-role` / `iam-policy`: every role of the account / every managed policy (customer or AWS managed);
 * - `lambda-function` / `lambda-event-source-mapping`: every function / mapping of the account in the
 *   audited regions;
 * - `sqs-queue`, `kinesis-stream`, `sns-topic`, `secretsmanager-secret`, `kms-key`: every queue, stream,
 *   topic, secret / KMS key of the account in the audited regions (the resources functions use, and the
 *   keys that encrypt them);
 * - the others: the one resource of that kind that the stack deploys or is given (the Slack webhook's
 *   secret or parameter; a deployment configures one of the two, and a kind that stands for nothing in a
 *   deployment grants nothing).
 */
export type AuditorResource =
  | 'any'
  | 'iam-role'
  | 'iam-policy'
  | 'lambda-function'
  | 'lambda-event-source-mapping'
  | 'sqs-queue'
  | 'kinesis-stream'
  | 'sns-topic'
  | 'secretsmanager-secret'
  | 'kms-key'
  | 'own-log-group'
  | 'change-queue'
  | 'failed-invocation-queue'
  | 'state-table'
  | 'alert-topic'
  | 'alert-key'
  | 'slack-webhook-secret'
  | 'slack-webhook-parameter';

export interface AuditorPermission {
  /** Statement id in the deployed policy (alphanumeric). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resource: AuditorResource;
  readonly functions: readonly AuditorFunction[];
  readonly origin: 'sdk' | 'platform';
  readonly why: string;
}

const auditors: readonly AuditorFunction[] = ['change-handler', 'sweep'];

export const AUDITOR_PERMISSIONS: readonly AuditorPermission[] = [
  {
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resource: 'own-log-group',
    functions: AUDITOR_FUNCTIONS,
    origin: 'platform',
    why: 'Lambda writes the function logs into the log group the stack creates (so no logs:CreateLogGroup).',
  },
  {
    sid: 'WriteTraces',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    resource: 'any',
    functions: AUDITOR_FUNCTIONS,
    origin: 'platform',
    why: 'Active tracing; X-Ray actions have no resource type.',
  },
  {
    sid: 'PollChangeQueue',
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    resource: 'change-queue',
    functions: ['change-handler'],
    origin: 'platform',
    why: 'The event source mapping polls the buffering queue with the execution role.',
  },
  {
    sid: 'SendFailedInvocations',
    actions: ['sqs:SendMessage'],
    resource: 'failed-invocation-queue',
    functions: ['sweep', 'slack-notifier'],
    origin: 'platform',
    why: 'Lambda sends an asynchronous invocation that failed every retry to the dead-letter queue.',
  },
  {
    sid: 'ReadAccountAuthorizationDetails',
    actions: ['iam:GetAccountAuthorizationDetails'],
    resource: 'any',
    functions: auditors,
    origin: 'sdk',
    why: 'The bulk read of roles and policies; the action has no resource type.',
  },
  {
    sid: 'ReadRoles',
    actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    resource: 'iam-role',
    functions: auditors,
    origin: 'sdk',
    why: 'Reading the execution role of an affected function and its policies.',
  },
  {
    sid: 'ReadManagedPolicies',
    actions: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListEntitiesForPolicy'],
    resource: 'iam-policy',
    functions: auditors,
    origin: 'sdk',
    why: 'Reading attached managed policies (AWS managed ones live in account "aws") and the roles using one.',
  },
  {
    sid: 'ListLambdaConfiguration',
    actions: ['lambda:ListFunctions', 'lambda:ListEventSourceMappings'],
    resource: 'any',
    functions: auditors,
    origin: 'sdk',
    why: 'Listing functions and mappings; these actions have no resource type.',
  },
  {
    sid: 'ReadFunctions',
    actions: ['lambda:GetFunctionConfiguration', 'lambda:ListFunctionEventInvokeConfigs'],
    resource: 'lambda-function',
    functions: auditors,
    origin: 'sdk',
    why: 'Reading the configuration and asynchronous destinations of a function in an audited region.',
  },
  {
    sid: 'ReadEventSourceMappings',
    actions: ['lambda:GetEventSourceMapping'],
    resource: 'lambda-event-source-mapping',
    functions: auditors,
    origin: 'sdk',
    why: 'Reading the mapping a CloudTrail event names.',
  },
  {
    sid: 'ReadFunctionAliases',
    actions: ['lambda:ListAliases'],
    resource: 'lambda-function',
    functions: auditors,
    origin: 'sdk',
    why: 'The aliases that qualified mappings and event invoke configs name (which versions they reach).',
  },
  {
    sid: 'ReadQueueEncryption',
    actions: ['sqs:GetQueueAttributes'],
    resource: 'sqs-queue',
    functions: auditors,
    origin: 'sdk',
    why: 'The KmsMasterKeyId of the queues functions read from or send to (customer managed key needs).',
  },
  {
    sid: 'ReadStreamEncryption',
    actions: ['kinesis:DescribeStreamSummary'],
    resource: 'kinesis-stream',
    functions: auditors,
    origin: 'sdk',
    why: 'The EncryptionType and KeyId of the Kinesis streams mappings read.',
  },
  {
    sid: 'ReadTopicEncryption',
    actions: ['sns:GetTopicAttributes'],
    resource: 'sns-topic',
    functions: auditors,
    origin: 'sdk',
    why: 'The KmsMasterKeyId of the topics functions publish to (dead-letter topics, destinations).',
  },
  {
    sid: 'ReadSecretEncryption',
    actions: ['secretsmanager:DescribeSecret'],
    resource: 'secretsmanager-secret',
    functions: auditors,
    origin: 'sdk',
    why: 'The KmsKeyId of the secrets Kafka, Amazon MQ and DocumentDB mappings authenticate with (never their values).',
  },
  {
    sid: 'DescribeSourceKeys',
    actions: ['kms:DescribeKey'],
    resource: 'kms-key',
    functions: auditors,
    origin: 'sdk',
    why: 'Whether the key of a queue, stream, topic or secret is customer managed, and its ARN (aliases resolved).',
  },
  {
    sid: 'ReadWriteFindingsState',
    actions: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ],
    resource: 'state-table',
    functions: auditors,
    origin: 'sdk',
    why: 'The fingerprints of the findings last reported per function (alert only on change).',
  },
  {
    sid: 'PublishAlerts',
    actions: ['sns:Publish'],
    resource: 'alert-topic',
    functions: auditors,
    origin: 'sdk',
    why: 'Publishing alerts and the sweep digest.',
  },
  {
    sid: 'UseAlertTopicKey',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resource: 'alert-key',
    functions: auditors,
    origin: 'platform',
    why: 'SNS encrypts a published message with the topic key on behalf of the publisher.',
  },
  {
    sid: 'ReadSlackWebhook',
    actions: ['secretsmanager:GetSecretValue'],
    resource: 'slack-webhook-secret',
    functions: ['slack-notifier'],
    origin: 'sdk',
    why: 'The Slack incoming-webhook URL, when kept in Secrets Manager.',
  },
  {
    sid: 'ReadSlackWebhookParameter',
    actions: ['ssm:GetParameter'],
    resource: 'slack-webhook-parameter',
    functions: ['slack-notifier'],
    origin: 'sdk',
    why: 'The Slack incoming-webhook URL, when kept in SSM Parameter Store.',
  },
];

const READS_KEYS =
  'the auditor reads the encryption key of every queue and stream the audited functions use (ReadQueueEncryption, ReadStreamEncryption): an SDK call of its code, not an event source';

/**
 * What an audit of the auditor's own stack reports by design, suppressed with the reason (as the excess
 * findings ask): the engine sees configuration, not the SDK calls the code makes, and the reads of the
 * keys of the account's queues and streams use actions of the SQS and Kinesis consumer families, on every
 * queue and stream of the audited regions. The self-audit test holds that nothing else is found.
 */
export const AUDITOR_SELF_SUPPRESSIONS: readonly Suppression[] = [
  { rule: 'unused-source-permission', action: 'sqs:GetQueueAttributes', reason: READS_KEYS },
  { rule: 'unused-source-permission', action: 'kinesis:DescribeStreamSummary', reason: READS_KEYS },
  { rule: 'overbroad-resource', action: 'sqs:GetQueueAttributes', reason: READS_KEYS },
];

/**
 * SDK commands that need no IAM permission (the caller's identity is always readable), and commands whose
 * action name differs from the command name.
 */
export const SDK_COMMANDS_WITHOUT_PERMISSION: readonly string[] = ['sts:GetCallerIdentity'];

/** The permissions of one function. */
export function permissionsOf(fn: AuditorFunction): readonly AuditorPermission[] {
  return AUDITOR_PERMISSIONS.filter((p) => p.functions.includes(fn));
}
