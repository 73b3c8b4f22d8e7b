/**
 * The Chatbot use case: an SNS alert in (the String message the change handler or the sweep published to
 * the alert topic), its AWS Chatbot (Amazon Q Developer in chat applications) custom notification out, as
 * the whole message of the topic mapped to the chat channel. Chatbot reads a topic's messages as a whole
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html), so it cannot subscribe to
 * the alert topic, whose message is email text followed by the alert JSON.
 *
 * A message without alert JSON on the alert topic is a CloudWatch alarm of the stack (a dead-letter queue
 * filled, a handler failed: the topic admits no other publisher): Chatbot formats CloudWatch alarm
 * notifications itself, so such a message is forwarded unchanged; anything else becomes a short custom
 * notification naming its subject, escaped.
 */
import { chatbotPlain } from '../alerts/escape.js';
import { renderChatbotNotification } from '../alerts/render-chat.js';
import { extractAlertDocument } from '../alerts/sns-message.js';
import type { LogSink } from './handle-changes.js';
import type { SnsNotification } from './notify-slack.js';

function isCloudWatchAlarm(message: string): boolean {
  if (!message.trimStart().startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(message);
    return (
      parsed !== null &&
      typeof parsed === 'object' &&
      typeof (parsed as Record<string, unknown>).AlarmName === 'string' &&
      typeof (parsed as Record<string, unknown>).NewStateValue === 'string'
    );
  } catch {
    return false;
  }
}

/** The message to publish on the Chatbot topic for one notification of the alert topic. */
export function chatbotMessageFor(notification: SnsNotification): { message: string; kind: string } {
  const document = extractAlertDocument(notification.message);
  if (document) return { message: JSON.stringify(renderChatbotNotification(document)), kind: document.type };
  if (isCloudWatchAlarm(notification.message)) return { message: notification.message, kind: 'alarm' };
  const title = chatbotPlain(notification.subject ?? 'A message on the lambda-role-audit alert topic');
  return {
    message: JSON.stringify({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: title.slice(0, 250),
        description: 'A message without alert JSON on the alert topic: see the alert email.',
      },
    }),
    kind: 'other',
  };
}

export async function notifyChatbot(
  notifications: readonly SnsNotification[],
  deps: { readonly publish: (message: string) => Promise<string | undefined>; readonly logger: LogSink },
): Promise<void> {
  for (const notification of notifications) {
    const { message, kind } = chatbotMessageFor(notification);
    const messageId = await deps.publish(message);
    deps.logger.info('published to the Chatbot topic', {
      snsMessageId: notification.messageId,
      chatbotMessageId: messageId,
      kind,
    });
  }
}
