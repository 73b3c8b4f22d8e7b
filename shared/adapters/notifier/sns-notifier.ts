/** Publishes rendered alerts to the alert topic. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SnsAlertMessage } from '../../alerts/sns-message.js';

export interface AlertPublisher {
  /** Resolves to the SNS MessageId; rejects when SNS did not take the message (the caller retries). */
  publish(alert: SnsAlertMessage): Promise<string | undefined>;
}

export function createSnsPublisher(options: { client: SNSClient; topicArn: string }): AlertPublisher {
  return {
    async publish(alert) {
      const output = await options.client.send(
        new PublishCommand({
          TopicArn: options.topicArn,
          Subject: alert.subject,
          Message: alert.message,
          MessageAttributes: alert.messageAttributes,
        }),
      );
      return output.MessageId;
    },
  };
}

/** Publishes a message as it is (no subject, no attributes): the AWS Chatbot topic takes its JSON whole. */
export function createTopicMessagePublisher(options: {
  client: SNSClient;
  topicArn: string;
}): (message: string) => Promise<string | undefined> {
  return async (message) => {
    const output = await options.client.send(
      new PublishCommand({ TopicArn: options.topicArn, Message: message }),
    );
    return output.MessageId;
  };
}
