/**
 * The deploy-time configuration: CDK context (`-c key=value` on the command line, or `context` in
 * cdk.json), validated once with zod so that a typo fails the synth with the key, the value seen and the
 * value expected, instead of deploying something else.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadSuppressionsFile } from '../shared/adapters/suppressions-file/load-suppressions-file.js';
import { DeployConfigError } from '../shared/domain/errors.js';
import { SEVERITIES, type Severity } from '../shared/domain/report.js';
import { BASELINE_SEVERITIES, type BaselineSeverity } from '../shared/domain/rules/managed-baseline.js';
import {
  DEFAULT_TAG_SUPPRESSION,
  parseTagSuppressionPolicy,
  type Suppression,
  type TagSuppressionPolicy,
} from '../shared/domain/suppressions.js';

export interface DeployConfig {
  /** Name of the home stack; the forwarding stacks and the forwarded-events bus derive their names from it. */
  readonly stackName: string;
  /** Where the auditor runs. */
  readonly region: string;
  /** Unset: the stacks are account-agnostic and the CLI's credentials decide at deploy time. */
  readonly account?: string;
  readonly alertEmails: readonly string[];
  /** Where the Slack incoming-webhook URL is kept: a Secrets Manager secret or an SSM parameter (one of the two). */
  readonly slackWebhookSecretArn?: string;
  readonly slackWebhookParameterName?: string;
  /** Webhook hosts allowed besides hooks.slack.com (the Slack notifier refuses any other host). */
  readonly slackWebhookAllowedHosts?: readonly string[];
  /** Create an SNS topic for AWS Chatbot and a notifier that republishes alerts on it as custom notifications. */
  readonly chatbotTopic?: boolean;
  /** More functions than this with news from one change give one grouped alert (the handler's default: 10). */
  readonly bigChangeThreshold?: number;
  /**
   * Lambda requests per second that every invocation of the stack shares, per audited Region (default 10 of
   * Lambda's 15; the rest is left to the account's deployments). `-c lambdaRequestsPerSecond`.
   */
  readonly lambdaRequestsPerSecond?: number;
  /** An EventBridge Scheduler expression for the sweep. */
  readonly schedule: string;
  readonly minSeverity: Severity;
  /**
   * The severity of excess findings that only AWS managed policies AWS recommends for the function cause
   * (`info` by default: not alerted; `low` to be alerted at the default threshold).
   */
  readonly awsManagedBaselineSeverity?: BaselineSeverity;
  readonly suppressions: readonly Suppression[];
  /** What the suppress tag may suppress (`-c tagSuppressMaxSeverity`, `-c tagSuppressRules`). */
  readonly tagSuppression: TagSuppressionPolicy;
  /** Regions besides the home region whose Lambda changes are forwarded to the home region. */
  readonly extraRegions: readonly string[];
  /** `false` when the deployer says the account has no CloudTrail trail logging (synth then warns). */
  readonly trail?: boolean;
  /** `-c securityHub=true`: findings also go to Security Hub (on the account's default product). */
  readonly securityHub?: boolean;
  /** An organization deployment (StackSets): set by `-c orgAssetBucketPrefix`, `-c organizationId`, `-c orgTargets`. */
  readonly organization?: OrganizationConfig;
  /** The security account's central alert topic (and its key) that the auditor also publishes to. */
  readonly centralAlertTopicArn?: string;
  readonly centralAlertKeyArn?: string;
}

export interface OrganizationConfig {
  /** The asset bucket is `<bucketPrefix>-<region>`. */
  readonly bucketPrefix: string;
  /** o-…: the only organization whose principals may read the assets and publish centrally. */
  readonly organizationId: string;
  /** ou-… or r-…: where the StackSets deploy (new accounts included). */
  readonly targets: readonly string[];
  /** `-c centralAlerts=true`: also synthesize the central alert topic stack (for the security account). */
  readonly centralAlerts: boolean;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** A comma list on the command line, or a JSON array in cdk.json. */
const splitList = (v: string | readonly string[]): string[] =>
  (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter((s) => s !== '');
const list = z.union([z.string(), z.array(z.string())]).transform(splitList);

const contextSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'a CloudFormation stack name: letters, digits and hyphens')
    .default('LambdaRoleAudit'),
  region: z.string().regex(REGION, 'an AWS region such as eu-west-1').optional(),
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  alertEmails: list.pipe(z.array(z.email('an email address'))).default([]),
  slackWebhookSecretArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      'the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx)',
    )
    .optional(),
  slackWebhookParameterName: z
    .string()
    .regex(/^[A-Za-z0-9/_.-]{1,1011}$/, 'an SSM parameter name such as /lambda-role-audit/slack-webhook')
    .optional(),
  slackWebhookAllowedHosts: list
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
            'a host name in lower case, such as hooks.example.com (no scheme, no path)',
          ),
      ),
    )
    .optional(),
  chatbotTopic: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .optional(),
  bigChangeThreshold: z
    .union([z.number(), z.string().regex(/^\d+$/, 'a whole number of functions')])
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(100_000, 'at most 100000'))
    .optional(),
  lambdaRequestsPerSecond: z
    .union([z.number(), z.string().regex(/^\d+$/, 'a whole number of requests per second')])
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(2, 'at least 2')
        .max(15, "at most 15 (Lambda's control-plane quota per account and Region)"),
    )
    .optional(),
  schedule: z
    .string()
    .regex(
      /^(rate|cron|at)\(.+\)$/,
      'an EventBridge Scheduler expression such as rate(1 day) or cron(0 6 * * ? *)',
    )
    .default('rate(1 day)'),
  minSeverity: z.enum(SEVERITIES).default('low'),
  awsManagedBaselineSeverity: z.enum(BASELINE_SEVERITIES).optional(),
  suppressionsFile: z.string().min(1).optional(),
  tagSuppressMaxSeverity: z.string().min(1).optional(),
  tagSuppressRules: list.optional(),
  extraRegions: list.pipe(z.array(z.string().regex(REGION, 'an AWS region such as eu-west-1'))).default([]),
  trail: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .optional(),
  securityHub: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .optional(),
  orgAssetBucketPrefix: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{1,40}$/,
      'an S3 bucket name prefix (lower case, digits, hyphens; the region is appended)',
    )
    .optional(),
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, 'an AWS Organizations id such as o-a1b2c3d4e5')
    .optional(),
  orgTargets: list
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/,
            'an OU id (ou-…) or the root id (r-…)',
          ),
      ),
    )
    .optional(),
  centralAlerts: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .optional(),
  centralAlertTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'the ARN of an SNS topic')
    .optional(),
  centralAlertKeyArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]{36}$/,
      'the ARN of a KMS key (key/…, not an alias)',
    )
    .optional(),
});

/** The context keys this app reads (other keys, such as CDK's own feature flags, are left alone). */
export const CONTEXT_KEYS = Object.keys(contextSchema.shape);

export interface ConfigEnvironment {
  /** CDK_DEFAULT_REGION and friends, as the CDK CLI sets them from the AWS profile. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths (suppressionsFile) are resolved against. */
  readonly cwd: string;
}

/**
 * Validates the context. `context` holds the raw values (strings from `-c`, or JSON values from cdk.json).
 * Throws `DeployConfigError` naming each bad key.
 */
export async function parseDeployConfig(
  context: Readonly<Record<string, unknown>>,
  where: ConfigEnvironment,
): Promise<DeployConfig> {
  const picked = Object.fromEntries(
    CONTEXT_KEYS.filter((k) => context[k] !== undefined).map((k) => [k, context[k]]),
  );
  const parsed = contextSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      // A list item is reported under its key (`-c alertEmails`), with the item that is wrong.
      return `  -c ${String(i.path[0])}: ${i.message} (got ${JSON.stringify(valueAt(picked, i.path))})`;
    });
    throw new DeployConfigError(`Invalid deploy configuration:\n${problems.join('\n')}`);
  }
  const c = parsed.data;
  if (c.slackWebhookSecretArn !== undefined && c.slackWebhookParameterName !== undefined) {
    throw new DeployConfigError(
      'Invalid deploy configuration:\n  -c slackWebhookSecretArn and -c slackWebhookParameterName: give one of the two, not both',
    );
  }
  const region =
    c.region ?? where.env.CDK_DEFAULT_REGION ?? where.env.AWS_REGION ?? where.env.AWS_DEFAULT_REGION;
  if (region === undefined || !REGION.test(region)) {
    throw new DeployConfigError(
      `No home region: pass -c region=eu-west-1 (or configure a region in your AWS profile); got ${JSON.stringify(region)}`,
    );
  }
  let tagSuppression: TagSuppressionPolicy = DEFAULT_TAG_SUPPRESSION;
  try {
    tagSuppression = parseTagSuppressionPolicy(
      { maxSeverity: c.tagSuppressMaxSeverity, rules: c.tagSuppressRules?.join(',') },
      { maxSeverity: '-c tagSuppressMaxSeverity', rules: '-c tagSuppressRules' },
    );
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DeployConfigError(`Invalid deploy configuration:\n  ${message}`, { cause });
  }
  const orgKeys = [c.orgAssetBucketPrefix, c.organizationId, c.orgTargets];
  if (
    orgKeys.some((v) => v !== undefined) &&
    orgKeys.some((v) => v === undefined || (Array.isArray(v) && v.length === 0))
  ) {
    throw new DeployConfigError(
      'Invalid deploy configuration:\n  an organization deployment needs all of -c orgAssetBucketPrefix, -c organizationId and -c orgTargets',
    );
  }
  if ((c.centralAlertTopicArn === undefined) !== (c.centralAlertKeyArn === undefined)) {
    throw new DeployConfigError(
      'Invalid deploy configuration:\n  -c centralAlertTopicArn and -c centralAlertKeyArn go together (the central topic is encrypted)',
    );
  }
  if (c.centralAlerts === true && c.organizationId === undefined) {
    throw new DeployConfigError('Invalid deploy configuration:\n  -c centralAlerts needs -c organizationId');
  }
  const account = c.account ?? where.env.CDK_DEFAULT_ACCOUNT;
  const extraRegions = [...new Set(c.extraRegions)].filter((r) => r !== region);
  return {
    stackName: c.stackName,
    region,
    ...(account !== undefined && /^\d{12}$/.test(account) ? { account } : {}),
    alertEmails: [...new Set(c.alertEmails)],
    ...(c.slackWebhookSecretArn !== undefined ? { slackWebhookSecretArn: c.slackWebhookSecretArn } : {}),
    ...(c.slackWebhookParameterName !== undefined
      ? { slackWebhookParameterName: c.slackWebhookParameterName }
      : {}),
    ...(c.slackWebhookAllowedHosts !== undefined && c.slackWebhookAllowedHosts.length > 0
      ? { slackWebhookAllowedHosts: [...new Set(c.slackWebhookAllowedHosts)] }
      : {}),
    ...(c.chatbotTopic !== undefined ? { chatbotTopic: c.chatbotTopic } : {}),
    ...(c.bigChangeThreshold !== undefined ? { bigChangeThreshold: c.bigChangeThreshold } : {}),
    ...(c.lambdaRequestsPerSecond !== undefined
      ? { lambdaRequestsPerSecond: c.lambdaRequestsPerSecond }
      : {}),
    schedule: c.schedule,
    minSeverity: c.minSeverity,
    ...(c.awsManagedBaselineSeverity !== undefined
      ? { awsManagedBaselineSeverity: c.awsManagedBaselineSeverity }
      : {}),
    suppressions:
      c.suppressionsFile === undefined ? [] : await readSuppressions(resolve(where.cwd, c.suppressionsFile)),
    tagSuppression,
    extraRegions,
    ...(c.trail !== undefined ? { trail: c.trail } : {}),
    ...(c.securityHub === true ? { securityHub: true } : {}),
    ...(c.orgAssetBucketPrefix !== undefined && c.organizationId !== undefined && c.orgTargets !== undefined
      ? {
          organization: {
            bucketPrefix: c.orgAssetBucketPrefix,
            organizationId: c.organizationId,
            targets: [...new Set(c.orgTargets)],
            centralAlerts: c.centralAlerts === true,
          },
        }
      : {}),
    ...(c.centralAlertTopicArn !== undefined && c.centralAlertKeyArn !== undefined
      ? { centralAlertTopicArn: c.centralAlertTopicArn, centralAlertKeyArn: c.centralAlertKeyArn }
      : {}),
  };
}

async function readSuppressions(path: string): Promise<Suppression[]> {
  try {
    return await loadSuppressionsFile(path);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DeployConfigError(`-c suppressionsFile: ${message}`, { cause });
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    // Comma lists are validated item by item after the split.
    if (typeof current === 'string' && typeof key === 'number') current = splitList(current);
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
