/**
 * The export folder's files as the AWS CLI prints them (`--output json`), checked at the boundary. Only the
 * fields the audit reads are declared; everything else the CLI prints (CodeSha256, RoleLastUsed, …) is
 * accepted and dropped, so that a newer CLI adding fields never breaks an audit. Field names stay
 * PascalCase, as AWS spells them. Policy documents are `unknown` here: they may be objects (AWS CLI) or
 * URL-encoded strings (IAM API), and `parsePolicyDocument` decides.
 *
 * No defaults and no transforms here: a value that fits is used as it is (see fast-check.ts), and the
 * source fills in what is absent.
 *
 * Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionEventInvokeConfigs.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListAliases.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html,
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html,
 * https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html
 */
import * as z from 'zod';

const tagSchema = z.object({ Key: z.string(), Value: z.string() });

/** `ListTags`/`GetFunction` return tags as a map, IAM as a list: both are accepted (the source makes a list). */
const tagsSchema = z.union([z.array(tagSchema), z.record(z.string(), z.string())]);

const destinationSchema = z.object({ Destination: z.string().optional() });

export const roleDetailSchema = z.object({
  RoleName: z.string(),
  Arn: z.string(),
  AssumeRolePolicyDocument: z.unknown(),
  RolePolicyList: z.array(z.object({ PolicyName: z.string(), PolicyDocument: z.unknown() })).optional(),
  AttachedManagedPolicies: z
    .array(z.object({ PolicyName: z.string().optional(), PolicyArn: z.string() }))
    .optional(),
  PermissionsBoundary: z
    .object({ PermissionsBoundaryArn: z.string(), PermissionsBoundaryType: z.string().optional() })
    .optional(),
  Tags: tagsSchema.optional(),
});

export const managedPolicyDetailSchema = z.object({
  PolicyName: z.string(),
  Arn: z.string(),
  DefaultVersionId: z.string().optional(),
  PolicyVersionList: z
    .array(
      z.object({
        Document: z.unknown(),
        VersionId: z.string().optional(),
        IsDefaultVersion: z.boolean().optional(),
      }),
    )
    .optional(),
});

export const authorizationDetailsSchema = z.object({
  RoleDetailList: z.array(roleDetailSchema),
  Policies: z.array(managedPolicyDetailSchema).optional(),
});

export const functionConfigurationSchema = z.object({
  FunctionName: z.string(),
  FunctionArn: z.string(),
  Role: z.string(),
  Runtime: z.string().optional(),
  VpcConfig: z
    .object({
      SubnetIds: z.array(z.string()).optional(),
      SecurityGroupIds: z.array(z.string()).optional(),
      VpcId: z.string().optional(),
    })
    .optional(),
  DeadLetterConfig: z.object({ TargetArn: z.string().optional() }).optional(),
  TracingConfig: z.object({ Mode: z.string().optional() }).optional(),
  LoggingConfig: z.object({ LogGroup: z.string().optional(), LogFormat: z.string().optional() }).optional(),
  FileSystemConfigs: z.array(z.object({ Arn: z.string(), LocalMountPath: z.string().optional() })).optional(),
  KMSKeyArn: z.string().optional(),
  Tags: tagsSchema.optional(),
  Version: z.string().optional(),
});

export const functionsFileSchema = z.object({ Functions: z.array(functionConfigurationSchema) });

export const eventSourceMappingSchema = z.object({
  UUID: z.string(),
  FunctionArn: z.string(),
  EventSourceArn: z.string().optional(),
  State: z.string().optional(),
  DestinationConfig: z.object({ OnFailure: destinationSchema.optional() }).optional(),
  SourceAccessConfigurations: z
    .array(z.object({ Type: z.string().optional(), URI: z.string().optional() }))
    .optional(),
  SelfManagedEventSource: z
    .object({ Endpoints: z.record(z.string(), z.array(z.string())).optional() })
    .optional(),
  Topics: z.array(z.string()).optional(),
  Queues: z.array(z.string()).optional(),
  AmazonManagedKafkaEventSourceConfig: z.object({ ConsumerGroupId: z.string().optional() }).optional(),
  SelfManagedKafkaEventSourceConfig: z.object({ ConsumerGroupId: z.string().optional() }).optional(),
  DocumentDBEventSourceConfig: z
    .object({ DatabaseName: z.string().optional(), CollectionName: z.string().optional() })
    .optional(),
});

export const eventSourceMappingsFileSchema = z.object({
  EventSourceMappings: z.array(eventSourceMappingSchema),
});

export const eventInvokeConfigSchema = z.object({
  FunctionArn: z.string(),
  DestinationConfig: z
    .object({ OnSuccess: destinationSchema.optional(), OnFailure: destinationSchema.optional() })
    .optional(),
});

export const eventInvokeConfigsFileSchema = z.object({
  FunctionEventInvokeConfigs: z.array(eventInvokeConfigSchema),
});

/** `aws lambda list-versions-by-function` items (published versions), for every function that needs them. */
export const versionsFileSchema = z.object({ Versions: z.array(functionConfigurationSchema) });

export const aliasSchema = z.object({
  AliasArn: z.string(),
  Name: z.string(),
  FunctionVersion: z.string(),
  // The Lambda API leaves it out when the alias has no routing; moto sends null.
  RoutingConfig: z
    .union([z.object({ AdditionalVersionWeights: z.record(z.string(), z.number()).optional() }), z.null()])
    .optional(),
});

/** `aws lambda list-aliases` items, for every function that needs them. */
export const aliasesFileSchema = z.object({ Aliases: z.array(aliasSchema) });

/**
 * `resource-encryption.json`: the encryption attributes of the queues, streams, topics and secrets the
 * functions use, each list the outputs of one AWS CLI command per resource, and the keys they name:
 * - `Queues`: `aws sqs get-queue-attributes --attribute-names QueueArn KmsMasterKeyId`;
 * - `Streams`: `aws kinesis describe-stream-summary --stream-arn ARN`;
 * - `Topics`: `aws sns get-topic-attributes --topic-arn ARN`;
 * - `Secrets`: `aws secretsmanager describe-secret --secret-id ARN`;
 * - `Keys`: `aws kms describe-key --key-id KEY` for each key those name (AWS managed `alias/aws/…` aside);
 * - `Aliases`: items of `aws kms list-aliases` for the aliases they name;
 * - `Unreadable`: what `export` could not read, with the reason (the audit then says so).
 */
export const resourceEncryptionFileSchema = z.object({
  Queues: z
    .array(
      z.object({
        Attributes: z.object({ QueueArn: z.string(), KmsMasterKeyId: z.string().optional() }),
      }),
    )
    .optional(),
  Streams: z
    .array(
      z.object({
        StreamDescriptionSummary: z.object({
          StreamARN: z.string(),
          EncryptionType: z.string().optional(),
          KeyId: z.string().optional(),
        }),
      }),
    )
    .optional(),
  Topics: z
    .array(
      z.object({
        Attributes: z.object({ TopicArn: z.string(), KmsMasterKeyId: z.string().optional() }),
      }),
    )
    .optional(),
  Secrets: z.array(z.object({ ARN: z.string(), KmsKeyId: z.string().optional() })).optional(),
  Keys: z
    .array(
      z.object({
        KeyMetadata: z.object({ KeyId: z.string(), Arn: z.string(), KeyManager: z.string().optional() }),
      }),
    )
    .optional(),
  Aliases: z
    .array(
      z.object({
        AliasName: z.string(),
        AliasArn: z.string().optional(),
        TargetKeyId: z.string().optional(),
      }),
    )
    .optional(),
  Unreadable: z.array(z.object({ Resource: z.string(), Reason: z.string() })).optional(),
});

export type ResourceEncryptionFile = z.infer<typeof resourceEncryptionFileSchema>;
export type AliasDetail = z.infer<typeof aliasSchema>;
export type RoleDetail = z.infer<typeof roleDetailSchema>;
export type FunctionConfigurationDetail = z.infer<typeof functionConfigurationSchema>;
export type ManagedPolicyDetail = z.infer<typeof managedPolicyDetailSchema>;
