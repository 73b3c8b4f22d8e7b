/**
 * The Chatbot notifier handler, the real module configured by its environment: it takes the alert
 * topic's SNS event and publishes the custom notification on the Chatbot topic, here a moto topic with a
 * queue subscribed that captures what Chatbot would receive.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SNSEvent } from 'aws-lambda';
import { renderSnsAlert } from '../../shared/alerts/sns-message.js';
import { type MotoServer, startMotoServer } from '../support/moto.js';
import { motoClients } from '../support/moto-account.js';
import { breakAlert } from '../unit/alerts/alert-cases.js';
import { type AlertCapture, createAlertCapture } from './handler-harness.js';

const context = {
  functionName: 'chatbot-notifier',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

let moto: MotoServer;
let capture: AlertCapture;
let sns: SNSClient;
let handler: (event: SNSEvent, context: Context) => Promise<void>;

function snsEvent(message: string, subject: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
          Subject: subject,
          Message: message,
          Timestamp: '2026-11-26T14:02:31.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

beforeAll(async () => {
  moto = await startMotoServer('us-east-1');
  sns = new SNSClient(moto.clientConfig);
  capture = await createAlertCapture({ sns, sqs: motoClients(moto).sqs }, 'chatbot');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    CHATBOT_TOPIC_ARN: capture.topicArn,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = await import('../../functions/chatbot-notifier/handler.js'));
});

afterAll(async () => {
  sns?.destroy();
  await moto?.stop();
});

describe('Chatbot notifier', () => {
  it('publishes the alert as a custom notification, the whole message of the Chatbot topic', async () => {
    const alert = renderSnsAlert(breakAlert());
    await handler(snsEvent(alert.message, alert.subject), context);
    const [published, ...more] = await capture.receive();
    expect(more).toEqual([]);
    const notification = JSON.parse(published?.message ?? '{}');
    expect(notification).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: alert.document.alertId,
      content: {
        textType: 'client-markdown',
        title:
          'orders-consumer can no longer receive from SQS queue orders-queue (mapping 7a3c9e51…) +1 more',
      },
    });
    expect(notification.content.description).toContain('aws iam put-role-policy');
  });

  it('forwards the stack’s CloudWatch alarms unchanged, which Chatbot formats itself', async () => {
    const alarm = JSON.stringify({
      AlarmName: 'LambdaRoleAudit-ChangeEventDeadLetterAlarm',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed',
    });
    await handler(snsEvent(alarm, 'ALARM: "LambdaRoleAudit-ChangeEventDeadLetterAlarm"'), context);
    const [published] = await capture.receive();
    expect(published?.message).toBe(alarm);
  });

  it('names anything else by its subject, escaped', async () => {
    await handler(snsEvent('plain text', '<!channel> look at https://evil.example'), context);
    const [published] = await capture.receive();
    const notification = JSON.parse(published?.message ?? '{}');
    expect(notification.content.title).toBe('‹!channel› look at https[:]//evil.example');
  });
});
