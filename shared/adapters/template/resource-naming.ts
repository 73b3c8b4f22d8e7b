/**
 * What `Ref` and `Fn::GetAtt` return for the template's own resources, before deployment. Names come from
 * the resource's name property (`FunctionName`, `RoleName`, `QueueName`…) or, where CloudFormation would
 * generate one, the logical ID stands in for it (the contract: a function without `FunctionName` is named
 * by its logical ID). Parts only a deployment creates (a DynamoDB stream's label, a secret's random suffix,
 * an MSK cluster's UUID) get fixed placeholders, the same wherever the template refers to them, so that a
 * policy naming `!GetAtt Table.StreamArn` grants the very stream a mapping reads.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
 */
import {
  type IntrinsicResolver,
  NO_VALUE,
  type Resolved,
  type ResourceNaming,
  Unresolved,
} from './intrinsics.js';
import { isObject, type TemplateObject, type TemplateValue } from './parse-template.js';

/** Placeholders for what only a deployment creates. */
export const PLACEHOLDERS = {
  streamLabel: '1970-01-01T00:00:00.000',
  secretSuffix: 'abcdef',
  clusterUuid: '00000000-0000-0000-0000-000000000000-1',
  consumerTimestamp: '0',
  version: '1',
} as const;

export interface Environment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export function urlSuffixOf(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

interface Named {
  readonly ref: Resolved;
  readonly attributes: Readonly<Record<string, Resolved>>;
}

/** Resource naming over a template's resources; `resolver` is set once the resolver exists. */
export class TemplateResourceNaming implements ResourceNaming {
  resolver?: IntrinsicResolver;
  private readonly named = new Map<string, Named | Unresolved>();
  private readonly naming = new Set<string>();

  constructor(
    private readonly resources: TemplateObject,
    private readonly env: Environment,
    /** Resources whose Condition is false: they do not exist. */
    private readonly absent: ReadonlySet<string>,
  ) {}

  ref(logicalId: string): Resolved | undefined {
    const named = this.lookup(logicalId);
    if (named === undefined) return undefined;
    return named instanceof Unresolved ? named : named.ref;
  }

  getAtt(logicalId: string, attribute: string): Resolved | undefined {
    const named = this.lookup(logicalId);
    if (named === undefined) return undefined;
    if (named instanceof Unresolved) return named;
    const value = named.attributes[attribute];
    if (value !== undefined) return value;
    const type = this.typeOf(logicalId);
    return new Unresolved(
      `Fn::GetAtt ${logicalId}.${attribute}: the ${type} attribute ${attribute} is known only after deployment`,
    );
  }

  /** The type of a resource of the template, or `undefined`. */
  typeOf(logicalId: string): string | undefined {
    const resource = this.resource(logicalId);
    return resource !== undefined && typeof resource.Type === 'string' ? resource.Type : undefined;
  }

  private resource(logicalId: string): TemplateObject | undefined {
    const resource = Object.hasOwn(this.resources, logicalId) ? this.resources[logicalId] : undefined;
    return isObject(resource) ? resource : undefined;
  }

  private lookup(logicalId: string): Named | Unresolved | undefined {
    const known = this.named.get(logicalId);
    if (known !== undefined) return known;
    const resource = this.resource(logicalId);
    if (resource === undefined) return undefined;
    if (this.absent.has(logicalId)) {
      return new Unresolved(`the resource ${logicalId} is not created: its Condition is false`);
    }
    if (this.naming.has(logicalId)) return new Unresolved(`the name of ${logicalId} depends on itself`);
    this.naming.add(logicalId);
    const named = this.name(logicalId, resource);
    this.naming.delete(logicalId);
    this.named.set(logicalId, named);
    return named;
  }

  /** A string property, resolved; `undefined` when absent. */
  private text(properties: TemplateObject, key: string): string | Unresolved | undefined {
    return this.resolver?.resolveString(properties[key]) ?? undefined;
  }

  private name(logicalId: string, resource: TemplateObject): Named | Unresolved {
    const { account, region, partition } = this.env;
    const type = typeof resource.Type === 'string' ? resource.Type : '';
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const nameOf = (key: string, fallback: string = logicalId): string | Unresolved =>
      this.text(properties, key) ?? fallback;
    const build = (name: string | Unresolved, make: (name: string) => Named): Named | Unresolved =>
      name instanceof Unresolved
        ? new Unresolved(`the name of ${logicalId} cannot be resolved: ${name.reason}`)
        : make(name);
    const prefix = (service: string) => `arn:${partition}:${service}:${region}:${account}`;
    switch (type) {
      case 'AWS::Lambda::Function':
        return build(nameOf('FunctionName'), (name) => ({
          ref: name,
          attributes: { Arn: `${prefix('lambda')}:function:${name}` },
        }));
      case 'AWS::Lambda::Version': {
        const fn = this.text(properties, 'FunctionName');
        if (fn === undefined || fn instanceof Unresolved)
          return fn ?? new Unresolved(`${logicalId} has no FunctionName`);
        const arn = fn.startsWith('arn:') ? fn : `${prefix('lambda')}:function:${fn}`;
        return {
          ref: `${arn}:${PLACEHOLDERS.version}`,
          attributes: { Version: PLACEHOLDERS.version, FunctionArn: arn },
        };
      }
      case 'AWS::Lambda::Alias': {
        const fn = this.text(properties, 'FunctionName');
        const alias = this.text(properties, 'Name');
        if (fn instanceof Unresolved) return fn;
        if (alias instanceof Unresolved) return alias;
        if (fn === undefined || alias === undefined)
          return new Unresolved(`${logicalId} has no FunctionName or Name`);
        const arn = fn.startsWith('arn:') ? fn : `${prefix('lambda')}:function:${fn}`;
        return { ref: `${arn}:${alias}`, attributes: { AliasArn: `${arn}:${alias}` } };
      }
      case 'AWS::Lambda::EventSourceMapping':
        return { ref: logicalId, attributes: { Id: logicalId } };
      case 'AWS::IAM::Role': {
        const path = this.text(properties, 'Path') ?? '/';
        if (path instanceof Unresolved) return path;
        return build(nameOf('RoleName'), (name) => ({
          ref: name,
          attributes: { Arn: `arn:${partition}:iam::${account}:role${path}${name}` },
        }));
      }
      case 'AWS::IAM::ManagedPolicy': {
        const path = this.text(properties, 'Path') ?? '/';
        if (path instanceof Unresolved) return path;
        return build(nameOf('ManagedPolicyName'), (name) => {
          const arn = `arn:${partition}:iam::${account}:policy${path}${name}`;
          return { ref: arn, attributes: { PolicyArn: arn } };
        });
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy':
        return { ref: logicalId, attributes: {} };
      case 'AWS::SQS::Queue': {
        const fifo = properties.FifoQueue === true || properties.FifoQueue === 'true';
        return build(nameOf('QueueName', fifo ? `${logicalId}.fifo` : logicalId), (name) => ({
          ref: `https://sqs.${region}.${urlSuffixOf(partition)}/${account}/${name}`,
          attributes: {
            Arn: `${prefix('sqs')}:${name}`,
            QueueName: name,
            QueueUrl: `https://sqs.${region}.${urlSuffixOf(partition)}/${account}/${name}`,
          },
        }));
      }
      case 'AWS::SNS::Topic':
        return build(nameOf('TopicName'), (name) => ({
          ref: `${prefix('sns')}:${name}`,
          attributes: { TopicArn: `${prefix('sns')}:${name}`, TopicName: name },
        }));
      case 'AWS::Kinesis::Stream':
        return build(nameOf('Name'), (name) => ({
          ref: name,
          attributes: { Arn: `${prefix('kinesis')}:stream/${name}` },
        }));
      case 'AWS::Kinesis::StreamConsumer': {
        const stream = this.text(properties, 'StreamARN');
        const consumer = this.text(properties, 'ConsumerName');
        if (stream instanceof Unresolved) return stream;
        if (consumer instanceof Unresolved) return consumer;
        const arn = `${stream ?? ''}/consumer/${consumer ?? logicalId}:${PLACEHOLDERS.consumerTimestamp}`;
        return {
          ref: arn,
          attributes: { ConsumerARN: arn, StreamARN: stream ?? '', ConsumerName: consumer ?? logicalId },
        };
      }
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return build(nameOf('TableName'), (name) => {
          const arn = `${prefix('dynamodb')}:table/${name}`;
          return {
            ref: name,
            attributes: { Arn: arn, StreamArn: `${arn}/stream/${PLACEHOLDERS.streamLabel}` },
          };
        });
      case 'AWS::SecretsManager::Secret':
        return build(nameOf('Name'), (name) => {
          const arn = `${prefix('secretsmanager')}:secret:${name}-${PLACEHOLDERS.secretSuffix}`;
          return { ref: arn, attributes: { Id: arn } };
        });
      case 'AWS::KMS::Key':
        return { ref: logicalId, attributes: { KeyId: logicalId, Arn: `${prefix('kms')}:key/${logicalId}` } };
      case 'AWS::KMS::Alias':
        return build(nameOf('AliasName'), (name) => ({ ref: name, attributes: {} }));
      case 'AWS::Events::EventBus':
        return build(nameOf('Name'), (name) => ({
          ref: name,
          attributes: { Arn: `${prefix('events')}:event-bus/${name}`, Name: name },
        }));
      case 'AWS::S3::Bucket':
        return build(nameOf('BucketName', logicalId.toLowerCase()), (name) => ({
          ref: name,
          attributes: { Arn: `arn:${partition}:s3:::${name}` },
        }));
      case 'AWS::Logs::LogGroup':
        return build(nameOf('LogGroupName'), (name) => ({
          ref: name,
          attributes: { Arn: `${prefix('logs')}:log-group:${name}:*` },
        }));
      case 'AWS::MSK::Cluster':
      case 'AWS::MSK::ServerlessCluster':
        return build(nameOf('ClusterName'), (name) => {
          const arn = `${prefix('kafka')}:cluster/${name}/${PLACEHOLDERS.clusterUuid}`;
          return { ref: arn, attributes: { Arn: arn } };
        });
      case 'AWS::AmazonMQ::Broker':
        return build(nameOf('BrokerName'), (name) => {
          const id = `b-${logicalId.toLowerCase()}`;
          return { ref: id, attributes: { Arn: `${prefix('mq')}:broker:${name}:${id}`, Id: id } };
        });
      case 'AWS::DocDB::DBCluster':
        return build(nameOf('DBClusterIdentifier', logicalId.toLowerCase()), (name) => ({
          ref: name,
          attributes: {},
        }));
      case 'AWS::EC2::Subnet':
        return {
          ref: `subnet-${logicalId.toLowerCase()}`,
          attributes: { SubnetId: `subnet-${logicalId.toLowerCase()}` },
        };
      case 'AWS::EC2::SecurityGroup':
        return {
          ref: `sg-${logicalId.toLowerCase()}`,
          attributes: { GroupId: `sg-${logicalId.toLowerCase()}` },
        };
      case 'AWS::EC2::VPC':
        return {
          ref: `vpc-${logicalId.toLowerCase()}`,
          attributes: { VpcId: `vpc-${logicalId.toLowerCase()}` },
        };
      default:
        return new Unresolved(
          `the physical ID of ${logicalId}${type ? ` (${type})` : ''} is known only after deployment`,
        );
    }
  }
}

/** The value of a resource property after resolution, without `AWS::NoValue`. */
export function present(value: Resolved): value is Exclude<Resolved, typeof NO_VALUE> {
  return value !== NO_VALUE;
}

export type { TemplateValue };
