/**
 * Builds AccountSnapshots for tests: small, readable, with documents written as the AWS CLI prints them
 * and parsed by the real parser. Defaults: account 123456789012, region us-west-2, a role that Lambda can
 * assume.
 */
import type {
  AccountSnapshot,
  EncryptionFacts,
  EventInvokeConfig,
  EventSourceMapping,
  FunctionAlias,
  FunctionConfiguration,
  ManagedPolicy,
  ReadError,
  Role,
  Tag,
} from '../../shared/domain/model.js';
import { parsePolicyDocument } from '../../shared/domain/policy/parse.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-west-2';
export const PREFIX = `${REGION}:${ACCOUNT}`;

export const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export type RawStatement = Record<string, unknown>;

export function allow(
  action: string | string[],
  resource: string | string[],
  extra: RawStatement = {},
): RawStatement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(
  action: string | string[],
  resource: string | string[],
  extra: RawStatement = {},
): RawStatement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export function doc(...statements: RawStatement[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${PREFIX}:function:${name}`;
}

export function roleArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

/** A function named `name` whose role is `NAME-role` unless `Role` is given. */
export function lambdaFunction(
  name: string,
  overrides: Partial<FunctionConfiguration> = {},
): FunctionConfiguration {
  return { FunctionName: name, FunctionArn: functionArn(name), Role: roleArn(`${name}-role`), ...overrides };
}

export interface RoleSpec {
  readonly inline?: Readonly<Record<string, unknown>>;
  readonly attached?: readonly string[];
  readonly boundary?: string;
  readonly trust?: unknown;
  readonly tags?: readonly Tag[];
}

/** A role; `nameOrArn` is a role name (in the default account) or an ARN. Documents go through the real parser. */
export function role(nameOrArn: string, spec: RoleSpec = {}): Role {
  const arn = nameOrArn.startsWith('arn:') ? nameOrArn : roleArn(nameOrArn);
  return {
    RoleName: arn.split('/').at(-1) ?? arn,
    Arn: arn,
    AssumeRolePolicyDocument: parsePolicyDocument(spec.trust ?? LAMBDA_TRUST),
    RolePolicyList: Object.entries(spec.inline ?? {}).map(([PolicyName, raw]) => ({
      PolicyName,
      PolicyDocument: parsePolicyDocument(raw),
    })),
    AttachedManagedPolicies: (spec.attached ?? []).map((PolicyArn) => ({
      PolicyArn,
      PolicyName: PolicyArn.split('/').at(-1) ?? PolicyArn,
    })),
    ...(spec.boundary === undefined
      ? {}
      : {
          PermissionsBoundary: { PermissionsBoundaryArn: spec.boundary, PermissionsBoundaryType: 'Policy' },
        }),
    ...(spec.tags === undefined ? {} : { Tags: spec.tags }),
  };
}

export function managedPolicy(arn: string, raw: unknown): ManagedPolicy {
  return {
    Arn: arn,
    PolicyName: arn.split('/').at(-1) ?? arn,
    DefaultVersionId: 'v1',
    Document: parsePolicyDocument(raw),
  };
}

let uuidCounter = 0;

/** A mapping of `functionName` reading `eventSourceArn` (undefined for self-managed Kafka). */
export function mapping(
  functionName: string,
  eventSourceArn: string | undefined,
  overrides: Partial<EventSourceMapping> = {},
): EventSourceMapping {
  uuidCounter += 1;
  return {
    UUID: `00000000-0000-0000-0000-${String(uuidCounter).padStart(12, '0')}`,
    FunctionArn: functionArn(functionName),
    ...(eventSourceArn === undefined ? {} : { EventSourceArn: eventSourceArn }),
    State: 'Enabled',
    ...overrides,
  };
}

export interface SnapshotSpec {
  readonly functions: readonly FunctionConfiguration[];
  readonly roles?: readonly Role[];
  readonly mappings?: readonly EventSourceMapping[];
  readonly invokeConfigs?: readonly EventInvokeConfig[];
  readonly managedPolicies?: readonly ManagedPolicy[];
  readonly readErrors?: readonly ReadError[];
  /** Only some functions were read (a live read of named functions). */
  readonly partial?: boolean;
  readonly versions?: readonly FunctionConfiguration[];
  readonly aliases?: readonly FunctionAlias[];
  readonly encryption?: EncryptionFacts;
}

export function snapshot(spec: SnapshotSpec): AccountSnapshot {
  return {
    source: { kind: 'export', account: ACCOUNT, region: REGION, path: 'test' },
    functions: spec.functions,
    eventSourceMappings: spec.mappings ?? [],
    ...(spec.invokeConfigs === undefined ? {} : { eventInvokeConfigs: spec.invokeConfigs }),
    roles: new Map((spec.roles ?? []).map((r) => [r.Arn, r])),
    managedPolicies: new Map((spec.managedPolicies ?? []).map((p) => [p.Arn, p])),
    readErrors: spec.readErrors ?? [],
    ...(spec.partial ? { partial: true } : {}),
    ...(spec.versions === undefined ? {} : { versions: spec.versions }),
    ...(spec.aliases === undefined ? {} : { aliases: spec.aliases }),
    ...(spec.encryption === undefined ? {} : { encryption: spec.encryption }),
  };
}

/** The logs statement a healthy function needs. */
export function logsStatement(functionName: string): RawStatement {
  return allow(
    ['logs:CreateLogStream', 'logs:PutLogEvents'],
    `arn:aws:logs:${PREFIX}:log-group:/aws/lambda/${functionName}:*`,
  );
}
