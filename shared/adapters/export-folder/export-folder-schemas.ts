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
 * https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionEventInvokeConfigs.html
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

export type RoleDetail = z.infer<typeof roleDetailSchema>;
export type FunctionConfigurationDetail = z.infer<typeof functionConfigurationSchema>;
export type ManagedPolicyDetail = z.infer<typeof managedPolicyDetailSchema>;
