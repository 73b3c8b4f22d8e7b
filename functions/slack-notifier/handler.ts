/**
 * Subscribed to the alert topic: posts each alert to Slack through an incoming webhook whose URL is kept
 * in Secrets Manager (SLACK_WEBHOOK_SECRET_ARN) or SSM Parameter Store (SLACK_WEBHOOK_PARAMETER_NAME),
 * on `hooks.slack.com` unless SLACK_WEBHOOK_ALLOWED_HOSTS names other hosts. A failed post throws (with
 * no part of the URL in the error), so that Lambda's asynchronous retries (and the function's failure
 * destination) keep the alert.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import {
  createSlackPoster,
  createWebhookUrlProvider,
  parseAllowedHosts,
} from '../../shared/adapters/notifier/slack-webhook.js';
import { notifySlack } from '../../shared/app/notify-slack.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { createLogger } from '../commons/logger.js';

const logger = createLogger('lambda-role-audit-slack-notifier');

function webhookUrl() {
  const secretId = process.env.SLACK_WEBHOOK_SECRET_ARN?.trim();
  const parameterName = process.env.SLACK_WEBHOOK_PARAMETER_NAME?.trim();
  const allowedHosts = parseAllowedHosts(process.env.SLACK_WEBHOOK_ALLOWED_HOSTS);
  if (secretId)
    return createWebhookUrlProvider(
      { kind: 'secret', client: new SecretsManagerClient({}), secretId },
      { allowedHosts },
    );
  if (parameterName)
    return createWebhookUrlProvider(
      { kind: 'parameter', client: new SSMClient({}), name: parameterName },
      { allowedHosts },
    );
  throw new ConfigurationError('set SLACK_WEBHOOK_SECRET_ARN or SLACK_WEBHOOK_PARAMETER_NAME');
}

const post = createSlackPoster({ webhookUrl: webhookUrl() });

async function deliver(event: SNSEvent): Promise<void> {
  await notifySlack(
    event.Records.map((record) => ({
      messageId: record.Sns.MessageId,
      subject: record.Sns.Subject,
      message: record.Sns.Message,
    })),
    { post, logger },
  );
}

export const handler = middy(deliver).use(injectLambdaContext(logger));
