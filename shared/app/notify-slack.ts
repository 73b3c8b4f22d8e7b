/**
 * The Slack use case: an SNS alert in (the String message the change handler or the sweep published), a
 * Block Kit message posted to the incoming webhook. Messages without alert JSON (someone else published
 * to the topic) are posted as their subject only, so nothing sent to the topic goes unseen.
 */
import { plain, slackText } from '../alerts/escape.js';
import { renderSlackMessage, type SlackMessage } from '../alerts/render-chat.js';
import { extractAlertDocument } from '../alerts/sns-message.js';
import type { LogSink } from './handle-changes.js';

export interface SnsNotification {
  readonly messageId: string;
  readonly subject?: string | null;
  readonly message: string;
}

export async function notifySlack(
  notifications: readonly SnsNotification[],
  deps: { readonly post: (message: SlackMessage) => Promise<void>; readonly logger: LogSink },
): Promise<void> {
  for (const notification of notifications) {
    const document = extractAlertDocument(notification.message);
    // Another publisher's subject (a CloudWatch alarm's, say) is text like any other: escaped for Slack.
    const slack: SlackMessage = document
      ? renderSlackMessage(document)
      : {
          text: slackText(plain(notification.subject ?? 'lambda-role-audit: a message without alert JSON')),
          blocks: [],
        };
    await deps.post(slack);
    deps.logger.info('posted to Slack', {
      snsMessageId: notification.messageId,
      alertId: document?.alertId,
      blocks: slack.blocks.length,
    });
  }
}
