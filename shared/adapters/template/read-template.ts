/**
 * One CloudFormation template (SAM already transformed) → the pieces of an account snapshot it defines:
 * functions, event source mappings, event invoke configs, roles and their policies, managed policies,
 * with where each is defined. What cannot be resolved is never an exception: a policy statement with an
 * unresolvable value becomes an unknown grant of its role (the verdicts it could change are
 * `unverifiable`), a role or policy named by ARN but not defined here is left for the caller to resolve
 * (another template, `--from`, the live account) or to mark unresolved.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
 */
import type {
  AttachedPolicy,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionConfiguration,
  InlinePolicy,
  ManagedPolicy,
  PolicyProblem,
  Role,
  Tag,
  UnknownGrant,
} from '../../domain/model.js';
import type { DocumentResult } from '../../domain/policy/document.js';
import { parsePolicyDocument } from '../../domain/policy/parse.js';
import type { TemplateLocation } from '../../domain/report.js';
import { firstUnresolved, IntrinsicResolver, NO_VALUE, type Resolved, Unresolved } from './intrinsics.js';
import { isObject, type ParsedTemplate, type TemplateObject, type TemplateValue } from './parse-template.js';
import { type Environment, TemplateResourceNaming, urlSuffixOf } from './resource-naming.js';

export interface TemplateSettings extends Environment {
  /** `--parameter KEY=VALUE`. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The stack name (`AWS::StackName`): the CDK stack, else the template's file name. */
  readonly stackName: string;
  /** The CDK stack's display name, for locations. */
  readonly cdkStack?: string;
}

/** Locations of what a template defines, for the report and SARIF. */
export interface TemplateLocations {
  readonly functions: Map<string, TemplateLocation>;
  readonly mappings: Map<string, TemplateLocation>;
  readonly invokeConfigs: Map<string, TemplateLocation>;
  readonly roles: Map<string, TemplateLocation>;
  /** `owner \0 policy source \0 statement id` → location; owner = role ARN, or '' for a managed policy. */
  readonly statements: Map<string, TemplateLocation>;
}

export interface TemplatePieces {
  readonly functions: FunctionConfiguration[];
  readonly mappings: EventSourceMapping[];
  readonly invokeConfigs: EventInvokeConfig[];
  readonly roles: Map<string, Role>;
  readonly managedPolicies: Map<string, ManagedPolicy>;
  /** Roles whose ARN could not be resolved: placeholder ARN → reason. */
  readonly unresolvedRoles: Map<string, string>;
  /** Policies IAM or CloudFormation would reject, found before a document could be read from them. */
  readonly policyProblems: PolicyProblem[];
  readonly locations: TemplateLocations;
  /** Things a person should know (a resource skipped, a condition undecided), each naming file and line. */
  readonly warnings: string[];
}

export function statementKey(owner: string, source: string, statement: string): string {
  return `${owner}\u0000${source}\u0000${statement}`;
}

const RELEVANT_PREFIXES = ['AWS::Lambda::', 'AWS::IAM::', 'AWS::Serverless::'];
const READ_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::Permission',
  'AWS::Lambda::LayerVersion',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::Lambda::Url',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::ServiceLinkedRole',
  'AWS::IAM::UserToGroupAddition',
  'AWS::IAM::AccessKey',
  'AWS::IAM::OIDCProvider',
  'AWS::IAM::SAMLProvider',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
  'AWS::Serverless::Api',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::SimpleTable',
  'AWS::Serverless::LayerVersion',
  'AWS::Serverless::Application',
  'AWS::Serverless::StateMachine',
  'AWS::Serverless::Connector',
  'AWS::Serverless::GraphQLApi',
]);

/** A string for the model from a resolved value; unresolved text keeps its reason, visibly. */
function placeholder(reason: string): string {
  return `<unresolved: ${reason}>`;
}

export function readTemplate(template: ParsedTemplate, settings: TemplateSettings): TemplatePieces {
  const { file } = template;
  const { account, region, partition } = settings;
  const body = template.body;
  const resources = isObject(body.Resources) ? body.Resources : {};
  const warnings: string[] = [];
  const at = (value: unknown): string => {
    const line = template.lineOf(value);
    return line === undefined ? file : `${file}:${line}`;
  };

  const parameters = new Map<string, Resolved>([
    ['AWS::AccountId', account],
    ['AWS::Region', region],
    ['AWS::Partition', partition],
    ['AWS::URLSuffix', urlSuffixOf(partition)],
    ['AWS::StackName', settings.stackName],
    [
      'AWS::StackId',
      `arn:${partition}:cloudformation:${region}:${account}:stack/${settings.stackName}/00000000-0000-0000-0000-000000000000`,
    ],
    ['AWS::NotificationARNs', []],
  ]);
  const declared = isObject(body.Parameters) ? body.Parameters : {};
  for (const [name, definition] of Object.entries(declared)) {
    const spec = isObject(definition) ? definition : {};
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    const given = settings.parameters.get(name);
    const fallback = spec.Default;
    const raw = given ?? (fallback === undefined || fallback === null ? undefined : String(fallback));
    if (raw === undefined) {
      parameters.set(
        name,
        new Unresolved(`the parameter ${name} has no default: give it with --parameter ${name}=VALUE`),
      );
      continue;
    }
    if (given === undefined && type.startsWith('AWS::SSM::Parameter::Value<')) {
      parameters.set(
        name,
        new Unresolved(
          `the parameter ${name} is read from SSM (${raw}) at deployment: give it with --parameter ${name}=VALUE`,
        ),
      );
      continue;
    }
    const list = type === 'CommaDelimitedList' || type.startsWith('List<') || type.includes('::List<');
    parameters.set(name, list ? raw.split(',').map((item) => item.trim()) : raw);
  }
  for (const name of settings.parameters.keys()) {
    if (!Object.hasOwn(declared, name))
      warnings.push(`${file}: --parameter ${name} is not a parameter of this template`);
  }

  // Conditions first: resources whose Condition is false do not exist.
  const absent = new Set<string>();
  const naming = new TemplateResourceNaming(resources, settings, absent);
  const resolver = new IntrinsicResolver({
    parameters,
    mappings: isObject(body.Mappings) ? body.Mappings : {},
    conditions: isObject(body.Conditions) ? body.Conditions : {},
    resources: naming,
  });
  naming.resolver = resolver;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || typeof resource.Condition !== 'string') continue;
    const decided = resolver.condition(resource.Condition);
    if (decided === false) absent.add(logicalId);
    else if (decided instanceof Unresolved) {
      warnings.push(`${at(resource)}: ${logicalId} is audited as if created: ${decided.reason}`);
    }
  }

  const location = (logicalId: string, value: unknown): TemplateLocation => {
    const line = template.lineOf(value);
    return {
      file,
      logicalId,
      ...(line === undefined ? {} : { line }),
      ...(settings.cdkStack === undefined ? {} : { stack: settings.cdkStack }),
      ...(constructPathOf(value) === undefined ? {} : { constructPath: constructPathOf(value) as string }),
    };
  };

  const functions: FunctionConfiguration[] = [];
  const mappings: EventSourceMapping[] = [];
  const invokeConfigs: EventInvokeConfig[] = [];
  const roles = new Map<string, Role>();
  const rolesByName = new Map<string, string>();
  const managedPolicies = new Map<string, ManagedPolicy>();
  const unresolvedRoles = new Map<string, string>();
  const policyProblems: PolicyProblem[] = [];
  const locations: TemplateLocations = {
    functions: new Map(),
    mappings: new Map(),
    invokeConfigs: new Map(),
    roles: new Map(),
    statements: new Map(),
  };

  const str = (value: TemplateValue | undefined, what: string, where: unknown): string | undefined => {
    const resolved = resolver.resolveString(value);
    if (resolved instanceof Unresolved) {
      warnings.push(`${at(where)}: ${what} cannot be resolved: ${resolved.reason}`);
      return placeholder(resolved.reason);
    }
    return resolved;
  };
  const strings = (value: TemplateValue | undefined, what: string, where: unknown): string[] | undefined => {
    const resolved = resolver.resolve(value);
    if (resolved === NO_VALUE || resolved === null || resolved === undefined) return undefined;
    if (resolved instanceof Unresolved) {
      warnings.push(`${at(where)}: ${what} cannot be resolved: ${resolved.reason}`);
      return [placeholder(resolved.reason)];
    }
    const list = Array.isArray(resolved) ? resolved : [resolved];
    return list.map((item: Resolved) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      const reason = item instanceof Unresolved ? item.reason : `not a string: ${JSON.stringify(item)}`;
      warnings.push(`${at(where)}: ${what} cannot be resolved: ${reason}`);
      return placeholder(reason);
    });
  };
  const functionArnOf = (name: string): string =>
    name.startsWith('arn:')
      ? name
      : name.includes(':')
        ? `arn:${partition}:lambda:${region}:${name}`
        : `arn:${partition}:lambda:${region}:${account}:function:${name}`;

  /**
   * A policy document with its unknowns: statements (or parts) that cannot be resolved are left out and
   * named as unknown grants; statement ids stay those of the written document (Sid, else the index).
   */
  const policyDocument = (
    raw: TemplateValue | undefined,
    owner: string,
    source: string,
    logicalId: string,
    where: unknown,
  ): { result: DocumentResult; unknown: UnknownGrant[] } => {
    const unknown: UnknownGrant[] = [];
    const empty: DocumentResult = { ok: true, document: { Version: '2012-10-17', Statement: [] } };
    // A policy IAM or CloudFormation would reject: an `invalid-policy` finding where it is written, and
    // what it was meant to grant or deny is unknown. (The trust policy keeps the engine's own handling.)
    const invalid = (message: string, statement: string | undefined, at: unknown, denies = false): void => {
      const place = typeof at === 'object' && at !== null ? at : where;
      const line = template.lineOf(place) ?? template.lineOf(where);
      // What it was meant to allow is unknown; what it was meant to deny too, when it reads as a Deny.
      unknown.push({
        source,
        kind: denies ? 'deny' : 'identity',
        reason: `${file}:${line ?? '?'}: ${message}`,
      });
      if (source === 'trust') return;
      policyProblems.push({
        policy: source,
        ...(owner === '' ? {} : { roleArn: owner }),
        ...(statement === undefined ? {} : { statement }),
        message,
      });
      locations.statements.set(statementKey(owner, source, statement ?? ''), location(logicalId, place));
    };
    const resolved = resolver.resolve(raw);
    const written = isObject(raw) ? raw.Statement : undefined;
    const writtenList = Array.isArray(written) ? written : written === undefined ? [] : [written];
    if (resolved instanceof Unresolved) {
      if (isMalformed(resolved.reason)) {
        invalid(resolved.reason, undefined, raw);
        return { result: empty, unknown };
      }
      unknown.push({ source, kind: 'identity', reason: `${at(where)}: ${resolved.reason}` });
      unknown.push({ source, kind: 'deny', reason: `${at(where)}: ${resolved.reason}` });
      return { result: empty, unknown };
    }
    const statements = isObject(resolved) ? resolved.Statement : undefined;
    const list = Array.isArray(statements)
      ? (statements as Resolved[])
      : statements === undefined
        ? undefined
        : [statements];
    if (!isObject(resolved) || list === undefined) {
      const parsed = parsePolicyDocument(resolved === NO_VALUE ? undefined : resolved);
      if (source === 'trust') return { result: parsed, unknown };
      invalid(parsed.ok ? 'the policy document has no Statement' : parsed.error, undefined, raw);
      return { result: empty, unknown };
    }
    const kept: Resolved[] = [];
    const originalIndex: number[] = [];
    list.forEach((statement, index) => {
      const writtenStatement = writtenList[index] ?? where;
      const line = at(writtenStatement);
      const sidOf = (value: Resolved): string =>
        isObject(value) && typeof value.Sid === 'string' && value.Sid !== '' ? value.Sid : String(index);
      const cleaned = cleanStatement(statement, (reason, kind) => {
        if (isMalformed(reason)) invalid(reason, sidOf(statement), writtenStatement, kind === 'deny');
        else unknown.push({ source, kind, reason: `${line}: ${reason}` });
      });
      if (cleaned === undefined) return;
      // Each statement alone, so that one IAM would reject is reported where it is and the others stand.
      const alone = parsePolicyDocument({ Version: '2012-10-17', Statement: [cleaned] });
      if (!alone.ok) {
        const effect = isObject(cleaned) ? cleaned.Effect : undefined;
        const denies = typeof effect === 'string' && effect.toLowerCase() === 'deny';
        invalid(alone.error.replace(/^Statement\[0\]:? ?/, ''), sidOf(cleaned), writtenStatement, denies);
        return;
      }
      kept.push(cleaned);
      originalIndex.push(index);
      locations.statements.set(
        statementKey(owner, source, sidOf(cleaned)),
        location(logicalId, writtenStatement),
      );
    });
    const parsed = parsePolicyDocument({ ...resolved, Statement: kept });
    if (!parsed.ok) {
      if (source === 'trust') return { result: parsed, unknown };
      invalid(parsed.error, undefined, raw);
      return { result: empty, unknown };
    }
    const renumbered = parsed.document.Statement.map((statement, i) =>
      statement.Sid === undefined ? { ...statement, id: String(originalIndex[i] ?? i) } : statement,
    );
    return { result: { ok: true, document: { ...parsed.document, Statement: renumbered } }, unknown };
  };

  const tagsOf = (value: TemplateValue | undefined): Tag[] | undefined => {
    const resolved = resolver.resolve(value);
    if (!Array.isArray(resolved)) return undefined;
    return (resolved as Resolved[]).flatMap((tag) =>
      isObject(tag) && typeof tag.Key === 'string' && typeof tag.Value === 'string'
        ? [{ Key: tag.Key, Value: tag.Value }]
        : [],
    );
  };

  // Roles first: policies attach to them by name.
  const entries = Object.entries(resources).filter(
    ([logicalId, resource]) => isObject(resource) && !absent.has(logicalId),
  ) as [string, TemplateObject][];
  for (const [logicalId, resource] of entries) {
    const type = typeof resource.Type === 'string' ? resource.Type : '';
    if (!READ_TYPES.has(type) && RELEVANT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
      warnings.push(`${at(resource)}: ${logicalId} has type ${type}, which this tool does not read`);
    }
    if (type !== 'AWS::IAM::Role') continue;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const arn = naming.getAtt(logicalId, 'Arn');
    const name = naming.ref(logicalId);
    if (typeof arn !== 'string' || typeof name !== 'string') {
      warnings.push(
        `${at(resource)}: the role ${logicalId} cannot be named: ${(arn as Unresolved).reason ?? ''}`,
      );
      continue;
    }
    const unknown: UnknownGrant[] = [];
    const trust = policyDocument(properties.AssumeRolePolicyDocument, arn, 'trust', logicalId, resource);
    const inline: InlinePolicy[] = [];
    const policies = Array.isArray(properties.Policies) ? properties.Policies : [];
    for (const entry of policies) {
      // An entry may be an intrinsic (`!If [cond, {…}, !Ref AWS::NoValue]`): choose its branch first.
      const policy =
        isObject(entry) && !('PolicyName' in entry) && !('PolicyDocument' in entry)
          ? (resolver.resolve(entry) as TemplateValue)
          : entry;
      if (!isObject(policy)) {
        if ((policy as unknown) instanceof Unresolved) {
          unknown.push({
            source: `${logicalId}.Policies`,
            kind: 'identity',
            reason: `${at(entry)}: ${(policy as unknown as Unresolved).reason}`,
          });
        }
        continue;
      }
      const resolvedName = resolver.resolveString(policy.PolicyName);
      const policyName =
        typeof resolvedName === 'string' ? resolvedName : `${logicalId}Policy${inline.length}`;
      const document = policyDocument(policy.PolicyDocument, arn, `inline:${policyName}`, logicalId, policy);
      unknown.push(...document.unknown);
      inline.push({ PolicyName: policyName, PolicyDocument: document.result });
    }
    const attached: AttachedPolicy[] = [];
    const managedArns = resolver.resolve(properties.ManagedPolicyArns);
    if (managedArns instanceof Unresolved) {
      unknown.push({
        source: `${logicalId}.ManagedPolicyArns`,
        kind: 'identity',
        reason: `${at(resource)}: ${managedArns.reason}`,
      });
    } else if (Array.isArray(managedArns)) {
      for (const item of managedArns as Resolved[]) {
        if (typeof item === 'string')
          attached.push({ PolicyArn: item, PolicyName: item.slice(item.lastIndexOf('/') + 1) });
        else if (item !== NO_VALUE) {
          const reason = item instanceof Unresolved ? item.reason : `not a string: ${JSON.stringify(item)}`;
          unknown.push({
            source: `${logicalId}.ManagedPolicyArns`,
            kind: 'identity',
            reason: `${at(resource)}: ${reason}`,
          });
        }
      }
    }
    let boundary: Role['PermissionsBoundary'];
    if (properties.PermissionsBoundary !== undefined) {
      const value = resolver.resolveString(properties.PermissionsBoundary);
      if (value instanceof Unresolved) {
        unknown.push({
          source: `boundary:${logicalId}.PermissionsBoundary`,
          kind: 'boundary',
          reason: `${at(resource)}: ${value.reason}`,
        });
      } else if (value !== undefined)
        boundary = { PermissionsBoundaryArn: value, PermissionsBoundaryType: 'Policy' };
    }
    const tags = tagsOf(properties.Tags);
    roles.set(arn, {
      RoleName: name,
      Arn: arn,
      AssumeRolePolicyDocument: trust.result,
      RolePolicyList: inline,
      AttachedManagedPolicies: attached,
      ...(boundary === undefined ? {} : { PermissionsBoundary: boundary }),
      ...(tags === undefined ? {} : { Tags: tags }),
      ...(unknown.length === 0 ? {} : { unresolvedPolicies: unknown }),
    });
    rolesByName.set(name, arn);
    locations.roles.set(arn, location(logicalId, resource));
  }

  const roleOf = (name: string): Role | undefined => {
    const arn = rolesByName.get(name) ?? (name.startsWith('arn:') ? name : undefined);
    return arn === undefined ? undefined : roles.get(arn);
  };
  const addToRole = (role: Role, change: (role: Role) => Role): void => {
    roles.set(role.Arn, change(role));
  };

  for (const [logicalId, resource] of entries) {
    const type = resource.Type;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    if (type === 'AWS::IAM::Policy' || type === 'AWS::IAM::RolePolicy') {
      const policyName = resolver.resolveString(properties.PolicyName);
      const name = typeof policyName === 'string' ? policyName : logicalId;
      const targets =
        type === 'AWS::IAM::RolePolicy'
          ? [resolver.resolveString(properties.RoleName)]
          : ((): (string | Unresolved | undefined)[] => {
              const list = resolver.resolve(properties.Roles);
              return Array.isArray(list)
                ? (list as Resolved[]).map((item) =>
                    item instanceof Unresolved || typeof item === 'string' ? item : undefined,
                  )
                : [];
            })();
      for (const target of targets) {
        if (target instanceof Unresolved || target === undefined) {
          warnings.push(
            `${at(resource)}: a role of the policy ${logicalId} cannot be resolved${target ? `: ${target.reason}` : ''}`,
          );
          continue;
        }
        const role = roleOf(target);
        if (role === undefined) continue; // a role defined elsewhere: its policies are its own business there
        const document = policyDocument(
          properties.PolicyDocument,
          role.Arn,
          `inline:${name}`,
          logicalId,
          resource,
        );
        addToRole(role, (current) => ({
          ...current,
          RolePolicyList: [...current.RolePolicyList, { PolicyName: name, PolicyDocument: document.result }],
          ...(document.unknown.length === 0
            ? {}
            : { unresolvedPolicies: [...(current.unresolvedPolicies ?? []), ...document.unknown] }),
        }));
      }
    } else if (type === 'AWS::IAM::ManagedPolicy') {
      const arn = naming.ref(logicalId);
      if (typeof arn !== 'string') continue;
      const document = policyDocument(properties.PolicyDocument, '', arn, logicalId, resource);
      managedPolicies.set(arn, {
        Arn: arn,
        PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
        DefaultVersionId: 'v1',
        Document: document.result,
      });
      const attachTo = resolver.resolve(properties.Roles);
      for (const target of Array.isArray(attachTo) ? (attachTo as Resolved[]) : []) {
        const role = typeof target === 'string' ? roleOf(target) : undefined;
        if (role === undefined) continue;
        addToRole(role, (current) => ({
          ...current,
          AttachedManagedPolicies: [
            ...current.AttachedManagedPolicies,
            { PolicyArn: arn, PolicyName: arn.slice(arn.lastIndexOf('/') + 1) },
          ],
          ...(document.unknown.length === 0
            ? {}
            : { unresolvedPolicies: [...(current.unresolvedPolicies ?? []), ...document.unknown] }),
        }));
      }
    }
  }

  for (const [logicalId, resource] of entries) {
    const type = resource.Type;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    if (type === 'AWS::Lambda::Function') {
      const name = naming.ref(logicalId);
      const arn = naming.getAtt(logicalId, 'Arn');
      if (typeof name !== 'string' || typeof arn !== 'string') {
        warnings.push(
          `${at(resource)}: the function ${logicalId} cannot be named: ${name instanceof Unresolved ? name.reason : ''}`,
        );
        continue;
      }
      let role = resolver.resolveString(properties.Role);
      if (role === undefined || role instanceof Unresolved) {
        const reason = role === undefined ? 'the function has no Role' : role.reason;
        const placeholderArn = `arn:${partition}:iam::${account}:role/<unresolved role of ${logicalId}>`;
        unresolvedRoles.set(
          placeholderArn,
          `${at(resource)}: the role of ${logicalId} cannot be resolved: ${reason}`,
        );
        role = placeholderArn;
      }
      const vpc = isObject(properties.VpcConfig) ? properties.VpcConfig : undefined;
      const subnets = vpc
        ? strings(vpc.SubnetIds, `the VpcConfig.SubnetIds of ${logicalId}`, resource)
        : undefined;
      const groups = vpc
        ? strings(vpc.SecurityGroupIds, `the VpcConfig.SecurityGroupIds of ${logicalId}`, resource)
        : undefined;
      const dlq = isObject(properties.DeadLetterConfig)
        ? str(properties.DeadLetterConfig.TargetArn, `the DeadLetterConfig of ${logicalId}`, resource)
        : undefined;
      const tracing = isObject(properties.TracingConfig)
        ? resolver.resolveString(properties.TracingConfig.Mode)
        : undefined;
      const logging = isObject(properties.LoggingConfig)
        ? str(properties.LoggingConfig.LogGroup, `the LoggingConfig.LogGroup of ${logicalId}`, resource)
        : undefined;
      const kms =
        properties.KmsKeyArn === undefined
          ? undefined
          : str(properties.KmsKeyArn, `the KmsKeyArn of ${logicalId}`, resource);
      const fileSystems = Array.isArray(properties.FileSystemConfigs)
        ? properties.FileSystemConfigs.flatMap((config) => {
            const fsArn = isObject(config)
              ? str(config.Arn, `a FileSystemConfigs entry of ${logicalId}`, resource)
              : undefined;
            return fsArn === undefined ? [] : [{ Arn: fsArn }];
          })
        : undefined;
      const runtime = resolver.resolveString(properties.Runtime);
      const tags = tagsOf(properties.Tags);
      functions.push({
        FunctionName: name,
        FunctionArn: arn,
        Role: role,
        ...(typeof runtime === 'string' ? { Runtime: runtime } : {}),
        ...(vpc === undefined
          ? {}
          : { VpcConfig: { SubnetIds: subnets ?? [], SecurityGroupIds: groups ?? [] } }),
        ...(dlq === undefined ? {} : { DeadLetterConfig: { TargetArn: dlq } }),
        ...(typeof tracing === 'string' ? { TracingConfig: { Mode: tracing } } : {}),
        ...(logging === undefined ? {} : { LoggingConfig: { LogGroup: logging } }),
        ...(kms === undefined ? {} : { KMSKeyArn: kms }),
        ...(fileSystems === undefined || fileSystems.length === 0 ? {} : { FileSystemConfigs: fileSystems }),
        ...(tags === undefined ? {} : { Tags: tags }),
      });
      locations.functions.set(arn, location(logicalId, resource));
    } else if (type === 'AWS::Lambda::EventSourceMapping') {
      const fn = str(properties.FunctionName, `the FunctionName of ${logicalId}`, resource);
      if (fn === undefined) continue;
      const source =
        properties.EventSourceArn === undefined
          ? undefined
          : str(properties.EventSourceArn, `the EventSourceArn of ${logicalId}`, resource);
      const enabled = resolver.resolve(properties.Enabled);
      const destination =
        isObject(properties.DestinationConfig) && isObject(properties.DestinationConfig.OnFailure)
          ? str(
              properties.DestinationConfig.OnFailure.Destination,
              `the on-failure destination of ${logicalId}`,
              resource,
            )
          : undefined;
      const access = resolver.resolve(properties.SourceAccessConfigurations);
      const accessList = Array.isArray(access)
        ? (access as Resolved[]).flatMap((entry) => {
            if (!isObject(entry)) return [];
            const uri =
              entry.URI instanceof Unresolved
                ? placeholder(entry.URI.reason)
                : typeof entry.URI === 'string'
                  ? entry.URI
                  : undefined;
            return [
              {
                ...(typeof entry.Type === 'string' ? { Type: entry.Type } : {}),
                ...(uri === undefined ? {} : { URI: uri }),
              },
            ];
          })
        : undefined;
      const selfManaged =
        isObject(properties.SelfManagedEventSource) && isObject(properties.SelfManagedEventSource.Endpoints)
          ? strings(
              properties.SelfManagedEventSource.Endpoints.KafkaBootstrapServers,
              `the Kafka bootstrap servers of ${logicalId}`,
              resource,
            )
          : undefined;
      const topics = strings(properties.Topics, `the Topics of ${logicalId}`, resource);
      const queues = strings(properties.Queues, `the Queues of ${logicalId}`, resource);
      const group = (value: TemplateValue | undefined): string | undefined =>
        isObject(value)
          ? str(value.ConsumerGroupId, `the ConsumerGroupId of ${logicalId}`, resource)
          : undefined;
      const mskGroup = group(properties.AmazonManagedKafkaEventSourceConfig);
      const kafkaGroup = group(properties.SelfManagedKafkaEventSourceConfig);
      const docdb = isObject(properties.DocumentDBEventSourceConfig)
        ? properties.DocumentDBEventSourceConfig
        : undefined;
      mappings.push({
        UUID: logicalId,
        FunctionArn: functionArnOf(fn),
        ...(source === undefined ? {} : { EventSourceArn: source }),
        State: enabled === false || enabled === 'false' ? 'Disabled' : 'Enabled',
        ...(destination === undefined
          ? {}
          : { DestinationConfig: { OnFailure: { Destination: destination } } }),
        ...(accessList === undefined ? {} : { SourceAccessConfigurations: accessList }),
        ...(selfManaged === undefined
          ? {}
          : { SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: selfManaged } } }),
        ...(topics === undefined ? {} : { Topics: topics }),
        ...(queues === undefined ? {} : { Queues: queues }),
        ...(mskGroup === undefined
          ? {}
          : { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: mskGroup } }),
        ...(kafkaGroup === undefined
          ? {}
          : { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: kafkaGroup } }),
        ...(docdb === undefined
          ? {}
          : {
              DocumentDBEventSourceConfig: {
                ...(str(docdb.DatabaseName, 'DatabaseName', resource) === undefined
                  ? {}
                  : { DatabaseName: str(docdb.DatabaseName, 'DatabaseName', resource) as string }),
                ...(str(docdb.CollectionName, 'CollectionName', resource) === undefined
                  ? {}
                  : { CollectionName: str(docdb.CollectionName, 'CollectionName', resource) as string }),
              },
            }),
      });
      locations.mappings.set(logicalId, location(logicalId, resource));
    } else if (type === 'AWS::Lambda::EventInvokeConfig') {
      const fn = str(properties.FunctionName, `the FunctionName of ${logicalId}`, resource);
      const qualifier = str(properties.Qualifier, `the Qualifier of ${logicalId}`, resource) ?? '$LATEST';
      if (fn === undefined) continue;
      const destinations = isObject(properties.DestinationConfig) ? properties.DestinationConfig : {};
      const destination = (key: string): { Destination: string } | undefined => {
        const entry = destinations[key];
        const value = isObject(entry)
          ? str(entry.Destination, `the ${key} destination of ${logicalId}`, resource)
          : undefined;
        return value === undefined ? undefined : { Destination: value };
      };
      const onSuccess = destination('OnSuccess');
      const onFailure = destination('OnFailure');
      const functionArn = `${functionArnOf(fn)}:${qualifier}`;
      invokeConfigs.push({
        FunctionArn: functionArn,
        DestinationConfig: {
          ...(onSuccess === undefined ? {} : { OnSuccess: onSuccess }),
          ...(onFailure === undefined ? {} : { OnFailure: onFailure }),
        },
      });
      locations.invokeConfigs.set(functionArn, location(logicalId, resource));
    }
  }

  return {
    functions,
    mappings,
    invokeConfigs,
    roles,
    managedPolicies,
    unresolvedRoles,
    policyProblems,
    locations,
    warnings,
  };
}

/**
 * A statement with what cannot be resolved taken out, or `undefined` when nothing of it can stand. Each
 * removal is reported with the kind of unknown it leaves: a part of an Allow may allow more than is known
 * (`identity`); a part of a Deny may deny more (`deny`). A `NotAction`/`NotResource` or a condition that
 * cannot be resolved removes the whole statement (leaving a part out would widen it).
 */
function cleanStatement(
  statement: Resolved,
  report: (reason: string, kind: UnknownGrant['kind']) => void,
): Resolved | undefined {
  if (!isObject(statement)) return statement;
  const object = statement as Record<string, Resolved>;
  const effect = object.Effect;
  const kind: UnknownGrant['kind'] = effect === 'Deny' ? 'deny' : 'identity';
  if (effect instanceof Unresolved) {
    report(`the Effect of a statement cannot be resolved: ${effect.reason}`, 'identity');
    report(`the Effect of a statement cannot be resolved: ${effect.reason}`, 'deny');
    return undefined;
  }
  const whole = ['NotAction', 'NotResource', 'Condition', 'Principal', 'NotPrincipal'];
  for (const key of whole) {
    const found = object[key] === undefined ? undefined : firstUnresolved(object[key] as Resolved);
    if (found) {
      report(`the ${key} of a statement cannot be resolved: ${found.reason}`, kind);
      return undefined;
    }
  }
  const result: Record<string, Resolved> = { ...object };
  // An action that cannot be resolved is left out (a stand-in would read as an unknown action); a resource
  // that cannot be resolved stays as a stand-in that matches no ARN, so that the statement is still judged
  // for what it does grant (a wildcard action, say) while the verdicts it could change are unverifiable.
  const action = object.Action;
  if (action instanceof Unresolved) {
    report(`the Action of a statement cannot be resolved: ${action.reason}`, kind);
    return undefined;
  }
  if (Array.isArray(action)) {
    const kept = (action as Resolved[]).filter((item) => {
      if (!(item instanceof Unresolved)) return true;
      report(`an Action of a statement cannot be resolved: ${item.reason}`, kind);
      return false;
    });
    if (kept.length === 0) return undefined;
    result.Action = kept;
  }
  const resource = object.Resource;
  const stand = (item: Resolved): Resolved => {
    if (!(item instanceof Unresolved)) return item;
    report(`a Resource of a statement cannot be resolved: ${item.reason}`, kind);
    return placeholder(item.reason);
  };
  if (resource instanceof Unresolved) result.Resource = stand(resource);
  else if (Array.isArray(resource)) result.Resource = (resource as Resolved[]).map(stand);
  const rest = firstUnresolved(result as Resolved);
  if (rest) {
    report(`a statement has a value that cannot be resolved: ${rest.reason}`, kind);
    return undefined;
  }
  return result;
}

/** A reason that says the template itself is wrong (CloudFormation would reject it), not merely unknown. */
function isMalformed(reason: string): boolean {
  return reason.includes('malformed ') || reason.includes('unknown intrinsic function');
}

/** The CDK construct path (`Metadata.aws:cdk:path`) of a resource, where the template has it. */
function constructPathOf(resource: unknown): string | undefined {
  if (!isObject(resource) || !isObject(resource.Metadata)) return undefined;
  const path = resource.Metadata['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}
