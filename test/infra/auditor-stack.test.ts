/**
 * The home stack as CloudFormation sees it: what is deployed, wired to what, with which permissions.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STATEFUL_LOGICAL_IDS } from '../../infra/auditor-stack.js';
import { AUDITOR_PERMISSIONS, permissionsOf } from '../../shared/auditor-permissions.js';
import { DEFAULT_TAG_SUPPRESSION } from '../../shared/domain/suppressions.js';
import { iamChangeEventPattern, lambdaChangeEventPattern } from '../../shared/events/patterns.js';
import { buildApp, homeTemplate } from './support/synth.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }>;

function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function onlyResource(template: Template, type: string) {
  const found = Object.entries(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  const [entry] = found;
  if (entry === undefined) throw new Error(`no ${type}`);
  return { logicalId: entry[0], properties: entry[1].Properties ?? {} };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The inline statements of the execution role of the function whose logical id starts with `prefix`. */
function roleStatements(template: Template, prefix: string): Statement[] {
  const functions = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(prefix),
  );
  expect(functions).toHaveLength(1);
  const roleRef = functions[0]?.[1].Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  const role = roleRef?.['Fn::GetAtt'][0] ?? '';
  const roleResource = resourcesOf(template, 'AWS::IAM::Role')[role];
  const policies = (roleResource?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('the auditor stack', () => {
  const template = homeTemplate();

  it('deploys the rules with the very patterns shared/events exports', () => {
    const patternsByBus = (t: Template) =>
      Object.values(resourcesOf(t, 'AWS::Events::Rule')).map((r) => [
        r.Properties?.EventBusName === undefined ? 'default' : 'forwarded',
        r.Properties?.EventPattern,
      ]);
    // Home elsewhere than us-east-1: Lambda events on the default bus, IAM events arrive forwarded.
    expect(patternsByBus(template)).toEqual([
      ['default', lambdaChangeEventPattern],
      ['forwarded', iamChangeEventPattern],
    ]);
    // Home in us-east-1: both on the default bus, nothing forwarded.
    expect(patternsByBus(homeTemplate({ region: 'us-east-1' }))).toEqual([
      ['default', lambdaChangeEventPattern],
      ['default', iamChangeEventPattern],
    ]);
    expect(patternsByBus(homeTemplate({ extraRegions: ['us-west-2'] }))).toEqual([
      ['default', lambdaChangeEventPattern],
      ['forwarded', iamChangeEventPattern],
      ['forwarded', lambdaChangeEventPattern],
    ]);
  });

  it('sends matched events to the buffering queue, with the dead-letter queue for failed deliveries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.queue, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.deadLetterQueue, 'Arn'] } },
        }),
      ],
    });
  });

  it('keeps fixed logical ids for its stateful resources', () => {
    const expected: [string, string][] = [
      [STATEFUL_LOGICAL_IDS.table, 'AWS::DynamoDB::Table'],
      [STATEFUL_LOGICAL_IDS.queue, 'AWS::SQS::Queue'],
      [STATEFUL_LOGICAL_IDS.deadLetterQueue, 'AWS::SQS::Queue'],
      [STATEFUL_LOGICAL_IDS.failedInvocationQueue, 'AWS::SQS::Queue'],
      [STATEFUL_LOGICAL_IDS.topic, 'AWS::SNS::Topic'],
      [STATEFUL_LOGICAL_IDS.key, 'AWS::KMS::Key'],
    ];
    const resources = template.toJSON().Resources as Resources;
    for (const [logicalId, type] of expected) expect(resources[logicalId]?.Type).toBe(type);
    expect(STATEFUL_LOGICAL_IDS).toEqual({
      table: 'FindingsStateTable',
      queue: 'ChangeEventQueue',
      deadLetterQueue: 'ChangeEventDeadLetterQueue',
      failedInvocationQueue: 'FailedInvocationDeadLetterQueue',
      topic: 'AlertTopic',
      key: 'AlertTopicKey',
    });
  });

  it('buffers change events in a queue encrypted with the stack key that redrives to its dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.key, 'Arn'] },
      VisibilityTimeout: 390,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.deadLetterQueue, 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });

  it('feeds the change handler from the queue in batches, reporting failures per message', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    const [mapping] = mappings
      .filter((m) => JSON.stringify(m.Properties?.FunctionName).includes('ChangeHandlerFunction'))
      .map((m) => ({ properties: m.Properties ?? {} }));
    if (!mapping) throw new Error('no change handler mapping');
    expect(mapping.properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumBatchingWindowInSeconds: 30,
      BatchSize: 100,
    });
    expect(mapping.properties.FunctionName).toEqual({ Ref: expect.stringMatching(/^ChangeHandlerFunction/) });
  });

  it('feeds the worker one chunk at a time from the work queue, two invocations at most', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties?.FunctionName).includes('WorkerFunction'),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^WorkQueue/), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const [workQueue] = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).filter(([id]) =>
      /^WorkQueue/.test(id),
    );
    expect(workQueue?.[1].Properties).toMatchObject({
      VisibilityTimeout: 5400,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    const worker = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('WorkerFunction'),
    );
    expect(worker?.[1].Properties).toMatchObject({ Timeout: 900 });
  });

  it('gives every auditing function one shared Lambda pace: the budget and the most invocations sharing it', () => {
    const paced = (t: Template) =>
      Object.entries(resourcesOf(t, 'AWS::Lambda::Function'))
        .filter(([, fn]) => JSON.stringify(fn.Properties?.Environment).includes('LAMBDA_PACE_INVOCATIONS'))
        .map(([id, fn]) => [
          id.replace(/Function[0-9A-F]{8}$/, ''),
          (fn.Properties?.Environment as { Variables: Record<string, string> } | undefined)?.Variables ?? {},
        ]);
    // Two change handler batches, the sweep, two workers: the invocations that can read Lambda at once.
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.map((m) => m.Properties?.ScalingConfig)).toEqual([
      { MaximumConcurrency: 2 },
      { MaximumConcurrency: 2 },
    ]);
    expect(Object.fromEntries(paced(template))).toEqual({
      ChangeHandler: expect.objectContaining({
        LAMBDA_REQUESTS_PER_SECOND: '10',
        LAMBDA_PACE_INVOCATIONS: '5',
      }),
      Sweep: expect.objectContaining({ LAMBDA_REQUESTS_PER_SECOND: '10', LAMBDA_PACE_INVOCATIONS: '5' }),
      Worker: expect.objectContaining({ LAMBDA_REQUESTS_PER_SECOND: '10', LAMBDA_PACE_INVOCATIONS: '5' }),
    });
    const configured = paced(homeTemplate({ lambdaRequestsPerSecond: 6 }));
    expect(
      configured.map(([, variables]) => (variables as Record<string, string>).LAMBDA_REQUESTS_PER_SECOND),
    ).toEqual(['6', '6', '6']);
  });

  it('keeps the inventory in the state table, with its role index and the runs’ time to live', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'InventoryByRole',
          KeySchema: [{ AttributeName: 'inventoryRole', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('runs each handler from its bundle on Node.js 22, arm64, with the environment the handlers read', () => {
    const functions = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions.map(([id]) => id.replace(/Function[0-9A-F]{8}$/, '')).sort()).toEqual([
      'ChangeHandler',
      'Sweep',
      'Worker',
    ]);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Code: { S3Bucket: expect.anything(), S3Key: expect.stringMatching(/\.zip$/) },
        Environment: {
          Variables: {
            STATE_TABLE_NAME: { Ref: STATEFUL_LOGICAL_IDS.table },
            ALERT_TOPIC_ARN: { Ref: STATEFUL_LOGICAL_IDS.topic },
            ALERT_MIN_SEVERITY: 'low',
            SUPPRESSIONS: '[]',
            TAG_SUPPRESS_MAX_SEVERITY: 'medium',
            TAG_SUPPRESS_RULES: DEFAULT_TAG_SUPPRESSION.rules.join(','),
            ACCOUNT_ID: { Ref: 'AWS::AccountId' },
            AUDIT_REGIONS: 'eu-west-1',
            WORK_QUEUE_URL: { Ref: expect.stringMatching(/^WorkQueue/) },
            POWERTOOLS_SERVICE_NAME: 'lambda-role-audit',
          },
        },
      });
    }
  });

  it('gives each function its own log group with a retention', () => {
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(Object.keys(logGroups)).toHaveLength(3);
    for (const group of Object.values(logGroups)) expect(group.Properties?.RetentionInDays).toBe(30);
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const logging = fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } } | undefined;
      const logGroup = logging?.LogGroup.Ref;
      expect(Object.keys(logGroups)).toContain(logGroup);
    }
  });

  it('builds the execution roles from the permission list, and from nothing else', () => {
    for (const [prefix, name] of [
      ['ChangeHandler', 'change-handler'],
      ['Sweep', 'sweep'],
      ['Worker', 'worker'],
    ] as const) {
      const statements = roleStatements(template, `${prefix}Function`);
      // Security Hub and the central topic stand for nothing in a default deployment (tested below).
      const optional = new Set([
        'securityhub-product',
        'securityhub-hub',
        'central-alert-topic',
        'central-alert-key',
      ]);
      expect(statements.map((s) => s.Sid)).toEqual(
        permissionsOf(name)
          .filter((p) => !optional.has(p.resource))
          .map((p) => p.sid),
      );
      for (const statement of statements) {
        const declared = AUDITOR_PERMISSIONS.find((p) => p.sid === statement.Sid);
        expect(actionsOf(statement)).toEqual(declared?.actions);
        expect(statement.Effect).toBe('Allow');
      }
    }
    // No separate policies and no managed policies: the inline list is all a role holds.
    const functionRoles = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).filter(([id]) =>
      /^(ChangeHandler|Sweep)ExecutionRole/.test(id),
    );
    expect(functionRoles).toHaveLength(2);
    for (const [, role] of functionRoles) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    // The only separate policy is the one CDK gives the Scheduler role (lambda:InvokeFunction on the sweep).
    expect(Object.keys(resourcesOf(template, 'AWS::IAM::Policy'))).toEqual([
      expect.stringMatching(/^SchedulerRoleForTarget.*DefaultPolicy/),
    ]);
  });

  it('grants no wildcard action, and "*" resources only to actions without a resource type', () => {
    const anyResourceActions = AUDITOR_PERMISSIONS.filter((p) => p.resource === 'any').flatMap(
      (p) => p.actions,
    );
    for (const prefix of ['ChangeHandlerFunction', 'SweepFunction']) {
      for (const statement of roleStatements(template, prefix)) {
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/\*/);
        if (statement.Resource === '*') {
          for (const action of actionsOf(statement)) expect(anyResourceActions).toContain(action);
        }
      }
    }
    expect(anyResourceActions.sort()).toEqual([
      'iam:GetAccountAuthorizationDetails',
      'lambda:ListEventSourceMappings',
      'lambda:ListFunctions',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('scopes the queue, table, topic and key statements to the stack own resources', () => {
    const statements = roleStatements(template, 'ChangeHandlerFunction');
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid)?.Resource;
    expect(bySid('PollChangeQueue')).toEqual({ 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.queue, 'Arn'] });
    expect(bySid('ReadWriteFindingsState')).toEqual({ 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.table, 'Arn'] });
    expect(bySid('PublishAlerts')).toEqual({ Ref: STATEFUL_LOGICAL_IDS.topic });
    expect(bySid('UseStackKey')).toEqual({ 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.key, 'Arn'] });
    expect(bySid('WriteOwnLogs')).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ChangeHandlerLogGroup/), 'Arn'],
    });
    expect(statements.map((s) => s.Sid)).not.toContain('SendFailedInvocations');
    expect(roleStatements(template, 'SweepFunction').map((s) => s.Sid)).not.toContain('PollChangeQueue');
  });

  it('sends findings to Security Hub only when asked: import on the default product, read on the hub', () => {
    const sids = (t: Template, prefix: string) => roleStatements(t, prefix).map((s) => s.Sid);
    expect(sids(template, 'ChangeHandlerFunction')).not.toContain('ImportSecurityHubFindings');
    expect(sids(template, 'SweepFunction')).not.toContain('ReadSecurityHubFindings');
    const withHub = homeTemplate({ securityHub: true });
    const change = roleStatements(withHub, 'ChangeHandlerFunction');
    const sweep = roleStatements(withHub, 'SweepFunction');
    const resource = (statements: Statement[], sid: string) =>
      JSON.stringify(statements.find((s) => s.Sid === sid)?.Resource);
    expect(change.find((s) => s.Sid === 'ImportSecurityHubFindings')?.Action).toBe(
      'securityhub:BatchImportFindings',
    );
    expect(resource(change, 'ImportSecurityHubFindings')).toMatch(
      /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":securityhub:eu-west-1:",\{"Ref":"AWS::AccountId"\},":product\/",\{"Ref":"AWS::AccountId"\},"\/default"\]\]\}$/,
    );
    expect(change.map((s) => s.Sid)).not.toContain('ReadSecurityHubFindings');
    expect(sweep.find((s) => s.Sid === 'ReadSecurityHubFindings')?.Action).toBe('securityhub:GetFindings');
    expect(resource(sweep, 'ReadSecurityHubFindings')).toMatch(
      /:securityhub:eu-west-1:.*:hub\/default"\]\]\}$/,
    );
    expect(
      JSON.stringify([...change, ...sweep].flatMap(actionsOf).filter((a) => a.startsWith('securityhub:'))),
    ).toBe(
      JSON.stringify([
        'securityhub:BatchImportFindings',
        'securityhub:BatchImportFindings',
        'securityhub:GetFindings',
      ]),
    );
    const fn = Object.entries(resourcesOf(withHub, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('SweepFunction'),
    );
    expect(JSON.stringify(fn?.[1].Properties?.Environment)).toContain('"SECURITY_HUB":"true"');
  });

  it('reads Lambda in every audited region, and only there', () => {
    const statements = roleStatements(homeTemplate({ extraRegions: ['us-west-2'] }), 'SweepFunction');
    const functionsStatement = statements.find((s) => s.Sid === 'ReadFunctions');
    expect(JSON.stringify(functionsStatement?.Resource)).toMatch(/:lambda:eu-west-1:.*:lambda:us-west-2:/);
    expect(JSON.stringify(functionsStatement?.Resource).match(/:lambda:/g)).toHaveLength(2);
  });

  it('encrypts the alert topic with its own key and lets only the auditor and CloudWatch publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.key, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy').properties.PolicyDocument as {
      Statement: (Statement & { Principal: unknown })[];
    };
    const sids = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(sids.AllowPublishThroughSSLOnly).toMatchObject({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(sids.CloudWatchAlarmsPublish).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
    });
    const roles = [
      { 'Fn::GetAtt': [expect.stringMatching(/^ChangeHandlerExecutionRole/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^SweepExecutionRole/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^WorkerExecutionRole/), 'Arn'] },
    ];
    expect(sids.AuditorPublishes).toMatchObject({ Effect: 'Allow', Principal: { AWS: roles } });
    expect(sids.OnlyTheAuditorPublishes).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Publish',
      Condition: {
        StringNotEqualsIfExists: {
          'aws:PrincipalArn': roles,
          'aws:PrincipalServiceName': 'cloudwatch.amazonaws.com',
        },
      },
    });
  });

  it('lets the services that write to the topic and queues use the stack key, for this account only', () => {
    const key = onlyResource(template, 'AWS::KMS::Key').properties.KeyPolicy as {
      Statement: (Statement & { Principal: unknown })[];
    };
    const thisAccount = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    expect(key.Statement).toEqual([
      expect.objectContaining({ Action: 'kms:*', Effect: 'Allow' }),
      expect.objectContaining({
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: thisAccount,
      }),
      expect.objectContaining({
        Sid: 'AllowSnsDeadLetterDelivery',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: thisAccount,
      }),
      expect.objectContaining({
        Sid: 'AllowEventBridgeToQueue',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: thisAccount,
      }),
    ]);
    // Every statement for a service is bound to this account: no other account's rule or topic may use it.
    for (const statement of key.Statement.slice(1)) expect(statement.Condition).toEqual(thisAccount);
  });

  it('encrypts every queue with the stack key: they hold policy documents', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(
      Object.keys(queues)
        .map((id) => id.replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(
      [
        STATEFUL_LOGICAL_IDS.queue,
        STATEFUL_LOGICAL_IDS.deadLetterQueue,
        STATEFUL_LOGICAL_IDS.failedInvocationQueue,
        'WorkQueue',
        'WorkDeadLetterQueue',
      ].sort(),
    );
    for (const queue of Object.values(queues)) {
      expect(queue.Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.key, 'Arn'] });
      expect(queue.Properties?.SqsManagedSseEnabled).toBeUndefined();
    }
  });

  it.each([
    ['a home elsewhere than us-east-1, with an extra region', { extraRegions: ['us-west-2'] }, 3],
    ['a home in us-east-1', { region: 'us-east-1' }, 2],
  ])('admits messages into the change queue from the stack rules only (%s)', (_, overrides, ruleCount) => {
    const t = homeTemplate(overrides);
    const rules = Object.entries(resourcesOf(t, 'AWS::Events::Rule')).filter(([, rule]) =>
      JSON.stringify(rule.Properties?.Targets).includes(`"${STATEFUL_LOGICAL_IDS.queue}"`),
    );
    expect(rules).toHaveLength(ruleCount);
    const ruleArns = rules.map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    const policies = Object.values(resourcesOf(t, 'AWS::SQS::QueuePolicy')).filter(
      (p) => JSON.stringify(p.Properties?.Queues) === JSON.stringify([{ Ref: STATEFUL_LOGICAL_IDS.queue }]),
    );
    expect(policies).toHaveLength(1);
    const document = policies[0]?.Properties?.PolicyDocument as
      | { Statement: (Statement & { Principal: unknown })[] }
      | undefined;
    const statements = document?.Statement ?? [];
    const queueArn = { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.queue, 'Arn'] };
    expect(
      statements.filter((st) => actionsOf(st).some((a) => a === 'sqs:SendMessage' || a === 'sqs:*')),
    ).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      {
        Sid: 'TheStackRulesSend',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      },
      {
        Sid: 'OnlyTheStackRulesSend',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnNotEquals: { 'aws:SourceArn': ruleArns } },
      },
    ]);
    // Nothing else in the queue policy allows anything.
    expect(statements.filter((st) => st.Effect === 'Allow').map((st) => st.Sid)).toEqual([
      'TheStackRulesSend',
    ]);
  });

  it('gives each handler its own role: the change handler cannot Scan, the sweep cannot read roles one by one', () => {
    const actions = (prefix: string) => roleStatements(template, prefix).flatMap(actionsOf);
    const change = actions('ChangeHandlerFunction');
    const sweep = actions('SweepFunction');
    expect(change).not.toContain('dynamodb:Scan');
    expect(change).not.toContain('iam:GetAccountAuthorizationDetails');
    expect(change).toEqual(
      expect.arrayContaining(['dynamodb:BatchGetItem', 'iam:GetRole', 'iam:ListEntitiesForPolicy']),
    );
    expect(sweep).toEqual(expect.arrayContaining(['dynamodb:Scan', 'iam:GetAccountAuthorizationDetails']));
    for (const action of [
      'iam:GetRole',
      'iam:ListEntitiesForPolicy',
      'lambda:GetEventSourceMapping',
      'dynamodb:BatchGetItem',
    ])
      expect(sweep).not.toContain(action);
    const roles = Object.keys(resourcesOf(template, 'AWS::IAM::Role')).filter((id) =>
      /^(ChangeHandler|Sweep)ExecutionRole/.test(id),
    );
    expect(new Set(roles).size).toBe(2);
  });

  it('subscribes each alert email, with a dead-letter queue for undeliverable alerts', () => {
    const t = homeTemplate({ alertEmails: ['a@example.com', 'b@example.com'] });
    const subscriptions = Object.values(resourcesOf(t, 'AWS::SNS::Subscription'));
    expect(subscriptions.map((s) => [s.Properties?.Protocol, s.Properties?.Endpoint])).toEqual([
      ['email', 'a@example.com'],
      ['email', 'b@example.com'],
    ]);
    for (const s of subscriptions) {
      expect(s.Properties?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.failedInvocationQueue, 'Arn'] },
      });
    }
  });

  it('adds the Slack notifier only when a webhook is configured, subscribed to the topic', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^SlackNotifier/)]),
    );
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf';
    const t = homeTemplate({ slackWebhookSecretArn: secret });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SlackNotifierFunction'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { SLACK_WEBHOOK_SECRET_ARN: secret, POWERTOOLS_SERVICE_NAME: 'lambda-role-audit' },
      },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.failedInvocationQueue, 'Arn'] } },
    });
    expect(
      roleStatements(t, 'SlackNotifierFunction').find((s) => s.Sid === 'ReadSlackWebhook')?.Resource,
    ).toBe(secret);
    const viaSsm = homeTemplate({ slackWebhookParameterName: '/lambda-role-audit/slack' });
    const ssm = roleStatements(viaSsm, 'SlackNotifierFunction');
    expect(ssm.map((s) => s.Sid)).not.toContain('ReadSlackWebhook');
    expect(JSON.stringify(ssm.find((s) => s.Sid === 'ReadSlackWebhookParameter')?.Resource)).toContain(
      ':parameter/lambda-role-audit/slack',
    );
  });

  it('passes the webhook hosts the deployment allows besides hooks.slack.com, and only then', () => {
    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-AbCdEf';
    homeTemplate({
      slackWebhookSecretArn: secret,
      slackWebhookAllowedHosts: ['hooks.example.org'],
    }).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLACK_WEBHOOK_ALLOWED_HOSTS: 'hooks.example.org' }) },
    });
    const plain = homeTemplate({ slackWebhookSecretArn: secret });
    expect(JSON.stringify(plain.toJSON())).not.toContain('SLACK_WEBHOOK_ALLOWED_HOSTS');
  });

  it('sets the big-change threshold of the change handler and the worker when the deployment gives one', () => {
    const t = homeTemplate({ bigChangeThreshold: 25 });
    const withThreshold = Object.entries(resourcesOf(t, 'AWS::Lambda::Function'))
      .filter(([, fn]) => JSON.stringify(fn.Properties?.Environment).includes('"BIG_CHANGE_THRESHOLD":"25"'))
      .map(([id]) => id.replace(/Function[0-9A-F]{8}$/, ''))
      .sort();
    expect(withThreshold).toEqual(['ChangeHandler', 'Worker']);
    expect(JSON.stringify(template.toJSON())).not.toContain('BIG_CHANGE_THRESHOLD');
  });

  it('creates the AWS Chatbot topic and its notifier only when asked, and lets nobody else publish on it', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^ChatbotNotifier/)]),
    );
    const t = homeTemplate({ chatbotTopic: true });
    const topics = resourcesOf(t, 'AWS::SNS::Topic');
    const chatbot = Object.entries(topics).find(([id]) => id.startsWith('ChatbotTopic'));
    expect(chatbot?.[1].Properties?.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.key, 'Arn'],
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: STATEFUL_LOGICAL_IDS.topic },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChatbotNotifierFunction'), 'Arn'] },
    });
    const statements = roleStatements(t, 'ChatbotNotifierFunction');
    expect(statements.find((s) => s.Sid === 'PublishChatbotNotifications')?.Resource).toEqual({
      Ref: chatbot?.[0],
    });
    expect(statements.map((s) => s.Sid)).not.toContain('PublishAlerts');
    const policy = Object.values(resourcesOf(t, 'AWS::SNS::TopicPolicy')).find((p) =>
      JSON.stringify(p.Properties?.Topics).includes(chatbot?.[0] ?? '?'),
    );
    expect(JSON.stringify(policy?.Properties?.PolicyDocument)).toContain('OnlyTheNotifierPublishes');
    t.hasOutput('ChatbotTopicArn', { Value: { Ref: chatbot?.[0] } });
  });

  it('runs the sweep on an EventBridge Scheduler schedule, daily unless told otherwise', () => {
    const schedule = onlyResource(template, 'AWS::Scheduler::Schedule').properties;
    expect(schedule.ScheduleExpression).toBe('rate(1 day)');
    expect(schedule.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SweepFunction/), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [STATEFUL_LOGICAL_IDS.failedInvocationQueue, 'Arn'] } },
    });
    homeTemplate({ schedule: 'cron(0 6 * * ? *)' }).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
    });
  });

  it('alarms on every dead-letter queue and on every function error, notifying the alert topic', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms.map((a) => a.Properties?.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
      'Errors',
    ]);
    for (const alarm of alarms)
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: STATEFUL_LOGICAL_IDS.topic }]);
  });

  it('passes the deploy-time settings to the handlers', () => {
    const t = homeTemplate({
      minSeverity: 'high',
      extraRegions: ['us-west-2'],
      suppressions: [{ rule: 'overbroad-resource', function: 'legacy', reason: 'migrating' }],
      tagSuppression: { maxSeverity: 'none', rules: ['overbroad-resource'] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALERT_MIN_SEVERITY: 'high',
          TAG_SUPPRESS_MAX_SEVERITY: 'none',
          TAG_SUPPRESS_RULES: 'overbroad-resource',
          AUDIT_REGIONS: 'eu-west-1,us-west-2',
          SUPPRESSIONS: JSON.stringify([
            { rule: 'overbroad-resource', function: 'legacy', reason: 'migrating' },
          ]),
        }),
      },
    });
  });

  it('refuses suppressions too large for a Lambda environment', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      rule: 'overbroad-resource' as const,
      function: `function-${i}`,
      reason: 'a reason long enough to add up',
    }));
    expect(() => buildApp({ suppressions: many })).toThrow(/4 KB/);
  });
});
