/**
 * One of the auditor's Lambda functions with what it needs and nothing more: its own log group (with
 * retention), its own execution role built from `shared/auditor-permissions.ts`, the esbuild bundle.
 *
 * The role is handed to the function as `withoutPolicyUpdates()`, so that CDK's convenience grants
 * (tracing, dead-letter queue, event sources) cannot add statements behind the list's back: every
 * permission the role holds is one the list declares.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type AuditorFunction as AuditorFunctionName,
  type AuditorResource,
  permissionsOf,
} from '../../shared/auditor-permissions.js';
import { acknowledge, iam5ResourceFinding } from '../nag.js';

const WILDCARD_REASONS: Readonly<Record<AuditorResource, string>> = {
  any: 'The actions have no resource type, so IAM accepts only "*".',
  'iam-role': 'An auditor reads every role of the account (read-only actions).',
  'iam-policy':
    'An auditor reads every managed policy a role attaches, customer or AWS managed (read-only actions).',
  'lambda-function': 'An auditor reads every function of the audited regions (read-only actions).',
  'lambda-event-source-mapping': 'An auditor reads every mapping of the audited regions (read-only actions).',
  'sqs-queue':
    'An auditor reads the encryption key of any queue a function of the audited regions uses (read-only).',
  'kinesis-stream':
    'An auditor reads the encryption key of any stream a function of the audited regions reads (read-only).',
  'sns-topic':
    'An auditor reads the encryption key of any topic a function of the audited regions uses (read-only).',
  'secretsmanager-secret':
    'An auditor reads the key (DescribeSecret, never the value) of any secret a mapping of the audited regions uses.',
  'kms-key':
    'An auditor describes any key that encrypts a resource a function of the audited regions uses (read-only).',
  'own-log-group': 'The log group ARN covers its log streams.',
  'change-queue': '',
  'failed-invocation-queue': '',
  'state-table': '',
  'alert-topic': '',
  'stack-key': '',
  'slack-webhook-secret': '',
  'slack-webhook-parameter': '',
  'securityhub-product': '',
  'securityhub-hub': '',
  'central-alert-topic': '',
  'central-alert-key': '',
  'chatbot-topic': '',
};

/** Where each handler's code comes from: the esbuild bundle folder in the app, a stub in some tests. */
export type CodeProvider = (name: AuditorFunctionName) => lambda.Code;

/** The ARNs a symbolic resource stands for in this deployment (without the function's own log group). */
export type ResourceResolver = (resource: Exclude<AuditorResource, 'own-log-group'>) => readonly string[];

export interface AuditorFunctionProps {
  readonly name: AuditorFunctionName;
  readonly description: string;
  readonly code: CodeProvider;
  readonly resources: ResourceResolver;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  /** For asynchronously invoked functions: where an event goes after the last retry. */
  readonly deadLetterQueue?: sqs.IQueue;
  readonly logRetention?: logs.RetentionDays;
}

export class AuditorFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditorFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A resource kind that stands for nothing in this deployment (the Slack secret when the webhook is in
    // SSM, say) grants nothing.
    const permissions = permissionsOf(props.name)
      .map((p) => ({
        ...p,
        arns: p.resource === 'own-log-group' ? [this.logGroup.logGroupArn] : props.resources(p.resource),
      }))
      .filter((p) => p.arns.length > 0);
    const statements = permissions.map(
      (p) => new iam.PolicyStatement({ sid: p.sid, actions: [...p.actions], resources: [...p.arns] }),
    );
    this.role = new iam.Role(this, 'ExecutionRole', {
      description: `Execution role of the lambda-role-audit ${props.name} function`,
      // No aws:SourceAccount condition: Lambda does not document it for execution roles, and a condition on
      // a key that is absent would stop Lambda from assuming the role (aws-facts.md section 2.9).
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { AuditorPermissions: new iam.PolicyDocument({ statements }) },
    });

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code(props.name),
      role: this.role.withoutPolicyUpdates(),
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: { ...props.environment },
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.deadLetterQueue !== undefined ? { deadLetterQueue: props.deadLetterQueue } : {}),
    });

    // CDK makes the function depend on its role so that a separate DefaultPolicy exists first; here the
    // permissions are inline in the role, which the function's Role attribute already waits for
    // (cfn-lint W3005 flags the redundant DependsOn).
    const cfnFunction = this.function.node.defaultChild;
    if (cfnFunction instanceof lambda.CfnFunction) cfnFunction.addDeletionOverride('DependsOn');

    // Each wildcard resource is accepted on its own, with the reason the permission list gives for it.
    for (const p of permissions) {
      for (const arn of p.arns.filter((a) => a.includes('*'))) {
        acknowledge(
          this.role,
          [iam5ResourceFinding(this, arn)],
          `${p.sid} (${p.actions.join(', ')}): ${p.why} ${WILDCARD_REASONS[p.resource]}`,
        );
      }
    }
    acknowledge(
      this.role,
      ['Serverless-LambdaStarPermissions'],
      'The wildcard resources are each acknowledged under AwsSolutions-IAM5 with their reason; no action is a wildcard.',
    );
    acknowledge(
      this.function,
      ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'],
      'The bundles are built (esbuild target node20) and tested on Node.js 22; moving to a newer runtime is a deliberate change with its own test run.',
    );
  }
}
