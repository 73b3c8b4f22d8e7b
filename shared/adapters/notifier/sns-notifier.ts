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

/** Where a failed best-effort publish is reported (a logger's warn). */
export type PublishFailure = (topicArn: string, error: unknown) => void;

/**
 * The stack's own topic, then the organization's central topic, best effort: the own topic decides
 * (its failure rejects, and the caller retries); a central topic that is unreachable or refuses is
 * reported through `onCentralFailure` and never fails the alert, so that a member keeps working alone.
 */
export function withCentralTopic(
  own: AlertPublisher,
  central: AlertPublisher,
  centralTopicArn: string,
  onCentralFailure: PublishFailure,
): AlertPublisher {
  return {
    async publish(alert) {
      const messageId = await own.publish(alert);
      try {
        await central.publish(alert);
      } catch (error) {
        onCentralFailure(centralTopicArn, error);
      }
      return messageId;
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
