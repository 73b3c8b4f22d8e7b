/**
 * TEST SUPPORT ONLY: turns the CloudFormation template that the CDK app fixture (test/fixtures/cdk-app)
 * synthesizes into an export folder, so that the real audit path (export folder → audit) can judge it.
 *
 * Deliberately limited to what that fixture uses: the resource types below, the intrinsics `Ref`,
 * `Fn::GetAtt` and `Fn::Join`, and the pseudo parameters. Anything else throws, naming the resource, so
 * that the fixture cannot silently grow past what is converted. Physical names are those a deployment
 * would give where the template sets them, else `STACK-LOGICALID` (what CloudFormation does, without its
 * random suffix).
 *
 * Issue 11's template mode (`audit --template` / `--cdk-out`, built in parallel) reads templates for real:
 * once it lands, the CDK-app test should audit the cloud assembly through it and this file should go.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
}

export interface ExportFiles {
  readonly 'authorization-details.json': unknown;
  readonly 'functions.json': unknown;
  readonly 'event-source-mappings.json': unknown;
  readonly 'event-invoke-configs.json': unknown;
}

export interface Place {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

/** A DynamoDB stream label: a deployment picks the creation time; any fixed one will do here. */
const STREAM_LABEL = '2026-12-01T00:00:00.000';

class Resolver {
  private readonly partition: string;

  constructor(
    private readonly template: Template,
    private readonly place: Place,
  ) {
    this.partition = place.partition ?? 'aws';
  }

  private resource(logicalId: string, where: string): Resource {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) throw new Error(`${where}: no resource ${logicalId} in the template`);
    return resource;
  }

  /** The physical name a deployment would give: the template's, else STACK-LOGICALID. */
  name(logicalId: string, property: string, lowerCase = false): string {
    const resource = this.resource(logicalId, logicalId);
    const given = resource.Properties?.[property];
    if (given !== undefined) return this.text(given, `${logicalId}.${property}`);
    const generated = `${this.place.stack}-${logicalId}`;
    return lowerCase ? generated.toLowerCase() : generated;
  }

  private arn(service: string, resource: string, regional = true): string {
    const { region, account } = this.place;
    return regional
      ? `arn:${this.partition}:${service}:${region}:${account}:${resource}`
      : `arn:${this.partition}:${service}:::${resource}`;
  }

  ref(logicalId: string, where: string): string {
    switch (logicalId) {
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::Region':
        return this.place.region;
      case 'AWS::AccountId':
        return this.place.account;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      default:
        break;
    }
    const { Type } = this.resource(logicalId, where);
    switch (Type) {
      case 'AWS::Lambda::Function':
        return this.name(logicalId, 'FunctionName');
      case 'AWS::IAM::Role':
        return this.name(logicalId, 'RoleName');
      case 'AWS::SNS::Topic':
        return this.arn('sns', this.name(logicalId, 'TopicName'));
      case 'AWS::Logs::LogGroup':
        return this.name(logicalId, 'LogGroupName');
      default:
        throw new Error(
          `${where}: Ref to a ${Type} is not converted (test support for the CDK-app fixture only)`,
        );
    }
  }

  getAtt(logicalId: string, attribute: string, where: string): string {
    const { Type } = this.resource(logicalId, where);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn':
        return `arn:${this.partition}:iam::${this.place.account}:role/${this.name(logicalId, 'RoleName')}`;
      case 'AWS::Lambda::Function.Arn':
        return this.arn('lambda', `function:${this.name(logicalId, 'FunctionName')}`);
      case 'AWS::SQS::Queue.Arn':
        return this.arn('sqs', this.name(logicalId, 'QueueName'));
      case 'AWS::Kinesis::Stream.Arn':
        return this.arn('kinesis', `stream/${this.name(logicalId, 'Name')}`);
      case 'AWS::DynamoDB::Table.Arn':
        return this.arn('dynamodb', `table/${this.name(logicalId, 'TableName')}`);
      case 'AWS::DynamoDB::Table.StreamArn':
        return this.arn('dynamodb', `table/${this.name(logicalId, 'TableName')}/stream/${STREAM_LABEL}`);
      case 'AWS::S3::Bucket.Arn':
        return this.arn('s3', this.name(logicalId, 'BucketName', true), false);
      case 'AWS::Events::EventBus.Arn':
        return this.arn('events', `event-bus/${this.name(logicalId, 'Name')}`);
      case 'AWS::Logs::LogGroup.Arn':
        return this.arn('logs', `log-group:${this.name(logicalId, 'LogGroupName')}:*`);
      default:
        throw new Error(
          `${where}: Fn::GetAtt ${key} is not converted (test support for the CDK-app fixture only)`,
        );
    }
  }

  /** A value with every intrinsic resolved. */
  value(raw: Json, where: string): Json {
    if (Array.isArray(raw)) return raw.map((item, i) => this.value(item, `${where}[${i}]`));
    if (raw === null || typeof raw !== 'object') return raw;
    const keys = Object.keys(raw);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = raw[key] as Json;
      if (key === 'Ref') return this.ref(this.text(argument, where), where);
      if (key === 'Fn::GetAtt') {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return this.getAtt(String(logicalId), String(attribute), where);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, Json[]];
        return parts.map((part, i) => this.text(part, `${where}.Fn::Join[${i}]`)).join(separator);
      }
      if (key.startsWith('Fn::'))
        throw new Error(`${where}: ${key} is not converted (test support for the CDK-app fixture only)`);
    }
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, this.value(v, `${where}.${k}`)]));
  }

  text(raw: Json, where: string): string {
    const value = this.value(raw, where);
    if (typeof value !== 'string')
      throw new Error(`${where}: expected a string, got ${JSON.stringify(value)}`);
    return value;
  }
}

const CONVERTED = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::EventInvokeConfig',
  // Referenced by the others; nothing of their own goes into the export.
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Kinesis::Stream',
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::Logs::LogGroup',
  'AWS::Lambda::Permission',
]);

/** The export folder's four files for the template's functions, roles, mappings and invoke configs. */
export function templateToExport(template: Template, place: Place): ExportFiles {
  const resolve = new Resolver(template, place);
  const entries = Object.entries(template.Resources);
  for (const [logicalId, { Type }] of entries) {
    if (!CONVERTED.has(Type))
      throw new Error(`${logicalId}: ${Type} is not converted (test support for the CDK-app fixture only)`);
  }
  const of = (type: string) => entries.filter(([, resource]) => resource.Type === type);
  const props = (resource: Resource) => resource.Properties ?? {};

  const inline = new Map<string, { PolicyName: string; PolicyDocument: Json }[]>();
  for (const [logicalId, resource] of of('AWS::IAM::Policy')) {
    const p = props(resource);
    const document = resolve.value(p.PolicyDocument ?? null, `${logicalId}.PolicyDocument`);
    for (const role of (p.Roles ?? []) as Json[]) {
      const roleName = resolve.text(role, `${logicalId}.Roles`);
      const list = inline.get(roleName) ?? [];
      list.push({
        PolicyName: resolve.text(p.PolicyName ?? logicalId, `${logicalId}.PolicyName`),
        PolicyDocument: document,
      });
      inline.set(roleName, list);
    }
  }

  const roles = of('AWS::IAM::Role').map(([logicalId, resource]) => {
    const p = props(resource);
    const roleName = resolve.name(logicalId, 'RoleName');
    const ownPolicies = ((p.Policies ?? []) as Json[]).map((policy, i) => {
      const value = resolve.value(policy, `${logicalId}.Policies[${i}]`) as {
        PolicyName: string;
        PolicyDocument: Json;
      };
      return { PolicyName: value.PolicyName, PolicyDocument: value.PolicyDocument };
    });
    const managed = ((p.ManagedPolicyArns ?? []) as Json[]).map((arn, i) => {
      const PolicyArn = resolve.text(arn, `${logicalId}.ManagedPolicyArns[${i}]`);
      return { PolicyName: PolicyArn.split('/').at(-1) ?? PolicyArn, PolicyArn };
    });
    return {
      Path: '/',
      RoleName: roleName,
      Arn: resolve.getAtt(logicalId, 'Arn', logicalId),
      AssumeRolePolicyDocument: resolve.value(
        p.AssumeRolePolicyDocument ?? null,
        `${logicalId}.AssumeRolePolicyDocument`,
      ),
      RolePolicyList: [...ownPolicies, ...(inline.get(roleName) ?? [])],
      AttachedManagedPolicies: managed,
    };
  });

  const functions = of('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = resolve.value(props(resource), logicalId) as Record<string, Json>;
    const optional = (key: string) => (p[key] === undefined ? {} : { [key]: p[key] });
    return {
      FunctionName: resolve.name(logicalId, 'FunctionName'),
      FunctionArn: resolve.getAtt(logicalId, 'Arn', logicalId),
      Role: p.Role,
      ...optional('Runtime'),
      ...optional('VpcConfig'),
      ...optional('DeadLetterConfig'),
      ...optional('TracingConfig'),
      ...optional('LoggingConfig'),
    };
  });
  const functionArn = (name: string) =>
    `arn:${place.partition ?? 'aws'}:lambda:${place.region}:${place.account}:function:${name}`;

  const mappings = of('AWS::Lambda::EventSourceMapping').map(([logicalId, resource], index) => {
    const p = resolve.value(props(resource), logicalId) as Record<string, Json>;
    const endpoints = (
      p.SelfManagedEventSource as { Endpoints?: { KafkaBootstrapServers?: string[] } } | undefined
    )?.Endpoints;
    return {
      UUID: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      FunctionArn: functionArn(String(p.FunctionName)),
      ...(p.EventSourceArn === undefined ? {} : { EventSourceArn: p.EventSourceArn }),
      State: p.Enabled === false ? 'Disabled' : 'Enabled',
      ...(p.DestinationConfig === undefined ? {} : { DestinationConfig: p.DestinationConfig }),
      ...(p.SourceAccessConfigurations === undefined
        ? {}
        : { SourceAccessConfigurations: p.SourceAccessConfigurations }),
      ...(endpoints?.KafkaBootstrapServers === undefined
        ? {}
        : {
            SelfManagedEventSource: {
              Endpoints: { KAFKA_BOOTSTRAP_SERVERS: endpoints.KafkaBootstrapServers },
            },
          }),
      ...(p.Topics === undefined ? {} : { Topics: p.Topics }),
      ...(p.AmazonManagedKafkaEventSourceConfig === undefined
        ? {}
        : { AmazonManagedKafkaEventSourceConfig: p.AmazonManagedKafkaEventSourceConfig }),
    };
  });

  const invokeConfigs = of('AWS::Lambda::EventInvokeConfig').map(([logicalId, resource]) => {
    const p = resolve.value(props(resource), logicalId) as Record<string, Json>;
    return {
      FunctionArn: `${functionArn(String(p.FunctionName))}:${String(p.Qualifier ?? '$LATEST')}`,
      DestinationConfig: p.DestinationConfig,
    };
  });

  return {
    'authorization-details.json': {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: roles,
      Policies: [],
    },
    'functions.json': { Functions: functions },
    'event-source-mappings.json': { EventSourceMappings: mappings },
    'event-invoke-configs.json': { FunctionEventInvokeConfigs: invokeConfigs },
  };
}

/** Writes the files into `dir` (created if needed). */
export function writeExportFolder(dir: string, files: ExportFiles): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
  }
}
