/**
 * The permissions of the auditor's own functions, one role per function: the deployed roles are built
 * from this list (infra/) and a test checks it against every AWS SDK command each function's bundle can
 * send, so that a new call cannot ship without its permission, a permission nobody uses stands out, and a
 * function never holds what only another one needs (the change handler cannot Scan the state table, the
 * sweep cannot read roles one by one, neither may read the Slack webhook).
 *
 * Each statement names the functions that get it (`functions`): `AUDITORS` for both the change handler and
 * the sweep, `CHANGE_HANDLER` or `SWEEP` for one of them. To add a read both auditors make (an attribute of
 * a queue, a function's versions), add one statement with `functions: AUDITORS`; the test then asks that
 * both bundles send it.
 *
 * Resources are named symbolically (`resource`): the stack turns each into the ARNs of what it deploys,
 * so that no statement reaches beyond the auditor's own queue, table, topic, key and secret. Only actions
 * that have no resource type in the Service Authorization Reference are granted on `*`.
 *
 * `origin` tells why the role needs the action: `sdk` for a call the code makes (covered by the SDK
 * command scan), `platform` for what Lambda itself does with the role (logs, tracing, polling the queue
 * of an event source mapping, sending to a dead-letter queue).
 */

import type { Suppression } from './domain/suppressions.js';

/** The auditor's Lambda functions, as named under `functions/` and `dist/functions/`. */
export const AUDITOR_FUNCTIONS = [
  'change-handler',
  'sweep',
  'worker',
  'slack-notifier',
  'chatbot-notifier',
] as const;
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
 * - `stack-key`: the stack's KMS key, which encrypts the alert topic and the queues;
 * - `securityhub-product` / `securityhub-hub`: the account's default Security Hub product in the home region
 *   (`BatchImportFindings` is authorized on a product) and its hub (`GetFindings` has no product resource
 *   type, only `hub`); both stand for nothing unless the deployment sends findings to Security Hub;
 * - `central-alert-topic` / `central-alert-key`: the security account's central topic and its key, when an
 *   organization deployment names them;
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
  | 'state-table-index'
  | 'work-queue'
  | 'alert-topic'
  | 'stack-key'
  | 'slack-webhook-secret'
  | 'slack-webhook-parameter'
  | 'securityhub-product'
  | 'securityhub-hub'
  | 'central-alert-topic'
  | 'central-alert-key'
  | 'chatbot-topic';

export interface AuditorPermission {
  /** Statement id in the deployed policy (alphanumeric, unique in the list). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resource: AuditorResource;
  readonly functions: readonly AuditorFunction[];
  readonly origin: 'sdk' | 'platform';
  readonly why: string;
}

/** Both auditing functions: what the two ways of reading have in common. */
const AUDITORS: readonly AuditorFunction[] = ['change-handler', 'sweep', 'worker'];
/**
 * The change handler, and the worker that audits its big changes in chunks and settles them with the
 * change handler's code: the per-function read, the resolution of a change, the remembered state by key.
 */
const CHANGE_HANDLER: readonly AuditorFunction[] = ['change-handler', 'worker'];
/** The sweep alone: the whole-account read, the reconciliation of the whole state table. */
const SWEEP: readonly AuditorFunction[] = ['sweep'];

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
    functions: ['sweep', 'slack-notifier', 'chatbot-notifier'],
    origin: 'platform',
    why: 'Lambda sends an asynchronous invocation that failed every retry to the dead-letter queue.',
  },
  {
    sid: 'UseStackKey',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resource: 'stack-key',
    functions: AUDITOR_FUNCTIONS,
    origin: 'platform',
    why: 'The stack key encrypts the alert topic and the queues: SNS and SQS encrypt what the role publishes or sends (a dead-letter queue), and the poller decrypts what the change handler receives, on behalf of the role.',
  },
  {
    sid: 'ReadAccountAuthorizationDetails',
    actions: ['iam:GetAccountAuthorizationDetails'],
    resource: 'any',
    functions: SWEEP,
    origin: 'sdk',
    why: 'The bulk read of roles and policies; the action has no resource type.',
  },
  {
    sid: 'ReadRoles',
    actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    resource: 'iam-role',
    functions: CHANGE_HANDLER,
    origin: 'sdk',
    why: 'Reading the execution role of an affected function and its policies.',
  },
  {
    sid: 'ReadManagedPolicies',
    actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
    resource: 'iam-policy',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Reading attached managed policies (AWS managed ones live in account "aws").',
  },
  {
    sid: 'FindRolesOfPolicy',
    actions: ['iam:ListEntitiesForPolicy'],
    resource: 'iam-policy',
    functions: CHANGE_HANDLER,
    origin: 'sdk',
    why: 'Resolving a managed policy change to the roles that attach it.',
  },
  {
    sid: 'ListLambdaConfiguration',
    actions: ['lambda:ListFunctions', 'lambda:ListEventSourceMappings'],
    resource: 'any',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Listing functions and mappings; these actions have no resource type.',
  },
  {
    sid: 'ReadFunctions',
    actions: ['lambda:ListFunctionEventInvokeConfigs', 'lambda:ListTags'],
    resource: 'lambda-function',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Reading the asynchronous destinations and the tags (the suppress tag) of a function in an audited region.',
  },
  {
    sid: 'ReadFunctionConfiguration',
    actions: ['lambda:GetFunctionConfiguration'],
    resource: 'lambda-function',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Reading the configuration of a function a change names, and of the published versions qualified mappings and invoke configs name (both auditors).',
  },
  {
    sid: 'ReadEventSourceMappings',
    actions: ['lambda:GetEventSourceMapping'],
    resource: 'lambda-event-source-mapping',
    functions: CHANGE_HANDLER,
    origin: 'sdk',
    why: 'Reading the mapping a CloudTrail event names.',
  },
  {
    sid: 'ReadFunctionAliases',
    actions: ['lambda:ListAliases'],
    resource: 'lambda-function',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'The aliases that qualified mappings and event invoke configs name (which versions they reach).',
  },
  {
    sid: 'ReadQueueEncryption',
    actions: ['sqs:GetQueueAttributes'],
    resource: 'sqs-queue',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'The KmsMasterKeyId of the queues functions read from or send to (customer managed key needs).',
  },
  {
    sid: 'ReadStreamEncryption',
    actions: ['kinesis:DescribeStreamSummary'],
    resource: 'kinesis-stream',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'The EncryptionType and KeyId of the Kinesis streams mappings read.',
  },
  {
    sid: 'ReadTopicEncryption',
    actions: ['sns:GetTopicAttributes'],
    resource: 'sns-topic',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'The KmsMasterKeyId of the topics functions publish to (dead-letter topics, destinations).',
  },
  {
    sid: 'ReadSecretEncryption',
    actions: ['secretsmanager:DescribeSecret'],
    resource: 'secretsmanager-secret',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'The KmsKeyId of the secrets Kafka, Amazon MQ and DocumentDB mappings authenticate with (never their values).',
  },
  {
    sid: 'DescribeSourceKeys',
    actions: ['kms:DescribeKey'],
    resource: 'kms-key',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Whether the key of a queue, stream, topic or secret is customer managed, and its ARN (aliases resolved).',
  },
  {
    sid: 'ReadWriteFindingsState',
    actions: [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ],
    resource: 'state-table',
    functions: CHANGE_HANDLER,
    origin: 'sdk',
    why: 'The fingerprints of the findings last reported for the functions of a batch (alert only on change); the inventory of function settings (read, refreshed), the record of a big change handed to the worker, and the stored detail of a grouped alert.',
  },
  {
    sid: 'QueryInventoryByRole',
    actions: ['dynamodb:Query'],
    resource: 'state-table-index',
    functions: CHANGE_HANDLER,
    origin: 'sdk',
    why: 'The functions of a role from the inventory (the InventoryByRole index): no ListFunctions scan for an IAM change.',
  },
  {
    sid: 'ShareLambdaPace',
    actions: ['dynamodb:UpdateItem'],
    resource: 'state-table',
    // The worker has the action already (TrackFanOutRuns).
    functions: ['change-handler', 'sweep'],
    origin: 'sdk',
    why: 'Taking Lambda request tokens from the pace counters every invocation of the stack shares (the worker does with TrackFanOutRuns); for the change handler also marking the inventory entries of the functions a change event names, so that whichever invocation audits them next reads them again.',
  },
  {
    sid: 'TrackFanOutRuns',
    actions: ['dynamodb:UpdateItem'],
    resource: 'state-table',
    functions: ['worker'],
    origin: 'sdk',
    why: 'Counting the completed chunks of a run and claiming its assembly, conditionally; taking Lambda request tokens from the shared pace counters.',
  },
  {
    sid: 'SendWork',
    actions: ['sqs:SendMessage'],
    resource: 'work-queue',
    functions: ['change-handler', 'sweep'],
    origin: 'sdk',
    why: 'Handing the chunks of a sweep or of a big change to the worker.',
  },
  {
    sid: 'PollWorkQueue',
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    resource: 'work-queue',
    functions: ['worker'],
    origin: 'platform',
    why: 'The event source mapping polls the work queue with the execution role.',
  },
  {
    sid: 'ReconcileFindingsState',
    actions: ['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    resource: 'state-table',
    // The worker assembles a fanned-out sweep, whose reconciliation this is.
    functions: ['sweep', 'worker'],
    origin: 'sdk',
    why: 'The daily reconciliation of the whole state table with what the sweep found.',
  },
  {
    sid: 'PublishAlerts',
    actions: ['sns:Publish'],
    resource: 'alert-topic',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Publishing alerts and the sweep digest.',
  },
  {
    sid: 'ImportSecurityHubFindings',
    actions: ['securityhub:BatchImportFindings'],
    resource: 'securityhub-product',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Findings (and their archiving once fixed) as ASFF records on the account default product, when the deployment sends them to Security Hub.',
  },
  {
    sid: 'ReadSecurityHubFindings',
    actions: ['securityhub:GetFindings'],
    resource: 'securityhub-hub',
    // The worker assembles a fanned-out sweep, whose reconciliation this is.
    functions: ['sweep', 'worker'],
    origin: 'sdk',
    why: 'The daily reconciliation reads back the ACTIVE records of this tool, to archive what is gone and import what was lost.',
  },
  {
    sid: 'PublishCentralAlerts',
    actions: ['sns:Publish'],
    resource: 'central-alert-topic',
    functions: AUDITORS,
    origin: 'sdk',
    why: 'Alerts and digests also go to the security account central topic, when the deployment names one.',
  },
  {
    sid: 'UseCentralAlertKey',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resource: 'central-alert-key',
    functions: AUDITORS,
    origin: 'platform',
    why: 'SNS encrypts what the role publishes to the central topic with its key, on behalf of the role.',
  },
  {
    sid: 'PublishChatbotNotifications',
    actions: ['sns:Publish'],
    resource: 'chatbot-topic',
    functions: ['chatbot-notifier'],
    origin: 'sdk',
    why: 'Republishing alerts as AWS Chatbot custom notifications on the topic mapped to a chat channel (encrypted with the stack key, which UseStackKey covers).',
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

/**
 * SDK calls a function's bundle holds but its handler never sends, so its role does not grant them:
 * shared/adapters/aws/live-account-reader.ts holds both ways of reading in one class, and esbuild keeps a
 * class whole. Each entry is checked both ways: the bundle must hold the call (else the entry is stale),
 * and the handler run against moto on every event fixture never sends it
 * (test/integration/handler-permissions.test.ts). Splitting the reader by way of reading would empty this.
 */
export const NOT_SENT_BY: Readonly<Record<AuditorFunction, readonly { action: string; why: string }[]>> = {
  'change-handler': [
    {
      action: 'iam:GetAccountAuthorizationDetails',
      why: 'The whole-account read (readAccount): the change handler reads named functions only, and refuses an empty list.',
    },
  ],
  sweep: [
    ...['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'].map(
      (action) => ({
        action,
        why: 'The per-function read of a role (readFunctions): the sweep reads roles with GetAccountAuthorizationDetails.',
      }),
    ),
  ],
  worker: [
    {
      action: 'iam:GetAccountAuthorizationDetails',
      why: 'The whole-account read (readAccount): the worker reads the named functions of its chunk only.',
    },
    {
      action: 'sqs:SendMessage',
      why: 'The work queue client every runtime builds from WORK_QUEUE_URL: settling a run never hands work on (handleChanges runs without fan-out there).',
    },
  ],
  'slack-notifier': [],
  'chatbot-notifier': [],
};
