/**
 * The handlers' configuration, from their environment, parsed once with zod at cold start. A bad value
 * fails the cold start with a message naming the variable (never its value: some are ARNs of secrets).
 */
import * as z from 'zod';
import { parseSeverity } from '../../shared/alerts/alert-document.js';
import { ConfigurationError, InputError } from '../../shared/domain/errors.js';
import type { Severity } from '../../shared/domain/report.js';
import { BASELINE_SEVERITIES, type BaselineSeverity } from '../../shared/domain/rules/managed-baseline.js';
import {
  parseSuppressions,
  parseTagSuppressionPolicy,
  type Suppression,
  type TagSuppressionPolicy,
} from '../../shared/domain/suppressions.js';

export interface AuditorConfig {
  readonly stateTableName: string;
  readonly alertTopicArn: string;
  readonly minSeverity: Severity;
  /** The severity of excess findings that only AWS's recommended managed policies cause. */
  readonly awsManagedBaseline?: BaselineSeverity;
  readonly suppressions: readonly Suppression[];
  /** What the suppress tag may suppress (TAG_SUPPRESS_MAX_SEVERITY, TAG_SUPPRESS_RULES). */
  readonly tagSuppression: TagSuppressionPolicy;
  /** This account (ACCOUNT_ID; else the alert topic's, which the stack creates here): events of others are dropped. */
  readonly account: string;
  /** The regions whose functions are audited (IAM changes can affect functions in any of them). */
  readonly auditRegions: readonly string[];
  readonly region: string;
  /** The fan-out's work queue (WORK_QUEUE_URL): the sweep and big changes run as chunks on the worker. */
  readonly workQueueUrl?: string;
  /**
   * Lambda requests per second (LAMBDA_REQUESTS_PER_SECOND): with `lambdaPaceInvocations`, the budget every
   * invocation of the stack shares per Region; without, the pace of this invocation alone.
   */
  readonly lambdaRequestsPerSecond?: number;
  /**
   * LAMBDA_PACE_INVOCATIONS: the most invocations of the stack that read Lambda at once. Set, the Lambda
   * pace is shared through the state table (lambda-pace.ts), and falls back to the budget divided by this.
   */
  readonly lambdaPaceInvocations?: number;
  /** SECURITY_HUB=true: findings also go to Security Hub in this region, on the account's default product. */
  readonly securityHub?: boolean;
  /** The partition of the alert topic (aws, aws-cn, aws-us-gov): the product ARN is built with it. */
  readonly partition?: string;
  /** CENTRAL_ALERT_TOPIC_ARN: the organization's central topic, published to best effort. */
  readonly centralAlertTopicArn?: string;
  /** More functions than this with news from one change give one grouped alert (BIG_CHANGE_THRESHOLD, default 10). */
  readonly bigChangeThreshold?: number;
}

const required = (name: string) =>
  z
    .string({ error: `${name} is not set` })
    .trim()
    .min(1, { error: `${name} is empty` });

export function readAuditorConfig(env: Readonly<Record<string, string | undefined>>): AuditorConfig {
  const schema = z.object({
    STATE_TABLE_NAME: required('STATE_TABLE_NAME'),
    ALERT_TOPIC_ARN: required('ALERT_TOPIC_ARN').regex(/^arn:[^:]+:sns:/, {
      error: 'ALERT_TOPIC_ARN is not an SNS topic ARN',
    }),
    AWS_REGION: required('AWS_REGION'),
  });
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigurationError(parsed.error.issues.map((i) => i.message).join('; '));
  const minSeverityRaw = env.ALERT_MIN_SEVERITY;
  const minSeverity = parseSeverity(minSeverityRaw, 'low');
  if (minSeverityRaw && minSeverityRaw.trim().toLowerCase() !== minSeverity) {
    throw new ConfigurationError('ALERT_MIN_SEVERITY must be one of critical, high, medium, low, info');
  }
  // Unset: the audit's default (info).
  const baselineRaw = env.AWS_MANAGED_BASELINE_SEVERITY?.trim().toLowerCase();
  const awsManagedBaseline =
    baselineRaw === undefined || baselineRaw === ''
      ? undefined
      : BASELINE_SEVERITIES.find((severity) => severity === baselineRaw);
  if (baselineRaw !== undefined && baselineRaw !== '' && awsManagedBaseline === undefined) {
    throw new ConfigurationError(
      `AWS_MANAGED_BASELINE_SEVERITY must be one of ${BASELINE_SEVERITIES.join(', ')}`,
    );
  }
  let suppressions: Suppression[] = [];
  if (env.SUPPRESSIONS && env.SUPPRESSIONS.trim() !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(env.SUPPRESSIONS);
    } catch (error) {
      throw new ConfigurationError('SUPPRESSIONS is not JSON (expected an array of suppressions)', {
        cause: error,
      });
    }
    suppressions = parseSuppressions(raw, 'the SUPPRESSIONS environment variable');
  }
  const tagSuppression = readTagSuppression(env);
  const account = env.ACCOUNT_ID?.trim() || parsed.data.ALERT_TOPIC_ARN.split(':')[4] || '';
  if (!/^\d{12}$/.test(account)) {
    throw new ConfigurationError(
      env.ACCOUNT_ID ? 'ACCOUNT_ID is not a 12-digit account id' : 'ALERT_TOPIC_ARN names no account id',
    );
  }
  const regions = (env.AUDIT_REGIONS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      throw new ConfigurationError(`AUDIT_REGIONS holds "${region}", not a region name`);
  }
  const workQueueUrl = env.WORK_QUEUE_URL?.trim();
  if (
    workQueueUrl &&
    !/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]+$/.test(workQueueUrl)
  )
    throw new ConfigurationError('WORK_QUEUE_URL is not an SQS queue URL');
  const rateRaw = env.LAMBDA_REQUESTS_PER_SECOND?.trim();
  const rate = rateRaw ? Number(rateRaw) : undefined;
  if (rate !== undefined && !(rate > 0 && rate <= 15))
    throw new ConfigurationError('LAMBDA_REQUESTS_PER_SECOND must be a number above 0 and at most 15');
  let lambdaPaceInvocations: number | undefined;
  const invocationsRaw = env.LAMBDA_PACE_INVOCATIONS?.trim();
  if (invocationsRaw !== undefined && invocationsRaw !== '') {
    lambdaPaceInvocations = Number(invocationsRaw);
    if (!/^\d{1,3}$/.test(invocationsRaw) || lambdaPaceInvocations < 1)
      throw new ConfigurationError(
        'LAMBDA_PACE_INVOCATIONS must be a whole number of invocations, 1 or more',
      );
    if (rate !== undefined && rate < 2)
      throw new ConfigurationError('LAMBDA_REQUESTS_PER_SECOND must be 2 or more when the pace is shared');
  }
  const securityHubRaw = env.SECURITY_HUB?.trim().toLowerCase() ?? '';
  if (!['', 'true', 'false'].includes(securityHubRaw)) {
    throw new ConfigurationError('SECURITY_HUB must be true or false');
  }
  const central = env.CENTRAL_ALERT_TOPIC_ARN?.trim() ?? '';
  if (central !== '' && !/^arn:[^:]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(central)) {
    throw new ConfigurationError('CENTRAL_ALERT_TOPIC_ARN is not an SNS topic ARN');
  }
  let bigChangeThreshold: number | undefined;
  const thresholdRaw = env.BIG_CHANGE_THRESHOLD?.trim();
  if (thresholdRaw !== undefined && thresholdRaw !== '') {
    bigChangeThreshold = Number(thresholdRaw);
    if (!/^\d{1,6}$/.test(thresholdRaw) || bigChangeThreshold < 1)
      throw new ConfigurationError('BIG_CHANGE_THRESHOLD must be a whole number of functions, 1 or more');
  }
  return {
    ...(workQueueUrl ? { workQueueUrl } : {}),
    ...(rate !== undefined ? { lambdaRequestsPerSecond: rate } : {}),
    ...(lambdaPaceInvocations === undefined ? {} : { lambdaPaceInvocations }),
    ...(bigChangeThreshold === undefined ? {} : { bigChangeThreshold }),
    stateTableName: parsed.data.STATE_TABLE_NAME,
    alertTopicArn: parsed.data.ALERT_TOPIC_ARN,
    minSeverity,
    ...(awsManagedBaseline === undefined ? {} : { awsManagedBaseline }),
    suppressions,
    tagSuppression,
    account,
    auditRegions: regions.length > 0 ? [...new Set(regions)] : [parsed.data.AWS_REGION],
    region: parsed.data.AWS_REGION,
    // Only when on, so that a default deployment's configuration is unchanged.
    ...(securityHubRaw === 'true'
      ? { securityHub: true, partition: parsed.data.ALERT_TOPIC_ARN.split(':')[1] || 'aws' }
      : {}),
    ...(central !== '' ? { centralAlertTopicArn: central } : {}),
  };
}

/** TAG_SUPPRESS_MAX_SEVERITY and TAG_SUPPRESS_RULES; an error names the variable, not its value. */
function readTagSuppression(env: Readonly<Record<string, string | undefined>>): TagSuppressionPolicy {
  const origin = { maxSeverity: 'TAG_SUPPRESS_MAX_SEVERITY', rules: 'TAG_SUPPRESS_RULES' };
  const expected = {
    maxSeverity: 'TAG_SUPPRESS_MAX_SEVERITY must be none, critical, high, medium, low or info',
    rules: 'TAG_SUPPRESS_RULES must be all or a comma list of rule names',
  };
  for (const key of ['maxSeverity', 'rules'] as const) {
    try {
      parseTagSuppressionPolicy({ [key]: env[origin[key]] }, origin);
    } catch (error) {
      if (error instanceof InputError) throw new ConfigurationError(expected[key], { cause: error });
      throw error;
    }
  }
  return parseTagSuppressionPolicy(
    { maxSeverity: env.TAG_SUPPRESS_MAX_SEVERITY, rules: env.TAG_SUPPRESS_RULES },
    origin,
  );
}
