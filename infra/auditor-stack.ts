/**
 * The auditor in its home region: CloudTrail change events → EventBridge rules → a buffering SQS queue →
 * the change handler (batches, so a deployment touching a role twenty times costs one audit); a daily
 * sweep on an EventBridge Scheduler schedule; the findings-state table; the encrypted alert topic with its
 * email (and optional Slack) subscribers; alarms on everything that can fail quietly.
 *
 * Stateful resources keep fixed logical ids (`STATEFUL_LOGICAL_IDS`): refactoring the construct tree must
 * never replace the table, the queues, the topic or its key (and with them the subscriptions).
 */
import {
  Annotations,
  CfnOutput,
  CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import {
  INVENTORY_ROLE_ATTRIBUTE,
  INVENTORY_ROLE_INDEX,
} from '../shared/adapters/state-store/inventory-store.js';
import type { AuditorResource } from '../shared/auditor-permissions.js';
import { iamChangeEventPattern, lambdaChangeEventPattern } from '../shared/events/patterns.js';
import type { DeployConfig } from './config.js';
import { AuditorFunction, type CodeProvider } from './constructs/auditor-function.js';
import { toCdkEventPattern } from './event-pattern.js';
import { acknowledge, iam5ResourceFinding } from './nag.js';
import {
  defaultBusRuleArn,
  eventBusArn,
  type ForwardingSource,
  forwardedBusName,
  forwardingRuleName,
  IAM_EVENTS_REGION,
} from './names.js';

/** Logical ids that must never change (a change would replace the resource and lose its data). */
export const STATEFUL_LOGICAL_IDS = {
  table: 'FindingsStateTable',
  queue: 'ChangeEventQueue',
  deadLetterQueue: 'ChangeEventDeadLetterQueue',
  failedInvocationQueue: 'FailedInvocationDeadLetterQueue',
  topic: 'AlertTopic',
  key: 'AlertTopicKey',
} as const;

export const POWERTOOLS_SERVICE_NAME = 'lambda-role-audit';

/** Lambda allows 4 KB of environment variables per function; leave room for the other variables. */
const MAX_SUPPRESSIONS_BYTES = 3000;

/** The change handler's timeout; the queue's visibility timeout follows from it. */
const CHANGE_HANDLER_TIMEOUT = Duration.seconds(60);
const BATCHING_WINDOW = Duration.seconds(30);
/** The fan-out worker's timeout (Lambda's most): a chunk is cut to fit it (docs/scaling.md). */
const WORKER_TIMEOUT = Duration.minutes(15);
/** Worker invocations at once: the work queue's event source mapping's MaximumConcurrency (its lowest value). */
const WORKER_MAX_CONCURRENCY = 2;
/** Change handler invocations at once: the change queue's event source mapping's MaximumConcurrency. */
const CHANGE_MAX_CONCURRENCY = 2;
/**
 * The most invocations that read Lambda at once (change handlers, the sweep, workers): they share one
 * Lambda pace through the state table, and each falls back to the budget divided by this number when the
 * table cannot be reached (shared/adapters/state-store/lambda-pace.ts).
 */
const LAMBDA_PACE_INVOCATIONS = CHANGE_MAX_CONCURRENCY + 1 + WORKER_MAX_CONCURRENCY;
/** The shared Lambda budget per Region unless `-c lambdaRequestsPerSecond` says otherwise: 10 of the 15. */
const DEFAULT_LAMBDA_REQUESTS_PER_SECOND = 10;
/** Deliveries of a work item before its dead-letter queue (the worker's last attempt records the chunk). */
const WORK_MAX_RECEIVE_COUNT = 5;

export interface AuditorStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly code: CodeProvider;
  /** Regions whose rules forward events into this stack's forwarded-events bus. */
  readonly forwardedFrom: readonly ForwardingSource[];
}

export class AuditorStack extends Stack {
  readonly alertTopic: sns.Topic;
  readonly alertKey: kms.Key;
  readonly changeQueue: sqs.Queue;
  readonly changeDeadLetterQueue: sqs.Queue;
  readonly workQueue: sqs.Queue;
  readonly workDeadLetterQueue: sqs.Queue;
  readonly failedInvocationQueue: sqs.Queue;
  readonly stateTable: dynamodb.Table;
  readonly changeHandler: AuditorFunction;
  readonly sweep: AuditorFunction;
  readonly worker: AuditorFunction;
  readonly slackNotifier?: AuditorFunction;
  readonly chatbotTopic?: sns.Topic;
  readonly chatbotNotifier?: AuditorFunction;
  readonly forwardedBus?: events.EventBus;
  /** Every rule that targets the change queue (its policy admits these and nothing else). */
  private readonly changeRules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: AuditorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const auditRegions = [config.region, ...config.extraRegions];

    // --- Alert topic, encrypted with a key of its own --------------------------------------------
    // The stack's key: the alert topic and every queue (they hold policy documents: CloudTrail requests in
    // the change queues, alerts with recommended policies in the failed-invocation queue). The logical id
    // keeps its first name (STATEFUL_LOGICAL_IDS): renaming it would replace the key.
    this.alertKey = new kms.Key(this, 'AlertTopicKey', {
      description: 'Encrypts the lambda-role-audit alert topic and queues',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service, which therefore
    // needs the key; the roles of the auditor get it through their own policies (the default key policy
    // delegates to IAM).
    this.alertKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Confused-deputy guard, documented for CloudWatch alarm deliveries to encrypted topics (not for
        // EventBridge ones): https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    // SNS sends undeliverable alerts to the failed-invocation queue as the SNS service, which needs the
    // key. aws:SourceArn (the topic) cannot be named here: the topic is encrypted with this key, and the
    // key policy naming it would be a circular reference; the account is the guard, as for CloudWatch.
    this.alertKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSnsDeadLetterDelivery',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    // EventBridge delivers to the encrypted change queue (and to its dead-letter queue) as the events
    // service. The rules cannot be named (each targets a queue encrypted with this key: a circular
    // reference); the account is the guard, as CDK's own grant does for an encrypted queue target.
    this.alertKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToQueue',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    fixLogicalId(this.alertKey, STATEFUL_LOGICAL_IDS.key);

    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'lambda-role-audit',
      masterKey: this.alertKey,
      enforceSSL: true,
    });
    fixLogicalId(this.alertTopic, STATEFUL_LOGICAL_IDS.topic);

    // --- Queues --------------------------------------------------------------------------------------
    this.changeDeadLetterQueue = new sqs.Queue(this, 'ChangeEventDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.alertKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    fixLogicalId(this.changeDeadLetterQueue, STATEFUL_LOGICAL_IDS.deadLetterQueue);

    this.changeQueue = new sqs.Queue(this, 'ChangeEventQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.alertKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS's advice for SQS event sources: at least six times the function timeout, plus the batching
      // window, so that a message in flight is not delivered twice while the batch still runs.
      visibilityTimeout: Duration.seconds(
        CHANGE_HANDLER_TIMEOUT.toSeconds() * 6 + BATCHING_WINDOW.toSeconds(),
      ),
      deadLetterQueue: { queue: this.changeDeadLetterQueue, maxReceiveCount: 5 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    fixLogicalId(this.changeQueue, STATEFUL_LOGICAL_IDS.queue);

    this.failedInvocationQueue = new sqs.Queue(this, 'FailedInvocationDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.alertKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    fixLogicalId(this.failedInvocationQueue, STATEFUL_LOGICAL_IDS.failedInvocationQueue);
    // The fan-out's work queue (issue 10): one message per chunk of a sweep or of a big change.
    this.workDeadLetterQueue = new sqs.Queue(this, 'WorkDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.alertKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.workQueue = new sqs.Queue(this, 'WorkQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.alertKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
      // Six times the worker's timeout (AWS's advice for SQS event sources): a chunk in flight is not
      // delivered twice while it still runs.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.workDeadLetterQueue, maxReceiveCount: WORK_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const dlq of [this.changeDeadLetterQueue, this.failedInvocationQueue, this.workDeadLetterQueue]) {
      acknowledge(
        dlq,
        ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy'],
        'This queue is itself a dead-letter queue.',
      );
    }

    // --- Findings state --------------------------------------------------------------------------------
    this.stateTable = new dynamodb.Table(this, 'FindingsStateTable', {
      partitionKey: { name: 'functionArn', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The table only remembers what was last alerted: losing it means one repeated alert, no more.
      removalPolicy: RemovalPolicy.DESTROY,
      // Fan-out runs expire a week after they were written (shared/adapters/state-store/run-store.ts).
      timeToLiveAttribute: 'expiresAt',
    });
    // The inventory's functions of a role, one Query (shared/adapters/state-store/inventory-store.ts).
    this.stateTable.addGlobalSecondaryIndex({
      indexName: INVENTORY_ROLE_INDEX,
      partitionKey: { name: INVENTORY_ROLE_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    fixLogicalId(this.stateTable, STATEFUL_LOGICAL_IDS.table);

    // --- Functions -----------------------------------------------------------------------------------
    const suppressions = JSON.stringify(config.suppressions);
    if (Buffer.byteLength(suppressions) > MAX_SUPPRESSIONS_BYTES) {
      throw new Error(
        `The suppressions take ${Buffer.byteLength(suppressions)} bytes as JSON; a Lambda environment holds 4 KB in all, so at most ${MAX_SUPPRESSIONS_BYTES} bytes are allowed. Use the lambda-role-audit:suppress tag on roles or functions for the rest.`,
      );
    }
    const auditorEnvironment = {
      STATE_TABLE_NAME: this.stateTable.tableName,
      ALERT_TOPIC_ARN: this.alertTopic.topicArn,
      ALERT_MIN_SEVERITY: config.minSeverity,
      SUPPRESSIONS: suppressions,
      TAG_SUPPRESS_MAX_SEVERITY: config.tagSuppression.maxSeverity,
      TAG_SUPPRESS_RULES: config.tagSuppression.rules.join(','),
      ACCOUNT_ID: this.account,
      AUDIT_REGIONS: auditRegions.join(','),
      WORK_QUEUE_URL: this.workQueue.queueUrl,
      // One Lambda pace for the whole stack, per audited Region (docs/scaling.md).
      LAMBDA_REQUESTS_PER_SECOND: String(
        config.lambdaRequestsPerSecond ?? DEFAULT_LAMBDA_REQUESTS_PER_SECOND,
      ),
      LAMBDA_PACE_INVOCATIONS: String(LAMBDA_PACE_INVOCATIONS),
      POWERTOOLS_SERVICE_NAME,
      ...(config.securityHub === true ? { SECURITY_HUB: 'true' } : {}),
      ...(config.centralAlertTopicArn !== undefined
        ? { CENTRAL_ALERT_TOPIC_ARN: config.centralAlertTopicArn }
        : {}),
      // Only when it differs from the handlers' default (info), so that a default deployment is unchanged.
      ...(config.awsManagedBaselineSeverity === undefined || config.awsManagedBaselineSeverity === 'info'
        ? {}
        : { AWS_MANAGED_BASELINE_SEVERITY: config.awsManagedBaselineSeverity }),
    };
    const resources = (resource: Exclude<AuditorResource, 'own-log-group'>): readonly string[] =>
      this.resolveResource(resource, auditRegions, config);

    this.changeHandler = new AuditorFunction(this, 'ChangeHandler', {
      name: 'change-handler',
      description: 'lambda-role-audit: audits the functions a CloudTrail change affects and alerts on change',
      code: props.code,
      resources,
      memorySize: 512,
      timeout: CHANGE_HANDLER_TIMEOUT,
      environment: {
        ...auditorEnvironment,
        ...(config.bigChangeThreshold !== undefined
          ? { BIG_CHANGE_THRESHOLD: String(config.bigChangeThreshold) }
          : {}),
      },
    });
    acknowledge(
      this.changeHandler.function,
      ['Serverless-LambdaDLQ'],
      'Invoked only by its SQS event source mapping: failed messages go to ChangeEventDeadLetterQueue through the queue redrive policy; a function dead-letter queue applies to asynchronous invocations only.',
    );

    const mapping = new lambda.EventSourceMapping(this, 'ChangeEventSourceMapping', {
      target: this.changeHandler.function,
      eventSourceArn: this.changeQueue.queueArn,
      batchSize: 100,
      maxBatchingWindow: BATCHING_WINDOW,
      reportBatchItemFailures: true,
      // Two concurrent batches at most: IAM throttles, and Lambda's pace is shared with the sweep and workers.
      maxConcurrency: CHANGE_MAX_CONCURRENCY,
    });
    acknowledge(
      mapping,
      ['Serverless-LambdaEventSourceMappingDestination'],
      'Lambda takes no on-failure destination for an SQS event source mapping; the queue redrive policy sends what keeps failing to ChangeEventDeadLetterQueue, which has an alarm.',
    );

    this.sweep = new AuditorFunction(this, 'Sweep', {
      name: 'sweep',
      description: 'lambda-role-audit: audits the whole account on a schedule and publishes a digest',
      code: props.code,
      resources,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      environment: auditorEnvironment,
      deadLetterQueue: this.failedInvocationQueue,
    });

    this.worker = new AuditorFunction(this, 'Worker', {
      name: 'worker',
      description:
        'lambda-role-audit: audits one chunk of a sweep or of a big change; the last chunk assembles the run',
      code: props.code,
      resources,
      memorySize: 1024,
      timeout: WORKER_TIMEOUT,
      environment: {
        ...auditorEnvironment,
        // The worker settles the big changes the change handler hands it: the same threshold.
        ...(config.bigChangeThreshold !== undefined
          ? { BIG_CHANGE_THRESHOLD: String(config.bigChangeThreshold) }
          : {}),
      },
    });
    acknowledge(
      this.worker.function,
      ['Serverless-LambdaDLQ'],
      'Invoked only by its SQS event source mapping: failed chunks go to WorkDeadLetterQueue through the queue redrive policy.',
    );
    const workMapping = new lambda.EventSourceMapping(this, 'WorkEventSourceMapping', {
      target: this.worker.function,
      eventSourceArn: this.workQueue.queueArn,
      // One chunk per invocation: a chunk that fails is retried alone.
      batchSize: 1,
      reportBatchItemFailures: true,
      maxConcurrency: WORKER_MAX_CONCURRENCY,
    });
    acknowledge(
      workMapping,
      ['Serverless-LambdaEventSourceMappingDestination'],
      'Lambda takes no on-failure destination for an SQS event source mapping; the queue redrive policy sends what keeps failing to WorkDeadLetterQueue, which has an alarm.',
    );

    new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'lambda-role-audit: the sweep that makes a lost event cost at most one period',
      schedule: scheduler.ScheduleExpression.expression(config.schedule),
      target: new schedulerTargets.LambdaInvoke(this.sweep.function, {
        deadLetterQueue: this.failedInvocationQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      }),
    });

    const slackWebhook: Record<string, string> | undefined =
      config.slackWebhookSecretArn !== undefined
        ? { SLACK_WEBHOOK_SECRET_ARN: config.slackWebhookSecretArn }
        : config.slackWebhookParameterName !== undefined
          ? { SLACK_WEBHOOK_PARAMETER_NAME: config.slackWebhookParameterName }
          : undefined;
    if (slackWebhook !== undefined) {
      const slackNotifier = new AuditorFunction(this, 'SlackNotifier', {
        name: 'slack-notifier',
        description: 'lambda-role-audit: posts alerts from the topic to a Slack incoming webhook',
        code: props.code,
        resources,
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: {
          ...slackWebhook,
          ...(config.slackWebhookAllowedHosts !== undefined
            ? { SLACK_WEBHOOK_ALLOWED_HOSTS: config.slackWebhookAllowedHosts.join(',') }
            : {}),
          POWERTOOLS_SERVICE_NAME,
        },
        deadLetterQueue: this.failedInvocationQueue,
      });
      this.alertTopic.addSubscription(
        new snsSubscriptions.LambdaSubscription(slackNotifier.function, {
          deadLetterQueue: this.failedInvocationQueue,
        }),
      );
      this.slackNotifier = slackNotifier;
    }

    // --- AWS Chatbot: a topic of its own, fed by a notifier (Chatbot reads a topic's messages whole) ---
    if (config.chatbotTopic === true) {
      const chatbotTopic = new sns.Topic(this, 'ChatbotTopic', {
        displayName: 'lambda-role-audit chat',
        masterKey: this.alertKey,
        enforceSSL: true,
      });
      this.chatbotTopic = chatbotTopic;
      const chatbotNotifier = new AuditorFunction(this, 'ChatbotNotifier', {
        name: 'chatbot-notifier',
        description: 'lambda-role-audit: republishes alerts as AWS Chatbot custom notifications',
        code: props.code,
        resources,
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: { CHATBOT_TOPIC_ARN: chatbotTopic.topicArn, POWERTOOLS_SERVICE_NAME },
        deadLetterQueue: this.failedInvocationQueue,
      });
      this.alertTopic.addSubscription(
        new snsSubscriptions.LambdaSubscription(chatbotNotifier.function, {
          deadLetterQueue: this.failedInvocationQueue,
        }),
      );
      // Only the notifier publishes: a forged chat notification is as bad as a forged alert.
      chatbotTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'NotifierPublishes',
          principals: [chatbotNotifier.role],
          actions: ['sns:Publish'],
          resources: [chatbotTopic.topicArn],
        }),
      );
      chatbotTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyTheNotifierPublishes',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [chatbotTopic.topicArn],
          conditions: { StringNotEquals: { 'aws:PrincipalArn': chatbotNotifier.role.roleArn } },
        }),
      );
      this.chatbotNotifier = chatbotNotifier;
      new CfnOutput(this, 'ChatbotTopicArn', {
        description:
          'The topic to map to a chat channel in AWS Chatbot (Amazon Q Developer in chat applications)',
        value: chatbotTopic.topicArn,
      });
    }

    for (const email of config.alertEmails) {
      this.alertTopic.addSubscription(
        new snsSubscriptions.EmailSubscription(email, { deadLetterQueue: this.failedInvocationQueue }),
      );
    }

    // --- Topic policy: the auditor's roles and CloudWatch alarms publish, nobody else ------------------
    const publisherRoles = [
      this.changeHandler.role.roleArn,
      this.sweep.role.roleArn,
      this.worker.role.roleArn,
    ];
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AuditorPublishes',
        principals: [this.changeHandler.role, this.sweep.role, this.worker.role],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
      }),
    );
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    // Identity policies elsewhere in the account could otherwise grant sns:Publish on this topic; alerts
    // that anyone can forge are worth less. Both keys sit under one operator, so they are ANDed: the deny
    // applies unless the caller is one of the roles or the CloudWatch service.
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheAuditorPublishes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: {
          StringNotEqualsIfExists: {
            'aws:PrincipalArn': publisherRoles,
            'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com',
          },
        },
      }),
    );

    // --- Rules: CloudTrail change events into the buffering queue --------------------------------------
    const queueTarget = new ChangeQueueTarget(this.changeQueue, {
      deadLetterQueue: this.changeDeadLetterQueue,
      retryAttempts: 10,
      maxEventAge: Duration.hours(24),
    });
    const lambdaRule = new events.Rule(this, 'LambdaChangeRule', {
      description: 'lambda-role-audit: Lambda configuration changes in this region',
      eventPattern: toCdkEventPattern(lambdaChangeEventPattern),
      targets: [queueTarget],
    });
    this.changeRules.push(lambdaRule);
    if (config.region === IAM_EVENTS_REGION) {
      const iamRule = new events.Rule(this, 'IamChangeRule', {
        description: 'lambda-role-audit: IAM role and policy changes (IAM events arrive in us-east-1 only)',
        eventPattern: toCdkEventPattern(iamChangeEventPattern),
        targets: [queueTarget],
      });
      this.changeRules.push(iamRule);
    }

    const forwarded = props.forwardedFrom.filter((s) => s.events.length > 0);
    if (forwarded.length > 0) {
      this.forwardedBus = this.forwardedEventBus(config.stackName, forwarded, queueTarget);
    }
    this.admitOnlyTheRules();

    // --- Alarms: whatever fails quietly notifies the same topic ---------------------------------------
    const alarmAction = new cloudwatchActions.SnsAction(this.alertTopic);
    const alarms: cloudwatch.Alarm[] = [
      this.changeDeadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, 'ChangeEventDeadLetterAlarm', {
          alarmDescription:
            'lambda-role-audit: change events could not be processed and wait in the dead-letter queue',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      this.workDeadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, 'WorkDeadLetterAlarm', {
          alarmDescription:
            'lambda-role-audit: a chunk of a sweep or of a big change failed every attempt and waits in the dead-letter queue',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      this.failedInvocationQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
        .createAlarm(this, 'FailedInvocationAlarm', {
          alarmDescription:
            'lambda-role-audit: a sweep, a Slack post or an alert delivery failed and waits in the dead-letter queue',
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    ];
    for (const [id, fn] of [
      ['ChangeHandlerErrorsAlarm', this.changeHandler],
      ['SweepErrorsAlarm', this.sweep],
      ['WorkerErrorsAlarm', this.worker],
      ['SlackNotifierErrorsAlarm', this.slackNotifier],
      ['ChatbotNotifierErrorsAlarm', this.chatbotNotifier],
    ] as const) {
      if (fn === undefined) continue;
      alarms.push(
        fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, id, {
          alarmDescription: `lambda-role-audit: the ${fn.node.id} function failed`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const alarm of alarms) alarm.addAlarmAction(alarmAction);

    // --- Warnings and acknowledged checks --------------------------------------------------------------
    if (config.trail === false) {
      Annotations.of(this).addWarningV2(
        'lambda-role-audit:no-cloudtrail-trail',
        'EventBridge receives CloudTrail events only while a trail is logging (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html). Without one, the change handler never runs and only the scheduled sweep reports findings. Create a trail (aws cloudtrail create-trail … && aws cloudtrail start-logging …).',
      );
    }
    if (config.alertEmails.length === 0 && slackWebhook === undefined && config.chatbotTopic !== true) {
      Annotations.of(this).addWarningV2(
        'lambda-role-audit:no-subscriber',
        'No -c alertEmails and no Slack webhook: alerts go to the topic, but nobody is subscribed to read them.',
      );
    }

    new CfnOutput(this, 'AlertTopicArn', {
      description: 'The alert topic: subscribe more endpoints here',
      value: this.alertTopic.topicArn,
    });
    new CfnOutput(this, 'ChangeEventDeadLetterQueueUrl', {
      description: 'Change events that could not be processed',
      value: this.changeDeadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'FailedInvocationDeadLetterQueueUrl', {
      description: 'Failed sweeps, Slack posts and undeliverable alerts',
      value: this.failedInvocationQueue.queueUrl,
    });

    this.acknowledgeChecks();
  }

  /** The ARNs behind a symbolic resource of `shared/auditor-permissions.ts`. */
  private resolveResource(
    resource: Exclude<AuditorResource, 'own-log-group'>,
    auditRegions: readonly string[],
    config: DeployConfig,
  ): readonly string[] {
    const { partition, account } = this;
    switch (resource) {
      case 'any':
        return ['*'];
      case 'iam-role':
        return [`arn:${partition}:iam::${account}:role/*`];
      case 'iam-policy':
        return [`arn:${partition}:iam::${account}:policy/*`, `arn:${partition}:iam::aws:policy/*`];
      case 'lambda-function':
        return auditRegions.map((r) => `arn:${partition}:lambda:${r}:${account}:function:*`);
      case 'lambda-event-source-mapping':
        return auditRegions.map((r) => `arn:${partition}:lambda:${r}:${account}:event-source-mapping:*`);
      case 'sqs-queue':
        return auditRegions.map((r) => `arn:${partition}:sqs:${r}:${account}:*`);
      case 'kinesis-stream':
        return auditRegions.map((r) => `arn:${partition}:kinesis:${r}:${account}:stream/*`);
      case 'sns-topic':
        return auditRegions.map((r) => `arn:${partition}:sns:${r}:${account}:*`);
      case 'secretsmanager-secret':
        return auditRegions.map((r) => `arn:${partition}:secretsmanager:${r}:${account}:secret:*`);
      case 'kms-key':
        return auditRegions.map((r) => `arn:${partition}:kms:${r}:${account}:key/*`);
      case 'change-queue':
        return [this.changeQueue.queueArn];
      case 'failed-invocation-queue':
        return [this.failedInvocationQueue.queueArn];
      case 'state-table':
        return [this.stateTable.tableArn];
      case 'state-table-index':
        return [`${this.stateTable.tableArn}/index/${INVENTORY_ROLE_INDEX}`];
      case 'work-queue':
        return [this.workQueue.queueArn];
      case 'alert-topic':
        return [this.alertTopic.topicArn];
      case 'stack-key':
        return [this.alertKey.keyArn];
      case 'slack-webhook-secret':
        return config.slackWebhookSecretArn !== undefined ? [config.slackWebhookSecretArn] : [];
      case 'securityhub-product':
        // Security Hub's default product for the account's own findings (one product, no wildcard).
        return config.securityHub === true
          ? [`arn:${partition}:securityhub:${this.region}:${account}:product/${account}/default`]
          : [];
      case 'securityhub-hub':
        return config.securityHub === true
          ? [`arn:${partition}:securityhub:${this.region}:${account}:hub/default`]
          : [];
      case 'central-alert-topic':
        return config.centralAlertTopicArn !== undefined ? [config.centralAlertTopicArn] : [];
      case 'central-alert-key':
        return config.centralAlertKeyArn !== undefined ? [config.centralAlertKeyArn] : [];
      case 'chatbot-topic':
        return this.chatbotTopic !== undefined ? [this.chatbotTopic.topicArn] : [];
      case 'slack-webhook-parameter':
        // Parameter ARNs drop the name's leading slash: arn:…:parameter/lambda-role-audit/slack-webhook.
        return config.slackWebhookParameterName !== undefined
          ? [
              `arn:${partition}:ssm:${this.region}:${account}:parameter/${config.slackWebhookParameterName.replace(/^\//, '')}`,
            ]
          : [];
    }
  }

  /**
   * The bus that receives what other regions forward (IAM events from us-east-1, Lambda events from the
   * extra regions). A bus of our own rather than the default bus: its policy admits only our forwarding
   * rules, and the account's default bus is left alone.
   */
  private forwardedEventBus(
    stackName: string,
    sources: readonly ForwardingSource[],
    queueTarget: events.IRuleTarget,
  ): events.EventBus {
    const bus = new events.EventBus(this, 'ForwardedEventBus', { eventBusName: forwardedBusName(stackName) });
    const ruleArns = sources.flatMap((s) =>
      s.events.map((kind) =>
        defaultBusRuleArn(this.partition, s.region, this.account, forwardingRuleName(stackName, kind)),
      ),
    );
    // The bus's own Policy property rather than EventBusPolicy resources: one document, set with the bus.
    // The bus ARN from its name: a GetAtt on the bus inside its own Policy would be a circular reference.
    const busArn = eventBusArn(this.partition, this.region, this.account, forwardedBusName(stackName));
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AdmitForwardingRules',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
        new iam.PolicyStatement({
          sid: 'RejectEverythingElse',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [busArn],
          // A direct PutEvents carries no aws:SourceArn: the negated operator is then true and the deny holds.
          conditions: { ArnNotEquals: { 'aws:SourceArn': ruleArns } },
        }),
      ],
    });
    const cfnBus = bus.node.defaultChild;
    if (!(cfnBus instanceof events.CfnEventBus)) throw new Error('EventBus without its CfnEventBus');
    cfnBus.policy = policy;
    const kinds = new Set(sources.flatMap((s) => s.events));
    if (kinds.has('iam')) {
      const forwardedIam = new events.Rule(this, 'ForwardedIamChangeRule', {
        description: 'lambda-role-audit: IAM changes forwarded from us-east-1',
        eventBus: bus,
        eventPattern: toCdkEventPattern(iamChangeEventPattern),
        targets: [queueTarget],
      });
      this.changeRules.push(forwardedIam);
    }
    if (kinds.has('lambda')) {
      const forwardedLambda = new events.Rule(this, 'ForwardedLambdaChangeRule', {
        description: 'lambda-role-audit: Lambda changes forwarded from the other audited regions',
        eventBus: bus,
        eventPattern: toCdkEventPattern(lambdaChangeEventPattern),
        targets: [queueTarget],
      });
      this.changeRules.push(forwardedLambda);
    }
    return bus;
  }

  /**
   * The change queue takes messages from the stack's rules and from nobody else: EventBridge may send for
   * those rules (`aws:SourceArn`), and a deny covers every sender whose `aws:SourceArn` is not one of them.
   * A direct SendMessage carries no aws:SourceArn, so the negated operator is true and the deny holds for
   * it too, whatever an identity policy in the account allows.
   */
  private admitOnlyTheRules(): void {
    const rules = this.changeRules;
    if (rules.length === 0) throw new Error('no rule targets the change queue');
    const ruleArns = rules.map((rule) => rule.ruleArn);
    this.changeQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TheStackRulesSend',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.changeQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      }),
    );
    this.changeQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheStackRulesSend',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.changeQueue.queueArn],
        conditions: { ArnNotEquals: { 'aws:SourceArn': ruleArns } },
      }),
    );
  }

  /** cdk-nag findings that are accepted on purpose, each with its reason (the functions' own are theirs). */
  private acknowledgeChecks(): void {
    // The role that aws-scheduler-targets creates for the schedule (it has no public handle on it).
    const role = this.node
      .findAll()
      .find((c): c is iam.Role => c instanceof iam.Role && c.node.id.startsWith('SchedulerRoleForTarget'));
    if (role !== undefined) {
      acknowledge(
        role,
        [iam5ResourceFinding(this, `${this.sweep.function.functionArn}:*`)],
        'CDK grants the Scheduler role lambda:InvokeFunction on the sweep function and its qualified ARNs (versions, aliases): one function, nothing else.',
      );
    }
  }
}

/** Pins the CloudFormation logical id of an L2 construct's main resource. */
function fixLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to pin to ${logicalId}`);
  }
  resource.overrideLogicalId(logicalId);
}

/**
 * The change queue as the target of the stack's rules. CDK's `SqsQueue` target would also grant, for a
 * queue with a KMS key, `sqs:SendMessage` and the key's use to EventBridge for any rule of any account,
 * without a condition; this one grants nothing, and the stack writes narrower grants itself (the queue
 * admits only its rules, the key admits EventBridge for this account only). The dead-letter queue's
 * policy is CDK's: each rule by its ARN.
 */
class ChangeQueueTarget implements events.IRuleTarget {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly props: eventsTargets.SqsQueueProps & { readonly deadLetterQueue: sqs.IQueue },
  ) {}

  bind(rule: events.IRuleRef): events.RuleTargetConfig {
    eventsTargets.addToDeadLetterQueueResourcePolicy(rule, this.props.deadLetterQueue);
    return {
      ...eventsTargets.bindBaseTargetConfig(this.props),
      arn: this.queue.queueArn,
      targetResource: this.queue,
    };
  }
}
