/**
 * The account as the audit sees it: the subset of IAM and Lambda configuration that decides what an
 * execution role must and may grant. Field names are AWS's own (as `GetAccountAuthorizationDetails`,
 * `ListFunctions`, `ListEventSourceMappings` and `ListFunctionEventInvokeConfigs` return them), so that the
 * export folder, the SDK and this model speak one vocabulary. Policy documents are already decoded
 * (`DocumentResult`): adapters decode at the boundary, the domain never sees URL-encoded text.
 *
 * Nothing here imports the AWS SDK.
 */
import type { DocumentResult } from './policy/document.js';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface FunctionConfiguration {
  readonly FunctionName: string;
  readonly FunctionArn: string;
  readonly Role: string;
  readonly Runtime?: string;
  readonly VpcConfig?: {
    readonly SubnetIds?: readonly string[];
    readonly SecurityGroupIds?: readonly string[];
    readonly VpcId?: string;
  };
  readonly DeadLetterConfig?: { readonly TargetArn?: string };
  readonly TracingConfig?: { readonly Mode?: string };
  readonly LoggingConfig?: { readonly LogGroup?: string; readonly LogFormat?: string };
  readonly FileSystemConfigs?: readonly { readonly Arn: string; readonly LocalMountPath?: string }[];
  readonly KMSKeyArn?: string;
  readonly Tags?: readonly Tag[];
  /** `$LATEST`, or the number of a published version (whose `FunctionArn` then carries it). */
  readonly Version?: string;
}

/**
 * An alias of a function, as `ListAliases` returns it: the version it names and, with a routing
 * configuration, the other versions it sends a share of the invocations to.
 */
export interface FunctionAlias {
  readonly AliasArn: string;
  readonly Name: string;
  readonly FunctionVersion: string;
  readonly RoutingConfig?: { readonly AdditionalVersionWeights?: Readonly<Record<string, number>> };
}

/**
 * The server-side encryption of a queue, stream, topic or secret, as its own attributes name the key
 * (`KmsMasterKeyId` of a queue or topic, `KeyId` of a stream, `KmsKeyId` of a secret): a key id, a key
 * ARN, an alias name or an alias ARN. No `kmsKeyId`: not encrypted with a KMS key of the account (no
 * encryption, SSE-SQS, or the secret's default `aws/secretsmanager` key).
 */
export interface ResourceEncryption {
  readonly resourceArn: string;
  readonly kmsKeyId?: string;
}

/** A KMS key as `DescribeKey` describes it: `KeyManager` is `AWS` (AWS managed) or `CUSTOMER`. */
export interface KmsKey {
  readonly KeyId: string;
  readonly Arn: string;
  readonly KeyManager?: string;
}

/** A KMS alias as `ListAliases` lists it. Aliases are regional: `AliasArn` says where. */
export interface KmsAlias {
  readonly AliasName: string;
  readonly AliasArn?: string;
  readonly TargetKeyId?: string;
}

/**
 * What is known of the keys that encrypt the queues, streams, topics and secrets the functions use. A
 * resource absent from `resources` was not read; `unreadable` says why, by resource ARN or key reference.
 */
export interface EncryptionFacts {
  readonly resources: ReadonlyMap<string, ResourceEncryption>;
  readonly keys: readonly KmsKey[];
  readonly aliases: readonly KmsAlias[];
  readonly unreadable: ReadonlyMap<string, string>;
  /** Where the facts come from, for messages: `resource-encryption.json`, `the live account`. */
  readonly origin: string;
}

export interface SourceAccessConfiguration {
  readonly Type?: string;
  readonly URI?: string;
}

export interface EventSourceMapping {
  readonly UUID: string;
  readonly FunctionArn: string;
  readonly EventSourceArn?: string;
  readonly State?: string;
  readonly DestinationConfig?: { readonly OnFailure?: { readonly Destination?: string } };
  readonly SourceAccessConfigurations?: readonly SourceAccessConfiguration[];
  readonly SelfManagedEventSource?: { readonly Endpoints?: Readonly<Record<string, readonly string[]>> };
  readonly Topics?: readonly string[];
  readonly Queues?: readonly string[];
  readonly AmazonManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
  readonly SelfManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
  readonly DocumentDBEventSourceConfig?: { readonly DatabaseName?: string; readonly CollectionName?: string };
}

export interface EventInvokeConfig {
  /** Qualified or unqualified function ARN, as `ListFunctionEventInvokeConfigs` returns it. */
  readonly FunctionArn: string;
  readonly DestinationConfig?: {
    readonly OnSuccess?: { readonly Destination?: string };
    readonly OnFailure?: { readonly Destination?: string };
  };
}

export interface InlinePolicy {
  readonly PolicyName: string;
  readonly PolicyDocument: DocumentResult;
}

export interface AttachedPolicy {
  readonly PolicyName?: string;
  readonly PolicyArn: string;
}

export interface Role {
  readonly RoleName: string;
  readonly Arn: string;
  readonly AssumeRolePolicyDocument: DocumentResult;
  readonly RolePolicyList: readonly InlinePolicy[];
  readonly AttachedManagedPolicies: readonly AttachedPolicy[];
  readonly PermissionsBoundary?: {
    readonly PermissionsBoundaryArn: string;
    readonly PermissionsBoundaryType?: string;
  };
  readonly Tags?: readonly Tag[];
  /**
   * Parts of the role's permissions that exist but cannot be known (template mode: a statement whose
   * values only a deployment knows). The verdicts that depend on them are `unverifiable`.
   */
  readonly unresolvedPolicies?: readonly UnknownGrant[];
}

/**
 * Something that takes part in a role's permissions but whose content is unknown: a role or managed
 * policy defined outside the template, a statement with a value that cannot be resolved.
 * - `identity`: it may allow what the known policies do not (an unknown policy, an Allow statement);
 * - `deny`: it may deny what the known policies allow (a Deny statement);
 * - `boundary`: the permissions boundary, which may not allow what the identity policies allow.
 */
export interface UnknownGrant {
  /** In the report's vocabulary: a role or policy ARN, `inline:NAME`, `boundary:ARN`. */
  readonly source: string;
  readonly kind: 'identity' | 'deny' | 'boundary';
  /** Why it is unknown, for a person: "defined outside the template". */
  readonly reason: string;
}

/**
 * A policy IAM or CloudFormation would reject that the source found before any document could be read
 * from it (template mode: a `PolicyDocument` that is not a document, a statement of the wrong shape, a
 * malformed intrinsic). Reported as `invalid-policy` for the functions of the roles it belongs to.
 */
export interface PolicyProblem {
  /** In the report's vocabulary: `inline:NAME` (of `roleArn`) or a managed policy ARN. */
  readonly policy: string;
  /** Set for inline policies: the role they belong to. */
  readonly roleArn?: string;
  /** The statement's Sid or index, when the problem is in one statement. */
  readonly statement?: string;
  readonly message: string;
}

/** A managed policy with only what the audit uses: its default version, decoded. */
export interface ManagedPolicy {
  readonly Arn: string;
  readonly PolicyName: string;
  readonly DefaultVersionId: string;
  readonly Document: DocumentResult;
}

/**
 * Something the source could not read (AccessDenied, NoSuchEntity, throttling after retries, a malformed
 * file entry). `resource` is the ARN or name of what failed; `functionName` is set when the failure is known
 * to concern one function. The audit turns these into `errors` for every function they touch.
 */
export interface ReadError {
  readonly resource: string;
  readonly message: string;
  readonly functionName?: string;
}

export interface AccountSnapshot {
  readonly source: {
    readonly kind: 'live' | 'export' | 'template';
    readonly account?: string;
    readonly region?: string;
    /** Every region read, when there are several (then `region` is absent). */
    readonly regions?: readonly string[];
    readonly path?: string;
  };
  readonly functions: readonly FunctionConfiguration[];
  readonly eventSourceMappings: readonly EventSourceMapping[];
  /** `undefined` when the source had none to offer (an export without the optional file). */
  readonly eventInvokeConfigs?: readonly EventInvokeConfig[];
  /** Keyed by role ARN. A function whose role is absent here gets `role-unavailable`. */
  readonly roles: ReadonlyMap<string, Role>;
  /** Keyed by policy ARN. */
  readonly managedPolicies: ReadonlyMap<string, ManagedPolicy>;
  readonly readErrors: readonly ReadError[];
  /**
   * Published versions that qualified mappings and event invoke configs name (each with its qualified
   * `FunctionArn` and `Version`), and the aliases they name. `undefined` when the source did not read them
   * (an export without `versions.json` / `aliases.json`): qualified targets are then judged against
   * `$LATEST`, with a note.
   */
  readonly versions?: readonly FunctionConfiguration[];
  readonly aliases?: readonly FunctionAlias[];
  /**
   * The keys of the resources the functions use. `undefined` when the source has none to offer (an export
   * without `resource-encryption.json`): customer managed key needs are then unverified, with the reason.
   */
  readonly encryption?: EncryptionFacts;
  /**
   * Roles and managed policies that exist but whose content the source cannot know, by ARN, with the
   * reason (template mode: defined outside the template). Unlike a read error, they do not stop the audit
   * of the functions they touch: the verdicts that depend on them are `unverifiable`.
   */
  readonly unresolved?: ReadonlyMap<string, string>;
  /** Policies found invalid before they could be read (see `PolicyProblem`). */
  readonly policyProblems?: readonly PolicyProblem[];
  /**
   * `true` when only some functions were read and other functions of their roles may exist unread (a live
   * read of named functions). Judgements that depend on a role's other functions (`sharedWith`,
   * `unused-source-permission`) then rest on what was read, and say so.
   */
  readonly partial?: boolean;
}

/** What to read: the whole account, or only the named functions (names or ARNs). */
export interface AccountScope {
  readonly functionNames?: readonly string[];
  /**
   * The caller vouches that `functionNames` holds every function of every role those functions use (the
   * change handler resolves a change to all functions of the roles concerned), so the read is not partial.
   */
  readonly includesRoleSiblings?: boolean;
}

/**
 * Where the audit's data comes from. The engine never knows which implementation it reads: the export
 * folder (offline) and the live account (AWS SDK) both produce the same snapshot.
 */
export interface AccountSource {
  load(scope: AccountScope): Promise<AccountSnapshot>;
}
