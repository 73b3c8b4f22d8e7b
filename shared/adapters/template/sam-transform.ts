/**
 * The AWS SAM transform (`Transform: AWS::Serverless-2016-10-31`) for what decides an execution role:
 * `AWS::Serverless::Function` with `Globals`, its `Role` or the role SAM generates (`<Function>Role`, with
 * `AWSLambdaBasicExecutionRole`, the tracing and VPC policies, `Policies`: managed names and ARNs, inline
 * documents, policy templates), its pull `Events` (SQS, Kinesis, DynamoDB, MSK, MQ, SelfManagedKafka,
 * DocumentDB) with the policies SAM adds for each, `DeadLetterQueue`, `EventInvokeConfig`, `Tracing`,
 * `VpcConfig`, `AutoPublishAlias` and `PermissionsBoundary`. It does what the SAM translator
 * (aws-sam-translator, the reference the tests compare with) does for these, with the same logical IDs;
 * other properties and event types (API, S3, schedules…) give Lambda nothing to do with the role and are
 * not expanded. https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
 */

import { isObject, type ParsedTemplate, type TemplateObject, type TemplateValue } from './parse-template.js';
import samPolicyTemplates from './sam-policy-templates.json' with { type: 'json' };

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export interface SamSettings {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly parameters: ReadonlyMap<string, string>;
  /** The ARN path (`service-role/AWSLambdaRole`) of an AWS managed policy name, as SAM's bundled map has it. */
  readonly awsManagedPolicyPath?: (name: string) => string | undefined;
}

export interface SamResult {
  readonly template: ParsedTemplate;
  readonly warnings: readonly string[];
}

type Mutable = Record<string, TemplateValue>;

const TEMPLATES = (
  samPolicyTemplates as { Templates: Record<string, { Parameters: string[]; Definition: TemplateValue }> }
).Templates;

export function isSamTemplate(body: TemplateObject): boolean {
  const transform = body.Transform;
  return transform === SAM_TRANSFORM || (Array.isArray(transform) && transform.includes(SAM_TRANSFORM));
}

const PULL_EVENTS = new Set(['SQS', 'Kinesis', 'DynamoDB', 'MSK', 'MQ', 'SelfManagedKafka', 'DocumentDB']);

const ESM_PASSTHROUGH = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'BatchSize',
  'Enabled',
  'MaximumBatchingWindowInSeconds',
  'MaximumRetryAttempts',
  'BisectBatchOnFunctionError',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'TumblingWindowInSeconds',
  'FunctionResponseTypes',
  'FilterCriteria',
  'KmsKeyArn',
  'ScalingConfig',
  'ProvisionedPollerConfig',
  'MetricsConfig',
  'LoggingConfig',
];

/** Properties of AWS::Serverless::Function passed to AWS::Lambda::Function as they are. */
const FUNCTION_PASSTHROUGH = [
  'FunctionName',
  'Description',
  'Handler',
  'Runtime',
  'MemorySize',
  'Timeout',
  'VpcConfig',
  'Environment',
  'KmsKeyArn',
  'Layers',
  'ReservedConcurrentExecutions',
  'FileSystemConfigs',
  'LoggingConfig',
  'Architectures',
  'PackageType',
  'ImageConfig',
  'EphemeralStorage',
  'SnapStart',
  'RuntimeManagementConfig',
  'CodeSigningConfigArn',
];

function isIntrinsic(value: TemplateValue | undefined): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    (keys[0] === 'Ref' || (keys[0]?.startsWith('Fn::') ?? false) || keys[0] === 'Condition')
  );
}

function isNoValue(value: TemplateValue | undefined): boolean {
  return isObject(value) && value.Ref === 'AWS::NoValue' && Object.keys(value).length === 1;
}

/** SAM's Globals merge: maps merge key by key, lists add the local items after the global ones, the rest is local. */
function mergeGlobal(
  global: TemplateValue | undefined,
  local: TemplateValue | undefined,
): TemplateValue | undefined {
  if (local === undefined) return global;
  if (global === undefined) return local;
  if (isIntrinsic(global) || isIntrinsic(local)) return local;
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  if (isObject(global) && isObject(local)) {
    const merged: Mutable = { ...global };
    for (const [key, value] of Object.entries(local))
      merged[key] = mergeGlobal(global[key], value) as TemplateValue;
    return merged;
  }
  return local;
}

const sub = (text: string): TemplateValue => ({ 'Fn::Sub': text });
const awsManagedArn = (path: string): TemplateValue => sub(`arn:\${AWS::Partition}:iam::aws:policy/${path}`);

/** Replaces `Ref: <parameter>` of a policy template by the value given for it. */
function fillTemplate(
  definition: TemplateValue,
  values: TemplateObject,
  parameters: readonly string[],
): TemplateValue {
  if (Array.isArray(definition)) return definition.map((item) => fillTemplate(item, values, parameters));
  if (!isObject(definition)) return definition;
  const keys = Object.keys(definition);
  if (keys.length === 1 && typeof definition.Ref === 'string' && parameters.includes(definition.Ref)) {
    return values[definition.Ref] as TemplateValue;
  }
  const out: Mutable = {};
  for (const [key, value] of Object.entries(definition)) out[key] = fillTemplate(value, values, parameters);
  return out;
}

type PolicyEntry =
  | { readonly kind: 'managed'; readonly value: TemplateValue }
  | { readonly kind: 'statement'; readonly value: TemplateValue }
  | { readonly kind: 'unknown'; readonly value: TemplateValue };

function classify(policy: TemplateValue, warn: (message: string) => void, where: string): PolicyEntry {
  if (typeof policy === 'string') return { kind: 'managed', value: policy };
  if (
    isObject(policy) &&
    'Fn::If' in policy &&
    Array.isArray(policy['Fn::If']) &&
    policy['Fn::If'].length === 3
  ) {
    const [condition, then, otherwise] = policy['Fn::If'] as TemplateValue[];
    const a = isNoValue(then) ? undefined : classify(then as TemplateValue, warn, where);
    const b = isNoValue(otherwise) ? undefined : classify(otherwise as TemplateValue, warn, where);
    const kind = a?.kind ?? b?.kind ?? 'unknown';
    return {
      kind,
      value: {
        'Fn::If': [
          condition as TemplateValue,
          a?.value ?? (then as TemplateValue),
          b?.value ?? (otherwise as TemplateValue),
        ],
      },
    };
  }
  if (isIntrinsic(policy)) return { kind: 'managed', value: policy };
  if (isObject(policy) && 'Statement' in policy) return { kind: 'statement', value: policy };
  if (isObject(policy) && Object.keys(policy).length === 1) {
    const name = Object.keys(policy)[0] as string;
    const template = Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
    if (template !== undefined) {
      const values = isObject(policy[name]) ? (policy[name] as TemplateObject) : {};
      const missing = template.Parameters.filter((parameter) => !(parameter in values));
      if (missing.length > 0) warn(`${where}: the policy template ${name} lacks ${missing.join(', ')}`);
      return { kind: 'statement', value: fillTemplate(template.Definition, values, template.Parameters) };
    }
  }
  warn(
    `${where}: a Policies entry is neither a managed policy, a policy document nor a known policy template: ${JSON.stringify(policy).slice(0, 80)}`,
  );
  return { kind: 'unknown', value: policy };
}

interface Role {
  readonly managed: TemplateValue[];
  readonly policies: Mutable[];
}

function addManaged(role: Role, arn: TemplateValue): void {
  const text = JSON.stringify(arn);
  if (!role.managed.some((existing) => JSON.stringify(existing) === text)) role.managed.push(arn);
}

/** SAM adds an event's policy unless an equal one (or an equal document) is there already. */
function addPolicy(role: Role, policy: Mutable): void {
  const whole = JSON.stringify(policy);
  const document = JSON.stringify(policy.PolicyDocument);
  if (
    role.policies.some(
      (existing) =>
        JSON.stringify(existing) === whole || JSON.stringify(existing.PolicyDocument) === document,
    )
  )
    return;
  role.policies.push(policy);
}

const destinationPolicy = (type: string, arn: TemplateValue, logicalId: string): Mutable | undefined => {
  const statement = (action: string, resource: TemplateValue): Mutable => ({
    Action: action,
    Effect: 'Allow',
    Resource: resource,
  });
  switch (type) {
    case 'SQS':
      return {
        PolicyName: `${logicalId}SQSPolicy`,
        PolicyDocument: { Statement: [statement('sqs:SendMessage', arn)] },
      };
    case 'SNS':
      return {
        PolicyName: `${logicalId}SNSPolicy`,
        PolicyDocument: { Statement: [statement('sns:publish', arn)] },
      };
    case 'S3':
    case 'S3Bucket':
      return {
        PolicyName: `${logicalId}S3Policy`,
        PolicyDocument: {
          Statement: [
            statement('s3:PutObject', { 'Fn::Join': ['/', [arn, '*']] }),
            statement('s3:ListBucket', arn),
          ],
        },
      };
    case 'EventBridge':
      return {
        PolicyName: `${logicalId}EventBridgePolicy`,
        PolicyDocument: { Statement: [statement('events:PutEvents', arn)] },
      };
    case 'Lambda':
      return {
        PolicyName: `${logicalId}LambdaPolicy`,
        PolicyDocument: { Statement: [statement('lambda:InvokeFunction', arn)] },
      };
    default:
      return undefined;
  }
};

const NETWORK_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

const kmsDecrypt = (keyId: TemplateValue): Mutable => ({
  Action: ['kms:Decrypt'],
  Effect: 'Allow',
  Resource: {
    'Fn::Sub': `arn:\${AWS::Partition}:kms:\${AWS::Region}:\${AWS::AccountId}:key/${String(keyId)}`,
  },
});

function accessUri(event: TemplateObject, type: string): TemplateValue | undefined {
  const list = Array.isArray(event.SourceAccessConfigurations) ? event.SourceAccessConfigurations : [];
  for (const entry of list) if (isObject(entry) && entry.Type === type) return entry.URI;
  return undefined;
}

/** Transforms a SAM template; resources it does not expand stay as they are (and keep their lines). */
export function transformSam(template: ParsedTemplate, settings: SamSettings): SamResult {
  const warnings: string[] = [];
  const { file } = template;
  const body = template.body;
  const resources = isObject(body.Resources) ? body.Resources : {};
  const globals = isObject(body.Globals) && isObject(body.Globals.Function) ? body.Globals.Function : {};
  const out: Mutable = {};
  const at = (value: unknown): string => `${file}:${template.lineOf(value) ?? '?'}`;
  const parameterValue = (value: TemplateValue | undefined): TemplateValue | undefined => {
    if (isObject(value) && typeof value.Ref === 'string') {
      const given = settings.parameters.get(value.Ref);
      if (given !== undefined) return given;
      const declared = isObject(body.Parameters) ? body.Parameters[value.Ref] : undefined;
      if (isObject(declared) && declared.Default !== undefined) return declared.Default;
    }
    return value;
  };

  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue;
    if (resource.Type === 'AWS::Serverless::SimpleTable') {
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const table: Mutable = {
        Type: 'AWS::DynamoDB::Table',
        Properties: { ...(properties.TableName === undefined ? {} : { TableName: properties.TableName }) },
      };
      template.markLine(table, template.lineOf(resource));
      out[logicalId] = table;
      continue;
    }
    if (resource.Type !== 'AWS::Serverless::Function') {
      out[logicalId] = resource;
      continue;
    }
    const line = template.lineOf(resource);
    const mark = <T extends object>(value: T): T => {
      template.markLine(value, line);
      return value;
    };
    const local = isObject(resource.Properties) ? resource.Properties : {};
    const properties: TemplateObject = {};
    for (const key of new Set([...Object.keys(globals), ...Object.keys(local)])) {
      const merged = mergeGlobal(globals[key], local[key]);
      if (merged !== undefined) (properties as Mutable)[key] = merged;
    }
    const attributes: Mutable = {};
    for (const key of ['Condition', 'DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy']) {
      if (resource[key] !== undefined) attributes[key] = resource[key] as TemplateValue;
    }

    const fn: Mutable = {};
    for (const key of FUNCTION_PASSTHROUGH)
      if (properties[key] !== undefined) fn[key] = properties[key] as TemplateValue;
    const tracing = parameterValue(properties.Tracing);
    if (properties.Tracing !== undefined) fn.TracingConfig = { Mode: properties.Tracing };
    const dlq = isObject(properties.DeadLetterQueue) ? properties.DeadLetterQueue : undefined;
    if (dlq !== undefined) fn.DeadLetterConfig = { TargetArn: dlq.TargetArn as TemplateValue };
    const tags = isObject(properties.Tags) ? properties.Tags : undefined;
    fn.Tags = [
      { Key: 'lambda:createdBy', Value: 'SAM' },
      ...Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    ];

    const role: Role = { managed: [], policies: [] };
    addManaged(role, awsManagedArn('service-role/AWSLambdaBasicExecutionRole'));
    if (properties.Tracing !== undefined && tracing !== 'Disabled') {
      addManaged(
        role,
        awsManagedArn(settings.partition === 'aws' ? 'AWSXrayWriteOnlyAccess' : 'AWSXRayDaemonWriteAccess'),
      );
    }
    if (properties.VpcConfig !== undefined)
      addManaged(role, awsManagedArn('service-role/AWSLambdaVPCAccessExecutionRole'));
    if (dlq !== undefined) {
      const action = dlq.Type === 'SNS' ? 'sns:Publish' : dlq.Type === 'SQS' ? 'sqs:SendMessage' : undefined;
      if (action === undefined)
        warnings.push(`${at(dlq)}: DeadLetterQueue.Type must be SQS or SNS, got ${JSON.stringify(dlq.Type)}`);
      else
        role.policies.push({
          PolicyName: 'DeadLetterQueuePolicy',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: action, Resource: dlq.TargetArn as TemplateValue, Effect: 'Allow' }],
          },
        });
    }

    const aliasName = parameterValue(properties.AutoPublishAlias);
    let target: TemplateValue = { Ref: logicalId };
    if (properties.AutoPublishAlias !== undefined) {
      if (typeof aliasName !== 'string')
        warnings.push(`${at(resource)}: AutoPublishAlias must be a string or a Ref to a parameter`);
      else {
        const versionId = `${logicalId}Version`;
        const aliasId = `${logicalId}Alias${aliasName}`;
        out[versionId] = mark({
          Type: 'AWS::Lambda::Version',
          Properties: { FunctionName: { Ref: logicalId } },
        });
        out[aliasId] = mark({
          Type: 'AWS::Lambda::Alias',
          Properties: {
            Name: aliasName,
            FunctionName: { Ref: logicalId },
            FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
          },
        });
        target = { Ref: aliasId };
      }
    }

    const invoke = isObject(properties.EventInvokeConfig) ? properties.EventInvokeConfig : undefined;
    if (invoke !== undefined) {
      const configId = `${logicalId}EventInvokeConfig`;
      const destinations: Mutable = {};
      const input = isObject(invoke.DestinationConfig) ? invoke.DestinationConfig : {};
      for (const key of ['OnSuccess', 'OnFailure']) {
        const entry = input[key];
        if (!isObject(entry)) continue;
        const type = typeof entry.Type === 'string' ? entry.Type : '';
        let destination = entry.Destination;
        if (destination === undefined) {
          if (type === 'SQS' || type === 'SNS') {
            const createdId = `${configId}${key}${type === 'SQS' ? 'Queue' : 'Topic'}`;
            out[createdId] = mark({
              Type: type === 'SQS' ? 'AWS::SQS::Queue' : 'AWS::SNS::Topic',
              Properties: {},
            });
            destination = type === 'SQS' ? { 'Fn::GetAtt': [createdId, 'Arn'] } : { Ref: createdId };
          } else {
            warnings.push(`${at(entry)}: EventInvokeConfig ${key} of type ${type} needs a Destination`);
            continue;
          }
        }
        destinations[key] = { Destination: destination };
        const policy = destinationPolicy(type, destination, `${configId}${key}`);
        if (policy === undefined)
          warnings.push(
            `${at(entry)}: EventInvokeConfig ${key}: Type must be SQS, SNS, EventBridge, Lambda or S3Bucket`,
          );
        else role.policies.push(policy);
      }
      out[configId] = mark({
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: logicalId },
          Qualifier:
            typeof aliasName === 'string' && properties.AutoPublishAlias !== undefined
              ? aliasName
              : '$LATEST',
          DestinationConfig: destinations,
          ...(invoke.MaximumEventAgeInSeconds === undefined
            ? {}
            : { MaximumEventAgeInSeconds: invoke.MaximumEventAgeInSeconds }),
          ...(invoke.MaximumRetryAttempts === undefined
            ? {}
            : { MaximumRetryAttempts: invoke.MaximumRetryAttempts }),
        },
      });
    }

    const policies =
      properties.Policies === undefined
        ? []
        : Array.isArray(properties.Policies)
          ? properties.Policies
          : [properties.Policies];
    policies.forEach((policy, index) => {
      const entry = classify(policy, (message) => warnings.push(message), at(policy ?? resource));
      if (entry.kind === 'managed') {
        const value = entry.value;
        const arn =
          typeof value === 'string' && !value.startsWith('arn:')
            ? (() => {
                const path = settings.awsManagedPolicyPath?.(value);
                return path === undefined ? value : `arn:${settings.partition}:iam::aws:policy/${path}`;
              })()
            : value;
        addManaged(role, arn);
      } else if (entry.kind === 'statement') {
        const document = entry.value;
        if (isObject(document) && 'Fn::If' in document) {
          const [condition, then, otherwise] = document['Fn::If'] as TemplateValue[];
          const wrap = (value: TemplateValue | undefined): TemplateValue =>
            isNoValue(value)
              ? (value as TemplateValue)
              : { PolicyName: `${logicalId}RolePolicy${index}`, PolicyDocument: value as TemplateValue };
          role.policies.push({ 'Fn::If': [condition as TemplateValue, wrap(then), wrap(otherwise)] });
        } else {
          const named: Mutable = { PolicyName: `${logicalId}RolePolicy${index}`, PolicyDocument: document };
          template.markLine(named, template.lineOf(policy));
          role.policies.push(named);
        }
      }
    });

    const events = isObject(properties.Events) ? properties.Events : {};
    // SAM expands events in the order of their names, which decides the order of the role's policies.
    for (const [eventName, event] of Object.entries(events).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      if (!isObject(event) || typeof event.Type !== 'string' || !PULL_EVENTS.has(event.Type)) continue;
      const p = isObject(event.Properties) ? event.Properties : {};
      const type = event.Type;
      const mappingId = `${logicalId}${eventName}`;
      const esm: Mutable = { FunctionName: target };
      const source =
        type === 'SQS'
          ? p.Queue
          : type === 'MQ'
            ? p.Broker
            : type === 'DocumentDB'
              ? p.Cluster
              : type === 'SelfManagedKafka'
                ? undefined
                : p.Stream;
      if (source !== undefined) esm.EventSourceArn = source;
      for (const key of ESM_PASSTHROUGH) if (p[key] !== undefined) esm[key] = p[key] as TemplateValue;
      if (p.KafkaBootstrapServers !== undefined)
        esm.SelfManagedEventSource = { Endpoints: { KafkaBootstrapServers: p.KafkaBootstrapServers } };
      if (p.ConsumerGroupId !== undefined) {
        if (type === 'MSK') esm.AmazonManagedKafkaEventSourceConfig = { ConsumerGroupId: p.ConsumerGroupId };
        if (type === 'SelfManagedKafka')
          esm.SelfManagedKafkaEventSourceConfig = { ConsumerGroupId: p.ConsumerGroupId };
      }
      if (type === 'DocumentDB') {
        esm.DocumentDBEventSourceConfig = {
          DatabaseName: p.DatabaseName as TemplateValue,
          ...(p.CollectionName === undefined ? {} : { CollectionName: p.CollectionName }),
          ...(p.FullDocument === undefined ? {} : { FullDocument: p.FullDocument }),
        };
      }
      // The on-failure destination: SAM adds the policy for the Type it is told, then drops Type.
      if (isObject(p.DestinationConfig)) {
        const onFailure = isObject(p.DestinationConfig.OnFailure) ? p.DestinationConfig.OnFailure : {};
        const { Type: destinationType, ...rest } = onFailure;
        esm.DestinationConfig = { ...p.DestinationConfig, OnFailure: rest };
        if (typeof destinationType === 'string' && destinationType !== 'Kafka') {
          const policy = destinationPolicy(
            destinationType,
            onFailure.Destination as TemplateValue,
            mappingId,
          );
          if (policy !== undefined) addPolicy(role, policy);
        }
      }
      const mapping: Mutable = { Type: 'AWS::Lambda::EventSourceMapping', Properties: esm, ...attributes };
      delete mapping.Metadata;
      template.markLine(mapping, template.lineOf(event) ?? line);
      out[mappingId] = mapping;

      switch (type) {
        case 'SQS':
          addManaged(role, awsManagedArn('service-role/AWSLambdaSQSQueueExecutionRole'));
          break;
        case 'Kinesis':
          addManaged(role, awsManagedArn('service-role/AWSLambdaKinesisExecutionRole'));
          break;
        case 'DynamoDB':
          addManaged(role, awsManagedArn('service-role/AWSLambdaDynamoDBExecutionRole'));
          break;
        case 'MSK': {
          addManaged(role, awsManagedArn('service-role/AWSLambdaMSKExecutionRole'));
          const certificate = accessUri(p, 'CLIENT_CERTIFICATE_TLS_AUTH');
          if (certificate !== undefined) {
            addPolicy(role, {
              PolicyName: 'MSKExecutionRolePolicy',
              PolicyDocument: {
                Statement: [
                  { Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: certificate },
                ],
              },
            });
          }
          break;
        }
        case 'MQ': {
          const statements: Mutable[] = [
            {
              Action: ['secretsmanager:GetSecretValue'],
              Effect: 'Allow',
              Resource: accessUri(p, 'BASIC_AUTH') as TemplateValue,
            },
            { Action: ['mq:DescribeBroker'], Effect: 'Allow', Resource: p.Broker as TemplateValue },
          ];
          if (p.SecretsManagerKmsKeyId !== undefined)
            statements.push({ ...kmsDecrypt(p.SecretsManagerKmsKeyId), Action: 'kms:Decrypt' });
          addPolicy(role, {
            PolicyName: p.DynamicPolicyName === true ? `${mappingId}AMQPolicy` : 'SamAutoGeneratedAMQPolicy',
            PolicyDocument: { Statement: statements },
          });
          break;
        }
        case 'SelfManagedKafka': {
          const statements: Mutable[] = [];
          let auth: TemplateValue | undefined;
          let rootCa = false;
          let subnet = false;
          let group = false;
          for (const entry of Array.isArray(p.SourceAccessConfigurations)
            ? p.SourceAccessConfigurations
            : []) {
            if (!isObject(entry)) continue;
            if (entry.Type === 'VPC_SUBNET') subnet = true;
            else if (entry.Type === 'VPC_SECURITY_GROUP') group = true;
            else if (entry.Type === 'SERVER_ROOT_CA_CERTIFICATE') rootCa = true;
            else if (
              typeof entry.Type === 'string' &&
              [
                'SASL_SCRAM_256_AUTH',
                'SASL_SCRAM_512_AUTH',
                'BASIC_AUTH',
                'CLIENT_CERTIFICATE_TLS_AUTH',
              ].includes(entry.Type)
            )
              auth = entry.URI;
          }
          // As SAM does: the root CA certificate adds a second statement, for the authentication secret.
          if (auth !== undefined)
            statements.push({ Action: ['secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: auth });
          if (rootCa)
            statements.push({
              Action: ['secretsmanager:GetSecretValue'],
              Effect: 'Allow',
              Resource: auth as TemplateValue,
            });
          if (subnet && group) statements.push({ Action: NETWORK_ACTIONS, Effect: 'Allow', Resource: '*' });
          if (p.SecretsManagerKmsKeyId !== undefined) statements.push(kmsDecrypt(p.SecretsManagerKmsKeyId));
          addPolicy(role, {
            PolicyDocument: { Statement: statements, Version: '2012-10-17' },
            PolicyName: 'SelfManagedKafkaExecutionRolePolicy',
          });
          break;
        }
        case 'DocumentDB': {
          const statements: Mutable[] = [
            {
              Action: ['secretsmanager:GetSecretValue'],
              Effect: 'Allow',
              Resource: accessUri(p, 'BASIC_AUTH') as TemplateValue,
            },
            {
              Action: ['rds:DescribeDBClusterParameters'],
              Effect: 'Allow',
              Resource: sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*'),
            },
            {
              Action: ['rds:DescribeDBSubnetGroups'],
              Effect: 'Allow',
              Resource: sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*'),
            },
            { Action: ['rds:DescribeDBClusters'], Effect: 'Allow', Resource: p.Cluster as TemplateValue },
            { Action: NETWORK_ACTIONS, Effect: 'Allow', Resource: '*' },
          ];
          if (p.SecretsManagerKmsKeyId !== undefined) statements.push(kmsDecrypt(p.SecretsManagerKmsKeyId));
          addPolicy(role, {
            PolicyName: 'SamAutoGeneratedDocumentDBPolicy',
            PolicyDocument: { Statement: statements },
          });
          break;
        }
      }
    }

    if (properties.Role === undefined) {
      const roleId = `${logicalId}Role`;
      fn.Role = { 'Fn::GetAtt': [roleId, 'Arn'] };
      out[roleId] = mark({
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: (properties.AssumeRolePolicyDocument as TemplateValue) ?? {
            Version: '2012-10-17',
            Statement: [
              {
                Action: ['sts:AssumeRole'],
                Effect: 'Allow',
                Principal: { Service: ['lambda.amazonaws.com'] },
              },
            ],
          },
          ManagedPolicyArns: role.managed,
          ...(role.policies.length === 0 ? {} : { Policies: role.policies }),
          ...(properties.RolePath === undefined ? {} : { Path: properties.RolePath }),
          ...(properties.PermissionsBoundary === undefined
            ? {}
            : { PermissionsBoundary: properties.PermissionsBoundary }),
          Tags: fn.Tags as TemplateValue,
        },
        ...(attributes.Condition === undefined ? {} : { Condition: attributes.Condition }),
      });
    } else fn.Role = properties.Role;
    out[logicalId] = mark({ Type: 'AWS::Lambda::Function', Properties: fn, ...attributes });
  }

  const transformed: Mutable = { ...body, Resources: out };
  delete transformed.Transform;
  delete transformed.Globals;
  return {
    template: { file, body: transformed, lineOf: template.lineOf, markLine: template.markLine },
    warnings,
  };
}
