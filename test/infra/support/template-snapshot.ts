/**
 * Turns a synthesized CloudFormation template into the AccountSnapshot the audit engine reads, as if the
 * stack were deployed into account 123456789012: each intrinsic (Ref, Fn::GetAtt, Fn::Join, Fn::Sub) is
 * resolved to the name or ARN CloudFormation would give, with the logical id standing in for the
 * generated physical name. An intrinsic it does not know fails the conversion, never silently.
 */

import type {
  AccountSnapshot,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
  InlinePolicy,
  Role,
} from '../../../shared/domain/model.js';
import { parsePolicyDocument } from '../../../shared/domain/policy/parse.js';

export const FAKE_ACCOUNT = '123456789012';

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export function snapshotFromTemplate(template: CfnTemplate, region: string): AccountSnapshot {
  const resources = template.Resources;
  const partition = 'aws';
  const account = FAKE_ACCOUNT;

  const typeOf = (logicalId: string): string => {
    const resource = resources[logicalId];
    if (resource === undefined) throw new Error(`Reference to unknown resource ${logicalId}`);
    return resource.Type;
  };
  /** The physical name CloudFormation would generate, stood in for by the logical id. */
  const nameOf = (logicalId: string): string => logicalId;

  const ref = (target: string): string => {
    switch (target) {
      case 'AWS::Partition':
        return partition;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Region':
        return region;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'LambdaRoleAudit';
    }
    const type = typeOf(target);
    switch (type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${nameOf(target)}`;
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${nameOf(target)}`;
      case 'AWS::Lambda::Function':
      case 'AWS::IAM::Role':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Logs::LogGroup':
      case 'AWS::KMS::Key':
      case 'AWS::Events::EventBus':
        return nameOf(target);
      default:
        throw new Error(`No Ref value known for ${type} (${target})`);
    }
  };

  const getAtt = (target: string, attribute: string): string => {
    const type = typeOf(target);
    const name = nameOf(target);
    const key = `${type}.${attribute}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      case 'AWS::SNS::Topic.TopicArn':
        return `arn:${partition}:sns:${region}:${account}:${name}`;
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      // CloudFormation documents the log group's Arn attribute with the trailing `:*`.
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::KMS::Key.Arn':
        return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::Events::EventBus.Arn':
        return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
      default:
        throw new Error(`No Fn::GetAtt value known for ${key} (${target})`);
    }
  };

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      const [fn, args] = first;
      if (fn === 'Ref' && typeof args === 'string') return ref(args);
      if (fn === 'Fn::GetAtt') {
        const [target, attribute] = Array.isArray(args) ? args : String(args).split('.');
        return getAtt(String(target), String(attribute));
      }
      if (fn === 'Fn::Join' && Array.isArray(args)) {
        const [delimiter, items] = args as [string, unknown[]];
        return items.map((item) => String(resolve(item))).join(delimiter);
      }
      if (fn === 'Fn::Sub' && typeof args === 'string') {
        return args.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const [target, attribute] = name.split('.');
          return attribute === undefined ? ref(String(target)) : getAtt(String(target), attribute);
        });
      }
      throw new Error(`Intrinsic ${fn} is not resolved by the test converter`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  const str = (value: unknown): string => {
    const resolved = resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  };

  const ofType = (type: string) =>
    Object.entries(resources).filter(([, r]) => r.Type === type) as [string, CfnResource][];

  const functionArnOf = (nameOrArn: string): string =>
    nameOrArn.startsWith('arn:')
      ? nameOrArn
      : `arn:${partition}:lambda:${region}:${account}:function:${nameOrArn}`;

  const functions: FunctionConfiguration[] = ofType('AWS::Lambda::Function').map(([id, r]) => {
    const p = r.Properties ?? {};
    const logging = resolve(p.LoggingConfig) as { LogGroup?: string; LogFormat?: string } | undefined;
    const deadLetter = resolve(p.DeadLetterConfig) as { TargetArn?: string } | undefined;
    const tracing = p.TracingConfig as { Mode?: string } | undefined;
    return {
      FunctionName: nameOf(id),
      FunctionArn: getAtt(id, 'Arn'),
      Role: str(p.Role),
      ...(typeof p.Runtime === 'string' ? { Runtime: p.Runtime } : {}),
      ...(logging !== undefined ? { LoggingConfig: logging } : {}),
      ...(deadLetter !== undefined ? { DeadLetterConfig: deadLetter } : {}),
      ...(tracing !== undefined ? { TracingConfig: tracing } : {}),
      ...(p.KmsKeyArn !== undefined ? { KMSKeyArn: str(p.KmsKeyArn) } : {}),
      ...(p.VpcConfig !== undefined
        ? { VpcConfig: resolve(p.VpcConfig) as FunctionConfiguration['VpcConfig'] }
        : {}),
    };
  });

  const eventSourceMappings: EventSourceMapping[] = ofType('AWS::Lambda::EventSourceMapping').map(
    ([id, r]) => {
      const p = r.Properties ?? {};
      const destination = resolve(p.DestinationConfig) as EventSourceMapping['DestinationConfig'] | undefined;
      return {
        UUID: id,
        FunctionArn: functionArnOf(str(p.FunctionName)),
        ...(p.EventSourceArn !== undefined ? { EventSourceArn: str(p.EventSourceArn) } : {}),
        State: p.Enabled === false ? 'Disabled' : 'Enabled',
        ...(destination !== undefined ? { DestinationConfig: destination } : {}),
      };
    },
  );

  const eventInvokeConfigs: EventInvokeConfig[] = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => {
    const p = r.Properties ?? {};
    const destination = resolve(p.DestinationConfig) as EventInvokeConfig['DestinationConfig'] | undefined;
    return {
      FunctionArn: functionArnOf(str(p.FunctionName)),
      ...(destination !== undefined ? { DestinationConfig: destination } : {}),
    };
  });

  const separatePolicies = ofType('AWS::IAM::Policy').map(([, r]) => r.Properties ?? {});
  const roles = new Map<string, Role>();
  for (const [id, r] of ofType('AWS::IAM::Role')) {
    const p = r.Properties ?? {};
    const inline = (p.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? [];
    const attachedHere = separatePolicies.filter((policy) =>
      ((policy.Roles as unknown[] | undefined) ?? []).some((role) => resolve(role) === nameOf(id)),
    );
    const rolePolicyList: InlinePolicy[] = [
      ...inline.map((policy) => ({
        PolicyName: policy.PolicyName,
        PolicyDocument: parsePolicyDocument(resolve(policy.PolicyDocument)),
      })),
      ...attachedHere.map((policy) => ({
        PolicyName: str(policy.PolicyName),
        PolicyDocument: parsePolicyDocument(resolve(policy.PolicyDocument)),
      })),
    ];
    const managed = ((p.ManagedPolicyArns as unknown[] | undefined) ?? []).map((arn) => ({
      PolicyArn: str(arn),
    }));
    const arn = getAtt(id, 'Arn');
    roles.set(arn, {
      RoleName: nameOf(id),
      Arn: arn,
      AssumeRolePolicyDocument: parsePolicyDocument(resolve(p.AssumeRolePolicyDocument)),
      RolePolicyList: rolePolicyList,
      AttachedManagedPolicies: managed,
    });
  }

  return {
    source: { kind: 'export', account, region, path: 'synthesized CloudFormation template' },
    functions,
    eventSourceMappings,
    eventInvokeConfigs,
    roles,
    managedPolicies: new Map(),
    readErrors: [],
  };
}
