/**
 * Subscribed to the alert topic when the stack creates the Chatbot topic (`-c chatbotTopic=true`):
 * republishes each alert as an AWS Chatbot custom notification on the topic in CHATBOT_TOPIC_ARN, the one
 * a chat channel is mapped to. A failed publish throws, so that Lambda's asynchronous retries (and the
 * function's dead-letter queue) keep the alert. The logic is in shared/app/notify-chatbot.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { createTopicMessagePublisher } from '../../shared/adapters/notifier/sns-notifier.js';
import { notifyChatbot } from '../../shared/app/notify-chatbot.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { createLogger } from '../commons/logger.js';

const logger = createLogger('lambda-role-audit-chatbot-notifier');

function topicArn(): string {
  const arn = process.env.CHATBOT_TOPIC_ARN?.trim();
  if (!arn || !/^arn:[^:]+:sns:/.test(arn))
    throw new ConfigurationError('CHATBOT_TOPIC_ARN is not an SNS topic ARN');
  return arn;
}

const publish = createTopicMessagePublisher({
  client: new SNSClient({ retryMode: 'adaptive', maxAttempts: 5 }),
  topicArn: topicArn(),
});

async function deliver(event: SNSEvent): Promise<void> {
  await notifyChatbot(
    event.Records.map((record) => ({
      messageId: record.Sns.MessageId,
      subject: record.Sns.Subject,
      message: record.Sns.Message,
    })),
    { publish, logger },
  );
}

export const handler = middy(deliver).use(injectLambdaContext(logger));
